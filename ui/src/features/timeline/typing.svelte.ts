import { Channel } from "@tauri-apps/api/core";
import { commands, type NamedUser } from "../../bindings";
import { call } from "../../lib/ipc";
import { t } from "../../lib/i18n/locale.svelte";

/** "Alice est en train d'écrire…", "Alice et Bruno écrivent…", "Plusieurs personnes écrivent…"; null when nobody writes. */
export function typingSentence(names: string[]): string | null {
  if (names.length === 0) return null;
  if (names.length === 1) return t("typing.one", { name: names[0] });
  if (names.length === 2) return t("typing.two", { first: names[0], second: names[1] });
  return t("typing.several");
}

// Watching and unwatching go to the backend one after the other: leaving a
// room and coming back quickly must not let a late unwatch end the new watch.
let watchQueue: Promise<unknown> = Promise.resolve();
function inOrder(task: () => Promise<unknown>): void {
  watchQueue = watchQueue.then(task, task);
}

/** Who else writes in a room, from `watch_typing`'s channel while the room is shown. */
export class TypingWatch {
  readonly roomId: string;
  writers = $state.raw<NamedUser[]>([]);
  #stopped = false;

  constructor(roomId: string) {
    this.roomId = roomId;
  }

  start(): void {
    const channel = new Channel<NamedUser[]>();
    channel.onmessage = (names) => {
      if (!this.#stopped) this.writers = names;
    };
    inOrder(() => call(commands.watchTyping(this.roomId, channel)));
  }

  stop(): void {
    this.#stopped = true;
    inOrder(() => call(commands.unwatchTyping(this.roomId)));
  }
}

/** Between two "still typing" calls to the backend (which sends a notice every 3 s at most). */
const TYPING_REPEAT_MS = 1000;
/** Without a key pressed for this long, the user has stopped writing. */
const TYPING_IDLE_MS = 5000;

/**
 * Our typing notices for one room, from the composer's changes: "typing"
 * while text is being written, "stopped" once sent, cleared, idle or left.
 * The backend sends nothing if the user turned the setting off.
 */
export class TypingNotifier {
  readonly roomId: string;
  #send: (roomId: string, typing: boolean) => void;
  #lastTyping = 0;
  #typing = false;
  #idle: ReturnType<typeof setTimeout> | undefined;

  constructor(roomId: string, send = (roomId: string, typing: boolean) => void call(commands.setTyping(roomId, typing))) {
    this.roomId = roomId;
    this.#send = send;
  }

  /** The composer's text changed (`hasText`: something is written) or was sent (false). */
  changed(hasText: boolean): void {
    clearTimeout(this.#idle);
    if (!hasText) return this.stopped();
    const now = Date.now();
    if (!this.#typing || now - this.#lastTyping >= TYPING_REPEAT_MS) {
      this.#typing = true;
      this.#lastTyping = now;
      this.#send(this.roomId, true);
    }
    this.#idle = setTimeout(() => this.stopped(), TYPING_IDLE_MS);
  }

  stopped(): void {
    clearTimeout(this.#idle);
    if (!this.#typing) return;
    this.#typing = false;
    this.#send(this.roomId, false);
  }
}
