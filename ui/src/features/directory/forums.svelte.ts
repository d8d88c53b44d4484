import { commands, type AppError, type Forum, type ForumServer } from "../../bindings";
import { call } from "../../lib/ipc";
import { SEARCH_DELAY_MS } from "./people.svelte";

/**
 * The forums of one server of the list at a time (the user's own first),
 * filtered by a term as one types, a page at a time.
 */
export class ForumsStore {
  servers = $state.raw<ForumServer[]>([]);
  serverName = $state<string | null>(null);
  term = $state("");
  forums = $state.raw<Forum[]>([]);
  nextBatch = $state<string | null>(null);
  loading = $state(false);
  loaded = $state(false);
  error = $state<AppError | null>(null);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #asked = 0;

  async start(): Promise<void> {
    const res = await call(commands.forumServers());
    if (res.status === "error") {
      this.error = res.error;
      this.loaded = true;
      return;
    }
    this.servers = res.data;
    this.serverName = res.data.find((s) => s.isOwn)?.serverName ?? res.data[0]?.serverName ?? null;
    await this.#load(false);
  }

  selectServer(serverName: string): void {
    this.serverName = serverName;
    clearTimeout(this.#timer);
    void this.#load(false);
  }

  setTerm(term: string): void {
    this.term = term;
    clearTimeout(this.#timer);
    this.#asked++;
    this.loading = true;
    this.#timer = setTimeout(() => void this.#load(false), SEARCH_DELAY_MS);
  }

  more(): Promise<void> {
    return this.#load(true);
  }

  label(serverName: string): string {
    return this.servers.find((s) => s.serverName === serverName)?.label ?? serverName;
  }

  /** The forum now joined (its "Rejoindre" becomes "Ouvrir"). */
  markJoined(roomId: string): void {
    this.forums = this.forums.map((f) => (f.roomId === roomId ? { ...f, isJoined: true } : f));
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#asked++;
  }

  async #load(append: boolean): Promise<void> {
    if (!this.serverName) return;
    const asked = ++this.#asked;
    this.loading = true;
    const term = this.term.trim() || null;
    const res = await call(commands.listForums(this.serverName, term, append ? this.nextBatch : null));
    if (asked !== this.#asked) return;
    this.loading = false;
    this.loaded = true;
    if (res.status === "ok") {
      this.forums = append ? [...this.forums, ...res.data.forums] : res.data.forums;
      this.nextBatch = res.data.nextBatch;
      this.error = null;
    } else {
      if (!append) this.forums = [];
      this.error = res.error;
    }
  }
}
