import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { RoomSummary } from "../../bindings";
import MainScreen from "../../shell/MainScreen.svelte";
import { FakeBackend, room, SESSION } from "../../test/backend";
import { expectOptionNames } from "../../test/options";
import { SessionStore } from "../session";

function renderMain() {
  const session = new SessionStore();
  return render(MainScreen, { session, user: SESSION });
}

async function subscribed(backend: FakeBackend) {
  await waitFor(() => expect(backend.callsOf("subscribe_room_list")).toHaveLength(1));
}


describe("room list", () => {
  it("renders the first reset, then applies an insert and a remove pushed through the channel", async () => {
    const backend = new FakeBackend();
    renderMain();
    await subscribed(backend);
    expect(screen.getByText("Chargement des conversations…")).toBeInTheDocument();

    backend.pushRooms([{ op: "reset", values: [room("!a:x", "Équipe projet"), room("!b:x", "Bruno Petit", { kind: "dm" })] }]);
    const list = await screen.findByRole("listbox", { name: "Conversations" });
    expectOptionNames(list, ["Équipe projet", "Bruno Petit"]);

    backend.pushRooms([{ op: "insert", index: 1, value: room("!c:x", "Direction") }]);
    await waitFor(() => expectOptionNames(list, ["Équipe projet", "Direction", "Bruno Petit"]));

    backend.pushRooms([{ op: "remove", index: 0 }]);
    await waitFor(() => expectOptionNames(list, ["Direction", "Bruno Petit"]));
  });

  it("shows the last message, unread and mention counts", async () => {
    const backend = new FakeBackend();
    renderMain();
    await subscribed(backend);
    const r = room("!a:x", "Équipe projet", {
      unreadCount: 3,
      mentionCount: 1,
      lastMessage: { senderName: "Alice Martin", content: { type: "text", body: "Réunion à 14 h", formatted: null }, timestamp: Date.now() },
    });
    backend.pushRooms([{ op: "reset", values: [r] }]);

    const option = await screen.findByRole("option", { name: /^Équipe projet/ });
    expect(option).toHaveAccessibleName("Équipe projet, 3 messages non lus, 1 mention");
    expect(option).toHaveAccessibleDescription(/Alice Martin : Réunion à 14 h/);
    expect(within(option).getByText("3")).toBeInTheDocument();
    expect(within(option).getByText("@1")).toBeInTheDocument();
  });

  it("opens a room with a click and marks it selected", async () => {
    const backend = new FakeBackend();
    const user = userEvent.setup();
    renderMain();
    await subscribed(backend);
    expect(screen.getByRole("heading", { name: "Sélectionnez une conversation" })).toBeInTheDocument();
    backend.pushRooms([{ op: "reset", values: [room("!a:x", "Équipe projet"), room("!b:x", "Direction")] }]);

    await user.click(await screen.findByRole("option", { name: "Direction" }));
    expect(screen.getByRole("option", { name: "Direction" })).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("option", { name: "Équipe projet" })).toHaveAttribute("aria-selected", "false");
    expect(screen.getByRole("heading", { level: 2, name: "Direction" })).toBeInTheDocument();
    await waitFor(() => expect(backend.callsOf("open_timeline")[0]?.roomId).toBe("!b:x"));
  });

  it("always says whether the open room is encrypted", async () => {
    const backend = new FakeBackend();
    const user = userEvent.setup();
    renderMain();
    await subscribed(backend);
    backend.pushRooms([
      { op: "reset", values: [room("!a:x", "Secret"), room("!b:x", "Public", { isEncrypted: false })] },
    ]);
    await user.click(await screen.findByRole("option", { name: "Secret" }));
    expect(screen.getByText("Chiffrée")).toBeInTheDocument();
    await user.click(screen.getByRole("option", { name: "Public" }));
    expect(screen.getByText("Non chiffrée")).toBeInTheDocument();
    expect(screen.queryByText("Chiffrée")).toBeNull();
  });

  it("moves with arrow keys, Home and End, and opens with Enter and Space", async () => {
    const backend = new FakeBackend();
    const user = userEvent.setup();
    renderMain();
    await subscribed(backend);
    backend.pushRooms([{ op: "reset", values: ["Un", "Deux", "Trois"].map((n) => room(`!${n}:x`, n)) }]);
    const list = await screen.findByRole("listbox", { name: "Conversations" });
    const opt = (name: string) => within(list).getByRole("option", { name });

    // Only one option is in the tab order.
    expect(within(list).getAllByRole("option").filter((o) => o.tabIndex === 0)).toEqual([opt("Un")]);

    opt("Un").focus();
    await user.keyboard("{ArrowDown}");
    expect(opt("Deux")).toHaveFocus();
    await user.keyboard("{End}");
    expect(opt("Trois")).toHaveFocus();
    await user.keyboard("{ArrowDown}");
    expect(opt("Trois")).toHaveFocus();
    await user.keyboard("{Home}");
    expect(opt("Un")).toHaveFocus();
    await user.keyboard("{ArrowUp}");
    expect(opt("Un")).toHaveFocus();
    expect(opt("Un").tabIndex).toBe(0);

    await user.keyboard("{ArrowDown}{Enter}");
    expect(opt("Deux")).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("heading", { level: 2, name: "Deux" })).toBeInTheDocument();

    await user.keyboard("{ArrowDown} ");
    expect(opt("Trois")).toHaveAttribute("aria-selected", "true");
    expect(opt("Deux")).toHaveAttribute("aria-selected", "false");
  });

  it("lists invitations first, in their own listbox; opening one offers accept and decline", async () => {
    const backend = new FakeBackend();
    const user = userEvent.setup();
    renderMain();
    await subscribed(backend);
    const invite = (id: string, name: string): RoomSummary =>
      room(id, name, { kind: "invite", inviterName: "Alice Martin", lastMessage: null });
    backend.pushRooms([
      { op: "reset", values: [room("!a:x", "Équipe projet"), invite("!i1:x", "Cellule de crise"), invite("!i2:x", "Club lecture")] },
    ]);

    const invites = await screen.findByRole("listbox", { name: "Invitations" });
    expect(screen.getByRole("heading", { name: "Invitations" })).toBeInTheDocument();
    expectOptionNames(invites, [
      "Cellule de crise, Invitation de Alice Martin",
      "Club lecture, Invitation de Alice Martin",
    ]);
    expectOptionNames(screen.getByRole("listbox", { name: "Conversations" }), ["Équipe projet"]);
    // Invitations come before the conversations in the page.
    const conversations = screen.getByRole("listbox", { name: "Conversations" });
    expect(invites.compareDocumentPosition(conversations) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();

    // Opening an invitation shows what to do with it, as in Element.
    await user.click(within(invites).getByRole("option", { name: /^Club lecture/ }));
    await user.click(await screen.findByRole("button", { name: "Accepter l'invitation à Club lecture" }));
    expect(backend.callsOf("accept_invite")).toEqual([{ roomId: "!i2:x" }]);

    // Keyboard only: from the list, move to the other invitation, open it, decline it.
    within(invites).getByRole("option", { name: /^Club lecture/ }).focus();
    await user.keyboard("{ArrowUp}{Enter}");
    const decline = await screen.findByRole("button", { name: "Refuser l'invitation à Cellule de crise" });
    decline.focus();
    await user.keyboard("{Enter}");
    expect(backend.callsOf("decline_invite")).toEqual([{ roomId: "!i1:x" }]);
  });

  it("shows an opened invitation instead of a timeline, then the timeline once accepted", async () => {
    const backend = new FakeBackend();
    const user = userEvent.setup();
    renderMain();
    await subscribed(backend);
    const inv = room("!i:x", "Cellule de crise", { kind: "invite", inviterName: "Alice Martin" });
    backend.pushRooms([{ op: "reset", values: [inv] }]);

    await user.click(await screen.findByRole("option", { name: /^Cellule de crise/ }));
    expect(screen.getByText(/vous invite à rejoindre/)).toHaveTextContent("Alice Martin vous invite à rejoindre cette conversation.");
    expect(screen.queryByRole("log")).toBeNull();
    expect(backend.callsOf("open_timeline")).toHaveLength(0);

    await user.click(screen.getByRole("button", { name: "Accepter l'invitation à Cellule de crise" }));
    expect(backend.callsOf("accept_invite")).toEqual([{ roomId: "!i:x" }]);
    backend.pushRooms([{ op: "set", index: 0, value: { ...inv, kind: "room", inviterName: null } }]);
    expect(await screen.findByRole("log", { name: "Messages" })).toBeInTheDocument();
    await waitFor(() => expect(backend.callsOf("open_timeline")).toHaveLength(1));
  });
});
