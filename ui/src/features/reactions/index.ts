// Reactions under a message, and the quick reactions a message's action bar hosts.
export { default as QuickReactions } from "./QuickReactions.svelte";
export { default as Reactions } from "./Reactions.svelte";
export { toggleReaction } from "./reactions";
