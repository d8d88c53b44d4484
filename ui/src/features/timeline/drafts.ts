// Unsent text of each composer, with its pills and the message it answers:
// the room's composer, and each thread's answer field apart. In memory while
// the app runs, and saved by the backend (in the session's encrypted store)
// so that it outlives a restart, as in Element.
import { commands, type ReplyPreview } from "../../bindings";
import { t } from "../../lib/i18n/locale.svelte";
import { call } from "../../lib/ipc";
import { quoteOf, type ComposerMode } from "./composerMode";
import { EVERYONE, toParts, type Mention } from "./mentions";

export type ReplyMode = Extract<ComposerMode, { kind: "reply" }>;
export type Draft = { text: string; mentions: Mention[]; reply?: ReplyMode | null };

/** Typing saves at most this often; leaving the room saves at once. */
export const SAVE_DELAY_MS = 800;

/** Where a draft is written: a room's composer, or a thread's (by its root). */
type Place = { roomId: string; threadRoot: string | null };

const drafts = new Map<string, Draft>();
const unsaved = new Map<string, ReturnType<typeof setTimeout>>();
const places = new Map<string, Place>();

function keyOf(roomId: string, threadRoot: string | null): string {
  const key = threadRoot === null ? roomId : `${roomId} ${threadRoot}`;
  places.set(key, { roomId, threadRoot });
  return key;
}

/** The draft already known this run, if any (see `loadDraft` for a saved one). */
export function getDraft(roomId: string, threadRoot: string | null = null): Draft | null {
  return drafts.get(keyOf(roomId, threadRoot)) ?? null;
}

/** The draft: from this run, else the one saved before (null if none or unreadable). */
export async function loadDraft(roomId: string, threadRoot: string | null = null): Promise<Draft | null> {
  const key = keyOf(roomId, threadRoot);
  const known = drafts.get(key);
  if (known) return known;
  const res = await call(commands.loadDraft(roomId, threadRoot));
  if (res.status === "error" || !res.data) return null;
  // The user may have typed while it loaded: what they typed wins.
  if (drafts.has(key)) return drafts.get(key)!;
  const mentions: Mention[] = res.data.mentions.flatMap((part) =>
    part.type === "text" ? [] : [{ label: part.type === "atRoom" ? EVERYONE.label : part.name, part }],
  );
  const saved = { text: res.data.text, mentions, reply: res.data.replyTo ? replyMode(res.data.replyTo) : null };
  drafts.set(key, saved);
  return saved;
}

/** The composer's reply banner for a saved reply; a message not found still shows it is a reply. */
function replyMode(preview: ReplyPreview): ReplyMode {
  const { quoted } = preview;
  if (quoted.state !== "ready") return { kind: "reply", eventId: preview.eventId, senderName: "", quote: "" };
  return { kind: "reply", eventId: preview.eventId, senderName: quoted.senderName, quote: quoteOf(quoted.content, quoted.senderName, t) };
}

export function setDraft(roomId: string, draft: Draft, threadRoot: string | null = null): void {
  const key = keyOf(roomId, threadRoot);
  const previous = drafts.get(key);
  const reply = draft.reply ?? null;
  const sameMentions = previous && (previous.mentions === draft.mentions || (previous.mentions.length === 0 && draft.mentions.length === 0));
  if (previous?.text === draft.text && sameMentions && (previous.reply ?? null) === reply) return;
  if (!previous && draft.text === "") return; // nothing typed: nothing to save over
  // An emptied field is kept as such: the saved draft is being cleared.
  drafts.set(key, { ...draft, reply });
  clearTimeout(unsaved.get(key));
  unsaved.set(
    key,
    setTimeout(() => void saveDraft(key), SAVE_DELAY_MS),
  );
}

/** Saves now what waits to be saved (the composer is going away). */
export function flushDraft(roomId: string, threadRoot: string | null = null): void {
  const key = keyOf(roomId, threadRoot);
  if (unsaved.has(key)) void saveDraft(key);
}

/** Saves every draft that waits to be saved (before the app restarts for an update). */
export async function saveAllDrafts(): Promise<void> {
  await Promise.all([...unsaved.keys()].map(saveDraft));
}

async function saveDraft(key: string): Promise<void> {
  clearTimeout(unsaved.get(key));
  unsaved.delete(key);
  const draft = drafts.get(key);
  const place = places.get(key);
  if (!draft || !place) return;
  // An empty message clears the saved draft (and its reply with it).
  const parts = draft.text.trim() ? toParts(draft.text, draft.mentions) : [];
  await call(commands.saveDraft(place.roomId, place.threadRoot, { parts }, parts.length ? (draft.reply?.eventId ?? null) : null));
}

/** Forgets this run's drafts (the session ends); what was saved stays saved. */
export function clearDrafts(): void {
  for (const timer of unsaved.values()) clearTimeout(timer);
  unsaved.clear();
  drafts.clear();
  places.clear();
}
