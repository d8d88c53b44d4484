// What the rest of the app uses from the members feature.
export { default as MembersPanel } from "./MembersPanel.svelte";
