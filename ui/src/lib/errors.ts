import type { AppError, ErrorCode } from "../bindings";
import type { fr } from "./i18n/fr";
import { hasKey, translate, type Locale } from "./i18n/translate";

// Compile-time check: every ErrorCode of the contract has a sentence.
type ErrorKeys = `error.${ErrorCode}`;
type Missing = Exclude<ErrorKeys, keyof typeof fr>;
const _everyCodeHasASentence: Missing extends never ? true : Missing = true;
void _everyCodeHasASentence;

/**
 * A sentence for a non-technical user, naming the server when the backend
 * says which one and the code has a `.named` sentence (an untrusted
 * certificate). Unknown codes (a newer backend) fall back to the generic
 * "unexpected error" sentence. The backend's technical `message` is never
 * shown; it is logged for support.
 */
export function errorMessage(locale: Locale, error: Pick<AppError, "code" | "server"> & { message?: string }): string {
  const named = `error.${error.code}.named`;
  if (error.server && hasKey(named)) return translate(locale, named, { server: error.server });
  const key = `error.${error.code}`;
  return translate(locale, hasKey(key) ? key : "error.internal");
}
