// What the composer is doing besides writing a new message: answering a
// message, or changing one of ours. Pure helpers, tested without a window.
import type { FormattedNode, MessageContent, TimelineItem } from "../../bindings";
import type { MessageKey, Params } from "../../lib/i18n/translate";
import { messageText } from "../../lib/timelineView";
import { textOf } from "./formattedLinks";
import type { Mention } from "./mentions";

type EventItem = Extract<TimelineItem, { kind: "event" }>;

export type ComposerMode =
  | { kind: "new" }
  | { kind: "reply"; eventId: string; senderName: string; quote: string }
  | { kind: "edit"; itemId: string; text: string; mentions: Mention[] };

export const NEW_MESSAGE: ComposerMode = { kind: "new" };

/** A quote fits on one line: the first line, cut at `max` characters. */
export function firstLine(text: string, max = 120): string {
  const line = text.split("\n", 1)[0].trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The text a message puts back in the composer when edited. */
export function editableText(content: MessageContent): string | null {
  return content.type === "text" || content.type === "emote" ? content.body : null;
}

type Translate = (key: MessageKey, params?: Params) => string;

/** One line quoting a message. */
export function quoteOf(content: MessageContent, senderName: string, t: Translate): string {
  return firstLine(messageText(content, senderName, t));
}

export function replyTo(item: EventItem, t: Translate): ComposerMode | null {
  if (!item.canReply || !item.eventId) return null;
  return { kind: "reply", eventId: item.eventId, senderName: item.senderName, quote: quoteOf(item.content, item.senderName, t) };
}

export function editOf(item: EventItem): ComposerMode | null {
  const text = editableText(item.content);
  if (!item.canEdit || text === null) return null;
  return { kind: "edit", itemId: item.id, text, mentions: mentionsOf(item.content, text) };
}

/**
 * The people a message mentions, as pills for its edit: each mention link
 * of its formatted body whose text is in the plain one. Without them, the
 * edit would go out with no mention.
 */
export function mentionsOf(content: MessageContent, text: string): Mention[] {
  const found: Mention[] = [];
  const walk = (nodes: readonly FormattedNode[]) => {
    for (const node of nodes) {
      if (node.type !== "element") continue;
      const userId = node.tag === "a" ? node.mentionUserId : null;
      if (!userId) {
        walk(node.children);
        continue;
      }
      const label = textOf(node.children);
      if (label && text.includes(label) && !found.some((m) => m.label === label)) {
        found.push({ label, part: { type: "user", userId, name: label } });
      }
    }
  };
  if ("formatted" in content && content.formatted) walk(content.formatted);
  return found;
}

/** ↑ in an empty composer: the user's latest message that can be edited. */
export function lastEditable(items: readonly TimelineItem[]): ComposerMode | null {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item.kind !== "event" || !item.isOwn) continue;
    const mode = editOf(item);
    if (mode) return mode;
  }
  return null;
}

/** What the message actions and reply quotes of the timeline call. */
export type MessageActionHandlers = {
  reply: (item: EventItem) => void;
  edit: (item: EventItem) => void;
  delete: (item: EventItem) => void;
  /** A click on a reply's quote: show the quoted message. */
  jump: (eventId: string) => void;
  /** A reply whose quoted message the timeline does not hold (by the reply's event id). */
  loadReply: (replyEventId: string) => void;
  /** Opens the thread this message starts (or starts one under it), beside the timeline. */
  openThread?: (item: EventItem) => void;
};
