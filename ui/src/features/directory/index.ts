// What the rest of the app uses from the directory: the person picker (for
// invitations), the direct chat picker, the directory dialog (people and
// forums) and the email invitation section of a room.
export { default as DirectoryDialog } from "./DirectoryDialog.svelte";
export { default as DmPicker } from "./DmPicker.svelte";
export { default as InviteByEmail } from "./InviteByEmail.svelte";
export { default as PersonPicker } from "./PersonPicker.svelte";
