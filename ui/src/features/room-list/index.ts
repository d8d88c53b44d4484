// What the rest of the app uses from the room list: the sidebar, its store, and the view of an opened invitation.
export { default as InviteView } from "./InviteView.svelte";
export { RoomListStore } from "./roomList.svelte";
export { default as Sidebar } from "./Sidebar.svelte";
