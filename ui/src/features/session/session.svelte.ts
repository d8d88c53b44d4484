import { Channel } from "@tauri-apps/api/core";
import {
  commands,
  events,
  type AppError,
  type SessionEndReason,
  type SessionInfo,
  type ValidationMailSent,
} from "../../bindings";
import { call, listenEvent } from "../../lib/ipc";

/**
 * Which screen is shown:
 * - `locked`: a session is stored but the OS keyring is locked (nothing lost, retry);
 * - `resume`: the server wants the password again (soft logout; keys and history kept);
 * - `expired`: the Tchap account's validity is over (data kept, renew by e-mail).
 */
export type Phase = "loading" | "login" | "main" | "locked" | "resume" | "expired";

/** Why the previous session ended, as explained above the login form. */
export type LoginReason = Extract<SessionEndReason, "logged_out" | "token_revoked">;

/** Which screen is shown, and the signed-in session. */
export class SessionStore {
  phase = $state<Phase>("loading");
  /** The signed-in session; kept while it waits for the password (`resume`) or a renewal (`expired`). */
  session = $state<SessionInfo | null>(null);
  /** Why the previous session ended by itself (shown on the login screen). */
  ended = $state<LoginReason | null>(null);
  /** A failure while restoring the saved session (shown on the login screen). */
  restoreError = $state<AppError | null>(null);
  /** Counts `session-ended` events, to tell whether one came during a command. */
  #ends = 0;

  /** Restores the saved session and listens for `session-ended`. Returns a cleanup function. */
  start(): () => void {
    const stop = listenEvent(events.sessionEnded, (payload) => this.sessionEnded(payload.reason));
    void this.restore();
    return stop;
  }

  async restore(): Promise<void> {
    this.phase = "loading";
    const ends = this.#ends;
    const res = await call(commands.restoreSession());
    if (this.#ends !== ends) return this.endedMeanwhile(res.status === "ok" ? res.data : null);
    if (res.status === "ok") {
      if (res.data) this.signedIn(res.data);
      else this.phase = "login";
    } else if (res.error.code === "session_locked") {
      this.restoreError = res.error;
      this.phase = "locked";
    } else if (res.error.code === "account_expired") {
      this.phase = "expired";
    } else {
      this.restoreError = res.error;
      this.phase = "login";
    }
  }

  /**
   * "Réessayer" on the locked keyring or expired account screens: opens the
   * saved (or still current) session again, without leaving the screen
   * while it runs. Resolves to the error to show there, or null once done.
   */
  async retryRestore(): Promise<AppError | null> {
    const ends = this.#ends;
    const res = await call(commands.restoreSession());
    if (this.#ends !== ends) {
      this.endedMeanwhile(res.status === "ok" ? res.data : null);
      return null;
    }
    if (res.status === "error") return res.error;
    if (res.data) this.signedIn(res.data);
    else this.toLogin(null); // nothing stored any more: a new sign-in
    return null;
  }

  /** From the locked keyring screen: the login form, the saved session left as it is. */
  useLoginForm(): void {
    this.phase = "login";
  }

  /** From the login form, back to the locked keyring screen (when it came from there). */
  backToLocked(): void {
    if (this.restoreError?.code === "session_locked") this.phase = "locked";
  }

  /** Resolves to the error to show, or null once signed in. `homeserver: null`:
   *  `username` is a professional email, and the backend finds its server.
   *  `remember: false` (only when the user accepted it, without a keyring):
   *  for this run only. */
  async login(homeserver: string | null, username: string, password: string, remember = true): Promise<AppError | null> {
    const res = await call(commands.login(homeserver, username, password, remember));
    if (res.status === "error") return res.error;
    this.signedIn(res.data);
    return null;
  }

  /** Creates an account, then signs in (remembered, as a sign-in is). The
   *  backend tells `onMailSent` when the validation e-mail left, then waits
   *  for its link by itself. Resolves to null once signed in, "cancelled"
   *  after `cancelRegistration`, or the error to show. */
  async register(
    email: string,
    password: string,
    acceptedTerms: boolean,
    onMailSent: (mail: ValidationMailSent) => void,
  ): Promise<AppError | "cancelled" | null> {
    const channel = new Channel<ValidationMailSent>();
    channel.onmessage = onMailSent;
    const res = await call(commands.register(email, password, acceptedTerms, channel));
    if (res.status === "error") return res.error;
    if (!res.data) return "cancelled";
    this.signedIn(res.data);
    return null;
  }

  /** After a soft logout: the password again, same session (keys and history kept).
   *  Resolves to the error to show, or null once back on the main screen. */
  async resume(password: string): Promise<AppError | null> {
    const res = await call(commands.resumeSession(password));
    if (res.status === "error") {
      // The backend has no session to resume any more: only a new sign-in helps.
      if (res.error.code === "not_logged_in") this.toLogin(null);
      return res.error;
    }
    this.signedIn(res.data);
    return null;
  }

  async logout(): Promise<AppError | null> {
    const res = await call(commands.logout());
    // `not_logged_in`: already signed out on the backend's side.
    if (res.status === "error" && res.error.code !== "not_logged_in") return res.error;
    this.toLogin(null);
    return null;
  }

  sessionEnded(reason: SessionEndReason): void {
    this.#ends += 1;
    switch (reason) {
      case "soft_logged_out":
        this.phase = "resume";
        break;
      case "account_expired":
        this.phase = "expired";
        break;
      case "token_revoked":
      case "logged_out":
        this.toLogin(reason);
        break;
      default:
        // A reason this UI does not know yet (newer backend): a new sign-in is the safe way.
        this.toLogin(null);
    }
  }

  /** A `session-ended` event came while restoring: its screen stays; keep whom it is about. */
  private endedMeanwhile(info: SessionInfo | null): void {
    if (info && (this.phase === "resume" || this.phase === "expired")) this.session = info;
  }

  /** A new, restored or resumed session: the main screen starts afresh (stores, subscriptions). */
  private signedIn(info: SessionInfo): void {
    this.session = info;
    this.ended = null;
    this.restoreError = null;
    this.phase = "main";
  }

  private toLogin(reason: LoginReason | null): void {
    this.session = null;
    this.ended = reason;
    this.restoreError = null;
    this.phase = "login";
  }
}
