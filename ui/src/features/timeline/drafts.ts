// Unsent text of each room's composer, kept while the app runs (not saved).
const drafts = new Map<string, string>();

export function getDraft(roomId: string): string {
  return drafts.get(roomId) ?? "";
}

export function setDraft(roomId: string, text: string): void {
  if (text) drafts.set(roomId, text);
  else drafts.delete(roomId);
}

export function clearDrafts(): void {
  drafts.clear();
}

/** Whether any room has unsent text (a restart would lose it). */
export function hasDrafts(): boolean {
  return drafts.size > 0;
}
