// Pure helpers that decide how timeline items are shown.
import type { FormattedNode, MessageContent, TimelineItem } from "../bindings";
import type { MessageKey, Params } from "./i18n/translate";

type EventItem = Extract<TimelineItem, { kind: "event" }>;
type Translate = (key: MessageKey, params?: Params) => string;

/** Content shown as a message bubble (vs. a small neutral line). */
export function isMessageLike(content: MessageContent): boolean {
  switch (content.type) {
    case "text":
    case "notice":
    case "emote":
    case "media":
    case "redacted":
    case "undecryptable":
      return true;
    default:
      return false;
  }
}

/**
 * Whether an item gets a row. Events we cannot describe yet (room settings
 * such as power levels or join rules) are hidden, as Element hides them by
 * default, rather than shown as a wall of "unsupported" lines.
 */
export function isShown(item: TimelineItem): boolean {
  return !(item.kind === "event" && item.content.type === "unsupported");
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

/** A text, notice or emote's cleaned formatted tree, when it has one (else its plain body is shown). */
export function formattedOf(content: MessageContent): FormattedNode[] | null {
  switch (content.type) {
    case "text":
    case "notice":
    case "emote":
      return content.formatted ?? null;
    default:
      return null;
  }
}

/** The text of an event, as plain text (rendered with text interpolation only). */
export function renderContent(item: EventItem, t: Translate): Rendered {
  return renderMessage(item.content, item.senderName, t);
}

/** A room's last message, as the room list previews it. */
export function roomPreview(last: { senderName: string; content: MessageContent }, t: Translate): string {
  const rendered = renderMessage(last.content, last.senderName, t);
  // Lines such as "Alice joined the room" already name who did it.
  return rendered.style === "line" ? rendered.text : t("rooms.preview", { sender: last.senderName, body: rendered.text });
}

/** A message's text on its own (a reply's quote, the composer's "replying to"). */
export function messageText(content: MessageContent, senderName: string, t: Translate): string {
  return renderMessage(content, senderName, t).text;
}

function renderMessage(c: MessageContent, senderName: string, t: Translate): Rendered {
  switch (c.type) {
    case "text":
      return { style: "message", text: c.body };
    case "notice":
      return { style: "notice", text: c.body };
    case "emote":
      return { style: "message", text: t("timeline.emote", { sender: senderName, body: c.body }) };
    case "media":
      return { style: "message", text: t(`timeline.media.${c.kind}`, { name: c.name }) };
    case "redacted":
      return { style: "muted", text: t("timeline.redacted") };
    case "undecryptable":
      return { style: "muted", text: t(`timeline.undecryptable.${c.reason}`) };
    case "membership":
      return {
        style: "line",
        text: t(`membership.${c.change}`, { sender: senderName, target: c.targetName }),
      };
    case "roomCreated":
      return { style: "line", text: t("timeline.roomCreated", { sender: senderName }) };
    case "roomRenamed":
      return c.name
        ? { style: "line", text: t("timeline.roomRenamed", { sender: senderName, name: c.name }) }
        : { style: "line", text: t("timeline.roomNameRemoved", { sender: senderName }) };
    case "topicChanged":
      return c.topic
        ? { style: "line", text: t("timeline.topicChanged", { sender: senderName, topic: c.topic }) }
        : { style: "line", text: t("timeline.topicRemoved", { sender: senderName }) };
    case "encryptionEnabled":
      return { style: "line", text: t("timeline.encryptionEnabled", { sender: senderName }) };
    case "accessRuleSet":
      return {
        style: "line",
        text: t(c.openToExternals ? "timeline.openedToExternals" : "timeline.reservedToAgents", { sender: senderName }),
      };
    case "unsupported":
      return { style: "line", text: t("timeline.unsupported") };
    default:
      return { style: "line", text: t("timeline.unsupported") };
  }
}
