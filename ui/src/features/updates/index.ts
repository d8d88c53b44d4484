// The updater: the banner once an update is ready (mounted in App.svelte), and
// the status line with "Rechercher une mise à jour" for Settings → À propos.
export { default as UpdateBanner } from "./UpdateBanner.svelte";
export { default as UpdateStatus } from "./UpdateStatus.svelte";
