import { Channel } from "@tauri-apps/api/core";
import { commands, type AppError, type ListDiff, type MessagePart, type TimelineItem } from "../../bindings";
import { call, type Result } from "../../lib/ipc";
import { applyDiffs } from "../../lib/listDiff";
import { nextReadEvent } from "./readReceipts";

// open/close of one room's timeline are sent strictly one after the other:
// leaving a room and coming back quickly must not let a late close_timeline
// close the new subscription.
const queues = new Map<string, Promise<unknown>>();

/**
 * Items beyond which the reader's return to the latest messages lets the
 * backend start the live timeline afresh (older items let go of, loaded
 * again when scrolled back to); and how many more before asking again when
 * it declined.
 */
export const LIGHTEN_ABOVE_ITEMS = 400;
const LIGHTEN_RETRY_AFTER_ITEMS = 200;
/**
 * Items held beyond which reading on (further back, or further down a
 * history) recentres the timeline on the message the reader is at: the page
 * and the backend then hold a window of the room however far it is read.
 * When the backend declines (the server is out of reach), pagination goes on
 * and it is asked again this many items later.
 */
export const WINDOW_ITEMS = 500;
const RECENTRE_RETRY_AFTER_ITEMS = 150;
function inOrder<T>(roomId: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(roomId);
  const next = previous ? previous.then(task, task) : task();
  queues.set(roomId, next);
  void next.finally(() => {
    if (queues.get(roomId) === next) queues.delete(roomId);
  });
  return next;
}

/**
 * One room's timeline, fed by `open_timeline`'s channel: the live one (the
 * latest messages), or the history around one message (`focusedEventId`: a
 * link to a message, a reply's original) until the latest are reached.
 */
export class TimelineStore {
  readonly roomId: string;
  /** The message the history shown is around; null for the live timeline. */
  focusedEventId = $state<string | null>(null);
  items = $state.raw<TimelineItem[]>([]);
  loaded = $state(false);
  error = $state<AppError | null>(null);
  paginating = $state(false);
  paginationError = $state<AppError | null>(null);
  /** paginate_backwards said the start of the room is reached. */
  reachedStart = $state(false);
  /** The SDK's start item is in the list (a history around a message may reach the start without it). */
  hasStartItem = $derived(this.items.some((i) => i.kind === "timelineStart"));
  atStart = $derived(this.reachedStart || this.hasStartItem);
  /** The newest messages are loaded (always, for the live timeline). */
  reachedLatest = $state(true);
  paginatingForwards = $state(false);
  /** A recentring is under way: no pagination meanwhile. */
  recentring = $state(false);
  /** Resets received on the channel (a recentring is done once its reset is in). */
  resets = $state(0);

  #channel: Channel<ListDiff<TimelineItem>[]> | null = null;
  #closed = false;
  /** The last event marked read from here. */
  #lastMarked: string | null = null;
  /** The item count when `lighten` last asked in vain (0: ask when needed). */
  #lightenedAt = 0;
  /** The item count when `recentre` last failed (0: ask when needed). */
  #recentreFailedAt = 0;

  constructor(roomId: string, focusedEventId: string | null = null) {
    this.roomId = roomId;
    this.focusedEventId = focusedEventId;
    this.reachedLatest = focusedEventId === null;
  }

  open(): Promise<void> {
    const channel = new Channel<ListDiff<TimelineItem>[]>();
    channel.onmessage = (batch) => {
      if (this.#closed) return;
      // A reset (e.g. after a gap, on reconnection) may drop older items:
      // the start must be reached again before we stop offering more.
      if (batch.some((diff) => diff.op === "reset" || diff.op === "clear")) {
        this.reachedStart = false;
        this.resets++;
      }
      this.items = applyDiffs(this.items, batch);
      this.loaded = true;
    };
    this.#channel = channel;
    return inOrder(this.roomId, async () => {
      if (this.#closed) return;
      const res = await call(commands.openTimeline(this.roomId, this.focusedEventId, channel));
      if (res.status === "error" && !this.#closed) this.error = res.error;
    });
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    if (this.#channel) this.#channel.onmessage = () => {};
    return inOrder(this.roomId, async () => {
      await call(commands.closeTimeline(this.roomId));
    });
  }

  /** Loads older messages, one request at a time. Resolves true if a request was made. */
  async paginate(): Promise<boolean> {
    if (this.paginating || this.recentring || this.atStart || this.#closed) return false;
    this.paginating = true;
    this.paginationError = null;
    const res = await call(commands.paginateBackwards(this.roomId));
    this.paginating = false;
    if (res.status === "ok") this.reachedStart = res.data;
    else this.paginationError = res.error;
    return true;
  }

  /** Loads newer messages of a timeline opened at a message, one request at a time. */
  async paginateForwards(): Promise<void> {
    if (this.paginatingForwards || this.recentring || this.reachedLatest || this.#closed) return;
    this.paginatingForwards = true;
    this.paginationError = null;
    const res = await call(commands.paginateForwards(this.roomId));
    this.paginatingForwards = false;
    if (res.status === "ok") this.reachedLatest = res.data;
    else this.paginationError = res.error;
  }

  /** Reading on would hold more than a window of the room: time to recentre. */
  get needsRecentre(): boolean {
    const count = this.items.length;
    if (this.#closed || this.recentring || count <= WINDOW_ITEMS) return false;
    return this.#recentreFailedAt === 0 || count >= this.#recentreFailedAt + RECENTRE_RETRY_AFTER_ITEMS;
  }

  /**
   * The reader reads on far from where this timeline started: the backend
   * replaces it, on the same channel, with the history around `eventId` (the
   * message the reader is at). From then on it is a history around a message,
   * which becomes the live timeline again once the latest are reached. False
   * when the backend declined: the timeline is unchanged.
   */
  async recentre(eventId: string): Promise<boolean> {
    if (this.recentring || this.#closed) return false;
    this.recentring = true;
    const was = { focusedEventId: this.focusedEventId, reachedLatest: this.reachedLatest };
    this.focusedEventId = eventId;
    this.reachedLatest = false;
    const res = await inOrder(this.roomId, () => call(commands.recentreTimeline(this.roomId, eventId)));
    this.recentring = false;
    if (res.status === "ok") {
      this.#recentreFailedAt = 0;
      return true;
    }
    if (!this.#closed) {
      this.focusedEventId = was.focusedEventId;
      this.reachedLatest = was.reachedLatest;
      this.#recentreFailedAt = this.items.length;
    }
    return false;
  }

  /**
   * The reader is back at the latest messages: after a long read back, the
   * live timeline starts afresh on the same channel (a reset with the latest
   * messages), so neither the page nor the backend keeps thousands of items.
   */
  lighten(): void {
    const count = this.items.length;
    if (this.#closed || this.focusedEventId !== null || count <= LIGHTEN_ABOVE_ITEMS) return;
    if (this.#lightenedAt > 0 && count < this.#lightenedAt + LIGHTEN_RETRY_AFTER_ITEMS) return;
    this.#lightenedAt = count;
    void inOrder(this.roomId, async () => {
      if (this.#closed || !this.#channel) return;
      const res = await call(commands.lightenTimeline(this.roomId));
      if (res.status === "ok" && res.data) this.#lightenedAt = 0;
      // It may have let go of the old timeline before failing to start the
      // new one: open it again on the same channel.
      else if (res.status === "error" && !this.#closed) await call(commands.openTimeline(this.roomId, null, this.#channel));
    });
  }

  send(body: string): Promise<Result<null>> {
    return call(commands.sendMessage(this.roomId, body));
  }

  /** A message with mentions, or a reply to `inReplyTo` (an event id). */
  sendComposed(parts: MessagePart[], inReplyTo: string | null): Promise<Result<null>> {
    return call(commands.sendComposed(this.roomId, { parts }, inReplyTo));
  }

  edit(itemId: string, parts: MessagePart[]): Promise<Result<null>> {
    return call(commands.editMessage(this.roomId, itemId, { parts }));
  }

  redact(itemId: string): Promise<Result<null>> {
    return call(commands.redactMessage(this.roomId, itemId));
  }

  /** Asks for the message a reply quotes; the quote updates through the channel. */
  loadReply(replyEventId: string): void {
    void call(commands.loadReplyDetails(this.roomId, replyEventId));
  }

  retry(itemId: string): Promise<Result<null>> {
    return call(commands.retrySend(this.roomId, itemId));
  }

  discard(itemId: string): Promise<Result<null>> {
    return call(commands.discardSend(this.roomId, itemId));
  }

  /**
   * The user has seen the items `seen` (on screen, window focused): marks
   * the room read up to the latest of them, never backwards.
   */
  markSeen(seen: ReadonlySet<string>): void {
    // Reading old messages from a link says nothing of the newer ones.
    if (this.#closed || this.focusedEventId !== null) return;
    const eventId = nextReadEvent(this.items, seen, this.#lastMarked);
    if (!eventId) return;
    this.#lastMarked = eventId;
    void call(commands.markRead(this.roomId, eventId));
  }

  /** "Tout marquer comme lu": up to the latest message, seen or not. */
  markAllRead(): void {
    this.markSeen(new Set(this.items.map((item) => item.id)));
  }
}
