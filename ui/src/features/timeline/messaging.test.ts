import { screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { FakeBackend, message, SESSION } from "../../test/backend";
import { openRoom } from "../../test/room";

const ROOM = "!projet:agent.tchap.gouv.fr";
const own = (id: string, body: string) =>
  message(id, body, { isOwn: true, senderName: "Marie Dupont", senderId: SESSION.userId, canEdit: true, canRedact: true });

function composer() {
  return screen.getByRole("textbox", { name: "Message" });
}

function actionsOf(body: string) {
  const article = screen.getByText((_, el) => el?.tagName === "P" && el.textContent === body).closest("article")!;
  return within(within(article).getByRole("toolbar", { name: "Actions sur le message" }));
}

describe("reply", () => {
  it("answers a message: the composer says to whom, Enter sends a reply, Esc gives up", async () => {
    const backend = new FakeBackend();
    const { user } = await openRoom(backend, ROOM, [message("m1", "Le point est à 10 h ?\nOu à 11 h ?")]);

    await user.click(actionsOf("Le point est à 10 h ?\nOu à 11 h ?").getByRole("button", { name: "Répondre" }));
    const banner = screen.getByText("En réponse à Alice Martin").closest("[role=status]")!;
    expect(banner).toHaveTextContent("En réponse à Alice Martin");
    expect(banner).toHaveTextContent("Le point est à 10 h ?");
    expect(banner).not.toHaveTextContent("Ou à 11 h ?");
    await waitFor(() => expect(composer()).toHaveFocus());

    await user.keyboard("À 10 h.{Enter}");
    await waitFor(() =>
      expect(backend.callsOf("send_composed")).toEqual([{ roomId: ROOM, message: { parts: [{ type: "text", text: "À 10 h." }] }, inReplyTo: "$m1" }]),
    );
    await waitFor(() => expect(screen.queryByText("En réponse à Alice Martin")).toBeNull());
    expect(backend.callsOf("send_message")).toHaveLength(0);

    // Escape leaves the reply: the next message is a plain one.
    await user.click(actionsOf("Le point est à 10 h ?\nOu à 11 h ?").getByRole("button", { name: "Répondre" }));
    await waitFor(() => expect(composer()).toHaveFocus());
    await user.keyboard("{Escape}");
    expect(screen.queryByText("En réponse à Alice Martin")).toBeNull();
    await user.keyboard("Autre chose{Enter}");
    await waitFor(() => expect(backend.callsOf("send_message")).toEqual([{ roomId: ROOM, body: "Autre chose" }]));
    expect(backend.callsOf("send_composed")).toHaveLength(1);
  });

  it("a reply being written is a draft: its quote stays across rooms, is saved with it, and goes when sent", async () => {
    const backend = new FakeBackend();
    const { user } = await openRoom(backend, ROOM, [message("m1", "Le point est à 10 h ?")]);
    await user.click(actionsOf("Le point est à 10 h ?").getByRole("button", { name: "Répondre" }));
    await waitFor(() => expect(composer()).toHaveFocus());
    await user.keyboard("Plutôt 11 h");

    await user.click(screen.getByRole("option", { name: "Autre salon" }));
    const saved = { roomId: ROOM, threadRoot: null, message: { parts: [{ type: "text", text: "Plutôt 11 h" }] }, replyTo: "$m1" };
    await waitFor(() => expect(backend.callsOf("save_draft")).toContainEqual(saved));
    expect(screen.queryByText("En réponse à Alice Martin")).toBeNull();
    await user.click(screen.getByRole("option", { name: "Équipe projet" }));
    await waitFor(() => expect(composer()).toHaveValue("Plutôt 11 h"));
    expect(screen.getByText("En réponse à Alice Martin").closest("[role=status]")).toHaveTextContent("Le point est à 10 h ?");

    await user.click(composer());
    await user.keyboard("{Enter}");
    await waitFor(() => expect(backend.callsOf("send_composed")).toEqual([{ roomId: ROOM, message: saved.message, inReplyTo: "$m1" }]));
    await waitFor(() => expect(backend.callsOf("save_draft").at(-1)).toEqual({ ...saved, message: { parts: [] }, replyTo: null }), { timeout: 3000 });
  });

  it("a reply saved before the app restarted comes back with its quote, or says its message is gone", async () => {
    const quoted = { state: "ready", senderId: "@alice:agent.tchap.gouv.fr", senderName: "Alice Martin", senderDomain: null, senderIsExternal: false };
    const drafts: Record<string, unknown> = {
      [ROOM]: { text: "Plutôt 11 h", mentions: [], replyTo: { eventId: "$m1", quoted: { ...quoted, content: { type: "text", body: "Le point est à 10 h ?\nOu à 11 h ?" } } } },
      "!autre:x": { text: "Toujours d'accord", mentions: [], replyTo: { eventId: "$perdu", quoted: { state: "unavailable" } } },
    };
    const backend = new FakeBackend({ load_draft: ({ roomId }) => drafts[roomId as string] ?? null });
    const { user } = await openRoom(backend, ROOM);
    await waitFor(() => expect(composer()).toHaveValue("Plutôt 11 h"));
    const banner = screen.getByText("En réponse à Alice Martin").closest("[role=status]")!;
    expect(banner).toHaveTextContent("Le point est à 10 h ?");
    expect(banner).not.toHaveTextContent("Ou à 11 h ?");

    await user.click(screen.getByRole("option", { name: "Autre salon" }));
    await waitFor(() => expect(composer()).toHaveValue("Toujours d'accord"));
    expect(screen.getByText("En réponse à un message (introuvable)")).toBeInTheDocument();
    await user.click(composer());
    await user.keyboard("{Enter}");
    await waitFor(() =>
      expect(backend.callsOf("send_composed")).toEqual([
        { roomId: "!autre:x", message: { parts: [{ type: "text", text: "Toujours d'accord" }] }, inReplyTo: "$perdu" },
      ]),
    );
  });

  it("shows the quoted message above a reply, asks for it when unknown, and jumps to it", async () => {
    const backend = new FakeBackend();
    const quoted = message("m1", "Message d'origine");
    const scrolled: string[] = [];
    Element.prototype.scrollIntoView = function (this: Element) {
      scrolled.push((this as HTMLElement).dataset.eventId ?? "");
    };
    const { log } = await openRoom(backend, ROOM, [
      quoted,
      message("m2", "Ma réponse", {
        inReplyTo: {
          eventId: "$m1",
          quoted: { state: "ready", senderId: quoted.senderId, senderName: "Alice Martin", senderDomain: null, senderIsExternal: false, content: { type: "text", body: "Message d'origine\nsuite" } },
        },
      }),
      message("m3", "Réponse à un vieux message", { inReplyTo: { eventId: "$old", quoted: { state: "unknown" } } }),
      message("m4", "Réponse perdue", { inReplyTo: { eventId: "$lost", quoted: { state: "unavailable" } } }),
    ]);
    const quote = within(log).getByRole("button", { name: /Alice Martin Message d'origine$/ });
    expect(within(log).getByText("Chargement…")).toBeInTheDocument();
    expect(within(log).getByText("Message introuvable")).toBeInTheDocument();
    // The reply (not the quoted message) is what the SDK fetches details for.
    await waitFor(() => expect(backend.callsOf("load_reply_details")).toEqual([{ roomId: ROOM, eventId: "$m3" }]));

    quote.click();
    await waitFor(() => expect(scrolled).toEqual(["$m1"]));
    // Already loaded: brought into view where it is, no other timeline opened.
    expect(backend.callsOf("open_timeline")).toHaveLength(1);
  });
});

describe("edit", () => {
  it("↑ in the empty composer edits the last own message; Enter saves, Esc gives up and keeps the draft", async () => {
    const backend = new FakeBackend();
    const { user } = await openRoom(backend, ROOM, [own("m1", "Premier"), own("m2", "Réunion à 14 h"), message("m3", "Reçu")]);

    await user.click(composer());
    await user.keyboard("{ArrowUp}");
    expect(composer()).toHaveValue("Réunion à 14 h");
    expect(screen.getByText("Modification du message")).toBeInTheDocument();
    await user.keyboard("{Backspace}{Backspace}{Backspace}{Backspace}15 h{Enter}");
    await waitFor(() =>
      expect(backend.callsOf("edit_message")).toEqual([{ roomId: ROOM, itemId: "m2", message: { parts: [{ type: "text", text: "Réunion à 15 h" }] } }]),
    );
    await waitFor(() => expect(screen.queryByText("Modification du message")).toBeNull());
    expect(composer()).toHaveValue("");

    // A draft in progress is not overwritten by an edit: ↑ only edits from an empty field…
    await user.keyboard("Brouillon");
    await user.keyboard("{ArrowUp}");
    expect(screen.queryByText("Modification du message")).toBeNull();
    // …and "Modifier" brings it back after Escape.
    await user.click(actionsOf("Premier").getByRole("button", { name: "Modifier" }));
    expect(composer()).toHaveValue("Premier");
    await user.keyboard("{Escape}");
    expect(composer()).toHaveValue("Brouillon");
    expect(backend.callsOf("edit_message")).toHaveLength(1);
  });

  it("editing a message that mentions someone keeps the mention, as a pill", async () => {
    const backend = new FakeBackend();
    const mention = {
      type: "element" as const,
      tag: "a" as const,
      href: "https://matrix.to/#/@bruno.petit:agent.tchap.gouv.fr",
      inApp: true,
      mentionUserId: "@bruno.petit:agent.tchap.gouv.fr",
      children: [{ type: "text" as const, text: "Bruno Petit" }],
    };
    const item = own("m1", "Merci Bruno Petit !");
    item.content = { type: "text", body: "Merci Bruno Petit !", formatted: [{ type: "text", text: "Merci " }, mention, { type: "text", text: " !" }] };
    const { user } = await openRoom(backend, ROOM, [item]);

    await user.click(composer());
    await user.keyboard("{ArrowUp}");
    expect(composer()).toHaveValue("Merci Bruno Petit !");
    expect(screen.getByText("Bruno Petit", { selector: "mark" })).toBeInTheDocument();
    await user.keyboard("{End} Bien reçu.{Enter}");
    await waitFor(() =>
      expect(backend.callsOf("edit_message")[0].message).toEqual({
        parts: [
          { type: "text", text: "Merci " },
          { type: "user", userId: "@bruno.petit:agent.tchap.gouv.fr", name: "Bruno Petit" },
          { type: "text", text: " ! Bien reçu." },
        ],
      }),
    );
  });

  it("offers Modifier and Supprimer on one's own messages only, and shows (modifié)", async () => {
    const backend = new FakeBackend();
    await openRoom(backend, ROOM, [own("m1", "À moi"), message("m2", "À Alice", { edited: true })]);
    // After the quick reactions (emojis, then "more"), the message's own actions.
    const named = (text: string) =>
      actionsOf(text)
        .getAllByRole("button")
        .map((b) => b.textContent?.trim() ?? "")
        .filter((name) => /^\p{L}/u.test(name));
    expect(named("À moi")).toEqual(["Répondre", "Fil", "Modifier", "Supprimer"]);
    expect(named("À Alice")).toEqual(["Répondre", "Fil"]);
    expect(screen.getByText("À Alice").closest("article")).toHaveTextContent("(modifié)");
    expect(screen.getByText("À moi").closest("article")).not.toHaveTextContent("(modifié)");
  });
});

describe("delete", () => {
  it("asks first; Annuler and Escape keep the message, Supprimer redacts it", async () => {
    const backend = new FakeBackend();
    const { user } = await openRoom(backend, ROOM, [own("m1", "Mot de passe : 1234")]);

    await user.click(actionsOf("Mot de passe : 1234").getByRole("button", { name: "Supprimer" }));
    let dialog = await screen.findByRole("dialog", { name: "Supprimer le message ?" });
    await user.click(within(dialog).getByRole("button", { name: "Annuler" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());

    await user.click(actionsOf("Mot de passe : 1234").getByRole("button", { name: "Supprimer" }));
    dialog = await screen.findByRole("dialog", { name: "Supprimer le message ?" });
    // The safe choice has the focus.
    expect(within(dialog).getByRole("button", { name: "Annuler" })).toHaveFocus();
    dialog.dispatchEvent(new Event("cancel"));
    (dialog as HTMLDialogElement).close();
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(backend.callsOf("redact_message")).toHaveLength(0);

    await user.click(actionsOf("Mot de passe : 1234").getByRole("button", { name: "Supprimer" }));
    dialog = await screen.findByRole("dialog", { name: "Supprimer le message ?" });
    await user.click(within(dialog).getByRole("button", { name: "Supprimer" }));
    await waitFor(() => expect(backend.callsOf("redact_message")).toEqual([{ roomId: ROOM, itemId: "m1" }]));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });
});

describe("mentions", () => {
  const members = [
    { userId: SESSION.userId, displayName: "Marie Dupont", domain: "Dinum", isExternal: false, isInvited: false, trust: "me" },
    { userId: "@bruno.petit:agent.tchap.gouv.fr", displayName: "Bruno Petit", domain: "Intérieur", isExternal: false, isInvited: false, trust: "unknown" },
    { userId: "@brigitte:e.tchap.gouv.fr", displayName: "Brigitte Roux", domain: null, isExternal: true, isInvited: false, trust: "unknown" },
  ];

  it("@ suggests the room's members; ↑/↓ choose, Enter inserts, the message carries the mention", async () => {
    const backend = new FakeBackend({ room_members: () => members });
    const { user } = await openRoom(backend, ROOM);
    await user.click(composer());
    await user.keyboard("Merci @br");

    const list = await screen.findByRole("listbox", { name: "Suggestions de mention" });
    const options = within(list).getAllByRole("option");
    expect(options.map((o) => o.textContent)).toEqual([
      expect.stringContaining("Bruno Petit [Intérieur]"),
      expect.stringMatching(/Brigitte Roux\s*Externe/i),
    ]);
    expect(options[0]).toHaveAttribute("aria-selected", "true");
    expect(composer()).toHaveAttribute("aria-activedescendant", options[0].id);
    await user.keyboard("{ArrowDown}");
    expect(options[1]).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{ArrowUp}");
    expect(options[0]).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{Enter}");
    expect(screen.queryByRole("listbox", { name: "Suggestions de mention" })).toBeNull();
    expect(composer()).toHaveValue("Merci Bruno Petit ");
    expect(backend.callsOf("send_message")).toHaveLength(0);

    await user.keyboard("pour le CR{Enter}");
    await waitFor(() =>
      expect(backend.callsOf("send_composed")).toEqual([
        {
          roomId: ROOM,
          inReplyTo: null,
          message: {
            parts: [
              { type: "text", text: "Merci " },
              { type: "user", userId: "@bruno.petit:agent.tchap.gouv.fr", name: "Bruno Petit" },
              { type: "text", text: " pour le CR" },
            ],
          },
        },
      ]),
    );
  });

  it("a chosen mention is a pill: read out, removed whole by Backspace, plain text once changed", async () => {
    const backend = new FakeBackend({ room_members: () => members });
    const { user } = await openRoom(backend, ROOM);
    await user.click(composer());
    await user.keyboard("Merci @bru");
    await screen.findByRole("listbox", { name: "Suggestions de mention" });
    await user.keyboard("{Enter}");
    expect(screen.getByText("Bruno Petit", { selector: "mark" })).toBeInTheDocument();
    expect(composer()).toHaveAccessibleDescription(/Mentionnés : Bruno Petit\./);

    // The first Backspace takes the space, the second the whole pill.
    await user.keyboard("{Backspace}{Backspace}");
    expect(composer()).toHaveValue("Merci ");
    expect(screen.queryByText("Bruno Petit", { selector: "mark" })).toBeNull();
    expect(composer()).not.toHaveAccessibleDescription(/Mentionnés/);

    // A pill the user types into is no longer a mention, and is not sent as one.
    await user.keyboard("@bru");
    await screen.findByRole("listbox", { name: "Suggestions de mention" });
    await user.keyboard("{Enter}{ArrowLeft}{ArrowLeft}{Backspace}");
    expect(composer()).toHaveValue("Merci Bruno Pett ");
    expect(screen.queryByText(/Bruno/, { selector: "mark" })).toBeNull();
    await user.keyboard("{Enter}");
    await waitFor(() => expect(backend.callsOf("send_message")).toEqual([{ roomId: ROOM, body: "Merci Bruno Pett" }]));
  });

  it("a draft keeps its pills across rooms and is saved for the next start; sending clears it", async () => {
    const backend = new FakeBackend({ room_members: () => members });
    const { user } = await openRoom(backend, ROOM);
    await user.click(composer());
    await user.keyboard("Merci @bru");
    await screen.findByRole("listbox", { name: "Suggestions de mention" });
    await user.keyboard("{Enter}pour le CR");
    const bruno = { type: "user", userId: "@bruno.petit:agent.tchap.gouv.fr", name: "Bruno Petit" };
    const draft = { parts: [{ type: "text", text: "Merci " }, bruno, { type: "text", text: " pour le CR" }] };

    // Another room, and back: the text and its pill are there.
    await user.click(screen.getByRole("option", { name: "Autre salon" }));
    await waitFor(() => expect(backend.callsOf("save_draft")).toContainEqual({ roomId: ROOM, threadRoot: null, message: draft, replyTo: null }));
    expect(composer()).toHaveValue("");
    await user.click(screen.getByRole("option", { name: "Équipe projet" }));
    await waitFor(() => expect(composer()).toHaveValue("Merci Bruno Petit pour le CR"));
    expect(screen.getByText("Bruno Petit", { selector: "mark" })).toBeInTheDocument();

    // Sent: the mention goes with it and the saved draft is cleared.
    await user.click(composer());
    await user.keyboard("{Enter}");
    await waitFor(() => expect(backend.callsOf("send_composed")).toEqual([{ roomId: ROOM, inReplyTo: null, message: draft }]));
    await waitFor(() => expect(backend.callsOf("save_draft").at(-1)).toEqual({ roomId: ROOM, threadRoot: null, message: { parts: [] }, replyTo: null }), {
      timeout: 3000,
    });
  });

  it("a draft saved before the app restarted comes back with its pill", async () => {
    const bruno = { type: "user", userId: "@bruno.petit:agent.tchap.gouv.fr", name: "Bruno Petit" };
    const backend = new FakeBackend({
      room_members: () => members,
      load_draft: ({ roomId }) => (roomId === ROOM ? { text: "Merci Bruno Petit, à demain", mentions: [bruno] } : null),
    });
    const { user } = await openRoom(backend, ROOM);
    await waitFor(() => expect(composer()).toHaveValue("Merci Bruno Petit, à demain"));
    expect(screen.getByText("Bruno Petit", { selector: "mark" })).toBeInTheDocument();
    await user.click(composer());
    await user.keyboard("{Enter}");
    await waitFor(() =>
      expect(backend.callsOf("send_composed")[0].message).toEqual({ parts: [{ type: "text", text: "Merci " }, bruno, { type: "text", text: ", à demain" }] }),
    );
  });

  it("Escape closes the suggestions and keeps the text; @room only for those allowed", async () => {
    const backend = new FakeBackend({ room_members: () => members, can_mention_room: () => true });
    const { user } = await openRoom(backend, ROOM);
    await user.click(composer());
    await user.keyboard("@ro");
    const list = await screen.findByRole("listbox", { name: "Suggestions de mention" });
    expect(within(list).getByRole("option", { name: /@room/ })).toBeInTheDocument();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("listbox", { name: "Suggestions de mention" })).toBeNull();
    expect(composer()).toHaveValue("@ro");

    // Tab chooses too.
    await user.keyboard("o");
    await screen.findByRole("listbox", { name: "Suggestions de mention" });
    await user.keyboard("{Tab}");
    expect(composer()).toHaveValue("@room ");
  });

  it("# suggests the user's other rooms", async () => {
    const backend = new FakeBackend();
    const { user } = await openRoom(backend, ROOM);
    await user.click(composer());
    await user.keyboard("Voir #aut");
    const list = await screen.findByRole("listbox", { name: "Suggestions de mention" });
    expect(within(list).getAllByRole("option").map((o) => o.textContent?.trim())).toEqual(["#Autre salon"]);
    await user.keyboard("{Enter}{Enter}");
    await waitFor(() =>
      expect(backend.callsOf("send_composed")[0].message).toEqual({
        parts: [{ type: "text", text: "Voir " }, { type: "room", roomId: "!autre:x", name: "#Autre salon" }],
      }),
    );
  });
});
