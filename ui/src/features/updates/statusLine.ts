import type { UpdateStatus } from "../../bindings";
import { formatTime, dayLabel } from "../../lib/format";
import { intlLocale, translate, type Locale, type MessageKey, type Params } from "../../lib/i18n/translate";

/** The line Settings → À propos shows for the updater's status. */
export function statusLine(status: UpdateStatus, locale: Locale): string {
  const say = (key: MessageKey, params?: Params) => translate(locale, key, params);
  switch (status.kind) {
    case "managedByOrganisation":
      return say("updates.managedByOrganisation");
    case "disabled":
      return say("updates.disabled");
    case "noSource":
      return say("updates.noSource");
    case "noKey":
      return say("updates.noKey");
    case "checking":
      return say("updates.checking");
    case "upToDate":
      return status.refusedVersion
        ? `${say("updates.upToDate")} ${say("updates.refusedOlder", { version: status.refusedVersion })}`
        : say("updates.upToDate");
    case "downloading":
      return say("updates.downloading", { version: status.version });
    case "ready":
      return say("updates.ready", { version: status.version });
    case "failed":
      return status.reason === "insecure_endpoint"
        ? say("updates.failed.insecure_endpoint")
        : say(`updates.failed.${status.reason}`, { time: formatTime(status.retryAt, locale) });
    case "installing":
      return say("updates.installing", { version: status.version });
    case "installFailed":
      return say("updates.installFailed", { version: status.version });
  }
}

/** "Dernière vérification : aujourd'hui à 14:05", when a check answered. */
export function lastCheckLine(status: UpdateStatus, now: number, locale: Locale): string | null {
  if (status.kind !== "upToDate" && status.kind !== "failed") return null;
  const when = translate(locale, "updates.when", {
    day: dayLabel(status.checkedAt, now, locale).toLocaleLowerCase(intlLocale(locale)),
    time: formatTime(status.checkedAt, locale),
  });
  return translate(locale, "updates.lastCheck", { when });
}

/** Whether "Rechercher une mise à jour" has something to do. */
export function canCheck(status: UpdateStatus): boolean {
  return status.kind === "upToDate" || status.kind === "failed";
}
