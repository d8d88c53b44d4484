import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { LinkTarget } from "../../bindings";
import MainScreen from "../../shell/MainScreen.svelte";
import { appError, FakeBackend, message, room, SESSION } from "../../test/backend";
import { SessionStore } from "../session";

const ROOM = "!a:x";
const LINK = "matrix:roomid/a:x/e/m12";
const TARGET: LinkTarget = { kind: "room", roomId: ROOM, eventId: "$m12", membership: "joined", name: "Équipe projet", via: [] };
const around = [message("m11", "note 11"), message("m12", "note 12"), message("m13", "note 13")];

/** The signed-in screen; `receive` hands it a link to message 12 of the room. */
async function signedIn(backend: FakeBackend) {
  const links: string[] = [];
  backend.on("take_pending_link", () => links.shift() ?? null);
  backend.on("resolve_link", () => TARGET);
  render(MainScreen, { session: new SessionStore(), user: SESSION });
  await waitFor(() => expect(backend.callsOf("subscribe_room_list")).toHaveLength(1));
  backend.pushRooms([{ op: "reset", values: [room(ROOM, "Équipe projet"), room("!b:x", "Cantine")] }]);
  return {
    async receive() {
      links.push(LINK);
      await backend.emit("open-link-requested", null);
    },
  };
}

const opens = (backend: FakeBackend) => backend.callsOf("open_timeline").map((c) => c.atEvent);

describe("a link to a message", () => {
  it("opens the room at that message, marked, and leads back to the latest messages", async () => {
    const backend = new FakeBackend();
    const shell = await signedIn(backend);
    await shell.receive();
    await waitFor(() => expect(opens(backend)).toEqual(["$m12"]));
    backend.pushTimeline(ROOM, [{ op: "reset", values: around }]);

    const log = screen.getByRole("log", { name: "Messages" });
    const target = (await within(log).findByText("note 12")).closest<HTMLElement>("[data-item-id]")!;
    await waitFor(() => expect(target).toHaveClass("timeline__row--target"));
    expect(document.activeElement).toBe(target);
    expect(screen.getByText("Vous lisez des messages plus anciens.")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Aller aux messages récents" }));
    await waitFor(() => expect(opens(backend)).toEqual(["$m12", null]));
    expect(backend.callsOf("close_timeline")).toHaveLength(1);
    expect(screen.queryByText("Vous lisez des messages plus anciens.")).toBeNull();
  });

  it("scrolls to the message when the open room already shows it", async () => {
    const backend = new FakeBackend();
    const shell = await signedIn(backend);
    await userEvent.click(await screen.findByRole("option", { name: "Équipe projet" }));
    await waitFor(() => expect(opens(backend)).toEqual([null]));
    backend.pushTimeline(ROOM, [{ op: "reset", values: around }]);
    await screen.findByText("note 12");

    await shell.receive();
    const target = screen.getByText("note 12").closest<HTMLElement>("[data-item-id]")!;
    await waitFor(() => expect(target).toHaveClass("timeline__row--target"));
    expect(opens(backend)).toEqual([null]);
  });

  it("draws a long room's rows near the view only, and the message far above them when asked", async () => {
    const backend = new FakeBackend();
    const shell = await signedIn(backend);
    await userEvent.click(await screen.findByRole("option", { name: "Équipe projet" }));
    await waitFor(() => expect(opens(backend)).toEqual([null]));
    const long = Array.from({ length: 1000 }, (_, i) => message(`m${i + 1}`, `note ${i + 1}`));
    backend.pushTimeline(ROOM, [{ op: "reset", values: long }]);
    const log = screen.getByRole("log", { name: "Messages" });
    await within(log).findByText("note 1000");
    expect(log.querySelectorAll(".timeline__row").length).toBeLessThanOrEqual(200);
    expect(within(log).queryByText("note 12")).toBeNull();

    await shell.receive();
    const target = (await within(log).findByText("note 12")).closest<HTMLElement>("[data-item-id]")!;
    await waitFor(() => expect(target).toHaveClass("timeline__row--target"));
    expect(document.activeElement).toBe(target);
    expect(log.querySelectorAll(".timeline__row").length).toBeLessThanOrEqual(200);
    expect(opens(backend)).toEqual([null]);
  }, 30_000);

  it("says in French when the message cannot be found, and shows the latest messages", async () => {
    const backend = new FakeBackend();
    backend.on("open_timeline", ({ atEvent }) => {
      if (atEvent) throw appError("event_not_found");
      return null;
    });
    const shell = await signedIn(backend);
    await shell.receive();
    expect(await screen.findByText(/Ce message est introuvable/)).toBeInTheDocument();
    await waitFor(() => expect(opens(backend)).toEqual(["$m12", null]));
  });

  it("becomes the live timeline once the latest messages are reached, and when the user sends", async () => {
    const backend = new FakeBackend();
    backend.on("paginate_forwards", () => true);
    const shell = await signedIn(backend);
    await shell.receive();
    await waitFor(() => expect(opens(backend)).toEqual(["$m12"]));
    backend.pushTimeline(ROOM, [{ op: "reset", values: around }]);
    // jsdom has no layout: the bottom is always near, newer messages are asked at once.
    await waitFor(() => expect(backend.callsOf("paginate_forwards")).toHaveLength(1));
    await waitFor(() => expect(opens(backend)).toEqual(["$m12", null]));

    await shell.receive();
    await waitFor(() => expect(opens(backend)).toEqual(["$m12", null, "$m12"]));
  });

  it("stays on the history until it is read down to the latest message, so none is skipped", async () => {
    const backend = new FakeBackend();
    backend.on("paginate_forwards", () => true);
    const shell = await signedIn(backend);
    await shell.receive();
    await waitFor(() => expect(opens(backend)).toEqual(["$m12"]));
    const log = screen.getByRole("log", { name: "Messages" });
    // A screen of 700 px over 1000 px of messages, 150 px from the bottom:
    // near enough to load newer messages, not at the bottom.
    let scrollTop = 150;
    Object.defineProperties(log, {
      scrollHeight: { configurable: true, get: () => 1000 },
      clientHeight: { configurable: true, get: () => 700 },
      scrollTop: { configurable: true, get: () => scrollTop, set: () => {} },
    });
    backend.pushTimeline(ROOM, [{ op: "reset", values: around }]);
    await waitFor(() => expect(backend.callsOf("paginate_forwards")).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(opens(backend)).toEqual(["$m12"]);
    expect(within(log).getByText("note 13")).toBeInTheDocument();

    // Read down to the bottom: the live timeline takes over.
    scrollTop = 300;
    log.dispatchEvent(new Event("scroll"));
    await waitFor(() => expect(opens(backend)).toEqual(["$m12", null]));
  });

  it("goes back to the live timeline when the user sends from the history", async () => {
    const backend = new FakeBackend();
    backend.on("paginate_forwards", () => false);
    const shell = await signedIn(backend);
    await shell.receive();
    await waitFor(() => expect(opens(backend)).toEqual(["$m12"]));
    backend.pushTimeline(ROOM, [{ op: "reset", values: around }]);
    await screen.findByText("note 12");
    const composer = screen.getByRole("textbox", { name: /Message/ });
    await userEvent.type(composer, "Vu{Enter}");
    await waitFor(() => expect(backend.callsOf("send_message")).toHaveLength(1));
    expect(opens(backend)).toEqual(["$m12", null]);
  });
});
