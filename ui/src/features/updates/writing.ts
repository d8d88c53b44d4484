/**
 * Whether the user is writing something a restart would lose. Drafts are
 * not: a room's and a thread's answer are saved (timeline/drafts.ts) and
 * come back after the restart. A message being edited is not kept.
 */
export function messageBeingWritten(): boolean {
  const unkept = document.querySelectorAll<HTMLTextAreaElement>("textarea.composer__input[data-editing]");
  return Array.from(unkept).some((field) => field.value.trim() !== "");
}
