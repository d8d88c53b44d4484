// What a formatted message's links may do, checked again in the UI (the
// backend already cleaned the tree: this is the second lock, should a DTO
// ever come out wrong).
import { getContext, setContext } from "svelte";
import type { AllowedTag, FormattedNode } from "../../bindings";

const LINK_SCHEMES = new Set(["https:", "http:", "mailto:", "matrix:", "tchap:"]);

/** The tags the UI builds as elements; anything else shows its content only. */
const RENDERED_TAGS: ReadonlySet<string> = new Set<AllowedTag>([
  "del", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "p", "a", "ul", "ol", "sup", "sub", "li", "b", "i", "u",
  "strong", "em", "s", "code", "hr", "br", "div", "table", "thead", "tbody", "tr", "th", "td", "caption", "pre",
  "span", "details", "summary",
]);

export function isRenderedTag(tag: string): boolean {
  return RENDERED_TAGS.has(tag);
}

/** `href` if it is an address of a scheme we open, else null (shown as text). */
export function safeHref(href: string | null | undefined): string | null {
  if (!href) return null;
  try {
    return LINK_SCHEMES.has(new URL(href).protocol) ? href : null;
  } catch {
    return null;
  }
}

/** The text a tree shows, as the user reads it. */
export function textOf(nodes: FormattedNode[]): string {
  return nodes.map((node) => (node.type === "text" ? node.text : textOf(node.children))).join("");
}

/** True when a link's text already shows where it leads (no surprise to confirm). */
export function textShowsTarget(text: string, href: string): boolean {
  const bare = (s: string) => s.trim().replace(/^mailto:/i, "").replace(/\/$/, "").toLowerCase();
  return bare(text) === bare(href);
}

/** What the signed-in screen lends every formatted message. */
export type MessageLinks = {
  ownUserId: string | null;
  /** A room or person link (matrix.to, matrix:, tchap:) opened in the app. */
  openInApp: (link: string) => void;
};

const KEY = Symbol("message-links");

export function provideMessageLinks(links: MessageLinks): void {
  setContext(KEY, links);
}

export function messageLinks(): MessageLinks {
  return getContext<MessageLinks | undefined>(KEY) ?? { ownUserId: null, openInApp: () => {} };
}
