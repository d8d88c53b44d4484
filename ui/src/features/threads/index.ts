// A thread beside its room's timeline.
export { default as ThreadPanel } from "./ThreadPanel.svelte";
export { default as ThreadList } from "./ThreadList.svelte";
export { rootOfSummary } from "./threadList.svelte";
