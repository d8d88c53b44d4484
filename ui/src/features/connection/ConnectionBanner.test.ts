import type { Channel } from "@tauri-apps/api/core";
import { render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { ConnectionState } from "../../bindings";
import { setLocale } from "../../lib/i18n/locale.svelte";
import MainScreen from "../../shell/MainScreen.svelte";
import { FakeBackend, SESSION } from "../../test/backend";
import { SessionStore } from "../session";

async function mainScreen(backend: FakeBackend) {
  render(MainScreen, { session: new SessionStore(), user: SESSION });
  await waitFor(() => expect(backend.callsOf("watch_connection")).toHaveLength(1));
  const channel = backend.callsOf("watch_connection")[0].onChange as Channel<ConnectionState>;
  const banner = document.querySelector(".connection[role=status]") as HTMLElement;
  return { send: (state: ConnectionState) => backend.push(channel, state), banner };
}

describe("connection banner", () => {
  it("says nothing while online", async () => {
    const backend = new FakeBackend();
    const { send, banner } = await mainScreen(backend);
    expect(banner).toHaveAttribute("aria-live", "polite");
    send({ state: "online" });
    await Promise.resolve();
    expect(banner).toBeEmptyDOMElement();
    expect(screen.queryByText(/Hors ligne —/)).not.toBeInTheDocument();
  });

  it("says messages will leave when the network is back, and how many wait", async () => {
    const backend = new FakeBackend();
    const { send, banner } = await mainScreen(backend);
    send({ state: "offline", waiting: 0 });
    await waitFor(() => expect(banner).toHaveTextContent("Hors ligne — les messages partiront au retour du réseau"));
    expect(banner).not.toHaveTextContent("en attente");
    send({ state: "offline", waiting: 1 });
    await waitFor(() => expect(banner).toHaveTextContent("1 message en attente"));
    send({ state: "offline", waiting: 2 });
    await waitFor(() => expect(banner).toHaveTextContent("2 messages en attente"));
  });

  it("says it reconnects, then goes away once online", async () => {
    const backend = new FakeBackend();
    const { send, banner } = await mainScreen(backend);
    send({ state: "offline", waiting: 2 });
    send({ state: "reconnecting", waiting: 2 });
    await waitFor(() => expect(banner).toHaveTextContent("Reconnexion…"));
    expect(banner).toHaveTextContent("2 messages en attente");
    expect(banner).not.toHaveTextContent("Hors ligne");
    send({ state: "online" });
    await waitFor(() => expect(banner).toBeEmptyDOMElement());
  });

  it("speaks English when asked", async () => {
    setLocale("en");
    try {
      const backend = new FakeBackend();
      const { send, banner } = await mainScreen(backend);
      send({ state: "offline", waiting: 3 });
      await waitFor(() => expect(banner).toHaveTextContent("Offline — messages will be sent when the network is back"));
      expect(banner).toHaveTextContent("3 messages waiting");
    } finally {
      setLocale("fr");
    }
  });
});
