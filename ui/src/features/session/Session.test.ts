import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import App from "../../App.svelte";
import MainScreen from "../../shell/MainScreen.svelte";
import { appError, deferred, FakeBackend, SESSION } from "../../test/backend";
import { SessionStore } from "./session.svelte";

async function fillLogin(user: ReturnType<typeof userEvent.setup>, username: string, password: string) {
  await user.type(screen.getByLabelText("Identifiant"), username);
  await user.type(screen.getByLabelText("Mot de passe"), password);
}

describe("login", () => {
  it("shows the French error in the form and keeps what was typed", async () => {
    const backend = new FakeBackend({
      login: () => {
        throw appError("invalid_credentials");
      },
    });
    const user = userEvent.setup();
    render(App);
    await screen.findByRole("heading", { name: "Connexion à Tchap" });
    await fillLogin(user, "marie.dupont", "mauvais-mot-de-passe");
    await user.click(screen.getByRole("button", { name: "Se connecter" }));

    const form = screen.getByRole("button", { name: "Se connecter" }).closest("form")!;
    const alert = await within(form).findByRole("alert");
    expect(alert).toHaveTextContent("Identifiant ou mot de passe incorrect.");
    expect(alert).not.toHaveTextContent("backend said");
    expect(screen.getByLabelText("Identifiant")).toHaveValue("marie.dupont");
    expect(screen.getByLabelText("Mot de passe")).toHaveValue("mauvais-mot-de-passe");
    expect(backend.callsOf("login")).toEqual([
      { homeserver: "https://matrix.agent.tchap.gouv.fr", username: "marie.dupont", password: "mauvais-mot-de-passe", remember: true },
    ]);
  });

  it("without a keyring, signs in for this run only when the user chooses it", async () => {
    const backend = new FakeBackend({
      login: ({ remember }) => {
        if (remember) throw appError("secret_store_unavailable");
        return { ...SESSION, isRemembered: false };
      },
    });
    const user = userEvent.setup();
    render(App);
    await screen.findByRole("heading", { name: "Connexion à Tchap" });
    await fillLogin(user, "marie.dupont", "secret");
    await user.click(screen.getByRole("button", { name: "Se connecter" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("trousseau sécurisé");
    expect(screen.getByText(/vous devrez vous reconnecter/i)).toBeInTheDocument();
    expect(backend.callsOf("login")).toHaveLength(1);

    await user.click(screen.getByRole("button", { name: "Se connecter sans mémoriser la session" }));
    expect(backend.callsOf("login")[1]).toMatchObject({ username: "marie.dupont", remember: false });
    const notice = await screen.findByRole("region", { name: "Session non mémorisée" });
    expect(notice).toHaveTextContent("fermeture de Tchap");
  });

  it("tells an unreachable server apart from a server that is not Matrix", async () => {
    const backend = new FakeBackend({
      login: () => {
        throw appError("homeserver_unreachable");
      },
    });
    const user = userEvent.setup();
    render(App);
    await screen.findByRole("heading", { name: "Connexion à Tchap" });
    await fillLogin(user, "marie", "secret");
    await user.click(screen.getByRole("button", { name: "Se connecter" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Impossible de joindre le serveur.");

    backend.on("login", () => {
      throw appError("not_a_matrix_server");
    });
    await user.click(screen.getByRole("button", { name: "Se connecter" }));
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent("ne correspond pas à un serveur Tchap"));
  });

  it("disables the button while signing in, then shows the main screen", async () => {
    const pending = deferred<typeof SESSION>();
    new FakeBackend({ login: () => pending.promise });
    const user = userEvent.setup();
    render(App);
    await screen.findByRole("heading", { name: "Connexion à Tchap" });
    await fillLogin(user, "@marie.dupont:agent.tchap.gouv.fr", "secret");
    await user.keyboard("{Enter}");

    const button = screen.getByRole("button", { name: "Se connecter" });
    await waitFor(() => expect(button).toBeDisabled());
    expect(screen.getByText("Connexion en cours…")).toBeInTheDocument();

    pending.resolve(SESSION);
    expect(await screen.findByText("Marie Dupont")).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Connexion à Tchap" })).toBeNull();
  });

  it("asks for an empty field before calling the backend", async () => {
    const backend = new FakeBackend();
    const user = userEvent.setup();
    render(App);
    await screen.findByRole("heading", { name: "Connexion à Tchap" });
    await user.type(screen.getByLabelText("Identifiant"), "marie");
    await user.click(screen.getByRole("button", { name: "Se connecter" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Indiquez votre mot de passe.");
    expect(backend.callsOf("login")).toHaveLength(0);
  });

  it("switches to English and back, and remembers the choice", async () => {
    new FakeBackend();
    const user = userEvent.setup();
    render(App);
    await screen.findByRole("heading", { name: "Connexion à Tchap" });

    await user.selectOptions(screen.getByLabelText("Langue / Language"), "en");
    expect(screen.getByRole("heading", { level: 1, name: "Sign in to Tchap" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Sign in" })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe("en");
    expect(localStorage.getItem("tchap.locale")).toBe("en");

    await user.selectOptions(screen.getByLabelText("Langue / Language"), "fr");
    expect(screen.getByRole("heading", { name: "Connexion à Tchap" })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe("fr");
  });
});

describe("logout", () => {
  it("asks for confirmation, then returns to the login screen", async () => {
    const backend = new FakeBackend({ restore_session: () => SESSION });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByRole("button", { name: "Se déconnecter" }));

    const dialog = screen.getByRole("dialog", { name: "Se déconnecter ?" });
    await user.click(within(dialog).getByRole("button", { name: "Annuler" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(backend.callsOf("logout")).toHaveLength(0);
    expect(screen.getByRole("button", { name: "Se déconnecter" })).toHaveFocus();

    await user.click(screen.getByRole("button", { name: "Se déconnecter" }));
    await user.click(screen.getByRole("button", { name: "Confirmer la déconnexion" }));
    expect(await screen.findByRole("heading", { name: "Connexion à Tchap" })).toBeInTheDocument();
    expect(backend.callsOf("logout")).toHaveLength(1);
  });

  it("warns that messages will be lost when secure backup is off", async () => {
    new FakeBackend({ security_status: () => ({ session: "verified", recovery: "disabled" }) });
    const user = userEvent.setup();
    render(MainScreen, { session: new SessionStore(), user: SESSION });
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Plus tard" }));
    await user.click(screen.getByRole("button", { name: "Se déconnecter" }));
    expect(screen.getByRole("dialog", { name: "Se déconnecter ?" })).toHaveTextContent(
      "La sauvegarde sécurisée n'est pas active sur cette session",
    );
  });
});
