import type { TimelineItem } from "../../bindings";

/**
 * The event to mark read: the latest one the user can see (`seen` holds the
 * item ids on screen), if it comes after the one marked last. Only sent
 * events count (a local echo has no event id yet).
 */
export function nextReadEvent(items: TimelineItem[], seen: ReadonlySet<string>, lastMarked: string | null): string | null {
  let lastMarkedAt = -1;
  if (lastMarked) {
    lastMarkedAt = items.findIndex((item) => item.kind === "event" && item.eventId === lastMarked);
  }
  for (let i = items.length - 1; i > lastMarkedAt; i--) {
    const item = items[i];
    if (item.kind === "event" && item.eventId && seen.has(item.id)) return item.eventId;
  }
  return null;
}

/** The user is looking at the app: its window has the focus and is shown. */
export function userIsLooking(): boolean {
  return document.visibilityState === "visible" && document.hasFocus();
}
