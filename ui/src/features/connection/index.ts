// What the rest of the app uses from the connection feature: the banner saying the app is offline or reconnecting.
export { default as ConnectionBanner } from "./ConnectionBanner.svelte";
