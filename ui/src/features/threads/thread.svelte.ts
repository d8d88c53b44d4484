import { Channel } from "@tauri-apps/api/core";
import { commands, type AppError, type ListDiff, type TimelineItem } from "../../bindings";
import { call, type Result } from "../../lib/ipc";
import { applyDiffs } from "../../lib/listDiff";

/** One open thread of a room, fed by `open_thread`'s channel: its replies, oldest first. */
export class ThreadStore {
  readonly roomId: string;
  readonly rootEventId: string;
  items = $state.raw<TimelineItem[]>([]);
  loaded = $state(false);
  error = $state<AppError | null>(null);
  reachedRoot = $state(false);
  #closed = false;
  #opened: Promise<void> | null = null;

  constructor(roomId: string, rootEventId: string) {
    this.roomId = roomId;
    this.rootEventId = rootEventId;
  }

  open(): Promise<void> {
    const channel = new Channel<ListDiff<TimelineItem>[]>();
    channel.onmessage = (batch) => {
      if (this.#closed) return;
      this.items = applyDiffs(this.items, batch);
      this.loaded = true;
    };
    this.#opened = (async () => {
      const res = await call(commands.openThread(this.roomId, this.rootEventId, channel));
      if (this.#closed) return;
      if (res.status === "error") this.error = res.error;
      else await this.loadAll();
    })();
    return this.#opened;
  }

  /** Threads are short: every reply is loaded at once, a page at a time. */
  async loadAll(): Promise<void> {
    for (let page = 0; page < 20 && !this.reachedRoot && !this.#closed; page++) {
      const res = await call(commands.paginateThread(this.roomId, this.rootEventId));
      if (res.status === "error") {
        this.error = res.error;
        return;
      }
      this.reachedRoot = res.data;
    }
  }

  send(body: string): Promise<Result<null>> {
    return call(commands.sendInThread(this.roomId, this.rootEventId, body));
  }

  /** The user read the thread (the panel is open, the window focused). */
  markRead(): void {
    if (!this.#closed) void call(commands.markThreadRead(this.roomId, this.rootEventId));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#opened;
    await call(commands.closeThread(this.roomId, this.rootEventId));
  }
}
