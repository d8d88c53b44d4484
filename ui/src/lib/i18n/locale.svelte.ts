// The current language, as reactive state; components call t()/tn() in their
// markup and re-render when the language changes.
import type { AppError } from "../../bindings";
import { errorMessage } from "../errors";
import {
  DEFAULT_LOCALE,
  isLocale,
  translate,
  translatePlural,
  type Locale,
  type MessageKey,
  type Params,
  type PluralBase,
} from "./translate";

export const LOCALE_STORAGE_KEY = "tchap.locale";

function stored(): Locale {
  try {
    const value = localStorage.getItem(LOCALE_STORAGE_KEY);
    return isLocale(value) ? value : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

const state = $state<{ locale: Locale }>({ locale: DEFAULT_LOCALE });

export function currentLocale(): Locale {
  return state.locale;
}

/** Reads the saved choice (call once at start-up) and applies it. */
export function initLocale(): void {
  applyLocale(stored(), false);
}

export function setLocale(locale: Locale): void {
  applyLocale(locale, true);
}

function applyLocale(locale: Locale, save: boolean): void {
  state.locale = locale;
  document.documentElement.lang = locale;
  if (save) {
    try {
      localStorage.setItem(LOCALE_STORAGE_KEY, locale);
    } catch {
      // Storage unavailable: the choice lasts until the window closes.
    }
  }
}

export function t(key: MessageKey, params?: Params): string {
  return translate(state.locale, key, params);
}

export function tn(base: PluralBase, count: number, params?: Params): string {
  return translatePlural(state.locale, base, count, params);
}

/** The user-facing sentence for a command error, in the current language. */
export function errorText(error: { code: string; message?: string; server?: string | null }): string {
  return errorMessage(state.locale, error as AppError);
}
