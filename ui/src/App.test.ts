import { render, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import App from "./App.svelte";
import { CONFIG, deferred, FakeBackend, SESSION } from "./test/backend";

describe("start-up", () => {
  it("shows a neutral loading state, then the login screen when there is no saved session", async () => {
    const restore = deferred<null>();
    new FakeBackend({ restore_session: () => restore.promise });
    render(App);
    expect(screen.getByRole("status")).toHaveTextContent("Chargement…");
    expect(screen.queryByRole("heading", { name: "Connexion à Tchap" })).toBeNull();

    restore.resolve(null);
    expect(await screen.findByRole("heading", { level: 1, name: "Connexion à Tchap" })).toBeInTheDocument();
  });

  it("pre-fills the server address from the app configuration", async () => {
    new FakeBackend({ app_config: () => ({ ...CONFIG, defaultHomeserver: "https://matrix.example.gouv.fr", emailSignIn: false }) });
    render(App);
    await waitFor(() => expect(screen.getByLabelText("Adresse du serveur")).toHaveValue("https://matrix.example.gouv.fr"));
    expect(screen.getByLabelText("Adresse du serveur")).toHaveAttribute("type", "url");
  });

  it("goes straight to the main screen when a session is restored", async () => {
    const backend = new FakeBackend({ restore_session: () => SESSION });
    render(App);
    expect(await screen.findByText("Marie Dupont")).toBeInTheDocument();
    expect(screen.getByText(SESSION.userId)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Se déconnecter" })).toBeInTheDocument();
    expect(screen.queryByLabelText("Mot de passe")).toBeNull();
    expect(backend.callsOf("subscribe_room_list")).toHaveLength(1);
  });

  it("shows the signed-in person as Tchap does: the ministry apart, an external marked", async () => {
    new FakeBackend({ restore_session: () => SESSION });
    const { unmount } = render(App);
    const header = (await screen.findByText("Marie Dupont")).closest("header")!;
    expect(header).toHaveTextContent("Marie Dupont [Dinum]");
    expect(within(header).queryByText("Externe")).toBeNull();
    unmount();

    const external = { ...SESSION, userId: "@nina:agent.externe.tchap.gouv.fr", displayName: "Nina Brun", domain: null, isExternal: true };
    new FakeBackend({ restore_session: () => external });
    render(App);
    const badge = await screen.findByText("Externe");
    expect(badge.closest("header")).toHaveTextContent("Nina Brun Externe");
  });

  it("returns to the login screen with an explanation when the session ends by itself", async () => {
    const backend = new FakeBackend({ restore_session: () => SESSION });
    render(App);
    await screen.findByText("Marie Dupont");

    await backend.emit("session-ended", { reason: "token_revoked" });
    expect(await screen.findByRole("heading", { name: "Connexion à Tchap" })).toBeInTheDocument();
    expect(screen.getByText(/déconnectée depuis un autre appareil/)).toBeInTheDocument();
  });
});
