import { commands, type AppError, type Person } from "../../bindings";
import { call } from "../../lib/ipc";
import { isMatrixUserId } from "../../lib/validation";

/** The backend does not search shorter terms (`directory::MIN_SEARCH_LENGTH`). */
export const MIN_TERM_LENGTH = 2;
/** Typing pauses this long before the directory is asked. */
export const SEARCH_DELAY_MS = 300;

export type SearchStatus = "idle" | "searching" | "done" | "error";

/**
 * The agents' directory, searched as one types: the last term wins (an
 * answer to an older term is dropped). A full Matrix ID is offered even when
 * the directory does not know it: people who hid their profile, or met
 * nowhere yet, are still reachable by their ID.
 */
export class PeopleSearch {
  term = $state("");
  people = $state.raw<Person[]>([]);
  limited = $state(false);
  status = $state<SearchStatus>("idle");
  error = $state<AppError | null>(null);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #asked = 0;

  setTerm(term: string): void {
    this.term = term;
    clearTimeout(this.#timer);
    this.#asked++;
    const trimmed = term.trim();
    this.error = null;
    if (trimmed.length < MIN_TERM_LENGTH) {
      this.people = [];
      this.limited = false;
      this.status = "idle";
      return;
    }
    this.status = "searching";
    this.#timer = setTimeout(() => void this.#search(trimmed), SEARCH_DELAY_MS);
  }

  /** Typed Matrix ID first when the directory did not find it. */
  get results(): Person[] {
    const typed = this.term.trim();
    if (!isMatrixUserId(typed) || this.people.some((p) => p.userId === typed)) return this.people;
    return [{ userId: typed, name: typed, domain: null, isExternal: onExternalsServer(typed) }, ...this.people];
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#asked++;
  }

  async #search(term: string): Promise<void> {
    const asked = this.#asked;
    const res = await call(commands.searchPeople(term));
    if (asked !== this.#asked) return;
    if (res.status === "ok") {
      this.people = res.data.people;
      this.limited = res.data.limited;
      this.status = "done";
    } else {
      this.people = [];
      this.error = res.error;
      this.status = "error";
    }
  }
}

/** Tchap's rule (`identity::is_external` in the core): externals' servers
 *  are `agent.externe.…` or `e.…`. */
function onExternalsServer(userId: string): boolean {
  const server = userId.slice(userId.indexOf(":") + 1).toLowerCase();
  return server.startsWith("agent.externe.") || server.startsWith("e.");
}
