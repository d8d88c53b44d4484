// What the rest of the app uses from Settings → À propos.
export { default as AboutSection } from "./AboutSection.svelte";
