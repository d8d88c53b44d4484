import type { Channel } from "@tauri-apps/api/core";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { UpdateStatus as Status } from "../../bindings";
import { FakeBackend } from "../../test/backend";
import { setDraft } from "../timeline/drafts";
import { lastCheckLine, statusLine } from "./statusLine";
import UpdateBanner from "./UpdateBanner.svelte";
import UpdateStatus from "./UpdateStatus.svelte";

async function shown(component: typeof UpdateBanner | typeof UpdateStatus, backend: FakeBackend) {
  render(component);
  await waitFor(() => expect(backend.callsOf("watch_updates")).toHaveLength(1));
  const channel = backend.callsOf("watch_updates")[0].onChange as Channel<Status>;
  return (status: Status) => backend.push(channel, status);
}

describe("update banner", () => {
  it("appears once an update is ready, without taking the focus from the composer", async () => {
    const backend = new FakeBackend();
    const composer = document.body.appendChild(document.createElement("textarea"));
    composer.focus();
    const send = await shown(UpdateBanner, backend);
    send({ kind: "downloading", version: "0.2.0" });
    expect(screen.queryByText(/Mise à jour disponible/)).not.toBeInTheDocument();
    send({ kind: "ready", version: "0.2.0" });
    await screen.findByText("Mise à jour disponible — redémarrer pour l'installer");
    expect(document.activeElement).toBe(composer);
    expect(document.querySelector(".update")).toHaveAttribute("aria-live", "polite");
    composer.remove();
  });

  it("installs on the click when nothing is being written", async () => {
    const backend = new FakeBackend();
    const send = await shown(UpdateBanner, backend);
    send({ kind: "ready", version: "0.2.0" });
    await fireEvent.click(await screen.findByRole("button", { name: "Redémarrer pour mettre à jour" }));
    expect(backend.callsOf("install_update")).toHaveLength(1);
  });

  it("a room's and a thread's drafts are saved before the restart, which goes ahead: they come back after it", async () => {
    const backend = new FakeBackend();
    setDraft("!salle:agent.tchap.gouv.fr", { text: "Bonjour, je vous envoie le compte rendu", mentions: [] });
    setDraft("!salle:agent.tchap.gouv.fr", { text: "D'accord pour jeudi", mentions: [] }, "$racine:agent.tchap.gouv.fr");
    const thread = document.body.appendChild(document.createElement("div"));
    thread.innerHTML = '<div class="thread__composer"><textarea></textarea></div>';
    thread.querySelector("textarea")!.value = "D'accord pour jeudi";
    const send = await shown(UpdateBanner, backend);
    send({ kind: "ready", version: "0.2.0" });
    await fireEvent.click(await screen.findByRole("button", { name: "Redémarrer pour mettre à jour" }));
    await waitFor(() => expect(backend.callsOf("install_update")).toHaveLength(1));
    const order = backend.calls.map((c) => c.cmd).filter((cmd) => cmd === "save_draft" || cmd === "install_update");
    expect(order).toEqual(["save_draft", "save_draft", "install_update"]);
    expect(backend.callsOf("save_draft")).toEqual([
      {
        roomId: "!salle:agent.tchap.gouv.fr",
        threadRoot: null,
        message: { parts: [{ type: "text", text: "Bonjour, je vous envoie le compte rendu" }] },
        replyTo: null,
      },
      {
        roomId: "!salle:agent.tchap.gouv.fr",
        threadRoot: "$racine:agent.tchap.gouv.fr",
        message: { parts: [{ type: "text", text: "D'accord pour jeudi" }] },
        replyTo: null,
      },
    ]);
    expect(screen.queryByText(/Un message est en cours d'écriture/)).toBeNull();
    thread.remove();
  });

  it("never restarts over a message being edited: it warns, the user decides", async () => {
    const backend = new FakeBackend();
    const holder = document.body.appendChild(document.createElement("div"));
    holder.innerHTML = '<textarea class="composer__input" data-editing></textarea>';
    holder.querySelector("textarea")!.value = "Je corrige : la réunion est à 15 h";
    const send = await shown(UpdateBanner, backend);
    send({ kind: "ready", version: "0.2.0" });
    await fireEvent.click(await screen.findByRole("button", { name: "Redémarrer pour mettre à jour" }));
    expect(backend.callsOf("install_update")).toHaveLength(0);
    expect(screen.getByText(/Un message est en cours d'écriture/)).toBeInTheDocument();
    await fireEvent.click(screen.getByRole("button", { name: "Redémarrer quand même" }));
    await waitFor(() => expect(backend.callsOf("install_update")).toHaveLength(1));
    holder.remove();
  });
});

describe("update status line", () => {
  const at = new Date(2026, 11, 2, 14, 5).getTime();

  it("words each status in French", () => {
    const lines: [Status, string][] = [
      [{ kind: "managedByOrganisation" }, "Les mises à jour sont gérées par votre organisation."],
      [{ kind: "disabled" }, "Désactivées par votre organisation"],
      [{ kind: "upToDate", checkedAt: at, refusedVersion: null }, "À jour"],
      [{ kind: "ready", version: "0.2.0" }, "Mise à jour 0.2.0 prête"],
      [
        { kind: "failed", reason: "signature_invalid", checkedAt: at, retryAt: at + 5 * 60_000 },
        "Signature invalide : mise à jour refusée (nouvel essai à 14:10)",
      ],
      [
        { kind: "failed", reason: "unreachable", checkedAt: at, retryAt: at + 10 * 60_000 },
        "Serveur de mises à jour injoignable, nouvel essai à 14:15",
      ],
    ];
    for (const [status, line] of lines) expect(statusLine(status, "fr")).toBe(line);
    expect(statusLine({ kind: "upToDate", checkedAt: at, refusedVersion: "0.0.9" }, "fr")).toMatch(
      /^À jour \(version 0\.0\.9 proposée par le serveur refusée/,
    );
    expect(lastCheckLine({ kind: "upToDate", checkedAt: at, refusedVersion: null }, at + 60_000, "fr")).toBe(
      "Dernière vérification : aujourd'hui à 14:05",
    );
  });

  it("checks at the user's request, and offers nothing when the organisation decides", async () => {
    const backend = new FakeBackend();
    const send = await shown(UpdateStatus, backend);
    send({ kind: "upToDate", checkedAt: at, refusedVersion: null });
    await fireEvent.click(await screen.findByRole("button", { name: "Rechercher une mise à jour" }));
    expect(backend.callsOf("check_for_update")).toHaveLength(1);
    send({ kind: "disabled" });
    await screen.findByText("Désactivées par votre organisation");
    expect(screen.queryByRole("button", { name: "Rechercher une mise à jour" })).not.toBeInTheDocument();
  });
});
