import type { Attachment } from "svelte/attachments";

/**
 * Escape inside the element runs `handler` (giving up one step) instead of
 * closing the whole dialog around it. Listened on the element itself, so
 * the key is stopped before the dialog sees it (Svelte's `onkeydown` is
 * delegated to the document root: too late for that).
 */
export function onEscape(handler: () => void): Attachment<HTMLElement> {
  return (node) => {
    const listener = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      event.preventDefault();
      event.stopPropagation();
      handler();
    };
    node.addEventListener("keydown", listener);
    return () => node.removeEventListener("keydown", listener);
  };
}
