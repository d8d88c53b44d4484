import type { Channel } from "@tauri-apps/api/core";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { SearchHit } from "../../bindings";
import MainScreen from "../../shell/MainScreen.svelte";
import { deferred, FakeBackend, room, SESSION } from "../../test/backend";
import { SessionStore } from "../session";
import { nextActive } from "./search.svelte";

const HOUR = 3600 * 1000;

function hit(roomId: string, roomName: string, eventId: string, sender: string, timestamp: number, parts: [string, boolean][]): SearchHit {
  return {
    roomId,
    roomName,
    eventId,
    senderId: `@${sender.toLowerCase()}:x`,
    senderName: sender,
    timestamp,
    segments: parts.map(([text, matched]) => ({ text, matched })),
  };
}

const NEWER = hit("!b:x", "Équipe projet", "$new", "Bruno", Date.now() - HOUR, [
  ["Le ", false],
  ["budget", true],
  [" est validé", false],
]);
const OLDER = hit("!a:x", "Direction", "$old", "Claire", Date.now() - 48 * HOUR, [
  ["Budget", true],
  [" 2027 : <img src=x onerror=alert(1)>", false],
]);

async function mainScreen(backend = new FakeBackend()) {
  const user = userEvent.setup();
  render(MainScreen, { session: new SessionStore(), user: SESSION });
  await waitFor(() => expect(backend.callsOf("subscribe_room_list")).toHaveLength(1));
  backend.pushRooms([{ op: "reset", values: [room("!a:x", "Direction"), room("!b:x", "Équipe projet")] }]);
  await screen.findByRole("listbox", { name: "Conversations" });
  return { backend, user };
}

const dialog = (name: string) => screen.queryByRole("dialog", { name });
const options = (within_: HTMLElement) => within(within_).queryAllByRole("option");

describe("message search", () => {
  it("searches every room from the header: sender, room, date, matched words marked, newest first", async () => {
    const backend = new FakeBackend({ search_all_messages: () => [NEWER, OLDER] });
    const { user } = await mainScreen(backend);
    await user.click(screen.getByRole("button", { name: "Rechercher dans tous les salons" }));
    const found = dialog("Rechercher dans tous les salons")!;
    const field = within(found).getByRole("combobox", { name: "Mots à chercher" });
    await waitFor(() => expect(field).toHaveFocus());
    await user.keyboard("budget");

    await waitFor(() => expect(options(found)).toHaveLength(2));
    // Asked once, after the typing stopped, with what was typed.
    expect(backend.callsOf("search_all_messages")).toEqual([{ query: "budget" }]);
    const [first, second] = options(found) as [HTMLElement, HTMLElement];
    expect(first).toHaveTextContent("Bruno");
    expect(first).toHaveTextContent("Équipe projet");
    expect(first.querySelector("mark")?.textContent).toBe("budget");
    expect(first.querySelector("time")).toHaveAttribute("datetime", new Date(NEWER.timestamp).toISOString());
    expect(second).toHaveTextContent("Claire");
    expect(second).toHaveTextContent("Direction");
    // Message text is text: markup in a message is shown, never run.
    expect(second.querySelector("img")).toBeNull();
    expect(second).toHaveTextContent("2027 : <img src=x onerror=alert(1)>");
    expect(within(found).getByRole("status")).toHaveTextContent("2 messages trouvés");
  });

  it("is driven by the keyboard, and Enter opens the chosen message's room", async () => {
    const backend = new FakeBackend({ search_all_messages: () => [NEWER, OLDER] });
    const { user } = await mainScreen(backend);
    await user.click(screen.getByRole("button", { name: "Rechercher dans tous les salons" }));
    const found = dialog("Rechercher dans tous les salons")!;
    await user.keyboard("budget");
    await waitFor(() => expect(options(found)).toHaveLength(2));
    const field = within(found).getByRole("combobox");
    const selected = () => options(found).findIndex((o) => o.getAttribute("aria-selected") === "true");
    expect(selected()).toBe(0);
    await user.keyboard("{ArrowDown}");
    expect(selected()).toBe(1);
    expect(field).toHaveAttribute("aria-activedescendant", options(found)[1]!.id);
    await user.keyboard("{ArrowDown}");
    expect(selected()).toBe(0);
    await user.keyboard("{End}{Enter}");

    expect(dialog("Rechercher dans tous les salons")).toBeNull();
    expect(screen.getByRole("heading", { level: 2, name: "Direction" })).toBeInTheDocument();
    await waitFor(() => expect(backend.callsOf("open_timeline")[0]?.roomId).toBe("!a:x"));
  });

  it("Ctrl+F searches the open room only, and says when nothing matches", async () => {
    const backend = new FakeBackend();
    const { user } = await mainScreen(backend);
    await user.keyboard("{Control>}f{/Control}");
    expect(dialog("Rechercher dans ce salon")).toBeNull();

    await user.click(screen.getByRole("option", { name: /Équipe projet/ }));
    await user.keyboard("{Control>}f{/Control}");
    const found = dialog("Rechercher dans ce salon")!;
    expect(found).toBeInTheDocument();
    await user.keyboard("hippopotame");
    await waitFor(() => expect(within(found).getByRole("status")).toHaveTextContent("Aucun message ne contient « hippopotame »."));
    expect(backend.callsOf("search_room_messages")).toEqual([{ roomId: "!b:x", query: "hippopotame" }]);
    expect(backend.callsOf("search_all_messages")).toEqual([]);
  });

  it("says while older history is still being indexed", async () => {
    const backend = new FakeBackend();
    const { user } = await mainScreen(backend);
    await user.click(screen.getByRole("button", { name: "Rechercher dans tous les salons" }));
    const found = dialog("Rechercher dans tous les salons")!;
    await waitFor(() => expect(backend.callsOf("watch_search_indexing")).toHaveLength(1));
    const channel = backend.callsOf("watch_search_indexing")[0]!.onChange as Channel<number>;
    backend.push(channel, 3);
    await waitFor(() => expect(found).toHaveTextContent("Recherche sur les messages déjà indexés — 3 salons en cours"));
    backend.push(channel, 1);
    await waitFor(() => expect(found).toHaveTextContent("Recherche sur les messages déjà indexés — 1 salon en cours"));
    backend.push(channel, 0);
    await waitFor(() => expect(found).not.toHaveTextContent("déjà indexés"));
  });

  it("shows the answer to the last query typed, not a slower earlier one", async () => {
    const slow = deferred<SearchHit[]>();
    const backend = new FakeBackend({
      search_all_messages: ({ query }) => (query === "bud" ? slow.promise : [NEWER]),
    });
    const { user } = await mainScreen(backend);
    await user.click(screen.getByRole("button", { name: "Rechercher dans tous les salons" }));
    const found = dialog("Rechercher dans tous les salons")!;
    await user.keyboard("bud");
    await waitFor(() => expect(backend.callsOf("search_all_messages")).toHaveLength(1));
    await user.keyboard("get");
    await waitFor(() => expect(options(found)).toHaveLength(1));
    slow.resolve([OLDER]);
    await new Promise((r) => setTimeout(r, 50));
    expect(options(found)).toHaveLength(1);
    expect(options(found)[0]).toHaveTextContent("Bruno");
  });
});

describe("result list navigation", () => {
  it("wraps at both ends, jumps to the ends, ignores other keys and empty lists", () => {
    expect(nextActive("ArrowDown", 2, 3)).toBe(0);
    expect(nextActive("ArrowUp", 0, 3)).toBe(2);
    expect(nextActive("Home", 2, 3)).toBe(0);
    expect(nextActive("End", 0, 3)).toBe(2);
    expect(nextActive("a", 0, 3)).toBeNull();
    expect(nextActive("ArrowDown", 0, 0)).toBeNull();
  });
});
