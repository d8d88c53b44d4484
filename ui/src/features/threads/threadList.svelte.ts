import { Channel } from "@tauri-apps/api/core";
import { commands, type AppError, type ListDiff, type ThreadSummary, type TimelineItem } from "../../bindings";
import { call } from "../../lib/ipc";
import { applyDiffs } from "../../lib/listDiff";

/** A room's threads, newest first, fed by `open_thread_list`'s channel. */
export class ThreadListStore {
  readonly roomId: string;
  threads = $state.raw<ThreadSummary[]>([]);
  loaded = $state(false);
  loadingMore = $state(false);
  atEnd = $state(false);
  error = $state<AppError | null>(null);
  #closed = false;
  #opened: Promise<void> | null = null;

  constructor(roomId: string) {
    this.roomId = roomId;
  }

  open(): Promise<void> {
    const channel = new Channel<ListDiff<ThreadSummary>[]>();
    channel.onmessage = (batch) => {
      if (!this.#closed) this.threads = applyDiffs(this.threads, batch);
    };
    this.#opened = (async () => {
      const res = await call(commands.openThreadList(this.roomId, channel));
      if (this.#closed) return;
      if (res.status === "error") this.error = res.error;
      this.loaded = true;
    })();
    return this.#opened;
  }

  /** The next page of older threads. */
  async loadMore(): Promise<void> {
    if (this.loadingMore || this.atEnd || this.#closed) return;
    this.loadingMore = true;
    const res = await call(commands.paginateThreadList(this.roomId));
    this.loadingMore = false;
    if (res.status === "error") this.error = res.error;
    else this.atEnd = res.data;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#opened;
    await call(commands.closeThreadList(this.roomId));
  }
}

type EventItem = Extract<TimelineItem, { kind: "event" }>;

/**
 * A thread's first message as the thread panel heads it, until the room's
 * timeline (which has its actions, reactions, edits) hands the real one.
 */
export function rootOfSummary(summary: ThreadSummary): EventItem {
  const { root } = summary;
  return {
    kind: "event",
    id: `thread-root:${summary.rootEventId}`,
    eventId: summary.rootEventId,
    senderId: root.senderId,
    senderName: root.senderName,
    senderDomain: root.senderDomain,
    senderIsExternal: root.senderIsExternal,
    isOwn: root.isOwn,
    timestamp: root.timestamp,
    content: root.content ?? { type: "redacted" },
    sendState: null,
    thread: { replies: summary.replies, latestSenderName: summary.latest?.senderName ?? null, unread: false },
    inReplyTo: null,
    edited: false,
    canReply: false,
    canEdit: false,
    canRedact: false,
    reactions: [],
    moreReactions: 0,
    readBy: [],
    moreReaders: 0,
  };
}
