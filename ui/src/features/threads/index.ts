// A thread beside its room's timeline.
export { default as ThreadPanel } from "./ThreadPanel.svelte";
