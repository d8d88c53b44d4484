import type { Channel } from "@tauri-apps/api/core";
import { act, render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import App from "../../App.svelte";
import type { PasswordRule, RegistrationForm, ValidationMailSent } from "../../bindings";
import { appError, deferred, FakeBackend, SESSION } from "../../test/backend";
import { ruleMet, unmetRules } from "./passwordRules";

const EMAIL = "marie.dupont@numerique.gouv.fr";
const GOOD = "Tchap-2026!";

/** Tchap's five rules, as the backend reads them from the server. */
const RULES: PasswordRule[] = [
  { kind: "minimumLength", length: 8 },
  { kind: "lowercase" },
  { kind: "uppercase" },
  { kind: "digit" },
  { kind: "symbol" },
];

const FORM: RegistrationForm = {
  serverName: "agent.numerique.tchap.gouv.fr",
  serverLabel: "Numérique",
  isExternal: false,
  passwordRules: RULES,
  terms: [],
};

/** The backend's side of a registration: the mail leaves, then the answer comes when the test says. */
function registering(backend: FakeBackend) {
  const done = deferred<unknown>();
  backend.on("register", (args) => {
    backend.push(args.onMailSent as Channel<ValidationMailSent>, { resendInSecs: 60 });
    return done.promise;
  });
  return done;
}

async function openRegistration(user: ReturnType<typeof userEvent.setup>) {
  render(App);
  await user.click(await screen.findByRole("button", { name: "Créer un compte" }));
  expect(await screen.findByRole("heading", { level: 1, name: "Créer un compte Tchap" })).toBeInTheDocument();
}

/** The checklist item of a rule, as a screen reader reads it. */
function rule(text: string) {
  const list = screen.getByRole("list", { name: "Votre mot de passe doit contenir :" });
  return within(list).getByText(text, { exact: false }).closest("li")!;
}

async function fill(user: ReturnType<typeof userEvent.setup>, password: string, confirm = password) {
  await user.type(screen.getByLabelText(/Adresse e-mail professionnelle/), EMAIL);
  await screen.findByText("Votre compte sera créé sur le serveur « Numérique ».", {}, { timeout: 3000 });
  await user.type(screen.getByLabelText("Mot de passe"), password);
  await user.type(screen.getByLabelText("Confirmez le mot de passe"), confirm);
}

afterEach(() => {
  vi.useRealTimers();
});

describe("password rules", () => {
  it("counts characters as the server does", () => {
    expect(ruleMet({ kind: "minimumLength", length: 8 }, "abcdefg")).toBe(false);
    expect(ruleMet({ kind: "minimumLength", length: 8 }, "abcdefgh")).toBe(true);
    // An emoji is one character for the server, two UTF-16 units for JavaScript.
    expect(ruleMet({ kind: "minimumLength", length: 8 }, "abcdef😀")).toBe(false);
    expect(ruleMet({ kind: "symbol" }, "Abc123")).toBe(false);
    expect(ruleMet({ kind: "symbol" }, "Abc 123")).toBe(true);
    expect(ruleMet({ kind: "uppercase" }, "école")).toBe(false);
    expect(ruleMet({ kind: "unknown", name: "org.example.dictionary" }, "x")).toBeNull();
    expect(unmetRules(RULES, "tchap")).toEqual([RULES[0], RULES[2], RULES[3], RULES[4]]);
    expect(unmetRules([...RULES, { kind: "unknown", name: "x" }], GOOD)).toEqual([]);
  });
});

describe("registration", () => {
  it("finds the server from the e-mail and ticks the rules as one types, unknown ones shown by name", async () => {
    const backend = new FakeBackend({
      registration_form: () => ({ ...FORM, passwordRules: [...RULES, { kind: "unknown", name: "org.example.no_dictionary_word" }] }),
    });
    const user = userEvent.setup();
    await openRegistration(user);
    expect(screen.queryByRole("list", { name: "Votre mot de passe doit contenir :" })).toBeNull();

    await user.type(screen.getByLabelText(/Adresse e-mail professionnelle/), EMAIL);
    await screen.findByText("Votre compte sera créé sur le serveur « Numérique ».", {}, { timeout: 3000 });
    expect(backend.callsOf("registration_form")).toEqual([{ email: EMAIL }]);
    expect(rule("au moins 8 caractères")).toHaveTextContent("pas encore respecté");
    expect(rule("la règle du serveur « org.example.no_dictionary_word »")).toHaveTextContent(
      "vérifié par le serveur à la création du compte",
    );

    const password = screen.getByLabelText("Mot de passe");
    await user.type(password, "tchap");
    expect(rule("une lettre minuscule")).toHaveTextContent(/: respecté$/);
    expect(rule("une lettre majuscule")).toHaveTextContent("pas encore respecté");
    await user.type(password, "-T2026");
    for (const text of ["au moins 8 caractères", "une lettre minuscule", "une lettre majuscule", "un chiffre", "un caractère spécial"]) {
      expect(rule(text)).toHaveTextContent(/: respecté$/);
    }
    expect(rule("org.example.no_dictionary_word")).toHaveTextContent("vérifié par le serveur");
  });

  it("says which rules are still unmet, and when the confirmation differs, without asking the server", async () => {
    const backend = new FakeBackend({ registration_form: () => FORM });
    const user = userEvent.setup();
    await openRegistration(user);
    await fill(user, "tchap2026");
    await user.click(screen.getByRole("button", { name: "Créer mon compte" }));
    expect(screen.getByRole("alert")).toHaveTextContent(
      "Votre mot de passe ne respecte pas encore ces règles : une lettre majuscule, un caractère spécial (par exemple ! ? - @).",
    );

    await user.clear(screen.getByLabelText("Mot de passe"));
    await user.type(screen.getByLabelText("Mot de passe"), GOOD);
    await user.click(screen.getByRole("button", { name: "Créer mon compte" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Les deux mots de passe ne sont pas identiques.");
    expect(backend.callsOf("register")).toHaveLength(0);
  });

  it("explains that an external partner must be invited first, and sends nothing", async () => {
    const backend = new FakeBackend({
      registration_form: () => {
        throw appError("external_not_invited");
      },
    });
    const user = userEvent.setup();
    await openRegistration(user);
    await user.type(screen.getByLabelText(/Adresse e-mail professionnelle/), "nina@prestataire.example");
    const alert = await screen.findByRole("alert", {}, { timeout: 3000 });
    expect(alert).toHaveTextContent("Un partenaire externe doit d'abord être invité par un agent sur Tchap");
    expect(screen.getByLabelText(/Adresse e-mail professionnelle/)).toHaveAttribute("aria-invalid", "true");
    await user.type(screen.getByLabelText("Mot de passe"), GOOD);
    await user.type(screen.getByLabelText("Confirmez le mot de passe"), GOOD);
    await user.click(screen.getByRole("button", { name: "Créer mon compte" }));
    expect(backend.callsOf("register")).toHaveLength(0);
  });

  it("waits for the link with a resend countdown, resends, and cancels back to the form", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const backend = new FakeBackend({
      registration_form: () => FORM,
      resend_registration_mail: () => ({ resendInSecs: 60 }),
      cancel_registration: () => null,
    });
    const done = registering(backend);
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    await openRegistration(user);
    await fill(user, GOOD);
    await user.click(screen.getByRole("button", { name: "Créer mon compte" }));

    expect(await screen.findByRole("heading", { name: "Validez votre adresse e-mail" })).toBeInTheDocument();
    expect(screen.getByText(/Un e-mail vient d'être envoyé à marie\.dupont@numerique\.gouv\.fr/)).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("En attente de la validation de votre adresse…");
    expect(backend.callsOf("register")).toEqual([
      { email: EMAIL, password: GOOD, acceptedTerms: false, onMailSent: expect.anything() },
    ]);
    expect(screen.getByRole("button", { name: "Renvoyer l'e-mail (dans 60 s)" })).toBeDisabled();
    await act(() => vi.advanceTimersByTime(15_000));
    expect(screen.getByRole("button", { name: "Renvoyer l'e-mail (dans 45 s)" })).toBeDisabled();
    await act(() => vi.advanceTimersByTime(45_000));
    await user.click(screen.getByRole("button", { name: "Renvoyer l'e-mail" }));
    expect(await screen.findByText("Un nouvel e-mail vous a été envoyé.")).toBeInTheDocument();
    expect(backend.callsOf("resend_registration_mail")).toHaveLength(1);
    expect(screen.getByRole("button", { name: "Renvoyer l'e-mail (dans 60 s)" })).toBeDisabled();

    await user.click(screen.getByRole("button", { name: "Annuler" }));
    expect(backend.callsOf("cancel_registration")).toHaveLength(1);
    expect(await screen.findByRole("button", { name: "Créer mon compte" })).toBeInTheDocument();
    done.resolve(null); // the backend's answer to a cancelled registration
    await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
    expect(screen.getByLabelText(/Adresse e-mail professionnelle/)).toHaveValue(EMAIL);
  });

  it("lands in the app once the link was followed", async () => {
    const backend = new FakeBackend({ registration_form: () => FORM });
    const done = registering(backend);
    const user = userEvent.setup();
    await openRegistration(user);
    await fill(user, GOOD);
    await user.click(screen.getByRole("button", { name: "Créer mon compte" }));
    await screen.findByRole("heading", { name: "Validez votre adresse e-mail" });

    done.resolve(SESSION);
    expect(await screen.findByText("Marie Dupont")).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Validez votre adresse e-mail" })).toBeNull();
  });

  it.each([
    ["email_in_use", "Un compte Tchap existe déjà avec cette adresse e-mail. Connectez-vous avec votre mot de passe."],
    ["email_not_allowed", "Cette adresse e-mail n'est pas autorisée sur Tchap."],
    ["weak_password", "Ce mot de passe ne respecte pas les règles de sécurité du serveur. Choisissez-en un autre."],
  ] as const)("says %s in French", async (code, text) => {
    const backend = new FakeBackend({
      registration_form: () => FORM,
      register: () => {
        throw appError(code);
      },
    });
    const user = userEvent.setup();
    await openRegistration(user);
    await fill(user, GOOD);
    await user.click(screen.getByRole("button", { name: "Créer mon compte" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent(text);
    expect(alert).not.toHaveTextContent("backend said");
    expect(backend.callsOf("register")).toHaveLength(1);
    if (code === "email_in_use") {
      // An account exists: back to the sign-in form.
      await user.click(screen.getByRole("button", { name: "Se connecter" }));
      expect(await screen.findByRole("heading", { level: 1, name: "Connexion à Tchap" })).toBeInTheDocument();
    }
  });

  it("is offered only with Tchap's server list, and goes back to the sign-in", async () => {
    new FakeBackend({ app_config: () => ({ defaultHomeserver: "https://matrix.example.org", emailSignIn: false, allowCustomHomeserver: true }) });
    render(App);
    await screen.findByLabelText("Adresse du serveur");
    expect(screen.queryByRole("button", { name: "Créer un compte" })).toBeNull();
  });

  it("goes back to the sign-in form", async () => {
    new FakeBackend();
    const user = userEvent.setup();
    await openRegistration(user);
    await user.click(screen.getByRole("button", { name: "J'ai déjà un compte" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Connexion à Tchap" })).toBeInTheDocument();
  });
});
