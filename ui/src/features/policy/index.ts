// What the rest of the app uses from the administrator's policy: the banner
// when it cannot be read, and whether a setting is the organisation's.
export { default as PolicyBanner } from "./PolicyBanner.svelte";
export { isManaged, isSwitchedOff } from "./managed";
