import { commands, events, type SyncState } from "../../bindings";
import { call, listenEvent } from "../../lib/ipc";

/** State of the background sync: asked once, then kept from the `sync-state-changed` events. */
export class SyncStore {
  /** null until the first event (shown as "starting"). */
  state = $state<SyncState["state"] | null>(null);

  /** Starts listening; returns a cleanup function. */
  listen(): () => void {
    return listenEvent(
      events.syncStateChanged,
      (payload) => (this.state = payload.state),
      () =>
        void call(commands.syncState()).then((res) => {
          if (res.status === "ok" && this.state === null) this.state = res.data.state;
        }),
    );
  }
}
