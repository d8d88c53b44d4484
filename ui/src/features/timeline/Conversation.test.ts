import { fireEvent, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import type { TimelineItem } from "../../bindings";
import { appError, deferred, FakeBackend, message, SESSION } from "../../test/backend";
import { showOnScreen } from "../../test/screen";
import { openRoom as openRoomIn } from "../../test/room";

const ROOM = "!projet:agent.tchap.gouv.fr";
const openRoom = (backend: FakeBackend, items: TimelineItem[] = []) => openRoomIn(backend, ROOM, items);

const today = (h: number, m: number) => {
  const d = new Date();
  d.setHours(h, m, 0, 0);
  return d.getTime();
};

describe("timeline", () => {
  it("shows messages as plain text with sender, time and day separator", async () => {
    const backend = new FakeBackend();
    const { log } = await openRoom(backend, [
      { kind: "daySeparator", id: "d1", timestamp: today(9, 0) },
      message("m1", "Bonjour <b>à tous</b>\n<script>alert(1)</script>", { timestamp: today(9, 5) }),
      message("m2", "Le point est à 10 h", { timestamp: today(9, 6) }),
      message("m3", "", {
        senderName: "Bruno Petit",
        senderId: "@bruno:x",
        timestamp: today(9, 7),
        content: { type: "membership", change: "joined", targetName: "Bruno Petit" },
      }),
      message("m4", "", { timestamp: today(9, 8), content: { type: "undecryptable", reason: "keyMissing" } }),
      message("m5", "", { timestamp: today(9, 9), content: { type: "redacted" } }),
      message("m6", "", { timestamp: today(9, 10), content: { type: "unsupported" } }),
    ]);

    expect(await within(log).findByRole("separator", { name: "Aujourd'hui" })).toBeInTheDocument();
    const first = within(log).getAllByRole("article")[0];
    expect(within(first).getByText("Alice Martin")).toBeInTheDocument();
    expect(within(first).getByText("09:05")).toBeInTheDocument();
    // Untrusted text: shown literally, line break kept, no element created from it.
    const body = within(first).getByText(/Bonjour/);
    expect(body.textContent).toBe("Bonjour <b>à tous</b>\n<script>alert(1)</script>");
    expect(body.querySelector("b, script")).toBeNull();
    expect(body).toHaveClass("user-text");

    expect(within(log).getByText("Bruno Petit a rejoint le salon")).toBeInTheDocument();
    expect(within(log).getByText("🔒 Message chiffré : sa clé n'est pas encore arrivée. Il s'affichera dès qu'elle sera reçue.")).toBeInTheDocument();
    expect(within(log).getByText("Message supprimé")).toBeInTheDocument();
    expect(within(log).queryByText("Événement non pris en charge")).toBeNull();
  });

  it("applies diffs pushed after the first reset", async () => {
    const backend = new FakeBackend();
    const { log } = await openRoom(backend, [message("m1", "Premier")]);
    await within(log).findByText("Premier");

    backend.pushTimeline(ROOM, [{ op: "pushBack", value: message("m2", "Deuxième") }]);
    expect(await within(log).findByText("Deuxième")).toBeInTheDocument();
    backend.pushTimeline(ROOM, [{ op: "set", index: 0, value: message("m1", "Premier (modifié)") }]);
    expect(await within(log).findByText("Premier (modifié)")).toBeInTheDocument();
    backend.pushTimeline(ROOM, [{ op: "remove", index: 1 }]);
    await waitFor(() => expect(within(log).queryByText("Deuxième")).toBeNull());
  });

  it("shows the sending state and lets the user retry or delete a failed message", async () => {
    const backend = new FakeBackend();
    const own = { isOwn: true, senderName: "Marie Dupont", senderId: SESSION.userId };
    const { user, log } = await openRoom(backend, [
      message("local-1", "En route", { ...own, sendState: { state: "sending" } }),
      message("local-2", "Raté", { ...own, sendState: { state: "failed", recoverable: true } }),
    ]);

    const sending = (await within(log).findByText("En route")).closest("article")!;
    expect(within(sending).getByText("Envoi…")).toBeInTheDocument();
    const failed = within(log).getByText("Raté").closest("article")!;
    expect(within(failed).getByText("Échec de l'envoi")).toBeInTheDocument();

    await user.click(within(failed).getByRole("button", { name: "Réessayer" }));
    expect(backend.callsOf("retry_send")).toEqual([{ roomId: ROOM, itemId: "local-2" }]);
    await user.click(within(failed).getByRole("button", { name: "Supprimer" }));
    expect(backend.callsOf("discard_send")).toEqual([{ roomId: ROOM, itemId: "local-2" }]);
  });

  it("loads older messages with the button and hides it at the start of the conversation", async () => {
    const pages = [deferred<boolean>(), deferred<boolean>()];
    let page = 0;
    const backend = new FakeBackend({ paginate_backwards: () => pages[page++].promise });
    const { user, log } = await openRoom(backend, [message("m2", "Récent")]);

    // Opening a short timeline already asks for older messages (one request at a time).
    await waitFor(() => expect(backend.callsOf("paginate_backwards")).toEqual([{ roomId: ROOM }]));
    const button = screen.getByRole("button", { name: "Charger les messages précédents" });
    await user.click(button);
    expect(backend.callsOf("paginate_backwards")).toHaveLength(1);

    backend.pushTimeline(ROOM, [{ op: "pushFront", value: message("m1", "Ancien") }]);
    pages[0].resolve(false);
    expect(await within(log).findByText("Ancien")).toBeInTheDocument();

    await waitFor(() => expect(backend.callsOf("paginate_backwards")).toHaveLength(2));
    backend.pushTimeline(ROOM, [{ op: "pushFront", value: { kind: "timelineStart", id: "start" } }]);
    pages[1].resolve(true);
    expect(await within(log).findByText("Début de la conversation")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole("button", { name: "Charger les messages précédents" })).toBeNull());
    expect(backend.callsOf("paginate_backwards")).toHaveLength(2);
  });

  it("marks read only what is on screen while the window has the focus, never backwards, and closes the timeline when leaving", async () => {
    const backend = new FakeBackend();
    const focus = vi.spyOn(document, "hasFocus").mockReturnValue(true);
    const { user, log } = await openRoom(backend, [message("m1", "Bonjour"), message("m2", "Plus bas")]);
    await within(log).findByText("Plus bas");
    expect(backend.callsOf("mark_read"), "opening a room reads nothing by itself").toEqual([]);

    showOnScreen(["m1"]);
    await waitFor(() => expect(backend.callsOf("mark_read")).toEqual([{ roomId: ROOM, eventId: "$m1" }]));

    // Another window has the focus: what arrives meanwhile stays unread.
    focus.mockReturnValue(false);
    backend.pushTimeline(ROOM, [{ op: "pushBack", value: message("m3", "Pendant votre absence") }]);
    await within(log).findByText("Pendant votre absence");
    showOnScreen(["m1", "m2", "m3"]);
    await new Promise((r) => setTimeout(r, 50));
    expect(backend.callsOf("mark_read")).toHaveLength(1);

    // Back to Tchap: what is on screen is read.
    focus.mockReturnValue(true);
    window.dispatchEvent(new Event("focus"));
    await waitFor(() => expect(backend.callsOf("mark_read").at(-1)).toEqual({ roomId: ROOM, eventId: "$m3" }));

    // Scrolling back up never marks an older message.
    showOnScreen(["m1"]);
    await new Promise((r) => setTimeout(r, 50));
    expect(backend.callsOf("mark_read")).toHaveLength(2);

    await user.click(screen.getByRole("option", { name: "Autre salon" }));
    await waitFor(() => expect(backend.callsOf("close_timeline")).toEqual([{ roomId: ROOM }]));
    await waitFor(() => expect(backend.callsOf("open_timeline").map((a) => a.roomId)).toEqual([ROOM, "!autre:x"]));
  });
});

describe("formatted messages", () => {
  it("shows a mention of the reader highlighted, and opens a room link in the app", async () => {
    const backend = new FakeBackend({ resolve_link: () => ({ kind: "room", roomId: "!autre:x", membership: "joined", eventId: null, name: null, via: [] }) });
    const link = (href: string, text: string, mentionUserId: string | null) => ({
      type: "element" as const,
      tag: "a" as const,
      href,
      inApp: true,
      mentionUserId,
      spoiler: null,
      color: null,
      language: null,
      start: null,
      children: [{ type: "text" as const, text }],
    });
    const formatted = [
      link(`https://matrix.to/#/${SESSION.userId}`, "Moi", SESSION.userId),
      { type: "text" as const, text: " et " },
      link("https://matrix.to/#/@bruno:x", "Bruno", "@bruno:x"),
      { type: "text" as const, text: ", voir " },
      link("https://matrix.to/#/!autre:x", "l'autre salon", null),
    ];
    const { user, log } = await openRoom(backend, [message("m1", "Moi et Bruno, voir l'autre salon", { content: { type: "text", body: "", formatted } })]);
    const me = within(log).getByRole("link", { name: "Moi" });
    expect(me.classList.contains("mention--me")).toBe(true);
    expect(within(log).getByRole("link", { name: "Bruno" }).classList.contains("mention--me")).toBe(false);
    await user.click(within(log).getByRole("link", { name: "l'autre salon" }));
    await waitFor(() => expect(backend.callsOf("resolve_link")).toEqual([{ link: "https://matrix.to/#/!autre:x" }]));
    await waitFor(() => expect(backend.callsOf("open_timeline")).toHaveLength(2));
  });
});

describe("composer", () => {
  it("sends with Enter, clears the field and keeps the focus", async () => {
    const backend = new FakeBackend();
    const { user } = await openRoom(backend);
    const textarea = screen.getByRole("textbox", { name: "Message" });
    expect(textarea).toHaveAttribute("placeholder", "Écrire un message…");

    await user.click(textarea);
    await user.keyboard("Bonjour à tous{Enter}");
    await waitFor(() => expect(backend.callsOf("send_message")).toEqual([{ roomId: ROOM, body: "Bonjour à tous" }]));
    await waitFor(() => expect(textarea).toHaveValue(""));
    expect(textarea).toHaveFocus();
    // The local echo comes from the backend, not from the composer.
    expect(within(screen.getByRole("log")).queryByText("Bonjour à tous")).toBeNull();
  });

  it("adds a new line with Shift+Enter without sending", async () => {
    const backend = new FakeBackend();
    const { user } = await openRoom(backend);
    const textarea = screen.getByRole("textbox", { name: "Message" });
    await user.click(textarea);
    await user.keyboard("Ligne 1{Shift>}{Enter}{/Shift}Ligne 2");
    expect(textarea).toHaveValue("Ligne 1\nLigne 2");
    expect(backend.callsOf("send_message")).toHaveLength(0);

    await user.click(screen.getByRole("button", { name: "Envoyer" }));
    await waitFor(() => expect(backend.callsOf("send_message")).toEqual([{ roomId: ROOM, body: "Ligne 1\nLigne 2" }]));
  });

  it("keeps the text and shows the error when sending fails", async () => {
    const backend = new FakeBackend({
      send_message: () => {
        throw appError("network");
      },
    });
    const { user } = await openRoom(backend);
    const textarea = screen.getByRole("textbox", { name: "Message" });
    await user.click(textarea);
    await user.keyboard("Important{Enter}");

    expect(await screen.findByRole("alert")).toHaveTextContent("Problème de connexion au réseau.");
    expect(textarea).toHaveValue("Important");
  });

  it("does not send an empty message", async () => {
    const backend = new FakeBackend();
    const { user } = await openRoom(backend);
    await user.click(screen.getByRole("textbox", { name: "Message" }));
    await user.keyboard("   {Enter}");
    await fireEvent.submit(screen.getByRole("button", { name: "Envoyer" }).closest("form")!);
    expect(backend.callsOf("send_message")).toHaveLength(0);
  });
});
