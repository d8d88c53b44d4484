// Mentions typed in the composer: `@` for people, `#` for rooms. The
// textarea holds plain text; the mentions the user picked are remembered by
// their label, drawn as pills under the text and turned into links when the
// message is sent.
import type { MessagePart } from "../../bindings";

export type MentionTrigger = "@" | "#";

/** What the user is typing after `@` or `#`, up to the caret. */
export type MentionQuery = { trigger: MentionTrigger; query: string; start: number };

export type Mention = { label: string; part: Exclude<MessagePart, { type: "text" }> };

export type Candidate = {
  key: string;
  label: string;
  /** A person's ministry and external badge, shown as PersonName does. */
  domain: string | null;
  isExternal: boolean;
  detail: string | null;
  part: Mention["part"];
};

/** Suggestions shown at most (the list scrolls no further). */
export const MAX_CANDIDATES = 8;

export function memberCandidate(m: { userId: string; displayName?: string | null; domain?: string | null; isExternal: boolean }): Candidate {
  const label = m.displayName ?? m.userId;
  return { key: m.userId, label, domain: m.domain ?? null, isExternal: m.isExternal, detail: m.userId, part: { type: "user", userId: m.userId, name: label } };
}

export function roomCandidate(r: { id: string; name: string }): Candidate {
  const label = `#${r.name}`;
  return { key: r.id, label, domain: null, isExternal: false, detail: null, part: { type: "room", roomId: r.id, name: label } };
}

export const EVERYONE: Candidate = { key: "@room", label: "@room", domain: null, isExternal: false, detail: null, part: { type: "atRoom" } };

/** Longest query followed: past it, the user is writing, not choosing. */
const MAX_QUERY = 40;

export function mentionQuery(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)([@#])([^\s@#]*)$/u.exec(before);
  if (!match || match[3].length > MAX_QUERY) return null;
  const trigger = match[2] as MentionTrigger;
  return { trigger, query: match[3], start: before.length - match[3].length - 1 };
}

/** Replaces the typed `@que` with the chosen label (and a space). */
export function insertMention(text: string, query: MentionQuery, caret: number, label: string): { text: string; caret: number } {
  const inserted = `${label} `;
  return { text: text.slice(0, query.start) + inserted + text.slice(caret), caret: query.start + inserted.length };
}

/** Case- and accent-insensitive. */
function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

export function matches(candidate: Candidate, query: string): boolean {
  const q = fold(query);
  return fold(candidate.label).includes(q) || (candidate.detail !== null && fold(candidate.detail).includes(q));
}

export function suggestions(all: readonly Candidate[], query: string): Candidate[] {
  return all.filter((c) => matches(c, query)).slice(0, MAX_CANDIDATES);
}

/** A stretch of the composer's text: plain, or a mention shown as a pill. */
export type Segment = { text: string; mention: Mention | null; start: number };

/**
 * The text cut around the mentions still present as the user inserted them
 * (a label the user has since changed is plain text). The pills the field
 * shows and the message sent are both cut this way, so what looks like a
 * mention is one.
 */
export function segments(text: string, mentions: readonly Mention[]): Segment[] {
  const out: Segment[] = [];
  let from = 0;
  for (;;) {
    let next: { at: number; mention: Mention } | null = null;
    for (const mention of mentions) {
      const at = text.indexOf(mention.label, from);
      if (at >= 0 && (next === null || at < next.at)) next = { at, mention };
    }
    if (!next) break;
    if (next.at > from) out.push({ text: text.slice(from, next.at), mention: null, start: from });
    out.push({ text: next.mention.label, mention: next.mention, start: next.at });
    from = next.at + next.mention.label.length;
  }
  if (from < text.length) out.push({ text: text.slice(from), mention: null, start: from });
  return out;
}

/** The message to send. */
export function toParts(text: string, mentions: readonly Mention[]): MessagePart[] {
  return segments(text, mentions).map((s) => (s.mention ? s.mention.part : { type: "text", text: s.text }));
}

/**
 * A pill goes as one piece, as in Element: Backspace just after it (or
 * Delete just before it) takes the whole mention out. Null when the caret
 * is not at a pill's edge.
 */
export function removePillAt(
  text: string,
  mentions: readonly Mention[],
  caret: number,
  key: "Backspace" | "Delete",
): { text: string; caret: number } | null {
  const pill = segments(text, mentions).find(
    (s) => s.mention && (key === "Backspace" ? s.start + s.text.length === caret : s.start === caret),
  );
  if (!pill) return null;
  return { text: text.slice(0, pill.start) + text.slice(pill.start + pill.text.length), caret: pill.start };
}

export function hasMentions(parts: readonly MessagePart[]): boolean {
  return parts.some((p) => p.type !== "text");
}
