// What the rest of the app uses from links: the store that takes the links the shell received, and its dialog.
export { default as LinkDialog } from "./LinkDialog.svelte";
export { LinkStore } from "./links.svelte";
