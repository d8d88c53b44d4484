import { commands, events, type AppError } from "../../bindings";
import { call, listenEvent } from "../../lib/ipc";

/** What a link asks of the user before going anywhere (or why it goes nowhere). */
export type LinkOffer =
  | { kind: "join"; roomId: string; name: string | null; via: string[] }
  | { kind: "dm"; userId: string }
  | { kind: "notMember" }
  | { kind: "error"; error: AppError };

/**
 * Links opened from outside (tchap://, matrix:, matrix.to): the shell keeps
 * the last one until the signed-in screen takes it; it leads to a room (at a
 * message), an invitation, the offer to join a public room, or a direct chat.
 */
export class LinkStore {
  offer = $state<LinkOffer | null>(null);
  busy = $state(false);
  readonly #onopen: (roomId: string, eventId: string | null) => void;

  constructor(onopen: (roomId: string, eventId: string | null) => void) {
    this.#onopen = onopen;
  }

  /** Takes the link waiting (one received before sign-in), then each new one. Returns a cleanup function. */
  listen(): () => void {
    return listenEvent(
      events.openLinkRequested,
      () => void this.takePending(),
      () => void this.takePending(),
    );
  }

  async takePending(): Promise<void> {
    let link: string | null;
    try {
      link = await commands.takePendingLink();
    } catch (e) {
      console.warn("cannot take the pending link", e);
      return;
    }
    if (link !== null) await this.open(link);
  }

  async open(link: string): Promise<void> {
    const res = await call(commands.resolveLink(link));
    if (res.status === "error") {
      this.offer = { kind: "error", error: res.error };
      return;
    }
    const target = res.data;
    if (target.kind === "user") {
      if (target.dmRoomId !== null) this.#go(target.dmRoomId, null);
      else this.offer = { kind: "dm", userId: target.userId };
      return;
    }
    switch (target.membership) {
      // An invitation opens as such: the room pane offers to accept it.
      case "joined":
      case "invited":
        return this.#go(target.roomId, target.eventId);
      case "joinable":
        this.offer = { kind: "join", roomId: target.roomId, name: target.name, via: target.via };
        return;
      case "notMember":
        this.offer = { kind: "notMember" };
        return;
    }
  }

  /** Joins the offered room, or starts the offered direct chat, then opens it. */
  async accept(): Promise<void> {
    const offer = this.offer;
    if (this.busy || (offer?.kind !== "join" && offer?.kind !== "dm")) return;
    this.busy = true;
    const res = await call(offer.kind === "join" ? commands.joinLinkedRoom(offer.roomId, offer.via) : commands.createDm(offer.userId));
    this.busy = false;
    if (res.status === "error") this.offer = { kind: "error", error: res.error };
    else this.#go(res.data, null);
  }

  dismiss(): void {
    this.offer = null;
  }

  #go(roomId: string, eventId: string | null): void {
    this.offer = null;
    this.#onopen(roomId, eventId);
  }
}
