// What the rest of the app uses from the settings feature.
export { default as SecuritySettingsDialog } from "./SecuritySettingsDialog.svelte";
