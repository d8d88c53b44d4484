import { Channel } from "@tauri-apps/api/core";
import { commands, type AppError, type IncomingVerification, type VerificationStep } from "../../bindings";
import { call } from "../../lib/ipc";

/** One emoji verification, from either side, as the backend reports its steps. */
export class VerificationFlow {
  readonly userId: string;
  step = $state<VerificationStep>({ step: "waiting" });
  /** A command failed (the flow is then over). */
  error = $state<AppError | null>(null);
  #flowId: string | null;
  #cancelling = false;
  readonly #channel = new Channel<VerificationStep>();

  private constructor(userId: string, flowId: string | null) {
    this.userId = userId;
    this.#flowId = flowId;
    this.#channel.onmessage = (step) => (this.step = step);
  }

  /** Asks the user's other sessions to verify this one. */
  static startForThisSession(ownUserId: string): VerificationFlow {
    return VerificationFlow.#start(ownUserId, (channel) => commands.verifyThisSession(channel));
  }

  /** Asks another user to compare emojis (through the direct chat). */
  static startWithUser(userId: string): VerificationFlow {
    return VerificationFlow.#start(userId, (channel) => commands.verifyUser(userId, channel));
  }

  static #start(
    userId: string,
    command: (channel: Channel<VerificationStep>) => ReturnType<typeof commands.verifyUser>,
  ): VerificationFlow {
    const flow = new VerificationFlow(userId, null);
    void call(command(flow.#channel)).then((res) => {
      if (res.status === "error") {
        flow.error = res.error;
        return;
      }
      flow.#flowId = res.data;
      // Closed before the backend answered: stop it now that it has an id.
      if (flow.#cancelling) void call(commands.cancelVerification(userId, res.data));
    });
    return flow;
  }

  /** Accepts a request from another session. */
  static accept(request: IncomingVerification): VerificationFlow {
    const flow = new VerificationFlow(request.userId, request.flowId);
    void flow.#run(commands.acceptVerification(request.userId, request.flowId, flow.#channel));
    return flow;
  }

  /** Declines a request from another session. */
  static async decline(request: IncomingVerification): Promise<void> {
    await call(commands.cancelVerification(request.userId, request.flowId));
  }

  get over(): boolean {
    return this.error !== null || this.step.step === "done" || this.step.step === "cancelled";
  }

  /** The emojis are the same on both screens. */
  confirm(): Promise<void> {
    return this.#withFlow((id) => commands.confirmVerification(this.userId, id));
  }

  /** The emojis differ: cancels on both sides. */
  mismatch(): Promise<void> {
    return this.#withFlow((id) => commands.refuseVerification(this.userId, id));
  }

  /** Stops the flow on both sides (once, however many ways the user closes it). */
  cancel(): Promise<void> {
    if (this.over || this.#cancelling) return Promise.resolve();
    this.#cancelling = true;
    return this.#withFlow((id) => commands.cancelVerification(this.userId, id));
  }

  async #withFlow(command: (flowId: string) => ReturnType<typeof commands.cancelVerification>): Promise<void> {
    if (this.#flowId) await this.#run(command(this.#flowId));
  }

  async #run(pending: ReturnType<typeof commands.cancelVerification>): Promise<void> {
    const res = await call(pending);
    if (res.status === "error") this.error = res.error;
  }
}
