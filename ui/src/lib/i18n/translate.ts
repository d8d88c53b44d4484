import { en } from "./en";
import { fr, type MessageKey, type Messages } from "./fr";

export type { MessageKey };
export type Locale = "fr" | "en";
export const LOCALES: readonly Locale[] = ["fr", "en"];
export const DEFAULT_LOCALE: Locale = "fr";

/** Native names, shown as-is whatever the current language. */
export const LOCALE_NAMES: Record<Locale, string> = { fr: "Français", en: "English" };

const catalogs: Record<Locale, Messages> = { fr, en };

/** BCP 47 tag used with `Intl` (24-hour clock in both languages). */
export function intlLocale(locale: Locale): string {
  return locale === "fr" ? "fr-FR" : "en-GB";
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

export type Params = Record<string, string | number>;

/** Looks `key` up and replaces `{name}` placeholders with `params`. */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const template = catalogs[locale][key] ?? fr[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The messages that come in `.one` and `.other` forms. */
export type PluralBase = MessageKey extends infer K ? (K extends `${infer B}.one` ? B : never) : never;

/** Plural form: picks `${base}.one` or `${base}.other` and passes `count`. */
export function translatePlural(locale: Locale, base: PluralBase, count: number, params?: Params): string {
  const rule = new Intl.PluralRules(intlLocale(locale)).select(count);
  const key = `${base}.${rule === "one" ? "one" : "other"}` as MessageKey;
  return translate(locale, key, { ...params, count });
}

export function hasKey(key: string): key is MessageKey {
  return key in fr;
}
