import type { Channel } from "@tauri-apps/api/core";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { NamedUser, ReactionGroup, TimelineItem } from "../../bindings";
import MainScreen from "../../shell/MainScreen.svelte";
import { FakeBackend, message, room, SESSION } from "../../test/backend";
import { SessionStore } from "../session";
import { searchEmojis } from "./emojis";

const ROOM = "!projet:agent.tchap.gouv.fr";
const alice: NamedUser = { userId: "@alice:x", name: "Alice Martin" };
const bruno: NamedUser = { userId: "@bruno:x", name: "Bruno Petit" };

async function openRoom(backend: FakeBackend, items: TimelineItem[]) {
  const user = userEvent.setup();
  render(MainScreen, { session: new SessionStore(), user: SESSION });
  await waitFor(() => expect(backend.callsOf("subscribe_room_list")).toHaveLength(1));
  backend.pushRooms([{ op: "reset", values: [room(ROOM, "Équipe projet")] }]);
  await user.click(await screen.findByRole("option", { name: "Équipe projet" }));
  await waitFor(() => expect(backend.callsOf("open_timeline")).toHaveLength(1));
  backend.pushTimeline(ROOM, [{ op: "reset", values: items }]);
  return { user, log: screen.getByRole("log", { name: "Messages" }) };
}

const group = (key: string, count: number, byMe: boolean, others: NamedUser[]): ReactionGroup => ({ key, count, byMe, others });

describe("reactions", () => {
  it("shows chips with counts, names on hover, ours highlighted, and a click toggles ours", async () => {
    const backend = new FakeBackend();
    const reactions = [group("👍", 3, true, [alice, bruno]), group("🎉", 1, false, [alice])];
    const { user, log } = await openRoom(backend, [message("m1", "Réunion à 14 h ?", { reactions })]);
    const chips = within(await within(log).findByRole("list", { name: "Réactions" }));

    const thumbs = chips.getByRole("button", { name: "👍 — Alice Martin, Bruno Petit, Vous" });
    expect(thumbs).toHaveTextContent(/^👍\s*3$/);
    expect(thumbs).toHaveAttribute("aria-pressed", "true");
    expect(thumbs).toHaveAttribute("title", "👍 — Alice Martin, Bruno Petit, Vous");
    const party = chips.getByRole("button", { name: "🎉 — Alice Martin" });
    expect(party).toHaveAttribute("aria-pressed", "false");

    await user.click(party);
    expect(backend.callsOf("toggle_reaction")).toEqual([{ roomId: ROOM, itemId: "m1", key: "🎉" }]);
    await user.click(thumbs);
    expect(backend.callsOf("toggle_reaction").at(-1)).toEqual({ roomId: ROOM, itemId: "m1", key: "👍" });
  });

  it("names the people it could not list as a count", async () => {
    const backend = new FakeBackend();
    const { log } = await openRoom(backend, [message("m1", "Vote", { reactions: [group("✅", 14, false, [alice, bruno])] })]);
    expect(await within(log).findByRole("button", { name: "✅ — Alice Martin, Bruno Petit et 12 autres" })).toBeInTheDocument();
  });

  it("draws 20 chips at most and counts the rest, even for a thousand reactions", async () => {
    const backend = new FakeBackend();
    const many = Array.from({ length: 1000 }, (_, i) => group(`r${i}`, 1, false, [alice]));
    const { log } = await openRoom(backend, [message("m1", "Spam", { reactions: many, moreReactions: 5 })]);
    const list = await within(log).findByRole("list", { name: "Réactions" });
    expect(within(list).getAllByRole("button")).toHaveLength(20);
    expect(within(list).getByText("+985")).toBeInTheDocument();
  });

  it("reacts with a quick reaction from the message's bar", async () => {
    const backend = new FakeBackend();
    const { user, log } = await openRoom(backend, [message("m1", "Bonne nouvelle")]);
    const bar = await within(log).findByRole("group", { name: "Réagir" });
    await user.click(within(bar).getByRole("button", { name: "Réagir avec 🎉" }));
    expect(backend.callsOf("toggle_reaction")).toEqual([{ roomId: ROOM, itemId: "m1", key: "🎉" }]);
  });

  it("picks any emoji from the picker, by French name and with the keyboard", async () => {
    const backend = new FakeBackend();
    const { user, log } = await openRoom(backend, [message("m1", "Bonne nouvelle")]);
    await user.click(await within(log).findByRole("button", { name: "Plus de réactions…" }));
    const search = screen.getByRole("combobox", { name: "Rechercher un émoji" });
    expect(search).toHaveFocus();

    await user.type(search, "coeur");
    const options = within(screen.getByRole("listbox", { name: "Choisir un émoji" })).getAllByRole("option");
    expect(options[0]).toHaveTextContent("❤️");
    expect(options[0]).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{ArrowRight}");
    expect(options[1]).toHaveAttribute("aria-selected", "true");
    expect(search).toHaveAttribute("aria-activedescendant", options[1].id);
    await user.keyboard("{Enter}");
    expect(backend.callsOf("toggle_reaction")).toEqual([{ roomId: ROOM, itemId: "m1", key: options[1].textContent?.trim() }]);
    expect(screen.queryByRole("combobox", { name: "Rechercher un émoji" })).toBeNull();

    // Escape closes without reacting, the focus goes back to the button.
    const more = within(log).getByRole("button", { name: "Plus de réactions…" });
    await user.click(more);
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("combobox", { name: "Rechercher un émoji" })).toBeNull();
    expect(more).toHaveFocus();
    expect(backend.callsOf("toggle_reaction")).toHaveLength(1);
  });

  it("finds emojis by French words, with or without accents", () => {
    expect(searchEmojis("fete").map((e) => e.emoji)).toContain("🎉");
    expect(searchEmojis("fête").map((e) => e.emoji)).toContain("🎉");
    expect(searchEmojis("pouce haut").map((e) => e.emoji)).toEqual(["👍"]);
    expect(searchEmojis("zzzzz")).toEqual([]);
  });
});

describe("typing", () => {
  async function typingChannel(backend: FakeBackend) {
    await waitFor(() => expect(backend.callsOf("watch_typing")).toHaveLength(1));
    const channel = backend.callsOf("watch_typing")[0].onChange as Channel<NamedUser[]>;
    return (names: NamedUser[]) => backend.push(channel, names);
  }

  it("says who is writing, in a sentence for one, two or more people", async () => {
    const backend = new FakeBackend();
    await openRoom(backend, []);
    const push = await typingChannel(backend);
    const status = () => document.querySelector(".typing[role=status]") as HTMLElement;
    push([alice]);
    await waitFor(() => expect(status()).toHaveTextContent("Alice Martin est en train d'écrire…"));
    push([alice, bruno]);
    await waitFor(() => expect(status()).toHaveTextContent("Alice Martin et Bruno Petit écrivent…"));
    push([alice, bruno, { userId: "@c:x", name: "Chloé" }]);
    await waitFor(() => expect(status()).toHaveTextContent("Plusieurs personnes écrivent…"));
    push([]);
    await waitFor(() => expect(status()).toBeEmptyDOMElement());
  });

  it("tells the room while the user writes, and that they stopped once sent", async () => {
    const backend = new FakeBackend();
    const { user } = await openRoom(backend, []);
    const field = screen.getByRole("textbox", { name: "Message" });
    await user.type(field, "Bonjour");
    expect(backend.callsOf("set_typing"), "one notice for a burst of keys").toEqual([{ roomId: ROOM, typing: true }]);
    await user.keyboard("{Enter}");
    await waitFor(() => expect(backend.callsOf("set_typing").at(-1)).toEqual({ roomId: ROOM, typing: false }));
  });
});

describe("read receipts", () => {
  it("shows three readers' initials, then +N, and names them all", async () => {
    const backend = new FakeBackend();
    const readers = [alice, bruno, { userId: "@c:x", name: "Chloé Roux" }, { userId: "@d:x", name: "David" }];
    const { log } = await openRoom(backend, [message("m1", "Lu ?", { readBy: readers, moreReaders: 2 })]);
    const receipts = await within(log).findByRole("img", { name: "Lu par Alice Martin, Bruno Petit, Chloé Roux, David et 2 autres" });
    expect(receipts).toHaveTextContent(/^AMBPCR\s*\+3$/);
  });

  it("shows nothing when nobody else has read up to a message", async () => {
    const backend = new FakeBackend();
    const { log } = await openRoom(backend, [message("m1", "Personne")]);
    await within(log).findByText("Personne");
    expect(within(log).queryByRole("img", { name: /^Lu par/ })).toBeNull();
  });
});
