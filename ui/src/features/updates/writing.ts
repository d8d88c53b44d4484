import { hasDrafts } from "../timeline/drafts";

/** Whether the user is writing a message: a room's draft, or a message being edited. */
export function messageBeingWritten(): boolean {
  if (hasDrafts()) return true;
  const fields = document.querySelectorAll<HTMLTextAreaElement>("textarea.composer__input");
  return Array.from(fields).some((field) => field.value.trim() !== "");
}
