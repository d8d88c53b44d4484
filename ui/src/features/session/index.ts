// What the rest of the app uses from the session feature: signing in, signing out.
export { default as LoginScreen } from "./LoginScreen.svelte";
export { default as LogoutDialog } from "./LogoutDialog.svelte";
export { SessionStore } from "./session.svelte";
