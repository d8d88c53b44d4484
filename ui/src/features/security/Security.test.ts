import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { SecurityStatus } from "../../bindings";
import MainScreen from "../../shell/MainScreen.svelte";
import { appError, EMOJIS, FakeBackend, SESSION } from "../../test/backend";
import { SessionStore } from "../session";

const KEY = "EsTc 7Ywx 9Ztr aBcd EfGh iJkL mNoP qRsT uVwX yZ12 3456 789a";

function backendWith(status: SecurityStatus, overrides: ConstructorParameters<typeof FakeBackend>[0] = {}) {
  return new FakeBackend({ security_status: () => status, ...overrides });
}

function mainScreen() {
  const user = userEvent.setup();
  render(MainScreen, { session: new SessionStore(), user: SESSION });
  return user;
}

describe("recovery key set-up on a new account", () => {
  it("opens by itself, shows the key once, saves it and checks the user kept it", async () => {
    const backend = backendWith(
      { session: "verified", recovery: "disabled" },
      { enable_recovery: () => KEY, save_recovery_key: () => "/home/marie/Téléchargements/Tchap - clé de récupération.txt" },
    );
    const user = mainScreen();
    const dialog = await screen.findByRole("dialog", { name: "Sauvegarde sécurisée" });
    await user.click(within(dialog).getByRole("button", { name: "Générer ma clé de récupération" }));

    const shown = await within(dialog).findByRole("textbox", { name: "Votre clé de récupération" });
    expect(shown).toHaveValue(KEY);
    expect(shown).toHaveAttribute("readonly");
    await user.click(within(dialog).getByRole("button", { name: "Enregistrer dans un fichier" }));
    expect(await within(dialog).findByText(/Téléchargements\/Tchap - clé de récupération\.txt/)).toBeInTheDocument();
    expect(backend.callsOf("save_recovery_key")).toEqual([{ recoveryKey: KEY }]);

    // Escape does not close it while the key is on screen.
    await user.keyboard("{Escape}");
    expect(screen.getByRole("dialog", { name: "Sauvegarde sécurisée" })).toBeInTheDocument();

    await user.click(within(dialog).getByRole("button", { name: "J'ai conservé ma clé" }));
    const typed = within(dialog).getByRole("textbox", { name: /Saisissez votre clé de récupération/ });
    await user.type(typed, KEY.replace("EsTc", "EsTC"));
    await user.click(within(dialog).getByRole("button", { name: "Vérifier" }));
    expect(within(dialog).getByText(/La clé saisie ne correspond pas/)).toBeInTheDocument();
    expect(typed).toHaveAttribute("aria-invalid", "true");

    await user.clear(typed);
    await user.type(typed, KEY.replaceAll(" ", ""));
    await user.click(within(dialog).getByRole("button", { name: "Vérifier" }));
    expect(within(dialog).getByRole("status")).toHaveTextContent("La sauvegarde sécurisée est activée.");
    await user.click(within(dialog).getByRole("button", { name: "Terminer" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(backend.callsOf("enable_recovery")).toHaveLength(1);
  });

  it("can wait: 'Plus tard' leaves a banner that opens it again", async () => {
    const backend = backendWith({ session: "verified", recovery: "disabled" });
    const user = mainScreen();
    const dialog = await screen.findByRole("dialog", { name: "Sauvegarde sécurisée" });
    await user.click(within(dialog).getByRole("button", { name: "Plus tard" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());

    const banner = screen.getByRole("region", { name: "Sécurité du compte" });
    expect(banner).toHaveTextContent("La sauvegarde sécurisée n'est pas activée");
    await user.click(within(banner).getByRole("button", { name: "Activer la sauvegarde" }));
    expect(screen.getByRole("dialog", { name: "Sauvegarde sécurisée" })).toBeInTheDocument();
    expect(backend.callsOf("enable_recovery")).toHaveLength(0);
  });

  it("goes away when the backend says recovery is on", async () => {
    const backend = backendWith({ session: "verified", recovery: "disabled" });
    const user = mainScreen();
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Plus tard" }));
    expect(screen.getByRole("region", { name: "Sécurité du compte" })).toBeInTheDocument();
    await backend.emit("security-status-changed", { session: "verified", recovery: "enabled" });
    await waitFor(() => expect(screen.queryByRole("region", { name: "Sécurité du compte" })).toBeNull());
  });

  it("says what failed and lets the user try again", async () => {
    const backend = backendWith({ session: "verified", recovery: "disabled" }, {
      enable_recovery: () => {
        throw appError("network");
      },
    });
    const user = mainScreen();
    const dialog = await screen.findByRole("dialog", { name: "Sauvegarde sécurisée" });
    await user.click(within(dialog).getByRole("button", { name: "Générer ma clé de récupération" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Problème de connexion au réseau");
    backend.on("enable_recovery", () => KEY);
    await user.click(within(dialog).getByRole("button", { name: "Générer ma clé de récupération" }));
    expect(await within(dialog).findByRole("textbox", { name: "Votre clé de récupération" })).toHaveValue(KEY);
  });
});

describe("verifying a new session", () => {
  it("unlocks with the recovery key, explaining a wrong one in French", async () => {
    const backend = backendWith({ session: "unverified", recovery: "incomplete" }, {
      recover: ({ recoveryKey }) => {
        if (recoveryKey !== KEY) throw appError("invalid_recovery_key");
        return null;
      },
    });
    const user = mainScreen();
    const dialog = await screen.findByRole("dialog", { name: "Vérifiez cette session" });
    await user.click(within(dialog).getByRole("button", { name: "Utiliser ma clé de récupération" }));
    const field = within(dialog).getByRole("textbox", { name: /Clé de récupération/ });
    await user.type(field, "EsTc 0000");
    await user.click(within(dialog).getByRole("button", { name: "Vérifier la session" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Cette clé de récupération ne correspond pas à votre compte.");
    expect(field).toHaveValue("EsTc 0000");

    await user.clear(field);
    await user.type(field, KEY);
    await user.click(within(dialog).getByRole("button", { name: "Vérifier la session" }));
    expect(await within(dialog).findByRole("status")).toHaveTextContent("Cette session est vérifiée.");
    expect(backend.callsOf("recover").at(-1)).toEqual({ recoveryKey: KEY });
  });

  it("compares emojis with another session, named in French", async () => {
    const backend = backendWith({ session: "unverified", recovery: "enabled" }, { verify_this_session: () => "flow-1" });
    const user = mainScreen();
    const dialog = await screen.findByRole("dialog", { name: "Vérifiez cette session" });
    await user.click(await within(dialog).findByRole("button", { name: "Utiliser un autre appareil" }));
    expect(within(dialog).getByRole("status")).toHaveTextContent("En attente de l'autre appareil");

    backend.pushStep("verify_this_session", { step: "emojis", emojis: EMOJIS });
    const list = await within(dialog).findByRole("list", { name: "Émojis à comparer" });
    expect(within(list).getAllByRole("listitem").map((item) => item.textContent?.trim())).toEqual([
      "🐶 Chien",
      "🔧 Clé à molette",
      "❤️ Cœur",
      "🚲 Vélo",
      "🐰 Lapin",
      "📌 Punaise",
      "🌍 Globe",
    ]);
    await user.click(within(dialog).getByRole("button", { name: "Ils correspondent" }));
    expect(backend.callsOf("confirm_verification")).toEqual([{ userId: SESSION.userId, flowId: "flow-1" }]);

    backend.pushStep("verify_this_session", { step: "done" });
    expect(await within(dialog).findByText("Vérification réussie.")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Fermer" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });

  it("cancels on both sides when the emojis differ, and offers the choice again", async () => {
    const backend = backendWith({ session: "unverified", recovery: "enabled" }, { verify_this_session: () => "flow-2" });
    const user = mainScreen();
    const dialog = await screen.findByRole("dialog", { name: "Vérifiez cette session" });
    await user.click(await within(dialog).findByRole("button", { name: "Utiliser un autre appareil" }));
    backend.pushStep("verify_this_session", { step: "emojis", emojis: EMOJIS });
    await user.click(await within(dialog).findByRole("button", { name: "Ils ne correspondent pas" }));
    expect(backend.callsOf("refuse_verification")).toEqual([{ userId: SESSION.userId, flowId: "flow-2" }]);
    backend.pushStep("verify_this_session", { step: "cancelled", reason: "mismatch" });
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Les émojis ne correspondaient pas");
    await user.click(within(dialog).getByRole("button", { name: "Fermer" }));
    expect(within(dialog).getByRole("button", { name: "Utiliser ma clé de récupération" })).toBeInTheDocument();
  });

  it("offers only the recovery key when no other session can confirm", async () => {
    backendWith({ session: "unverified", recovery: "enabled" }, { can_verify_with_another_session: () => false });
    mainScreen();
    const dialog = await screen.findByRole("dialog", { name: "Vérifiez cette session" });
    expect(await within(dialog).findByRole("button", { name: "Utiliser ma clé de récupération" })).toBeInTheDocument();
    expect(within(dialog).queryByRole("button", { name: "Utiliser un autre appareil" })).toBeNull();
  });
});

describe("a verified session that turns unverified later", () => {
  it("gets the banner, not a dialog over what the user is doing", async () => {
    const backend = backendWith({ session: "verified", recovery: "enabled" });
    mainScreen();
    await waitFor(() => expect(backend.callsOf("security_status")).toHaveLength(1));
    await backend.emit("security-status-changed", { session: "unverified", recovery: "enabled" });
    const banner = await screen.findByRole("region", { name: "Sécurité du compte" });
    expect(banner).toHaveTextContent("Cette session n'est pas vérifiée");
    expect(screen.queryByRole("dialog")).toBeNull();
  });
});
