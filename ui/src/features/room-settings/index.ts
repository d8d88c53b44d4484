// What the rest of the app uses from the room settings feature: the kind
// label of the room header and the settings dialog.
export { default as RoomAccessLabel } from "./RoomAccessLabel.svelte";
export { default as RoomSettingsDialog } from "./RoomSettingsDialog.svelte";
