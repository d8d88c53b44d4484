// Pure helpers that decide how timeline items are shown.
import type { MessageContent, TimelineItem } from "../bindings";
import type { MessageKey, Params } from "./i18n/translate";

type EventItem = Extract<TimelineItem, { kind: "event" }>;
type Translate = (key: MessageKey, params?: Params) => string;

/** Content shown as a message bubble (vs. a small neutral line). */
export function isMessageLike(content: MessageContent): boolean {
  switch (content.type) {
    case "text":
    case "notice":
    case "emote":
    case "file":
    case "redacted":
    case "undecryptable":
      return true;
    default:
      return false;
  }
}

export const GROUP_WINDOW_MS = 5 * 60 * 1000;

/**
 * True when `item` continues the group started above it: same sender, both
 * messages, less than five minutes apart, nothing in between (a day
 * separator or read marker breaks the group).
 */
export function continuesGroup(previous: TimelineItem | undefined, item: TimelineItem): boolean {
  if (!previous || previous.kind !== "event" || item.kind !== "event") return false;
  return (
    previous.senderId === item.senderId &&
    isMessageLike(previous.content) &&
    isMessageLike(item.content) &&
    item.timestamp - previous.timestamp >= 0 &&
    item.timestamp - previous.timestamp < GROUP_WINDOW_MS
  );
}

export type Rendered = { style: "message" | "notice" | "muted" | "line"; text: string };

/** The text of an event, as plain text (rendered with text interpolation only). */
export function renderContent(item: EventItem, t: Translate): Rendered {
  const c = item.content;
  switch (c.type) {
    case "text":
      return { style: "message", text: c.body };
    case "notice":
      return { style: "notice", text: c.body };
    case "emote":
      return { style: "message", text: t("timeline.emote", { sender: item.senderName, body: c.body }) };
    case "file":
      return { style: "message", text: t("timeline.file", { name: c.name }) };
    case "redacted":
      return { style: "muted", text: t("timeline.redacted") };
    case "undecryptable":
      return { style: "muted", text: t("timeline.undecryptable") };
    case "membership":
      return {
        style: "line",
        text: t(`membership.${c.change}`, { sender: item.senderName, target: c.targetName }),
      };
    case "roomCreated":
      return { style: "line", text: t("timeline.roomCreated", { sender: item.senderName }) };
    case "unsupported":
      return { style: "line", text: t("timeline.unsupported") };
    default:
      return { style: "line", text: t("timeline.unsupported") };
  }
}
