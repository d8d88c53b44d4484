// What the rest of the app uses from the verification feature: a verification flow and its
// steps, the dialog answering another session's request, the dialog verifying another user.
export { default as IncomingVerificationDialog } from "./IncomingVerificationDialog.svelte";
export { default as UserVerifyDialog } from "./UserVerifyDialog.svelte";
export { VerificationFlow } from "./verification.svelte";
export { default as VerificationSteps } from "./VerificationSteps.svelte";
