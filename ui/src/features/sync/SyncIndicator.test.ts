import { render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import MainScreen from "../../shell/MainScreen.svelte";
import { FakeBackend, SESSION } from "../../test/backend";
import { SessionStore } from "../session";

function renderMain() {
  const session = new SessionStore();
  return render(MainScreen, { session, user: SESSION });
}

async function subscribed(backend: FakeBackend) {
  await waitFor(() => expect(backend.callsOf("subscribe_room_list")).toHaveLength(1));
}

describe("sync indicator", () => {
  it("says when the app is offline", async () => {
    const backend = new FakeBackend();
    renderMain();
    await subscribed(backend);
    const status = screen.getByText("Synchronisation…").closest("[role=status]")!;
    await backend.emit("sync-state-changed", { state: "offline" });
    await waitFor(() => expect(status).toHaveTextContent("Hors ligne"));
    await backend.emit("sync-state-changed", { state: "running" });
    await waitFor(() => expect(status).toHaveTextContent("En ligne"));
  });

  it("shows the state the sync was already in before the screen listened", async () => {
    const backend = new FakeBackend({ sync_state: () => ({ state: "offline" }) });
    renderMain();
    await subscribed(backend);
    await waitFor(() => expect(screen.getByText("Hors ligne")).toBeInTheDocument());
  });
});
