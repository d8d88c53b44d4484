import { commands, events, type SyncState } from "../../bindings";
import { call } from "../ipc";

/** State of the background sync: asked once, then kept from the `sync-state-changed` events. */
export class SyncStore {
  /** null until the first event (shown as "starting"). */
  state = $state<SyncState["state"] | null>(null);

  /** Starts listening; returns a cleanup function. */
  listen(): () => void {
    let stopped = false;
    let unlisten: (() => void) | null = null;
    events.syncStateChanged
      .listen((e) => (this.state = e.payload.state))
      .then((fn) => {
        if (stopped) return fn();
        unlisten = fn;
        // Events sent before we listened are lost: ask for the current state.
        void call(commands.syncState()).then((res) => {
          if (res.status === "ok" && this.state === null) this.state = res.data.state;
        });
      })
      .catch((e) => console.warn("cannot listen to sync-state-changed", e));
    return () => {
      stopped = true;
      unlisten?.();
    };
  }
}
