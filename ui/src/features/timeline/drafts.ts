// Unsent text of each room's composer, with its pills: in memory while the
// app runs, and saved by the backend (in the session's encrypted store) so
// that it outlives a restart, as in Element.
import { commands } from "../../bindings";
import { call } from "../../lib/ipc";
import { EVERYONE, toParts, type Mention } from "./mentions";

export type Draft = { text: string; mentions: Mention[] };

/** Typing saves at most this often; leaving the room saves at once. */
export const SAVE_DELAY_MS = 800;

const drafts = new Map<string, Draft>();
const unsaved = new Map<string, ReturnType<typeof setTimeout>>();

/** The draft already known this run, if any (see `loadDraft` for a saved one). */
export function getDraft(roomId: string): Draft | null {
  return drafts.get(roomId) ?? null;
}

/** The room's draft: from this run, else the one saved before (null if none or unreadable). */
export async function loadDraft(roomId: string): Promise<Draft | null> {
  const known = drafts.get(roomId);
  if (known) return known;
  const res = await call(commands.loadDraft(roomId));
  if (res.status === "error" || !res.data) return null;
  // The user may have typed while it loaded: what they typed wins.
  if (drafts.has(roomId)) return drafts.get(roomId)!;
  const mentions: Mention[] = res.data.mentions.flatMap((part) =>
    part.type === "text" ? [] : [{ label: part.type === "atRoom" ? EVERYONE.label : part.name, part }],
  );
  const saved = { text: res.data.text, mentions };
  drafts.set(roomId, saved);
  return saved;
}

export function setDraft(roomId: string, draft: Draft): void {
  const previous = drafts.get(roomId);
  if (previous?.text === draft.text && previous.mentions === draft.mentions) return;
  if (!previous && draft.text === "") return; // nothing typed: nothing to save over
  // An emptied field is kept as such: the saved draft is being cleared.
  drafts.set(roomId, draft);
  clearTimeout(unsaved.get(roomId));
  unsaved.set(
    roomId,
    setTimeout(() => void saveDraft(roomId), SAVE_DELAY_MS),
  );
}

/** Saves now what waits to be saved (the composer is going away). */
export function flushDraft(roomId: string): void {
  if (unsaved.has(roomId)) void saveDraft(roomId);
}

/** Saves every draft that waits to be saved (before the app restarts for an update). */
export async function saveAllDrafts(): Promise<void> {
  await Promise.all([...unsaved.keys()].map(saveDraft));
}

async function saveDraft(roomId: string): Promise<void> {
  clearTimeout(unsaved.get(roomId));
  unsaved.delete(roomId);
  const draft = drafts.get(roomId);
  if (!draft) return;
  // An empty message clears the saved draft.
  await call(commands.saveDraft(roomId, { parts: draft.text.trim() ? toParts(draft.text, draft.mentions) : [] }));
}

/** Forgets this run's drafts (the session ends); what was saved stays saved. */
export function clearDrafts(): void {
  for (const timer of unsaved.values()) clearTimeout(timer);
  unsaved.clear();
  drafts.clear();
}

