// What the rest of the app uses from attachments: the per-room store, the preview dialog, the drop zone.
export { AttachmentsStore } from "./attachments.svelte";
export { default as AttachmentDialog } from "./AttachmentDialog.svelte";
export { default as DropZone } from "./DropZone.svelte";
