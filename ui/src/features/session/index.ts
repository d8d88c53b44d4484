// What the rest of the app uses from the session feature: signing in, signing
// out, and the screens shown when the saved session cannot simply go on
// (locked keyring, password asked again, expired account).
export { default as ExpiredScreen } from "./ExpiredScreen.svelte";
export { default as LockedScreen } from "./LockedScreen.svelte";
export { default as LoginScreen } from "./LoginScreen.svelte";
export { default as LogoutDialog } from "./LogoutDialog.svelte";
export { default as ResumeScreen } from "./ResumeScreen.svelte";
export { SessionStore } from "./session.svelte";
