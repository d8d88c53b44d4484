// What the rest of the app uses from the room list: the sidebar, its store, the view of an opened invitation,
// and keyboard travel between rooms (the Ctrl+K switcher, the room Alt+↑/↓ goes to).
export { default as InviteView } from "./InviteView.svelte";
export { RoomListStore } from "./roomList.svelte";
export { adjacentRoom } from "./roomSearch";
export { default as RoomSwitcher } from "./RoomSwitcher.svelte";
export { default as Sidebar } from "./Sidebar.svelte";
