import { Channel } from "@tauri-apps/api/core";
import { commands, events, type AppError, type ListDiff, type RoomSummary } from "../../bindings";
import { call, listenEvent } from "../../lib/ipc";
import { applyDiffs } from "../../lib/listDiff";

/** The room list, kept in the backend's order (most recent activity first). */
export class RoomListStore {
  rooms = $state.raw<RoomSummary[]>([]);
  /** True once the first batch (a reset) has arrived. */
  loaded = $state(false);
  error = $state<AppError | null>(null);

  invites = $derived(this.rooms.filter((r) => r.kind === "invite"));
  joined = $derived(this.rooms.filter((r) => r.kind !== "invite"));
  /** As the sidebar shows them: invitations, then the rest (the order Alt+↑/↓ follows). */
  ordered = $derived([...this.invites, ...this.joined]);

  #channel: Channel<ListDiff<RoomSummary>[]> | null = null;

  async subscribe(): Promise<void> {
    this.error = null;
    const channel = new Channel<ListDiff<RoomSummary>[]>();
    channel.onmessage = (batch) => this.apply(batch);
    this.#channel = channel;
    const res = await call(commands.subscribeRoomList(channel));
    if (res.status === "error" && this.#channel === channel) this.error = res.error;
  }

  apply(batch: ListDiff<RoomSummary>[]): void {
    this.rooms = applyDiffs(this.rooms, batch);
    this.loaded = true;
  }

  find(roomId: string | null): RoomSummary | undefined {
    return roomId === null ? undefined : this.rooms.find((r) => r.id === roomId);
  }

  /** A clicked desktop notification asks for its room through `onopen`. Returns a cleanup function. */
  listenOpenRequests(onopen: (roomId: string) => void): () => void {
    return listenEvent(events.openRoomRequested, ({ roomId }) => onopen(roomId));
  }

  /** Tells the shell which room the user reads (none: no room open): no desktop notification for it while the window has the focus. */
  setOpenRoom(roomId: string | null): void {
    commands.setOpenRoom(roomId).catch((e) => console.warn("cannot tell the open room", e));
  }

  /** Stops applying updates (the screen is going away). */
  dispose(): void {
    if (this.#channel) this.#channel.onmessage = () => {};
    this.#channel = null;
  }
}
