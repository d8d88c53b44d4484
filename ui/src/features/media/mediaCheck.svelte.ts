import { commands, type MediaCheck, type MediaVariant } from "../../bindings";
import { call } from "../../lib/ipc";

export type CheckState = MediaCheck["state"] | "checking";

/**
 * One attachment's antivirus check, as its tile shows it: asked once when the
 * tile appears, asked again on "Réessayer" (the scanner was unavailable).
 */
export class MediaCheckStore {
  state = $state<CheckState>("checking");
  check = $state.raw<MediaCheck | null>(null);
  readonly #roomId: string;
  readonly #itemId: string;
  readonly #variant: MediaVariant;

  constructor(roomId: string, itemId: string, variant: MediaVariant) {
    this.#roomId = roomId;
    this.#itemId = itemId;
    this.#variant = variant;
  }

  async run(): Promise<void> {
    this.state = "checking";
    const res = await call(commands.checkMedia(this.#roomId, this.#itemId, this.#variant));
    // A command that fails is a check that could not be made: fail closed.
    this.check = res.status === "ok" ? res.data : { state: "unavailable" };
    this.state = this.check.state;
  }
}
