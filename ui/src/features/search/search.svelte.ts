import { Channel } from "@tauri-apps/api/core";
import { type AppError, commands, type SearchHit } from "../../bindings";
import { call } from "../../lib/ipc";
import { listKeyAction } from "../../lib/ui/listKeys";

/** One room's messages, or every joined room's. */
export type SearchScope = { kind: "room"; roomId: string } | { kind: "all" };

/** A typed query waits this long for the next key before it is searched. */
export const SEARCH_DELAY_MS = 250;

/**
 * A search dialog's state: the results of the last query typed (an answer
 * to an older query, arriving late, is dropped), and how many rooms still
 * have older history being indexed.
 */
export class SearchStore {
  results = $state<SearchHit[]>([]);
  /** The query the results answer (trimmed). */
  answered = $state("");
  searching = $state(false);
  error = $state<AppError | null>(null);
  pendingRooms = $state(0);
  readonly scope: SearchScope;
  #latest = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #channel: Channel<number> | null = null;

  constructor(scope: SearchScope) {
    this.scope = scope;
  }

  /** Searches `query` once the user stops typing; a blank query clears the results. */
  setQuery(query: string): void {
    clearTimeout(this.#timer);
    const trimmed = query.trim();
    if (trimmed === "") {
      this.#latest++;
      this.results = [];
      this.answered = "";
      this.searching = false;
      this.error = null;
      return;
    }
    this.searching = true;
    this.#timer = setTimeout(() => void this.#run(trimmed), SEARCH_DELAY_MS);
  }

  async #run(query: string): Promise<void> {
    const id = ++this.#latest;
    const scope = this.scope;
    const result = await call(
      scope.kind === "room" ? commands.searchRoomMessages(scope.roomId, query) : commands.searchAllMessages(query),
    );
    if (id !== this.#latest) return;
    this.searching = false;
    this.answered = query;
    if (result.status === "ok") {
      this.results = result.data;
      this.error = null;
    } else {
      this.results = [];
      this.error = result.error;
    }
  }

  /** Follows the indexing of older history; returns a cleanup function. */
  watchIndexing(): () => void {
    const channel = new Channel<number>();
    channel.onmessage = (pending) => {
      if (this.#channel === channel) this.pendingRooms = pending;
    };
    this.#channel = channel;
    void call(commands.watchSearchIndexing(channel));
    return () => {
      clearTimeout(this.#timer);
      if (this.#channel === channel) this.#channel = null;
    };
  }
}

/** The option after a key press in a list of `length` (wrapping at both ends), or null for another key (or no option). */
export function nextActive(key: string, active: number, length: number): number | null {
  if (length === 0) return null;
  const action = listKeyAction(key, active, length, { wrap: true });
  return action?.kind === "move" ? action.index : null;
}
