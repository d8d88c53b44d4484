// The live check of a new password against the server's rules (the list
// comes from the backend, `password_policy.rs`). It counts characters as
// Synapse does, so that a ticked rule is one the server accepts: ASCII
// letters and digits, anything else is a special character.
import type { PasswordRule } from "../../bindings";
import { t } from "../../lib/i18n/locale.svelte";

/** Whether `password` follows `rule`; `null` for a rule only the server can check. */
export function ruleMet(rule: PasswordRule, password: string): boolean | null {
  switch (rule.kind) {
    case "minimumLength":
      // Code points, as the server counts them (an emoji is one character).
      return [...password].length >= rule.length;
    case "lowercase":
      return /[a-z]/.test(password);
    case "uppercase":
      return /[A-Z]/.test(password);
    case "digit":
      return /[0-9]/.test(password);
    case "symbol":
      return /[^a-zA-Z0-9]/.test(password);
    default:
      return null;
  }
}

/** The rules `password` does not follow yet (rules only the server knows are left to it). */
export function unmetRules(rules: PasswordRule[], password: string): PasswordRule[] {
  return rules.filter((rule) => ruleMet(rule, password) === false);
}

/** The rule as the checklist words it ("au moins 8 caractères"); an unknown one by its name. */
export function ruleText(rule: PasswordRule): string {
  switch (rule.kind) {
    case "minimumLength":
      return t("register.rule.minimumLength", { length: rule.length });
    case "unknown":
      return t("register.rule.unknown", { name: rule.name });
    default:
      return t(`register.rule.${rule.kind}`);
  }
}
