import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { OwnSession } from "../../bindings";
import { setLocale } from "../../lib/i18n/locale.svelte";
import MainScreen from "../../shell/MainScreen.svelte";
import { appError, deferred, FakeBackend, SESSION } from "../../test/backend";
import { SessionStore } from "../session";

const PASSWORD = "correct horse battery staple";
const today = (hours: number, minutes: number) => {
  const d = new Date();
  d.setHours(hours, minutes, 0, 0);
  return d.getTime();
};

function ownSession(deviceId: string, displayName: string | null, extra: Partial<OwnSession> = {}): OwnSession {
  return { deviceId, displayName, lastSeenIp: null, lastSeenTs: null, isCurrent: false, isVerified: false, ...extra };
}

const SESSIONS: OwnSession[] = [
  ownSession("DEVICE", "Tchap desktop", { isCurrent: true, isVerified: true, lastSeenTs: today(9, 30), lastSeenIp: "10.0.0.12" }),
  ownSession("PHONE", "Tchap Android", { isVerified: true, lastSeenTs: new Date(2025, 2, 10, 18, 5).getTime() }),
  ownSession("OLDWEB", null),
];

/** The main screen, then "Sécurité" in the header: resolves to the dialog. */
async function openSettings(backend: FakeBackend) {
  const user = userEvent.setup();
  render(MainScreen, { session: new SessionStore(), user: SESSION });
  await user.click(screen.getByRole("button", { name: "Sécurité" }));
  const dialog = await screen.findByRole("dialog", { name: "Sécurité et sessions" });
  await waitFor(() => expect(backend.callsOf("list_own_sessions")).toHaveLength(1));
  return { user, dialog };
}

function sessionList(dialog: HTMLElement) {
  return within(dialog).getByRole("list", { name: "Vos sessions" });
}

function sessionNames(dialog: HTMLElement) {
  return within(sessionList(dialog))
    .getAllByRole("heading", { level: 4 })
    .map((h) => h.textContent?.trim());
}

describe("Paramètres → Sécurité: sessions", () => {
  it("opens from the header and lists this session first, with its trust and last activity", async () => {
    const backend = new FakeBackend({ list_own_sessions: () => SESSIONS });
    const { user, dialog } = await openSettings(backend);
    expect(within(dialog).getByRole("button", { name: "Fermer" })).toHaveFocus();

    const items = await within(dialog).findAllByRole("listitem");
    expect(sessionNames(dialog)).toEqual(["Tchap desktop", "Tchap Android", "Session sans nom"]);
    expect(items[0]).toHaveAccessibleName("Tchap desktop");
    expect(items[0]).toHaveTextContent("Cette session");
    expect(items[0]).toHaveTextContent("Vérifiée");
    expect(items[0]).toHaveTextContent("Identifiant : DEVICE");
    expect(items[0]).toHaveTextContent("Dernière activité : Aujourd'hui à 09:30");
    expect(items[0]).toHaveTextContent("Adresse IP : 10.0.0.12");
    expect(items[1]).not.toHaveTextContent("Cette session");
    expect(items[1]).toHaveTextContent("lundi 10 mars 2025 à 18:05");
    expect(items[2]).toHaveTextContent("Non vérifiée");
    expect(items[2]).toHaveTextContent("Dernière activité inconnue");
    // This session ends with "Se déconnecter", not from the list.
    expect(within(items[0]).queryByRole("button", { name: /^Déconnecter/ })).toBeNull();
    expect(within(items[1]).getByRole("button", { name: "Déconnecter la session Tchap Android" })).toBeInTheDocument();

    // Closing gives the focus back to the header button.
    await user.click(within(dialog).getByRole("button", { name: "Fermer" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.getByRole("button", { name: "Sécurité" })).toHaveFocus();
  });

  it("renames a session inline, and refuses an empty name before any call", async () => {
    const backend = new FakeBackend({ list_own_sessions: () => SESSIONS });
    const { user, dialog } = await openSettings(backend);
    const renameButton = await within(dialog).findByRole("button", { name: "Renommer la session Tchap Android" });
    await user.click(renameButton);
    const field = within(dialog).getByRole("textbox", { name: "Nom de la session" });
    expect(field).toHaveFocus();
    expect(field).toHaveValue("Tchap Android");

    await user.clear(field);
    await user.type(field, "   ");
    await user.click(within(dialog).getByRole("button", { name: "Enregistrer" }));
    expect(within(dialog).getByRole("alert")).toHaveTextContent("Le nom de la session doit comporter entre 1 et 100 caractères.");
    expect(backend.callsOf("rename_session")).toHaveLength(0);

    await user.clear(field);
    await user.type(field, "  Téléphone pro {Enter}");
    await waitFor(() => expect(backend.callsOf("rename_session")).toEqual([{ deviceId: "PHONE", name: "Téléphone pro" }]));
    await waitFor(() => expect(sessionNames(dialog)).toEqual(["Tchap desktop", "Téléphone pro", "Session sans nom"]));
    expect(within(dialog).queryByRole("textbox", { name: "Nom de la session" })).toBeNull();
    expect(within(dialog).getByRole("button", { name: "Renommer la session Téléphone pro" })).toHaveFocus();
  });

  it("Escape gives up the renaming only, not the dialog", async () => {
    const backend = new FakeBackend({ list_own_sessions: () => SESSIONS });
    const { user, dialog } = await openSettings(backend);
    await user.click(await within(dialog).findByRole("button", { name: "Renommer la session Tchap desktop" }));
    await user.type(within(dialog).getByRole("textbox", { name: "Nom de la session" }), " modifié");
    await user.keyboard("{Escape}");
    expect(screen.getByRole("dialog", { name: "Sécurité et sessions" })).toBeInTheDocument();
    expect(within(dialog).queryByRole("textbox", { name: "Nom de la session" })).toBeNull();
    expect(within(dialog).getByRole("button", { name: "Renommer la session Tchap desktop" })).toHaveFocus();
    expect(backend.callsOf("rename_session")).toHaveLength(0);
  });

  it("shows the backend's refusal of a name in French", async () => {
    const backend = new FakeBackend({
      list_own_sessions: () => SESSIONS,
      rename_session: () => {
        throw appError("session_not_found");
      },
    });
    const { user, dialog } = await openSettings(backend);
    await user.click(await within(dialog).findByRole("button", { name: "Renommer la session Tchap Android" }));
    await user.type(within(dialog).getByRole("textbox", { name: "Nom de la session" }), "2{Enter}");
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Cette session n'existe plus");
    expect(sessionNames(dialog)).toContain("Tchap Android");
  });

  it("signs out the other sessions only with the right password, and says how many", async () => {
    const backend = new FakeBackend({
      list_own_sessions: () => SESSIONS,
      sign_out_other_sessions: ({ password }) => {
        if (password !== PASSWORD) throw appError("invalid_credentials");
        return 2;
      },
    });
    const { user, dialog } = await openSettings(backend);
    await user.click(await within(dialog).findByRole("button", { name: "Déconnecter les autres sessions" }));
    const field = within(dialog).getByLabelText("Mot de passe");
    expect(field).toHaveFocus();
    expect(field).toHaveAttribute("type", "password");

    // Nothing typed: asked for, nothing sent.
    await user.click(within(dialog).getByRole("button", { name: "Confirmer la déconnexion" }));
    expect(within(dialog).getByRole("alert")).toHaveTextContent("Indiquez votre mot de passe.");
    expect(backend.callsOf("sign_out_other_sessions")).toHaveLength(0);

    await user.type(field, "pas le bon{Enter}");
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Mot de passe incorrect.");
    expect(sessionNames(dialog)).toEqual(["Tchap desktop", "Tchap Android", "Session sans nom"]);

    await user.clear(field);
    await user.type(field, `${PASSWORD}{Enter}`);
    expect(await within(dialog).findByRole("status")).toHaveTextContent("2 sessions déconnectées.");
    expect(backend.callsOf("sign_out_other_sessions")).toEqual([{ password: "pas le bon" }, { password: PASSWORD }]);
    expect(sessionNames(dialog)).toEqual(["Tchap desktop"]);
    expect(within(dialog).getByText("Aucune autre session n'est connectée à votre compte.")).toBeInTheDocument();
    expect(within(dialog).queryByLabelText("Mot de passe")).toBeNull();
    expect(within(dialog).getByRole("heading", { name: "Vos sessions" })).toHaveFocus();
  });

  it("signs out one other session with the password", async () => {
    const backend = new FakeBackend({
      list_own_sessions: () => SESSIONS,
      sign_out_session: ({ password }) => {
        if (password !== PASSWORD) throw appError("invalid_credentials");
        return null;
      },
    });
    const { user, dialog } = await openSettings(backend);
    await user.click(await within(dialog).findByRole("button", { name: "Déconnecter la session Tchap Android" }));
    const item = within(dialog).getAllByRole("listitem")[1];
    expect(item).toHaveTextContent("La session « Tchap Android » sera fermée");
    await user.type(within(item).getByLabelText("Mot de passe"), "faux{Enter}");
    expect(await within(item).findByRole("alert")).toHaveTextContent("Mot de passe incorrect.");
    expect(sessionNames(dialog)).toContain("Tchap Android");

    // "Annuler" gives up; the password is asked again next time.
    await user.click(within(item).getByRole("button", { name: "Annuler" }));
    const again = within(dialog).getByRole("button", { name: "Déconnecter la session Tchap Android" });
    expect(again).toHaveFocus();
    await user.click(again);
    await user.type(within(item).getByLabelText("Mot de passe"), `${PASSWORD}{Enter}`);
    expect(await within(dialog).findByRole("status")).toHaveTextContent("La session « Tchap Android » a été déconnectée.");
    expect(backend.callsOf("sign_out_session").at(-1)).toEqual({ deviceId: "PHONE", password: PASSWORD });
    expect(sessionNames(dialog)).toEqual(["Tchap desktop", "Session sans nom"]);
  });

  it("says when the list cannot be loaded, and tries again", async () => {
    const backend = new FakeBackend({
      list_own_sessions: () => {
        throw appError("network");
      },
    });
    const { user, dialog } = await openSettings(backend);
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Problème de connexion au réseau");
    backend.on("list_own_sessions", () => SESSIONS);
    await user.click(within(dialog).getByRole("button", { name: "Réessayer" }));
    expect(await within(dialog).findByRole("list", { name: "Vos sessions" })).toBeInTheDocument();
  });
});

describe("Paramètres → Sécurité: recovery key", () => {
  it("generates a new key in the guided dialog", async () => {
    const backend = new FakeBackend({ reset_recovery_key: () => "EsTc NEWK EY00" });
    const { user, dialog } = await openSettings(backend);
    const button = within(dialog).getByRole("button", { name: "Générer une nouvelle clé" });
    await user.click(button);
    const reset = await screen.findByRole("dialog", { name: "Nouvelle clé de récupération" });
    await user.click(within(reset).getByRole("button", { name: "Générer ma clé de récupération" }));
    expect(await within(reset).findByRole("textbox", { name: "Votre clé de récupération" })).toHaveValue("EsTc NEWK EY00");
    expect(backend.callsOf("reset_recovery_key")).toHaveLength(1);
    expect(backend.callsOf("enable_recovery")).toHaveLength(0);
  });

  it("offers to turn the backup on when there is no key yet", async () => {
    new FakeBackend({ security_status: () => ({ session: "verified", recovery: "disabled" }) });
    const user = userEvent.setup();
    render(MainScreen, { session: new SessionStore(), user: SESSION });
    // The set-up opens by itself on such an account: put it off first.
    await user.click(within(await screen.findByRole("dialog", { name: "Sauvegarde sécurisée" })).getByRole("button", { name: "Plus tard" }));
    await user.click(screen.getByRole("button", { name: "Sécurité" }));
    const dialog = await screen.findByRole("dialog", { name: "Sécurité et sessions" });
    await user.click(within(dialog).getByRole("button", { name: "Activer la sauvegarde" }));
    expect(await screen.findByRole("dialog", { name: "Sauvegarde sécurisée" })).toBeInTheDocument();
  });
});

describe("Paramètres → Sécurité: encryption keys", () => {
  it("refuses a short or mistyped passphrase before any call, then shows where the file went", async () => {
    const backend = new FakeBackend();
    const { user, dialog } = await openSettings(backend);
    const form = within(dialog).getByRole("form", { name: "Exporter les clés" });
    const passphrase = within(form).getByLabelText("Phrase secrète");
    const confirmation = within(form).getByLabelText("Confirmez la phrase secrète");
    const submit = within(form).getByRole("button", { name: "Exporter les clés" });

    await user.type(passphrase, "court");
    await user.type(confirmation, "court");
    await user.click(submit);
    expect(within(form).getByRole("alert")).toHaveTextContent("La phrase secrète doit comporter au moins 8 caractères.");
    expect(passphrase).toHaveAttribute("aria-invalid", "true");

    await user.clear(passphrase);
    await user.clear(confirmation);
    await user.type(passphrase, "trois chats sur le toit");
    await user.type(confirmation, "trois chats sur le toît");
    await user.click(submit);
    expect(within(form).getByRole("alert")).toHaveTextContent("Les deux phrases secrètes ne sont pas identiques.");
    expect(confirmation).toHaveFocus();
    expect(backend.callsOf("export_room_keys_to_file")).toHaveLength(0);

    await user.clear(confirmation);
    await user.type(confirmation, "trois chats sur le toit{Enter}");
    expect(await within(form).findByRole("status")).toHaveTextContent(
      "Clés enregistrées dans le fichier : /home/marie/Téléchargements/Tchap - clés de chiffrement (2026-11-24).txt",
    );
    expect(backend.callsOf("export_room_keys_to_file")).toEqual([{ passphrase: "trois chats sur le toit" }]);
    expect(passphrase).toHaveValue("");
    expect(confirmation).toHaveValue("");
  });

  it("says it is working while the keys are encrypted", async () => {
    const pending = deferred<string>();
    const backend = new FakeBackend({ export_room_keys_to_file: () => pending.promise });
    const { user, dialog } = await openSettings(backend);
    const form = within(dialog).getByRole("form", { name: "Exporter les clés" });
    await user.type(within(form).getByLabelText("Phrase secrète"), "trois chats sur le toit");
    await user.type(within(form).getByLabelText("Confirmez la phrase secrète"), "trois chats sur le toit{Enter}");
    expect(await within(form).findByRole("button", { name: "Export en cours…" })).toHaveAttribute("aria-disabled", "true");
    pending.resolve("/home/marie/Téléchargements/clés.txt");
    expect(await within(form).findByRole("status")).toHaveTextContent("/home/marie/Téléchargements/clés.txt");
  });

  it("imports a chosen file with its passphrase and says how many keys were new", async () => {
    const backend = new FakeBackend({
      import_room_keys_text: ({ passphrase }) => {
        if (passphrase !== "trois chats sur le toit") throw appError("invalid_key_file_passphrase");
        return { imported: 3, total: 5 };
      },
    });
    const { user, dialog } = await openSettings(backend);
    const form = within(dialog).getByRole("form", { name: "Importer des clés" });
    const fileInput = within(form).getByLabelText("Fichier de clés");
    expect(fileInput).toHaveAttribute("accept", ".txt,text/plain");

    // Nothing chosen yet: said, nothing sent.
    await user.click(within(form).getByRole("button", { name: "Importer les clés" }));
    expect(within(form).getByRole("alert")).toHaveTextContent("Choisissez le fichier de clés à importer.");

    const content = "-----BEGIN MEGOLM SESSION DATA-----\nAXNhbHQ=\n-----END MEGOLM SESSION DATA-----";
    await user.upload(fileInput, new File([content], "Tchap - clés.txt", { type: "text/plain" }));
    await user.click(within(form).getByRole("button", { name: "Importer les clés" }));
    expect(within(form).getByRole("alert")).toHaveTextContent("Saisissez la phrase secrète choisie lors de l'export.");
    expect(backend.callsOf("import_room_keys_text")).toHaveLength(0);

    const passphrase = within(form).getByLabelText("Phrase secrète du fichier");
    await user.type(passphrase, "quatre chats{Enter}");
    expect(await within(form).findByRole("alert")).toHaveTextContent("Cette phrase secrète n'ouvre pas le fichier de clés.");

    await user.clear(passphrase);
    await user.type(passphrase, "trois chats sur le toit{Enter}");
    expect(await within(form).findByRole("status")).toHaveTextContent("3 clés importées sur 5.");
    expect(backend.callsOf("import_room_keys_text").at(-1)).toEqual({ content, passphrase: "trois chats sur le toit" });
  });

  it("refuses a file far too large to be a key file without sending it", async () => {
    const backend = new FakeBackend();
    const { user, dialog } = await openSettings(backend);
    const form = within(dialog).getByRole("form", { name: "Importer des clés" });
    const huge = new File(["x"], "film.txt", { type: "text/plain" });
    Object.defineProperty(huge, "size", { value: 60 * 1024 * 1024 });
    await user.upload(within(form).getByLabelText("Fichier de clés"), huge);
    await user.type(within(form).getByLabelText("Phrase secrète du fichier"), "trois chats sur le toit{Enter}");
    expect(await within(form).findByRole("alert")).toHaveTextContent("Ce fichier n'est pas un fichier de clés de chiffrement");
    expect(backend.callsOf("import_room_keys_text")).toHaveLength(0);
  });

  it("speaks English too", async () => {
    setLocale("en");
    new FakeBackend({ list_own_sessions: () => SESSIONS, import_room_keys_text: () => ({ imported: 1, total: 1 }) });
    const user = userEvent.setup();
    render(MainScreen, { session: new SessionStore(), user: SESSION });
    await user.click(screen.getByRole("button", { name: "Security" }));
    const dialog = await screen.findByRole("dialog", { name: "Security and sessions" });
    expect(await within(dialog).findByRole("list", { name: "Your sessions" })).toHaveTextContent("This session");
    const form = within(dialog).getByRole("form", { name: "Import keys" });
    await user.upload(within(form).getByLabelText("Key file"), new File(["keys"], "keys.txt", { type: "text/plain" }));
    await user.type(within(form).getByLabelText("File passphrase"), "three cats{Enter}");
    expect(await within(form).findByRole("status")).toHaveTextContent("1 key imported out of 1.");
  });
});

describe("notification privacy", () => {
  it("shows the saved choice and saves the new one", async () => {
    const backend = new FakeBackend();
    backend.on("notification_privacy", () => true);
    const { user, dialog } = await openSettings(backend);
    const toggle = within(dialog).getByRole("checkbox", { name: "Notifications discrètes" });
    await waitFor(() => expect(toggle).toBeChecked());
    expect(toggle).toHaveAccessibleDescription(/seulement « Nouveau message », sans nom ni contenu/);

    await user.click(toggle);
    await waitFor(() => expect(backend.callsOf("set_notification_privacy")).toEqual([{ enabled: false }]));
    expect(toggle).not.toBeChecked();
  });
});

describe("desktop settings", () => {
  it("keeps Tchap in the notification area by default and saves a change", async () => {
    const backend = new FakeBackend();
    const { user, dialog } = await openSettings(backend);
    const section = within(dialog).getByRole("region", { name: "Bureau" });
    const keep = within(section).getByRole("checkbox", {
      name: "Garder Tchap ouvert dans la zone de notification quand je ferme la fenêtre",
    });
    await waitFor(() => expect(keep).toBeEnabled());
    expect(keep).toBeChecked();
    expect(keep).toHaveAccessibleDescription(/fermer la fenêtre quitte Tchap/);

    await user.click(keep);
    await waitFor(() => expect(backend.callsOf("set_keep_in_tray")).toEqual([{ enabled: false }]));
    await waitFor(() => expect(keep).toBeEnabled());
    expect(keep).not.toBeChecked();
  });

  it("starts Tchap with the session only when asked, and says when it could not", async () => {
    const backend = new FakeBackend({
      set_autostart: () => {
        throw appError("storage");
      },
    });
    const { user, dialog } = await openSettings(backend);
    const section = within(dialog).getByRole("region", { name: "Bureau" });
    const autostart = within(section).getByRole("checkbox", { name: "Lancer Tchap à l'ouverture de session" });
    await waitFor(() => expect(autostart).toBeEnabled());
    expect(autostart).not.toBeChecked();

    await user.click(autostart);
    await waitFor(() => expect(backend.callsOf("set_autostart")).toEqual([{ enabled: true }]));
    expect(await within(section).findByRole("alert")).toHaveTextContent("Votre choix n'a pas été enregistré.");
    expect(autostart).not.toBeChecked();
  });
});
