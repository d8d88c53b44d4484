import { commands, events, type AppError, type SessionEnded, type SessionInfo } from "../../bindings";
import { call, listenEvent } from "../../lib/ipc";

export type Phase = "loading" | "login" | "main";

/** Which screen is shown, and the signed-in session. */
export class SessionStore {
  phase = $state<Phase>("loading");
  session = $state<SessionInfo | null>(null);
  /** Why the previous session ended by itself (shown on the login screen). */
  ended = $state<SessionEnded["reason"] | null>(null);
  /** A failure while restoring the saved session (shown on the login screen). */
  restoreError = $state<AppError | null>(null);

  /** Restores the saved session and listens for `session-ended`. Returns a cleanup function. */
  start(): () => void {
    const stop = listenEvent(events.sessionEnded, (payload) => this.sessionEnded(payload.reason));
    void this.restore();
    return stop;
  }

  async restore(): Promise<void> {
    this.phase = "loading";
    const res = await call(commands.restoreSession());
    if (this.phase !== "loading") return; // a session-ended event came first
    if (res.status === "ok" && res.data) {
      this.session = res.data;
      this.phase = "main";
    } else {
      if (res.status === "error") this.restoreError = res.error;
      this.phase = "login";
    }
  }

  /** Resolves to the error to show, or null once signed in. `remember: false`
   *  (only when the user accepted it, without a keyring): for this run only. */
  async login(homeserver: string, username: string, password: string, remember = true): Promise<AppError | null> {
    const res = await call(commands.login(homeserver, username, password, remember));
    if (res.status === "error") return res.error;
    this.session = res.data;
    this.ended = null;
    this.restoreError = null;
    this.phase = "main";
    return null;
  }

  async logout(): Promise<AppError | null> {
    const res = await call(commands.logout());
    if (res.status === "error") return res.error;
    this.toLogin(null);
    return null;
  }

  sessionEnded(reason: SessionEnded["reason"]): void {
    this.toLogin(reason);
  }

  private toLogin(reason: SessionEnded["reason"] | null): void {
    this.session = null;
    this.ended = reason;
    this.restoreError = null;
    this.phase = "login";
  }
}
