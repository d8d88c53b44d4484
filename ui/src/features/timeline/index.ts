// What the rest of the app uses from the timeline: a room's conversation, and the drafts (a thread's too).
export { default as Conversation } from "./Conversation.svelte";
export { clearDrafts, flushDraft, getDraft, loadDraft, setDraft } from "./drafts";
export type { JumpRequest } from "./jump";
export { provideMessageLinks } from "./formattedLinks";
export { default as TimelineEvent } from "./TimelineEvent.svelte";
export { userIsLooking } from "./readReceipts";
