import { intlLocale, translate, type Locale } from "./i18n/translate";

// Timestamps from the backend are milliseconds since the Unix epoch.

/** "14:05" (24-hour clock, local time). */
export function formatTime(timestamp: number, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale(locale), { hour: "2-digit", minute: "2-digit" }).format(
    new Date(timestamp),
  );
}

export function isSameDay(a: number | Date, b: number | Date): boolean {
  const x = new Date(a);
  const y = new Date(b);
  return x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate();
}

function isYesterday(timestamp: number, now: number): boolean {
  const n = new Date(now);
  // Built from the calendar date, so it stays right across DST changes.
  return isSameDay(timestamp, new Date(n.getFullYear(), n.getMonth(), n.getDate() - 1, 12));
}

/** Day separator: "Aujourd'hui", "Hier", else "lundi 23 novembre 2026". */
export function dayLabel(timestamp: number, now: number, locale: Locale): string {
  if (isSameDay(timestamp, now)) return translate(locale, "timeline.today");
  if (isYesterday(timestamp, now)) return translate(locale, "timeline.yesterday");
  return new Intl.DateTimeFormat(intlLocale(locale), {
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(new Date(timestamp));
}

/** Short time of a room's last message: "14:05", "Hier", "lun.", "23/11" or "23/11/2025". */
export function shortTimestamp(timestamp: number, now: number, locale: Locale): string {
  if (isSameDay(timestamp, now)) return formatTime(timestamp, locale);
  if (isYesterday(timestamp, now)) return translate(locale, "timeline.yesterday");
  const age = now - timestamp;
  const tag = intlLocale(locale);
  if (age > 0 && age < 6 * 24 * 3600 * 1000) {
    return new Intl.DateTimeFormat(tag, { weekday: "short" }).format(new Date(timestamp));
  }
  const sameYear = new Date(timestamp).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(tag, {
    day: "2-digit",
    month: "2-digit",
    ...(sameYear ? {} : { year: "numeric" }),
  }).format(new Date(timestamp));
}

/** Machine-readable value for `<time datetime>`. */
export function isoDateTime(timestamp: number): string {
  return new Date(timestamp).toISOString();
}

const SIZE_UNITS = ["size.bytes", "size.kb", "size.mb", "size.gb"] as const;

/** A file size as people read it: "2,4 Mo", "512 octets" (powers of 1024, as servers count their limits). */
export function formatSize(bytes: number, locale: Locale): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const n = new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
  return translate(locale, SIZE_UNITS[unit], { n });
}
