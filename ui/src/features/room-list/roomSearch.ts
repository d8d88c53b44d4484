import type { RoomSummary } from "../../bindings";

/**
 * Lower case without accents or ligatures, so that "equipe" finds "Équipe"
 * and "soeur" finds "Sœur" (Element's search folds them the same way).
 */
export function searchKey(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replaceAll("œ", "oe")
    .replaceAll("æ", "ae");
}

export const isUnread = (room: RoomSummary): boolean => room.unreadCount > 0 || room.mentionCount > 0;

/**
 * What the room switcher lists for `query`. Empty: every room, the unread
 * ones first. Otherwise the rooms whose name contains the query, those where
 * it starts a word first. The given (sidebar) order is kept within each group.
 */
export function switcherResults(rooms: readonly RoomSummary[], query: string): RoomSummary[] {
  const needle = searchKey(query.trim());
  if (needle === "") return [...rooms.filter(isUnread), ...rooms.filter((r) => !isUnread(r))];
  const wordStarts: RoomSummary[] = [];
  const inside: RoomSummary[] = [];
  for (const room of rooms) {
    const name = searchKey(room.name);
    if (!name.includes(needle)) continue;
    (startsAWord(name, needle) ? wordStarts : inside).push(room);
  }
  return [...wordStarts, ...inside];
}

function startsAWord(text: string, needle: string): boolean {
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    if (at === 0 || /[\s\-'’([]/u.test(text.charAt(at - 1))) return true;
  }
  return false;
}

/**
 * The room Alt+↑/↓ (`step` -1/+1) goes to from `currentId`, wrapping around
 * the list as Element does; with `unreadOnly` (Alt+Shift), the next room
 * with unread messages. No room open: the first (or last) one. Undefined
 * when there is nowhere else to go.
 */
export function adjacentRoom(
  rooms: readonly RoomSummary[],
  currentId: string | null,
  step: 1 | -1,
  unreadOnly: boolean,
): RoomSummary | undefined {
  const candidates = unreadOnly ? rooms.filter((r) => r.id === currentId || isUnread(r)) : rooms;
  const index = candidates.findIndex((r) => r.id === currentId);
  if (index < 0) return step > 0 ? candidates[0] : candidates.at(-1);
  const next = candidates[(index + step + candidates.length) % candidates.length];
  return next?.id === currentId ? undefined : next;
}
