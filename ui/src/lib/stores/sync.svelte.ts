import { events, type SyncState } from "../../bindings";

/** State of the background sync, from the `sync-state-changed` event. */
export class SyncStore {
  /** null until the first event (shown as "starting"). */
  state = $state<SyncState["state"] | null>(null);

  /** Starts listening; returns a cleanup function. */
  listen(): () => void {
    let stopped = false;
    let unlisten: (() => void) | null = null;
    events.syncStateChanged
      .listen((e) => (this.state = e.payload.state))
      .then((fn) => (stopped ? fn() : (unlisten = fn)))
      .catch((e) => console.warn("cannot listen to sync-state-changed", e));
    return () => {
      stopped = true;
      unlisten?.();
    };
  }
}
