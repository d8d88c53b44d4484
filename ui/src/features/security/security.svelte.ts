import { commands, events, type IncomingVerification, type SecurityStatus } from "../../bindings";
import { call, listenEvent } from "../../lib/ipc";

/** This session's verification, the account's recovery, and pending verification requests. */
export class SecurityStore {
  /** null until the backend answered. */
  status = $state<SecurityStatus | null>(null);
  /** Requests from other sessions not answered yet, oldest first. */
  requests = $state<IncomingVerification[]>([]);

  /** Starts listening; returns a cleanup function. */
  listen(): () => void {
    const stopStatus = listenEvent(
      events.securityStatusChanged,
      (status) => (this.status = status),
      () => void this.refresh(),
    );
    const stopRequests = listenEvent(events.verificationRequested, (request) => {
      this.requests = [...this.requests.filter((r) => r.flowId !== request.flowId), request];
    });
    const stopWithdrawn = listenEvent(events.verificationWithdrawn, ({ flowId }) => this.forget(flowId));
    return () => {
      stopStatus();
      stopRequests();
      stopWithdrawn();
    };
  }

  async refresh(): Promise<void> {
    const res = await call(commands.securityStatus());
    if (res.status === "ok") this.status = res.data;
  }

  /** The request was accepted, refused or went away. */
  forget(flowId: string): void {
    this.requests = this.requests.filter((r) => r.flowId !== flowId);
  }
}
