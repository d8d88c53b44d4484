import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { PreparedAttachment } from "../../bindings";
import { appError, deferred, FakeBackend } from "../../test/backend";
import { Conversation } from "../timeline";

const ROOM = "!projet:agent.tchap.gouv.fr";
const MB = 1024 * 1024;

function prepared(extra: Partial<PreparedAttachment> = {}): PreparedAttachment {
  return {
    id: "pending-1",
    name: "photo.png",
    size: 2.4 * MB,
    mime: "image/png",
    kind: "image",
    width: 1600,
    height: 1200,
    hasPreview: true,
    ...extra,
  };
}

/** An open room (the backend given first: it answers the room's commands). */
function openRoom(_backend: FakeBackend) {
  const user = userEvent.setup();
  render(Conversation, { roomId: ROOM, now: Date.now() });
  return { user };
}

const dialog = () => screen.findByRole("dialog", { name: "Envoyer un fichier" });

describe("attachments", () => {
  it("picks files, previews each one and sends it to the room", async () => {
    const backend = new FakeBackend({
      pick_attachment_files: () => ["/home/marie/Images/photo.png", "/home/marie/Documents/note.pdf"],
      prepare_attachment_path: ({ path }) =>
        String(path).endsWith(".png")
          ? prepared()
          : prepared({ id: "pending-2", name: "note.pdf", size: 512, mime: "application/pdf", kind: "file", width: null, height: null, hasPreview: false }),
      send_attachment: () => null,
    });
    const { user } = openRoom(backend);

    await user.click(screen.getByRole("button", { name: "Joindre un fichier" }));
    const first = await dialog();
    expect(backend.callsOf("prepare_attachment_path")).toEqual([
      { path: "/home/marie/Images/photo.png" },
      { path: "/home/marie/Documents/note.pdf" },
    ]);
    expect(await within(first).findByRole("img", { name: "Aperçu de photo.png" })).toHaveAttribute(
      "src",
      "tchap-media://localhost/pending/pending-1",
    );
    expect(within(first).getByText("2,4 Mo")).toBeInTheDocument();
    expect(within(first).getByText(/Image/)).toHaveTextContent("Image (1600 × 1200) image/png");
    expect(within(first).getByText("Encore 1 fichier après celui-ci")).toBeInTheDocument();

    await user.click(within(first).getByRole("button", { name: "Envoyer" }));
    expect(backend.callsOf("send_attachment")).toEqual([{ roomId: ROOM, id: "pending-1" }]);
    // The next file: no preview for a PDF.
    const second = await dialog();
    expect(await within(second).findByText("note.pdf")).toBeInTheDocument();
    expect(within(second).getByText("512 octets")).toBeInTheDocument();
    expect(within(second).queryByRole("img")).toBeNull();
    await user.click(within(second).getByRole("button", { name: "Envoyer" }));
    expect(backend.callsOf("send_attachment")).toEqual([
      { roomId: ROOM, id: "pending-1" },
      { roomId: ROOM, id: "pending-2" },
    ]);
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });

  it("says why a file is refused, with the server's limit in French units, and sends nothing", async () => {
    const backend = new FakeBackend({
      pick_attachment_files: () => ["/home/marie/Vidéos/film.mp4", "/home/marie/vide.txt", "/home/marie/Documents"],
      prepare_attachment_path: ({ path }) => {
        if (String(path).endsWith(".mp4")) throw appError("file_too_large");
        if (String(path).endsWith(".txt")) throw appError("empty_file");
        throw appError("not_a_file");
      },
      attachment_size_limit: () => 100 * MB,
    });
    const { user } = openRoom(backend);
    await user.click(screen.getByRole("button", { name: "Joindre un fichier" }));

    const messages = [
      "Ce fichier dépasse la taille maximale autorisée par votre serveur (100 Mo).",
      "Ce fichier est vide : il n'y a rien à envoyer.",
      "Ceci est un dossier, pas un fichier. Choisissez les fichiers qu'il contient.",
    ];
    for (const text of messages) {
      const shown = await dialog();
      expect(await within(shown).findByRole("alert")).toHaveTextContent(text);
      expect(within(shown).queryByRole("button", { name: "Envoyer" })).toBeNull();
      await user.click(within(shown).getByRole("button", { name: "Fermer" }));
    }
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(backend.callsOf("send_attachment")).toEqual([]);
  });

  it("cancels a prepared file: the backend forgets it and nothing is sent", async () => {
    const backend = new FakeBackend({
      pick_attachment_files: () => ["/home/marie/Images/photo.png"],
      prepare_attachment_path: () => prepared(),
      discard_attachment: () => null,
    });
    const { user } = openRoom(backend);
    await user.click(screen.getByRole("button", { name: "Joindre un fichier" }));
    const shown = await dialog();
    await within(shown).findByText("photo.png");

    await user.click(within(shown).getByRole("button", { name: "Annuler" }));
    expect(backend.callsOf("discard_attachment")).toEqual([{ id: "pending-1" }]);
    expect(backend.callsOf("send_attachment")).toEqual([]);
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });

  it("keeps the file and shows the error when the room refuses it", async () => {
    const backend = new FakeBackend({
      pick_attachment_files: () => ["/home/marie/Images/photo.png"],
      prepare_attachment_path: () => prepared(),
      send_attachment: () => {
        throw appError("room_not_found");
      },
    });
    const { user } = openRoom(backend);
    await user.click(screen.getByRole("button", { name: "Joindre un fichier" }));
    const shown = await dialog();
    await user.click(await within(shown).findByRole("button", { name: "Envoyer" }));
    expect(await within(shown).findByRole("alert")).toHaveTextContent("Cette conversation est introuvable");
    expect(within(shown).getByRole("button", { name: "Envoyer" })).toBeInTheDocument();
  });

  it("shows a drop zone while files are dragged over the window and prepares what is dropped", async () => {
    const backend = new FakeBackend({ prepare_attachment_path: () => prepared({ name: "plan.png" }) });
    openRoom(backend);
    const zone = "Déposez les fichiers pour les envoyer dans ce salon";
    const paths = ["/home/marie/Bureau/plan.png"];
    const position = { x: 10, y: 10 };

    // The webview's listeners come one after the other (enter first, leave last): retried until each is there.
    await waitFor(async () => {
      await backend.emit("tauri://drag-enter", { paths, position });
      expect(screen.getByText(zone)).toBeInTheDocument();
    });
    await waitFor(async () => {
      await backend.emit("tauri://drag-leave", null);
      expect(screen.queryByText(zone)).toBeNull();
    });
    expect(backend.callsOf("prepare_attachment_path")).toEqual([]);

    await backend.emit("tauri://drag-enter", { paths, position });
    await backend.emit("tauri://drag-drop", { paths, position });
    await waitFor(() => expect(screen.queryByText(zone)).toBeNull());
    expect(backend.callsOf("prepare_attachment_path")).toEqual([{ path: "/home/marie/Bureau/plan.png" }]);
    expect(await within(await dialog()).findByText("plan.png")).toBeInTheDocument();
  });

  it("sends a pasted image's bytes as they are, and leaves pasted text to the field", async () => {
    const received = deferred<unknown>();
    const backend = new FakeBackend({
      attachment_size_limit: () => 100 * MB,
      prepare_attachment_bytes: (body) => {
        received.resolve(body);
        return prepared({ name: "image.png" });
      },
    });
    openRoom(backend);
    const textarea = screen.getByRole("textbox", { name: "Message" });
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const image = new File([bytes], "", { type: "image/png" });

    fireEvent.paste(textarea, { clipboardData: { files: [image], getData: () => "" } });
    // Raw bytes, not base64 in JSON.
    const body = await received.promise;
    expect(body).toBeInstanceOf(Uint8Array);
    expect(Array.from(body as Uint8Array)).toEqual(Array.from(bytes));
    expect(await within(await dialog()).findByText("image.png")).toBeInTheDocument();

    // Text is pasted as usual.
    const textPaste = await fireEvent.paste(textarea, { clipboardData: { files: [], getData: () => "bonjour" } });
    expect(textPaste).toBe(true); // not prevented
    expect(backend.callsOf("prepare_attachment_bytes")).toHaveLength(1);
  });

  it("refuses a pasted file over the server's limit before sending its bytes", async () => {
    const backend = new FakeBackend({ attachment_size_limit: () => 1024, prepare_attachment_bytes: () => prepared() });
    openRoom(backend);
    const textarea = screen.getByRole("textbox", { name: "Message" });
    const big = new File([new Uint8Array(2048)], "capture.png", { type: "image/png" });

    fireEvent.paste(textarea, { clipboardData: { files: [big], getData: () => "" } });
    expect(await within(await dialog()).findByRole("alert")).toHaveTextContent(
      "Ce fichier dépasse la taille maximale autorisée par votre serveur (1 Ko).",
    );
    expect(backend.callsOf("prepare_attachment_bytes")).toEqual([]);
  });
});
