import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { SecurityStatus } from "../../bindings";
import MainScreen from "../../shell/MainScreen.svelte";
import { EMOJIS, FakeBackend, SESSION } from "../../test/backend";
import { SessionStore } from "../session";

// A request from another session reaches the security store as an event;
// the security center shows it in the verification dialog of this feature.

function backendWith(status: SecurityStatus, overrides: ConstructorParameters<typeof FakeBackend>[0] = {}) {
  return new FakeBackend({ security_status: () => status, ...overrides });
}

function mainScreen() {
  const user = userEvent.setup();
  render(MainScreen, { session: new SessionStore(), user: SESSION });
  return user;
}

describe("a request from another session", () => {
  const request = {
    flowId: "flow-9",
    userId: SESSION.userId,
    deviceId: "NEWDEVICE",
    deviceName: "Tchap sur le portable",
    isOwnSession: true,
  };

  it("is accepted and followed to the end", async () => {
    const backend = backendWith({ session: "verified", recovery: "enabled" });
    const user = mainScreen();
    await waitFor(() => expect(backend.callsOf("security_status")).toHaveLength(1));
    await backend.emit("verification-requested", request);
    const dialog = await screen.findByRole("dialog", { name: "Demande de vérification" });
    expect(dialog).toHaveTextContent("Votre session « Tchap sur le portable (NEWDEVICE) » demande à vérifier celle-ci.");
    await user.click(within(dialog).getByRole("button", { name: "Accepter" }));
    expect(backend.callsOf("accept_verification")[0]).toMatchObject({ userId: SESSION.userId, flowId: "flow-9" });

    backend.pushStep("accept_verification", { step: "emojis", emojis: EMOJIS });
    await user.click(await within(dialog).findByRole("button", { name: "Ils correspondent" }));
    backend.pushStep("accept_verification", { step: "confirmed" });
    expect(await within(dialog).findByRole("status")).toHaveTextContent("En attente de la confirmation de l'autre appareil");
    backend.pushStep("accept_verification", { step: "done" });
    await user.click(await within(dialog).findByRole("button", { name: "Fermer" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });

  it("goes away by itself when the other side withdraws it before an answer", async () => {
    const backend = backendWith({ session: "verified", recovery: "enabled" });
    mainScreen();
    await waitFor(() => expect(backend.callsOf("security_status")).toHaveLength(1));
    await backend.emit("verification-requested", request);
    expect(await screen.findByRole("dialog", { name: "Demande de vérification" })).toBeInTheDocument();
    await backend.emit("verification-withdrawn", { flowId: "flow-9" });
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(backend.callsOf("cancel_verification")).toHaveLength(0);
  });

  it("is refused on both sides", async () => {
    const backend = backendWith({ session: "verified", recovery: "enabled" }, { cancel_verification: () => null });
    const user = mainScreen();
    await waitFor(() => expect(backend.callsOf("security_status")).toHaveLength(1));
    await backend.emit("verification-requested", request);
    const dialog = await screen.findByRole("dialog", { name: "Demande de vérification" });
    await user.click(within(dialog).getByRole("button", { name: "Refuser" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(backend.callsOf("cancel_verification")).toEqual([{ userId: SESSION.userId, flowId: "flow-9" }]);
    expect(backend.callsOf("accept_verification")).toHaveLength(0);
  });
});
