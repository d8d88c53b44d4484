// What the rest of the app uses from the sync feature: the background sync state and its indicator.
export { default as SyncIndicator } from "./SyncIndicator.svelte";
export { SyncStore } from "./sync.svelte";
