/** A request to bring one message of a room into view; a new `seq` asks again for the same message. */
export type JumpRequest = { eventId: string; seq: number };

/** The row showing the event `eventId`, if it is drawn. */
export function rowOfEvent(log: HTMLElement, eventId: string): HTMLElement | null {
  for (const el of log.querySelectorAll<HTMLElement>("[data-event-id]")) {
    if (el.dataset.eventId === eventId) return el;
  }
  return null;
}
