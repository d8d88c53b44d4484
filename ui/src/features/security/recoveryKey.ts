/** Compares a typed recovery key with the one shown, ignoring spaces and line breaks. */
export function sameRecoveryKey(typed: string, shown: string): boolean {
  const normalize = (key: string) => key.replace(/\s+/g, "");
  return normalize(typed) !== "" && normalize(typed) === normalize(shown);
}
