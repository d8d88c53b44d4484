// What the rest of the app uses from attachments: the timeline's tile.
export { default as MediaTile } from "./MediaTile.svelte";
export { mediaUrl, pendingUrl } from "./mediaUrl";
