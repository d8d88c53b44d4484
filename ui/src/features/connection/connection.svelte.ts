import { Channel } from "@tauri-apps/api/core";
import { commands, type ConnectionState } from "../../bindings";
import { call } from "../../lib/ipc";

/** The connection as the backend sends it: online until told otherwise (a banner that flashes at start would alarm for nothing). */
export class ConnectionStore {
  state = $state<ConnectionState>({ state: "online" });
  #channel: Channel<ConnectionState> | null = null;

  /** Asks for the current state and its changes; returns a cleanup function. */
  watch(): () => void {
    const channel = new Channel<ConnectionState>();
    channel.onmessage = (state) => {
      if (this.#channel === channel) this.state = state;
    };
    this.#channel = channel;
    void call(commands.watchConnection(channel));
    return () => {
      if (this.#channel === channel) this.#channel = null;
    };
  }
}
