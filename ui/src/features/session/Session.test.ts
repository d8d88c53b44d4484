import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import App from "../../App.svelte";
import MainScreen from "../../shell/MainScreen.svelte";
import { appError, CONFIG, deferred, FakeBackend, SESSION } from "../../test/backend";
import { SessionStore } from "./session.svelte";

const EMAIL = "marie.dupont@numerique.gouv.fr";

/** Fills the form shown by default: the professional email and the password. */
async function fillLogin(user: ReturnType<typeof userEvent.setup>, email: string, password: string) {
  await user.type(await screen.findByLabelText("Adresse e-mail professionnelle"), email);
  await user.type(screen.getByLabelText("Mot de passe"), password);
}

/** The app configured with a server only (developer setups, end-to-end tests): no email sign-in. */
const serverOnly = () => ({ ...CONFIG, emailSignIn: false });

describe("login", () => {
  it("by default asks for the professional email, and lets the backend find the server", async () => {
    const backend = new FakeBackend();
    const user = userEvent.setup();
    render(App);
    const email = await screen.findByLabelText("Adresse e-mail professionnelle");
    expect(email).toHaveAttribute("type", "email");
    expect(email).toHaveAttribute("autocomplete", "username");
    expect(email).toHaveAccessibleDescription("Exemple : prenom.nom@ministere.gouv.fr");
    await waitFor(() => expect(email).toHaveFocus());
    expect(screen.queryByLabelText("Adresse du serveur")).toBeNull();

    await fillLogin(user, EMAIL, "secret");
    await user.click(screen.getByRole("button", { name: "Se connecter" }));
    expect(await screen.findByText("Marie Dupont")).toBeInTheDocument();
    expect(backend.callsOf("login")).toEqual([{ homeserver: null, username: EMAIL, password: "secret", remember: true }]);
  });

  it("says so when what was typed is not an email, without calling the backend", async () => {
    const backend = new FakeBackend();
    const user = userEvent.setup();
    render(App);
    for (const typed of ["marie.dupont", "marie@", "@numerique.gouv.fr", "marie.dupont@numerique"]) {
      const email = await screen.findByLabelText("Adresse e-mail professionnelle");
      await user.clear(email);
      await user.type(email, typed);
      await user.type(screen.getByLabelText("Mot de passe"), "x");
      await user.click(screen.getByRole("button", { name: "Se connecter" }));
      expect(await screen.findByRole("alert")).toHaveTextContent(
        "Saisissez votre adresse e-mail professionnelle complète (par exemple prenom.nom@ministere.gouv.fr).",
      );
      expect(email).toHaveAttribute("aria-invalid", "true");
    }
    expect(backend.callsOf("login")).toHaveLength(0);
  });

  it("shows the French error when the backend refuses the email, and marks the field", async () => {
    new FakeBackend({
      login: () => {
        throw appError("email_not_allowed");
      },
    });
    const user = userEvent.setup();
    render(App);
    await fillLogin(user, "marie@gmail.com", "secret");
    await user.click(screen.getByRole("button", { name: "Se connecter" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Cette adresse e-mail n'est pas autorisée sur Tchap.");
    expect(alert).not.toHaveTextContent("backend said");
    expect(screen.getByLabelText("Adresse e-mail professionnelle")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Mot de passe")).not.toHaveAttribute("aria-invalid");
  });

  it("signs in on another server from the advanced options, then back to the email", async () => {
    const backend = new FakeBackend({
      login: () => {
        throw appError("invalid_credentials");
      },
    });
    const user = userEvent.setup();
    render(App);
    await screen.findByLabelText("Adresse e-mail professionnelle");
    const toggle = screen.getByRole("button", { name: "Se connecter sur un autre serveur" });
    expect(toggle).toHaveAttribute("aria-expanded", "false");

    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    const server = screen.getByLabelText("Adresse du serveur");
    expect(server).toHaveValue(CONFIG.defaultHomeserver);
    expect(document.getElementById(toggle.getAttribute("aria-controls")!)).toContainElement(server);
    // Any identifier now, as the server knows it: no email check here.
    const identifier = screen.getByLabelText("Identifiant ou adresse e-mail");
    await user.type(identifier, "marie.dupont");
    await user.clear(server);
    await user.type(server, "https://matrix.example.gouv.fr");
    await user.type(screen.getByLabelText("Mot de passe"), "secret");
    await user.click(screen.getByRole("button", { name: "Se connecter" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Identifiant ou mot de passe incorrect.");
    expect(backend.callsOf("login")).toEqual([
      { homeserver: "https://matrix.example.gouv.fr", username: "marie.dupont", password: "secret", remember: true },
    ]);

    // Closed again: the server is found from the email once more.
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    expect(screen.queryByLabelText("Adresse du serveur")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
    const email = screen.getByLabelText("Adresse e-mail professionnelle");
    await user.clear(email);
    await user.type(email, EMAIL);
    await user.click(screen.getByRole("button", { name: "Se connecter" }));
    await waitFor(() => expect(backend.callsOf("login")).toHaveLength(2));
    expect(backend.callsOf("login")[1]).toMatchObject({ homeserver: null, username: EMAIL });
  });

  it("offers no other server when the administrators closed the server field", async () => {
    new FakeBackend({ app_config: () => ({ ...CONFIG, allowCustomHomeserver: false }) });
    render(App);
    await screen.findByLabelText("Adresse e-mail professionnelle");
    expect(screen.queryByRole("button", { name: "Se connecter sur un autre serveur" })).toBeNull();
    expect(screen.queryByLabelText("Adresse du serveur")).toBeNull();
  });

  it("asks for the server directly when the app knows no list of servers", async () => {
    const backend = new FakeBackend({ app_config: serverOnly });
    const user = userEvent.setup();
    render(App);
    const server = await screen.findByLabelText("Adresse du serveur");
    expect(server).toHaveValue(CONFIG.defaultHomeserver);
    expect(screen.queryByLabelText("Adresse e-mail professionnelle")).toBeNull();
    expect(screen.queryByRole("button", { name: "Se connecter sur un autre serveur" })).toBeNull();

    await user.type(screen.getByLabelText("Identifiant"), "marie.dupont");
    await user.type(screen.getByLabelText("Mot de passe"), "secret");
    await user.click(screen.getByRole("button", { name: "Se connecter" }));
    await waitFor(() => expect(backend.callsOf("login")).toHaveLength(1));
    expect(backend.callsOf("login")[0]).toEqual({
      homeserver: CONFIG.defaultHomeserver,
      username: "marie.dupont",
      password: "secret",
      remember: true,
    });
  });

  it("shows the French error in the form and keeps what was typed", async () => {
    const backend = new FakeBackend({
      login: () => {
        throw appError("invalid_credentials");
      },
    });
    const user = userEvent.setup();
    render(App);
    await screen.findByRole("heading", { name: "Connexion à Tchap" });
    await fillLogin(user, EMAIL, "mauvais-mot-de-passe");
    await user.click(screen.getByRole("button", { name: "Se connecter" }));

    const form = screen.getByRole("button", { name: "Se connecter" }).closest("form")!;
    const alert = await within(form).findByRole("alert");
    expect(alert).toHaveTextContent("Identifiant ou mot de passe incorrect.");
    expect(alert).not.toHaveTextContent("backend said");
    expect(screen.getByLabelText("Adresse e-mail professionnelle")).toHaveValue(EMAIL);
    expect(screen.getByLabelText("Mot de passe")).toHaveValue("mauvais-mot-de-passe");
    expect(screen.getByLabelText("Mot de passe")).toHaveAttribute("aria-invalid", "true");
    expect(backend.callsOf("login")).toEqual([
      { homeserver: null, username: EMAIL, password: "mauvais-mot-de-passe", remember: true },
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
    await fillLogin(user, EMAIL, "secret");
    await user.click(screen.getByRole("button", { name: "Se connecter" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("trousseau sécurisé");
    expect(screen.getByText(/vous devrez vous reconnecter/i)).toBeInTheDocument();
    expect(backend.callsOf("login")).toHaveLength(1);

    await user.click(screen.getByRole("button", { name: "Se connecter sans mémoriser la session" }));
    expect(backend.callsOf("login")[1]).toMatchObject({ homeserver: null, username: EMAIL, remember: false });
    const notice = await screen.findByRole("region", { name: "Session non mémorisée" });
    expect(notice).toHaveTextContent("fermeture de Tchap");
  });

  it("tells an unreachable server apart from a server that is not Matrix", async () => {
    const backend = new FakeBackend({
      app_config: serverOnly,
      login: () => {
        throw appError("homeserver_unreachable");
      },
    });
    const user = userEvent.setup();
    render(App);
    await user.type(await screen.findByLabelText("Identifiant"), "marie");
    await user.type(screen.getByLabelText("Mot de passe"), "secret");
    await user.click(screen.getByRole("button", { name: "Se connecter" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Impossible de joindre le serveur.");

    backend.on("login", () => {
      throw appError("not_a_matrix_server");
    });
    await user.click(screen.getByRole("button", { name: "Se connecter" }));
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent("ne correspond pas à un serveur Tchap"));
    expect(screen.getByLabelText("Adresse du serveur")).toHaveAttribute("aria-invalid", "true");
  });

  it("disables the button while signing in, then shows the main screen", async () => {
    const pending = deferred<typeof SESSION>();
    new FakeBackend({ login: () => pending.promise });
    const user = userEvent.setup();
    render(App);
    await screen.findByRole("heading", { name: "Connexion à Tchap" });
    await fillLogin(user, EMAIL, "secret");
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
    await user.click(await screen.findByRole("button", { name: "Se connecter" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Indiquez votre adresse e-mail professionnelle.");
    expect(screen.getByLabelText("Adresse e-mail professionnelle")).toHaveAttribute("aria-invalid", "true");

    await user.type(screen.getByLabelText("Adresse e-mail professionnelle"), EMAIL);
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
    expect(await screen.findByLabelText("Work email address")).toBeInTheDocument();
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

describe("saved session locked by the keyring", () => {
  it("explains that nothing is lost and opens the session when Réessayer succeeds", async () => {
    const backend = new FakeBackend({
      restore_session: () => {
        throw appError("session_locked");
      },
    });
    const user = userEvent.setup();
    render(App);

    expect(await screen.findByRole("heading", { level: 1, name: "Trousseau verrouillé" })).toBeInTheDocument();
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("Votre session Tchap est enregistrée, mais le trousseau de votre poste est verrouillé");
    expect(alert).toHaveTextContent("Rien n'est perdu.");
    expect(screen.queryByLabelText("Mot de passe")).toBeNull();

    // Still locked: the screen stays and says so.
    await user.click(screen.getByRole("button", { name: "Réessayer" }));
    expect(await screen.findByText(/Le trousseau est toujours verrouillé/)).toBeInTheDocument();
    expect(backend.callsOf("restore_session")).toHaveLength(2);

    // Unlocked: the main screen, with its subscriptions.
    backend.on("restore_session", () => SESSION);
    await user.click(screen.getByRole("button", { name: "Réessayer" }));
    expect(await screen.findByText("Marie Dupont")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Se déconnecter" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Trousseau verrouillé" })).toBeNull();
    expect(backend.callsOf("restore_session")).toHaveLength(3);
    expect(backend.callsOf("subscribe_room_list")).toHaveLength(1);
  });

  it("lets the user sign in with the password instead, saying the saved session is kept", async () => {
    new FakeBackend({
      restore_session: () => {
        throw appError("session_locked");
      },
    });
    const user = userEvent.setup();
    render(App);
    await screen.findByRole("heading", { name: "Trousseau verrouillé" });
    expect(screen.getByText(/Votre session enregistrée ne sera pas effacée/)).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Se connecter avec mon mot de passe" }));
    expect(await screen.findByRole("heading", { name: "Connexion à Tchap" })).toBeInTheDocument();
    expect(screen.getByText(/Votre session enregistrée est conservée sur ce poste/)).toBeInTheDocument();
    expect(screen.getByLabelText("Mot de passe")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Revenir à ma session enregistrée" }));
    expect(await screen.findByRole("heading", { name: "Trousseau verrouillé" })).toBeInTheDocument();
  });
});

describe("session ended by the server", () => {
  it("asks for the password again after a soft logout and resumes the same session", async () => {
    const backend = new FakeBackend({ restore_session: () => SESSION });
    const user = userEvent.setup();
    render(App);
    await screen.findByText("Marie Dupont");
    expect(backend.callsOf("subscribe_room_list")).toHaveLength(1);

    await backend.emit("session-ended", { reason: "soft_logged_out" });
    expect(await screen.findByRole("heading", { level: 1, name: "Votre session a expiré" })).toBeInTheDocument();
    expect(screen.getByText(/Vos messages et vos clés de chiffrement sont conservés/)).toBeInTheDocument();
    expect(screen.getByText(SESSION.userId)).toBeInTheDocument();
    const password = screen.getByLabelText("Mot de passe");
    await waitFor(() => expect(password).toHaveFocus());

    // A wrong password: the French error, and the prompt stays.
    backend.on("resume_session", () => {
      throw appError("invalid_credentials");
    });
    await user.type(password, "mauvais");
    await user.click(screen.getByRole("button", { name: "Se reconnecter" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Identifiant ou mot de passe incorrect.");
    expect(screen.getByRole("alert")).not.toHaveTextContent("backend said");
    expect(screen.getByRole("heading", { name: "Votre session a expiré" })).toBeInTheDocument();

    // The right one: back to the main screen, its subscriptions started again.
    backend.on("resume_session", () => ({ ...SESSION, displayName: "Marie Dupont (DINUM)" }));
    await user.clear(password);
    await user.type(password, "le-bon-mot-de-passe");
    await user.keyboard("{Enter}");
    expect(await screen.findByText("Marie Dupont (DINUM)")).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Votre session a expiré" })).toBeNull();
    expect(backend.callsOf("resume_session")).toEqual([{ password: "mauvais" }, { password: "le-bon-mot-de-passe" }]);
    expect(backend.callsOf("subscribe_room_list")).toHaveLength(2);
    expect(backend.callsOf("login")).toHaveLength(0);
  });

  it("after a soft logout, asks for the password before calling the backend, and offers to sign out", async () => {
    const backend = new FakeBackend({ restore_session: () => SESSION });
    const user = userEvent.setup();
    render(App);
    await screen.findByText("Marie Dupont");
    await backend.emit("session-ended", { reason: "soft_logged_out" });
    await screen.findByRole("heading", { name: "Votre session a expiré" });

    await user.click(screen.getByRole("button", { name: "Se reconnecter" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Indiquez votre mot de passe.");
    expect(backend.callsOf("resume_session")).toHaveLength(0);

    await user.click(screen.getByRole("button", { name: "Se déconnecter" }));
    const dialog = screen.getByRole("dialog", { name: "Se déconnecter ?" });
    await user.click(within(dialog).getByRole("button", { name: "Confirmer la déconnexion" }));
    expect(await screen.findByRole("heading", { name: "Connexion à Tchap" })).toBeInTheDocument();
    expect(backend.callsOf("logout")).toHaveLength(1);
  });

  it("returns to the login form saying why when the session was signed out from another device", async () => {
    const backend = new FakeBackend({ restore_session: () => SESSION });
    render(App);
    await screen.findByText("Marie Dupont");

    await backend.emit("session-ended", { reason: "token_revoked" });
    expect(await screen.findByRole("heading", { name: "Connexion à Tchap" })).toBeInTheDocument();
    const form = screen.getByRole("button", { name: "Se connecter" }).closest("form")!;
    const reason = screen.getByText(/Cette session a été déconnectée depuis un autre appareil/);
    expect(reason.closest('[role="status"]')).not.toBeNull();
    expect(reason.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.getByText(/Reconnectez-vous pour continuer/)).toBeInTheDocument();
    expect(screen.getByLabelText("Mot de passe")).toBeInTheDocument();
    expect(screen.queryByText("Marie Dupont")).toBeNull();
  });

  it("shows what to do when the Tchap account has expired, and goes back to the main screen once renewed", async () => {
    let expired = true;
    const backend = new FakeBackend({
      restore_session: () => {
        if (backend.callsOf("restore_session").length > 1 && expired) throw { code: "account_expired", message: "expired" };
        return SESSION;
      },
      send_renewal_mail: () => ({ resendInSecs: 60 }),
    });
    const user = userEvent.setup();
    render(App);
    await screen.findByText("Marie Dupont");

    await backend.emit("session-ended", { reason: "account_expired" });
    expect(await screen.findByRole("heading", { level: 1, name: "Votre compte Tchap a expiré" })).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("Vos messages et vos clés de chiffrement sont conservés");
    expect(screen.getByText(/contactez votre administrateur/)).toBeInTheDocument();
    expect(screen.queryByLabelText("Mot de passe")).toBeNull();
    expect(screen.queryByText("Marie Dupont")).toBeNull();

    // The renewal e-mail, once a minute at most.
    await user.click(screen.getByRole("button", { name: "Recevoir l'e-mail de renouvellement" }));
    expect(await screen.findByText(/L'e-mail de renouvellement a été envoyé/)).toBeInTheDocument();
    expect(backend.callsOf("send_renewal_mail")).toHaveLength(1);
    const resend = screen.getByRole("button", { name: /Renvoyer l'e-mail \(dans \d+ s\)/ });
    expect(resend).toBeDisabled();

    // Not renewed yet: said plainly, the screen stays.
    await user.click(screen.getByRole("button", { name: "J'ai renouvelé mon compte" }));
    expect(await screen.findByText(/Votre compte n'est pas encore renouvelé/)).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 1, name: "Votre compte Tchap a expiré" })).toBeInTheDocument();

    expired = false;
    await user.click(screen.getByRole("button", { name: "J'ai renouvelé mon compte" }));
    expect(await screen.findByText("Marie Dupont")).toBeInTheDocument();
    expect(backend.callsOf("subscribe_room_list")).toHaveLength(2);
  });

  it("keeps the password prompt when the soft logout comes before the restored session", async () => {
    const restore = deferred<typeof SESSION>();
    const backend = new FakeBackend({ restore_session: () => restore.promise });
    render(App);
    await waitFor(() => expect(backend.callsOf("restore_session")).toHaveLength(1));
    await backend.emit("session-ended", { reason: "soft_logged_out" });
    await screen.findByRole("heading", { name: "Votre session a expiré" });

    restore.resolve(SESSION);
    expect(await screen.findByText(SESSION.userId)).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Votre session a expiré" })).toBeInTheDocument();
    expect(backend.callsOf("subscribe_room_list")).toHaveLength(0);
  });

  it("speaks English on the password prompt", async () => {
    const backend = new FakeBackend({ restore_session: () => SESSION });
    const user = userEvent.setup();
    render(App);
    await screen.findByText("Marie Dupont");
    await backend.emit("session-ended", { reason: "soft_logged_out" });
    await screen.findByRole("heading", { name: "Votre session a expiré" });
    await user.selectOptions(screen.getByLabelText("Langue / Language"), "en");
    expect(screen.getByRole("heading", { level: 1, name: "Your session has expired" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Sign in again" })).toBeInTheDocument();
  });
});
