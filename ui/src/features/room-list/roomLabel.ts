import type { RoomSummary } from "../../bindings";
import { t, tn } from "../../lib/i18n/locale.svelte";
import { personLabel } from "../../lib/person";

/** A room's accessible name in a list: its name (a DM's person with their ministry, or "Externe") and unread counts. */
export function roomLabel(room: RoomSummary): string {
  const parts = [room.kind === "dm" ? personLabel({ name: room.name, domain: room.dmDomain, isExternal: room.dmIsExternal }, t) : room.name];
  if (room.unreadCount > 0) parts.push(tn("rooms.unread", room.unreadCount));
  if (room.mentionCount > 0) parts.push(tn("rooms.mentions", room.mentionCount));
  return parts.join(", ");
}

/** An invitation's accessible name: the room and who invited. */
export function inviteLabel(room: RoomSummary): string {
  const inviter = room.inviterName
    ? personLabel({ name: room.inviterName, domain: room.inviterDomain, isExternal: room.inviterIsExternal }, t)
    : null;
  return `${room.name}, ${inviter ? t("rooms.invitedBy", { name: inviter }) : t("rooms.invitation")}`;
}
