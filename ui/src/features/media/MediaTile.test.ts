import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { BlockedBecause, MediaCheck, MediaInfo } from "../../bindings";
import { appError, deferred, FakeBackend } from "../../test/backend";
import MediaTile from "./MediaTile.svelte";

const ROOM = "!salle:agent.tchap.gouv.fr";
const PHOTO: MediaInfo = { kind: "image", name: "photo.jpg", caption: null, size: 2_516_582, mime: "image/jpeg", width: 4000, height: 3000, hasPlaceholder: true };
const VOICE: MediaInfo = { kind: "audio", name: "message vocal.ogg", caption: null, size: 48_213, mime: "audio/ogg", width: null, height: null, hasPlaceholder: false };
const REPORT: MediaInfo = { kind: "file", name: "rapport.pdf", caption: "Le rapport final", size: 839_680, mime: "application/pdf", width: null, height: null, hasPlaceholder: false };

/** Every verdict but "clean" and what the tile says of it (a new verdict fails the type check until it is added here). */
const REFUSALS: Record<Exclude<MediaCheck["state"], "clean" | "blocked"> | `blocked.${BlockedBecause}`, string> = {
  "blocked.infected": "Contenu bloqué : l'antivirus a détecté une menace dans ce fichier.",
  "blocked.typeForbidden": "Contenu bloqué : ce type de fichier n'est pas autorisé.",
  "blocked.other": "Contenu bloqué par l'antivirus.",
  unavailable: "Analyse indisponible : le fichier n'est ni affiché ni enregistré pour le moment.",
  unreadable: "Fichier illisible ou endommagé.",
  tooLarge: "Fichier trop volumineux pour être analysé.",
};

function refusal(key: keyof typeof REFUSALS): MediaCheck {
  const [state, because] = key.split(".");
  return (state === "blocked" ? { state, because } : { state }) as MediaCheck;
}

function tile(media: MediaInfo, check: () => MediaCheck | Promise<MediaCheck>, more: ConstructorParameters<typeof FakeBackend>[0] = {}) {
  const backend = new FakeBackend({ check_media: check, ...more });
  render(MediaTile, { roomId: ROOM, itemId: "item-1", media });
  return { backend, user: userEvent.setup() };
}

describe("an attachment in the timeline", () => {
  it("shows the placeholder while the antivirus checks, then the thumbnail from the app's own scheme", async () => {
    const verdict = deferred<MediaCheck>();
    const { backend } = tile(PHOTO, () => verdict.promise);
    expect(screen.getByRole("status")).toHaveTextContent("Analyse antivirus en cours…");
    const placeholder = document.querySelector("img.media__placeholder");
    expect(placeholder).toHaveAttribute("src", `tchap-media://localhost/placeholder/${encodeURIComponent(ROOM)}/item-1`);
    expect(screen.queryByRole("button", { name: "Enregistrer" })).toBeNull();
    expect(backend.callsOf("check_media")).toEqual([{ roomId: ROOM, itemId: "item-1", variant: "thumbnail" }]);

    verdict.resolve({ state: "clean" });
    const image = await screen.findByRole("img", { name: "photo.jpg" });
    expect(image).toHaveAttribute("src", `tchap-media://localhost/thumbnail/${encodeURIComponent(ROOM)}/item-1`);
    expect(screen.getByRole("status")).toHaveTextContent("Vérifié par l'antivirus");
    expect(screen.getByText("2,4 Mo · image/jpeg")).toBeInTheDocument();
  });

  it("never offers a blocked file, and says why", async () => {
    tile(REPORT, () => ({ state: "blocked", because: "infected" }));
    expect(await screen.findByText("Contenu bloqué : l'antivirus a détecté une menace dans ce fichier.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Enregistrer" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Ouvrir" })).toBeNull();
    expect(screen.getByText("rapport.pdf")).toBeInTheDocument();
  });

  it.each(Object.entries(REFUSALS) as [keyof typeof REFUSALS, string][])("says in French why %s media are neither shown nor offered", async (key, reason) => {
    tile(PHOTO, () => refusal(key));
    expect(await screen.findByText(reason)).toBeInTheDocument();
    expect(screen.getByText("photo.jpg")).toBeInTheDocument();
    expect(screen.queryByRole("img", { name: "photo.jpg" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Enregistrer" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Ouvrir" })).toBeNull();
  });

  it("fails closed when the scanner cannot be asked, and tries again on demand", async () => {
    let answers: MediaCheck[] = [{ state: "unavailable" }, { state: "clean" }];
    const { user, backend } = tile(PHOTO, () => answers.shift()!);
    expect(await screen.findByText(/Analyse indisponible/)).toBeInTheDocument();
    expect(screen.queryByRole("img", { name: "photo.jpg" })).toBeNull();
    await user.click(screen.getByRole("button", { name: "Réessayer" }));
    expect(await screen.findByRole("img", { name: "photo.jpg" })).toBeInTheDocument();
    expect(backend.callsOf("check_media")).toHaveLength(2);
  });

  it("treats a check that failed as unavailable, not as clean", async () => {
    tile(REPORT, () => {
      throw appError("internal");
    });
    expect(await screen.findByText(/Analyse indisponible/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Enregistrer" })).toBeNull();
  });

  it("saves a clean file in the Downloads folder and says where", async () => {
    const { user, backend } = tile(REPORT, () => ({ state: "clean" }), {
      save_media: () => "/home/marie/Téléchargements/rapport (1).pdf",
    });
    expect(screen.getByText("820 Ko · application/pdf")).toBeInTheDocument();
    expect(screen.getByText("Le rapport final")).toBeInTheDocument();
    await user.click(await screen.findByRole("button", { name: "Enregistrer" }));
    expect(await screen.findByText("Enregistré : /home/marie/Téléchargements/rapport (1).pdf")).toBeInTheDocument();
    expect(backend.callsOf("save_media")).toEqual([{ roomId: ROOM, itemId: "item-1" }]);
    expect(backend.callsOf("check_media")[0]).toEqual({ roomId: ROOM, itemId: "item-1", variant: "original" });
  });

  it("explains in French when saving fails", async () => {
    const { user } = tile(REPORT, () => ({ state: "clean" }), {
      save_media: () => {
        throw appError("scanner_unavailable");
      },
    });
    await user.click(await screen.findByRole("button", { name: "Enregistrer" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).not.toBe(""));
    expect(screen.getByRole("alert").textContent).not.toMatch(/scanner_unavailable|backend said/);
  });
});

describe("a video or sound in the timeline (Linux: the page reads it for the player)", () => {
  afterEach(() => vi.unstubAllGlobals());

  /** The app's scheme as `fetch` sees it, and the blob addresses made. */
  function scheme(answer: { ok: boolean; status: number }) {
    const fetched: string[] = [];
    vi.stubGlobal("fetch", async (url: string) => {
      fetched.push(url);
      return { ...answer, blob: async () => new Blob([new Uint8Array([0x4f, 0x67, 0x67, 0x53])], { type: "audio/ogg" }) };
    });
    const made: Blob[] = [];
    vi.stubGlobal("URL", Object.assign(Object.create(URL), { createObjectURL: (blob: Blob) => (made.push(blob), `blob:tchap/${made.length}`), revokeObjectURL: () => {} }));
    return { fetched, made };
  }

  it("reads nothing before the user asks to play, then plays the clean bytes from the app's scheme", async () => {
    const { fetched, made } = scheme({ ok: true, status: 200 });
    const { user } = tile(VOICE, () => ({ state: "clean" }));
    const play = await screen.findByRole("button", { name: "Écouter message vocal.ogg" });
    expect(fetched).toEqual([]);
    expect(document.querySelector("audio")).toBeNull();

    await user.click(play);
    await waitFor(() => expect(document.querySelector("audio")).toHaveAttribute("src", "blob:tchap/1"));
    expect(fetched).toEqual([`tchap-media://localhost/original/${encodeURIComponent(ROOM)}/item-1`]);
    // Untyped: GStreamer recognises the format from the bytes.
    expect(made[0].type).toBe("");
    expect(made[0].size).toBe(4);
    expect(screen.getByRole("button", { name: "Ouvrir" })).toBeInTheDocument();
  });

  it("says the file cannot be played here and keeps \"Ouvrir\" when the player cannot read it", async () => {
    scheme({ ok: true, status: 200 });
    const { user } = tile(VOICE, () => ({ state: "clean" }));
    await user.click(await screen.findByRole("button", { name: "Écouter message vocal.ogg" }));
    const player = await waitFor(() => document.querySelector("audio")!);
    player.dispatchEvent(new Event("error"));
    expect(await screen.findByText(/Lecture impossible dans Tchap/)).toBeInTheDocument();
    expect(document.querySelector("audio")).toBeNull();
    expect(screen.getByRole("button", { name: "Ouvrir" })).toBeInTheDocument();
  });

  it("says the same when the app does not serve it (a type no page may show)", async () => {
    scheme({ ok: false, status: 404 });
    const { user } = tile({ ...VOICE, kind: "video", name: "film.avi" }, () => ({ state: "clean" }));
    await user.click(await screen.findByRole("button", { name: "Lire la vidéo film.avi" }));
    expect(await screen.findByText(/Lecture impossible dans Tchap/)).toBeInTheDocument();
    expect(document.querySelector("video")).toBeNull();
    expect(screen.getByRole("button", { name: "Ouvrir" })).toBeInTheDocument();
  });

  it("offers no player before the antivirus said the file is clean", async () => {
    const { fetched } = scheme({ ok: true, status: 200 });
    tile(VOICE, () => ({ state: "blocked", because: "infected" }));
    expect(await screen.findByText(/Contenu bloqué/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Écouter/ })).toBeNull();
    expect(fetched).toEqual([]);
  });
});
