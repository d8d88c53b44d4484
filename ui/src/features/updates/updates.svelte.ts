import { Channel } from "@tauri-apps/api/core";
import { commands, type UpdateStatus } from "../../bindings";
import { call, type Result } from "../../lib/ipc";

/**
 * The updater's status as the backend sends it, shared by the banner and the
 * line in Settings → À propos (one channel however many watch it).
 */
class UpdatesStore {
  status = $state<UpdateStatus>({ kind: "checking" });
  #channel: Channel<UpdateStatus> | null = null;
  #watchers = 0;

  /** Follows the status; returns a cleanup function. */
  watch(): () => void {
    this.#watchers += 1;
    if (this.#watchers === 1) {
      const channel = new Channel<UpdateStatus>();
      channel.onmessage = (status) => {
        if (this.#channel === channel) this.status = status;
      };
      this.#channel = channel;
      void call(commands.watchUpdates(channel));
    }
    return () => {
      this.#watchers -= 1;
      if (this.#watchers === 0) this.#channel = null;
    };
  }

  /** "Rechercher une mise à jour": now, not at the next planned check. */
  checkNow(): void {
    void commands.checkForUpdate().catch((e) => console.warn("update check not asked", e));
  }

  /** Installs the downloaded update and restarts (only on the user's click). */
  install(): Promise<Result<null>> {
    return call(commands.installUpdate());
  }
}

export const updates = new UpdatesStore();
