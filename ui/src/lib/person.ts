// People as Tchap shows them: "Prénom Nom", the ministry apart, externals
// marked. The core splits the names (`crates/tchap-core/src/identity/names.rs`).
import type { MessageKey, Params } from "./i18n/translate";

export interface Person {
  name: string;
  /** The ministry ("Dinum"…); none for externals. */
  domain?: string | null;
  isExternal?: boolean;
}

type Translate = (key: MessageKey, params?: Params) => string;

/** For an accessible name: "Alice Martin, Dinum" or "Nina Durand, Externe". */
export function personLabel(person: Person, t: Translate): string {
  const parts = [person.name];
  if (person.domain) parts.push(person.domain);
  if (person.isExternal) parts.push(t("person.external"));
  return parts.join(", ");
}

/** Stands for the person in a translated sentence (a private-use character). */
export const PERSON_MARK = "\u{E000}";

/** The sentence before and after the person, to show them as a component:
 *  `aroundPerson(t("invite.textFrom", { inviter: PERSON_MARK }))`. */
export function aroundPerson(sentence: string): [string, string] {
  const at = sentence.indexOf(PERSON_MARK);
  if (at < 0) return [sentence, ""];
  return [sentence.slice(0, at), sentence.slice(at + PERSON_MARK.length)];
}

type TranslatePlural = (base: "people.andOthers", count: number) => string;

/** "Alice, Bruno, Vous" (`me`: how we name ourselves, last), and "et 3 autres"
 *  when `total` is more than the people named. */
export function peopleList(names: string[], total: number, me: string | null, tn: TranslatePlural): string {
  const listed = me ? [...names, me] : names;
  const rest = total - listed.length;
  const text = listed.join(", ");
  return rest > 0 ? `${text} ${tn("people.andOthers", rest)}` : text;
}
