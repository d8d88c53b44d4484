import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import MainScreen from "../../shell/MainScreen.svelte";
import { FakeBackend, room, SESSION } from "../../test/backend";
import { SessionStore } from "../session";

async function showList(backend: FakeBackend, rooms: ReturnType<typeof room>[]) {
  render(MainScreen, { session: new SessionStore(), user: SESSION });
  await waitFor(() => expect(backend.callsOf("subscribe_room_list")).toHaveLength(1));
  backend.pushRooms([{ op: "reset", values: rooms }]);
}

const NINA = room("!dm-nina:x", "Nina Durand", { kind: "dm", dmIsExternal: true });
const BRUNO = room("!dm-bruno:x", "Bruno Petit", { kind: "dm", dmDomain: "Intérieur", unreadCount: 2 });

describe("people in the room list", () => {
  it("shows a DM's person with their ministry, or marked external", async () => {
    const backend = new FakeBackend();
    await showList(backend, [NINA, BRUNO, room("!r:x", "Équipe projet")]);

    const nina = await screen.findByRole("option", { name: "Nina Durand, Externe" });
    expect(within(nina).getByText("Externe")).toHaveClass("fr-badge");
    expect(within(nina).getByText("Nina Durand").tagName).toBe("BDI");

    const bruno = screen.getByRole("option", { name: "Bruno Petit, Intérieur, 2 messages non lus" });
    expect(within(bruno).getByText("Intérieur")).toBeInTheDocument();
    expect(within(bruno).queryByText("Externe")).toBeNull();
    expect(within(screen.getByRole("option", { name: "Équipe projet" })).queryByText("Externe")).toBeNull();
  });

  it("shows who invites, external or not, in the list and in the opened invitation", async () => {
    const backend = new FakeBackend();
    const user = userEvent.setup();
    await showList(backend, [
      room("!i1:x", "Cellule de crise", { kind: "invite", inviterName: "Nina Durand", inviterIsExternal: true }),
      room("!i2:x", "Club lecture", { kind: "invite", inviterName: "Alice Martin", inviterDomain: "Dinum" }),
    ]);

    const invites = await screen.findByRole("listbox", { name: "Invitations" });
    const fromNina = within(invites).getByRole("option", { name: "Cellule de crise, Invitation de Nina Durand, Externe" });
    expect(fromNina).toHaveAccessibleDescription("Invitation de Nina Durand Externe");
    expect(within(fromNina).getByText("Externe")).toHaveClass("fr-badge");
    expect(within(invites).getByRole("option", { name: "Club lecture, Invitation de Alice Martin, Dinum" })).toBeInTheDocument();

    await user.click(fromNina);
    const text = await screen.findByText(/vous invite à rejoindre cette conversation/);
    expect(text.textContent?.replace(/\s+/g, " ").trim()).toBe("Nina Durand Externe vous invite à rejoindre cette conversation.");
    expect(within(text).getByText("Externe")).toHaveClass("fr-badge");
  });

  it("names the person in an open DM's header, with the badge", async () => {
    const backend = new FakeBackend();
    const user = userEvent.setup();
    await showList(backend, [NINA, BRUNO]);

    await user.click(await screen.findByRole("option", { name: /^Nina Durand/ }));
    const title = await screen.findByRole("heading", { level: 2, name: /^Nina Durand Externe\b/ });
    expect(within(title).getByText("Externe")).toHaveClass("fr-badge");

    await user.click(screen.getByRole("option", { name: /^Bruno Petit/ }));
    expect(await screen.findByRole("heading", { level: 2, name: /^Bruno Petit \[Intérieur\]/ })).toBeInTheDocument();
  });
});
