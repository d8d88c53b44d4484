import { Channel } from "@tauri-apps/api/core";
import { commands, type AppError, type ListDiff, type TimelineItem } from "../../bindings";
import { call, type Result } from "../../lib/ipc";
import { applyDiffs } from "../../lib/listDiff";
import { nextReadEvent } from "./readReceipts";

// open/close of one room's timeline are sent strictly one after the other:
// leaving a room and coming back quickly must not let a late close_timeline
// close the new subscription.
const queues = new Map<string, Promise<unknown>>();
function inOrder<T>(roomId: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(roomId);
  const next = previous ? previous.then(task, task) : task();
  queues.set(roomId, next);
  void next.finally(() => {
    if (queues.get(roomId) === next) queues.delete(roomId);
  });
  return next;
}

/** The live timeline of one room, fed by `open_timeline`'s channel. */
export class TimelineStore {
  readonly roomId: string;
  items = $state.raw<TimelineItem[]>([]);
  loaded = $state(false);
  error = $state<AppError | null>(null);
  paginating = $state(false);
  paginationError = $state<AppError | null>(null);
  /** paginate_backwards said the start of the room is reached. */
  reachedStart = $state(false);
  atStart = $derived(this.reachedStart || this.items.some((i) => i.kind === "timelineStart"));

  #channel: Channel<ListDiff<TimelineItem>[]> | null = null;
  #closed = false;
  /** The last event marked read from here. */
  #lastMarked: string | null = null;

  constructor(roomId: string) {
    this.roomId = roomId;
  }

  open(): Promise<void> {
    const channel = new Channel<ListDiff<TimelineItem>[]>();
    channel.onmessage = (batch) => {
      if (this.#closed) return;
      // A reset (e.g. after a gap, on reconnection) may drop older items:
      // the start must be reached again before we stop offering more.
      if (batch.some((diff) => diff.op === "reset" || diff.op === "clear")) this.reachedStart = false;
      this.items = applyDiffs(this.items, batch);
      this.loaded = true;
    };
    this.#channel = channel;
    return inOrder(this.roomId, async () => {
      if (this.#closed) return;
      const res = await call(commands.openTimeline(this.roomId, channel));
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
    if (this.paginating || this.atStart || this.#closed) return false;
    this.paginating = true;
    this.paginationError = null;
    const res = await call(commands.paginateBackwards(this.roomId));
    this.paginating = false;
    if (res.status === "ok") this.reachedStart = res.data;
    else this.paginationError = res.error;
    return true;
  }

  send(body: string): Promise<Result<null>> {
    return call(commands.sendMessage(this.roomId, body));
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
    if (this.#closed) return;
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
