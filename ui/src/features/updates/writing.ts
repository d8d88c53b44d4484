/**
 * Whether the user is writing something a restart would lose. A room's
 * draft is not: it is saved (timeline/drafts.ts) and comes back after the
 * restart. A message being edited and a thread's answer are not kept.
 */
export function messageBeingWritten(): boolean {
  const unkept = document.querySelectorAll<HTMLTextAreaElement>("textarea.composer__input[data-editing], .thread__composer textarea");
  return Array.from(unkept).some((field) => field.value.trim() !== "");
}
