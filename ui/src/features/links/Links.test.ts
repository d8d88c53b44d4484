import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { LinkTarget } from "../../bindings";
import MainScreen from "../../shell/MainScreen.svelte";
import { appError, FakeBackend, room, SESSION } from "../../test/backend";
import { SessionStore } from "../session";

const ROOMS = [room("!a:x", "Équipe projet"), room("!b:x", "Cantine"), room("!i:x", "Projet invité", { kind: "invite" })];

/** The signed-in screen with its room list; `pending`: the link the shell kept until now. */
async function signedIn(backend: FakeBackend, pending: string | null = null) {
  const links = [pending];
  backend.on("take_pending_link", () => links.shift() ?? null);
  render(MainScreen, { session: new SessionStore(), user: SESSION });
  await waitFor(() => expect(backend.callsOf("subscribe_room_list")).toHaveLength(1));
  backend.pushRooms([{ op: "reset", values: ROOMS }]);
  return {
    /** The shell received a link while the screen was shown. */
    async receive(link: string) {
      links.push(link);
      await backend.emit("open-link-requested", null);
    },
  };
}

function resolvesTo(backend: FakeBackend, targets: Record<string, LinkTarget>) {
  backend.on("resolve_link", ({ link }) => {
    const target = targets[String(link)];
    if (!target) throw appError("invalid_link");
    return target;
  });
}

async function openRoomTitle(name: string) {
  return within(screen.getByRole("main")).findByRole("heading", { level: 2, name });
}

describe("links from outside", () => {
  it("opens the room of a link that arrived before sign-in, once", async () => {
    const backend = new FakeBackend();
    resolvesTo(backend, {
      "tchap://room/!b:x": { kind: "room", roomId: "!b:x", eventId: null, membership: "joined", name: "Cantine", via: [] },
    });
    await signedIn(backend, "tchap://room/!b:x");
    expect(await openRoomTitle("Cantine")).toBeInTheDocument();
    expect(backend.callsOf("resolve_link")).toEqual([{ link: "tchap://room/!b:x" }]);
  });

  it("opens the room (at the room, for a message) or the invitation a later link names", async () => {
    const backend = new FakeBackend();
    resolvesTo(backend, {
      "matrix:roomid/a:x/e/ev": { kind: "room", roomId: "!a:x", eventId: "$ev", membership: "joined", name: "Équipe projet", via: [] },
      "tchap://room/!i:x": { kind: "room", roomId: "!i:x", eventId: null, membership: "invited", name: "Projet invité", via: [] },
    });
    const shell = await signedIn(backend);
    await shell.receive("matrix:roomid/a:x/e/ev");
    expect(await openRoomTitle("Équipe projet")).toBeInTheDocument();
    await shell.receive("tchap://room/!i:x");
    expect(await openRoomTitle("Projet invité")).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: /Accepter/ })).toBeInTheDocument();
  });

  it("offers to join a public room, and opens it once joined", async () => {
    const backend = new FakeBackend({ join_linked_room: () => "!f:x" });
    resolvesTo(backend, {
      "tchap://room/#forum:x": { kind: "room", roomId: "!f:x", eventId: null, membership: "joinable", name: "Forum des développeurs", via: ["x"] },
    });
    const user = userEvent.setup();
    const shell = await signedIn(backend);
    await shell.receive("tchap://room/#forum:x");
    const dialog = await screen.findByRole("dialog", { name: "Rejoindre ce salon ?" });
    expect(dialog).toHaveTextContent("Vous n'êtes pas membre de « Forum des développeurs »");
    expect(backend.callsOf("join_linked_room")).toHaveLength(0);

    await user.click(within(dialog).getByRole("button", { name: "Rejoindre" }));
    await waitFor(() => expect(backend.callsOf("join_linked_room")).toEqual([{ roomId: "!f:x", via: ["x"] }]));
    backend.pushRooms([{ op: "pushBack", value: room("!f:x", "Forum des développeurs", { roomAccess: "forum" }) }]);
    expect(await openRoomTitle("Forum des développeurs")).toBeInTheDocument();
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("says the user is not a member of a private room, and opens nothing", async () => {
    const backend = new FakeBackend();
    resolvesTo(backend, {
      "tchap://room/!p:x": { kind: "room", roomId: "!p:x", eventId: null, membership: "notMember", name: null, via: [] },
    });
    const user = userEvent.setup();
    const shell = await signedIn(backend);
    await shell.receive("tchap://room/!p:x");
    const dialog = await screen.findByRole("dialog", { name: "Lien Tchap" });
    expect(dialog).toHaveTextContent("Vous n'êtes pas membre de ce salon.");
    await user.click(within(dialog).getByRole("button", { name: "Fermer" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(within(screen.getByRole("main")).getByRole("heading", { level: 2 })).toHaveTextContent("Sélectionnez une conversation");
  });

  it("opens the direct chat with a person, or offers to start one", async () => {
    const backend = new FakeBackend({ create_dm: () => "!dm:x" });
    resolvesTo(backend, {
      "tchap://user/@bruno:x": { kind: "user", userId: "@bruno:x", dmRoomId: "!b:x" },
      "tchap://user/@nina:x": { kind: "user", userId: "@nina:x", dmRoomId: null },
    });
    const user = userEvent.setup();
    const shell = await signedIn(backend);
    await shell.receive("tchap://user/@bruno:x");
    expect(await openRoomTitle("Cantine")).toBeInTheDocument();
    expect(backend.callsOf("create_dm")).toHaveLength(0);

    await shell.receive("tchap://user/@nina:x");
    const dialog = await screen.findByRole("dialog", { name: "Nouvelle discussion" });
    expect(dialog).toHaveTextContent("Démarrer une discussion avec @nina:x ?");
    await user.click(within(dialog).getByRole("button", { name: "Démarrer la discussion" }));
    await waitFor(() => expect(backend.callsOf("create_dm")).toEqual([{ userId: "@nina:x" }]));
    backend.pushRooms([{ op: "pushBack", value: room("!dm:x", "Nina Brun", { kind: "dm" }) }]);
    expect(await openRoomTitle("Nina Brun")).toBeInTheDocument();
  });

  it("says in French that a link is not valid", async () => {
    const backend = new FakeBackend();
    resolvesTo(backend, {});
    const shell = await signedIn(backend);
    await shell.receive("tchap://room/!b:x junk");
    const dialog = await screen.findByRole("dialog", { name: "Lien Tchap" });
    expect(within(dialog).getByRole("alert")).toHaveTextContent("Ce lien n'est pas un lien Tchap valide.");
  });
});
