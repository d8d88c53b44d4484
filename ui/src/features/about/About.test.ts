import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import MainScreen from "../../shell/MainScreen.svelte";
import { ABOUT, appError, deferred, FakeBackend, NO_POLICY, SESSION } from "../../test/backend";
import { SessionStore } from "../session";

/** Settings from the header, then its « À propos » section. */
async function openAbout() {
  const user = userEvent.setup();
  render(MainScreen, { session: new SessionStore(), user: SESSION });
  await user.click(screen.getByRole("button", { name: "Sécurité" }));
  const dialog = await screen.findByRole("dialog", { name: "Sécurité et sessions" });
  const section = within(dialog).getByRole("region", { name: "À propos" });
  return { user, section };
}

/** The value shown for `term` in the section's list. */
function valueOf(section: HTMLElement, term: string): string {
  const dt = within(section).getByText(term, { selector: "dt" });
  return dt.nextElementSibling?.textContent?.trim() ?? "";
}

describe("Paramètres → À propos", () => {
  it("shows the version, how updates come, the system, the server and the log folder", async () => {
    new FakeBackend();
    const { section } = await openAbout();
    await waitFor(() => expect(valueOf(section, "Version")).toBe("Tchap 1.4.2"));
    expect(valueOf(section, "Mises à jour")).toBe("Installées par l'application");
    expect(valueOf(section, "Système")).toBe("Debian GNU/Linux 12 (bookworm) [64-bit] x86_64");
    expect(valueOf(section, "Politique de l'organisation")).toBe("Aucune politique");
    expect(valueOf(section, "Serveur du compte")).toBe("https://matrix.agent.tchap.gouv.fr/");
    expect(valueOf(section, "Dossier des journaux")).toBe("/home/marie/.local/share/fr.gouv.tchap.desktop/logs");
    // The updater's line and its button, in a build that updates itself.
    expect(within(section).getByRole("button", { name: "Rechercher une mise à jour" })).toBeInTheDocument();
  });

  it("says when updates are the organisation's and where the policy was read", async () => {
    new FakeBackend({
      about_info: () => ({
        ...ABOUT,
        variant: "managedByOrganisation",
        policy: { ...NO_POLICY, managedKeys: ["updater"], source: "/etc/fr.gouv.tchap.desktop/policy.json" },
      }),
    });
    const { section } = await openAbout();
    await waitFor(() => expect(valueOf(section, "Mises à jour")).toBe("Gérées par votre organisation"));
    expect(valueOf(section, "Politique de l'organisation")).toBe("Lue depuis /etc/fr.gouv.tchap.desktop/policy.json");
    expect(within(section).queryByRole("button", { name: "Rechercher une mise à jour" })).toBeNull();
  });

  it("says an unreadable policy was replaced by safe defaults, and why", async () => {
    new FakeBackend({
      about_info: () => ({
        ...ABOUT,
        policy: { ...NO_POLICY, invalidReason: "unknown field `proxy`", source: "HKLM\\Software\\Policies\\fr.gouv.tchap.desktop" },
      }),
    });
    const { section } = await openAbout();
    await waitFor(() =>
      expect(valueOf(section, "Politique de l'organisation")).toBe(
        "Illisible (HKLM\\Software\\Policies\\fr.gouv.tchap.desktop) : unknown field `proxy`. Des réglages sûrs par défaut s'appliquent.",
      ),
    );
  });

  it("exports the bug report where the user chose and says where", async () => {
    const answer = deferred<string | null>();
    const backend = new FakeBackend({ export_bug_report: () => answer.promise });
    const { user, section } = await openAbout();
    const button = within(section).getByRole("button", { name: "Exporter un rapport de bug…" });
    expect(button).toHaveAccessibleDescription(/sans vos messages, mots de passe ni clés/);
    await user.click(button);
    expect(backend.callsOf("export_bug_report")).toHaveLength(1);
    expect(within(section).getByRole("button", { name: "Export en cours…" })).toHaveAttribute("aria-disabled", "true");
    // A second click while the dialog is open asks nothing more.
    await user.click(within(section).getByRole("button", { name: "Export en cours…" }));
    expect(backend.callsOf("export_bug_report")).toHaveLength(1);

    answer.resolve("/home/marie/Documents/Tchap - rapport de bug (2026-12-02).txt");
    expect(await within(section).findByRole("status")).toHaveTextContent(
      "Rapport enregistré : /home/marie/Documents/Tchap - rapport de bug (2026-12-02).txt",
    );
  });

  it("says nothing when the user cancels the save dialog", async () => {
    const backend = new FakeBackend({ export_bug_report: () => null });
    const { user, section } = await openAbout();
    await user.click(within(section).getByRole("button", { name: "Exporter un rapport de bug…" }));
    await waitFor(() => expect(backend.callsOf("export_bug_report")).toHaveLength(1));
    await within(section).findByRole("button", { name: "Exporter un rapport de bug…" });
    expect(within(section).queryByRole("status")).toBeNull();
    expect(within(section).queryByRole("alert")).toBeNull();
  });

  it("says in French that the disk is full, or that the place cannot be written", async () => {
    const backend = new FakeBackend({ export_bug_report: () => { throw appError("disk_full"); } });
    const { user, section } = await openAbout();
    await user.click(within(section).getByRole("button", { name: "Exporter un rapport de bug…" }));
    expect(await within(section).findByRole("alert")).toHaveTextContent(
      "Le disque est plein : le fichier n'a pas été enregistré. Libérez de la place ou choisissez un autre emplacement, puis réessayez.",
    );

    backend.on("export_bug_report", () => { throw appError("file_not_accessible"); });
    await user.click(within(section).getByRole("button", { name: "Exporter un rapport de bug…" }));
    await waitFor(() =>
      expect(within(section).getByRole("alert")).toHaveTextContent("Impossible de lire ou d'écrire ce fichier à cet emplacement."),
    );
    expect(within(section).queryByRole("status")).toBeNull();
  });
});
