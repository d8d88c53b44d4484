// What the rest of the app uses from the security feature: the store and banners of what this
// session still needs, and the recovery key dialog (also opened from the settings).
export { default as RecoverySetupDialog } from "./RecoverySetupDialog.svelte";
export { default as SecurityCenter } from "./SecurityCenter.svelte";
export { SecurityStore } from "./security.svelte";
