import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Member, Person, RoomDetails, RoomSummary } from "../../bindings";
import MainScreen from "../../shell/MainScreen.svelte";
import { appError, FakeBackend, room, roomDetails, SESSION } from "../../test/backend";
import { BRIGITTE } from "../directory/testing";
import { SessionStore } from "../session";

const ME: Member = { userId: SESSION.userId, displayName: "Marie Dupont", domain: "Dinum", isExternal: false, isInvited: false, trust: "me" };
const BRUNO: Member = {
  userId: "@bruno:agent.interieur.tchap.gouv.fr",
  displayName: "Bruno Dupont",
  domain: "Intérieur",
  isExternal: false,
  isInvited: false,
  trust: "unverified",
};
const NINA = "@nina:agent.externe.tchap.gouv.fr";
const BRUNO_PERSON: Person = { userId: BRUNO.userId, name: "Bruno Petit", domain: "Intérieur", isExternal: false };
const NINA_PERSON: Person = { userId: "@nina.brun:agent.externe.tchap.gouv.fr", name: "Nina Brun", domain: null, isExternal: true };

async function openRoom(backend: FakeBackend, summary: RoomSummary = room("!a:x", "Équipe projet")) {
  const user = userEvent.setup();
  render(MainScreen, { session: new SessionStore(), user: SESSION });
  await waitFor(() => expect(backend.callsOf("subscribe_room_list")).toHaveLength(1));
  backend.pushRooms([{ op: "reset", values: [summary] }]);
  await user.click(await screen.findByRole("option", { name: summary.name }));
  return user;
}

/** The room's header: the line with its name. */
function header(): HTMLElement {
  return within(screen.getByRole("main")).getByRole("heading", { level: 2 }).parentElement!;
}

async function openSettings(backend: FakeBackend, details: Partial<RoomDetails> = {}) {
  backend.on("room_details", ({ roomId }) => roomDetails(String(roomId), details));
  backend.on("room_members", () => [ME, BRUNO]);
  const user = await openRoom(backend);
  await user.click(screen.getByRole("button", { name: "Paramètres du salon" }));
  const dialog = screen.getByRole("dialog", { name: "Paramètres du salon" });
  await within(dialog).findByRole("heading", { name: "Type de salon" });
  return { user, dialog };
}

describe("room kind in the header", () => {
  it("shows Tchap's kind of the open room, and follows its changes", async () => {
    const backend = new FakeBackend();
    await openRoom(backend, room("!a:x", "Équipe projet", { roomAccess: "private" }));
    expect(within(header()).getByText("Salon privé")).toBeInTheDocument();

    backend.pushRooms([{ op: "set", index: 0, value: room("!a:x", "Équipe projet", { roomAccess: "privateOpenToExternals" }) }]);
    expect(await within(header()).findByText("Salon privé ouvert aux externes")).toBeInTheDocument();
    expect(within(header()).queryByText("Salon privé")).toBeNull();
  });

  it("says Forum for a forum and nothing for a direct chat", async () => {
    const backend = new FakeBackend();
    const user = await openRoom(backend, room("!f:x", "Forum des développeurs", { roomAccess: "forum", isEncrypted: false }));
    expect(within(header()).getByText("Forum")).toBeInTheDocument();

    backend.pushRooms([{ op: "pushBack", value: room("!dm:x", "Jean Dupont", { kind: "dm", roomAccess: "direct" }) }]);
    await user.click(await screen.findByRole("option", { name: /Jean Dupont/ }));
    await waitFor(() => expect(within(header()).queryByText("Forum")).toBeNull());
    expect(within(header()).queryByText(/Salon privé|Discussion directe/)).toBeNull();
  });
});

describe("opening a private room to externals", () => {
  it("explains that it cannot be undone, and opens the room only once confirmed", async () => {
    const backend = new FakeBackend();
    const { user, dialog } = await openSettings(backend);
    expect(within(dialog).getByText(/^Ce salon est privé : seules les personnes invitées/)).toBeInTheDocument();

    await user.click(within(dialog).getByRole("button", { name: "Ouvrir aux externes" }));
    const step = within(dialog).getByRole("group", { name: /Ouvrir ce salon aux externes/ });
    expect(step).toHaveTextContent("Ce choix est définitif : le salon ne pourra plus être réservé aux agents.");
    await user.click(within(step).getByRole("button", { name: "Annuler" }));
    expect(backend.callsOf("open_room_to_externals")).toHaveLength(0);
    expect(within(dialog).getByRole("button", { name: "Ouvrir aux externes" })).toHaveFocus();

    backend.on("room_details", ({ roomId }) =>
      roomDetails(String(roomId), { access: "privateOpenToExternals", canOpenToExternals: false }),
    );
    await user.click(within(dialog).getByRole("button", { name: "Ouvrir aux externes" }));
    await user.click(within(dialog).getByRole("button", { name: "Ouvrir définitivement aux externes" }));
    expect(backend.callsOf("open_room_to_externals")).toEqual([{ roomId: "!a:x" }]);
    expect(await within(dialog).findByText("Le salon est désormais ouvert aux externes.")).toBeInTheDocument();
    expect(within(dialog).getByText(/^Ce salon est privé et ouvert aux externes/)).toBeInTheDocument();
    expect(within(dialog).queryByRole("button", { name: "Ouvrir aux externes" })).toBeNull();
  });

  it("is not offered for a forum nor to a member without the right", async () => {
    const backend = new FakeBackend();
    const { dialog } = await openSettings(backend, { access: "forum", canOpenToExternals: false });
    expect(within(dialog).getByText(/^Ce salon est un forum public/)).toBeInTheDocument();
    expect(within(dialog).queryByRole("button", { name: "Ouvrir aux externes" })).toBeNull();
  });
});

describe("inviting", () => {
  const PEOPLE = { search_people: () => ({ people: [BRUNO_PERSON, NINA_PERSON, BRIGITTE], limited: false }) };

  /** Types `term` in the invite search and waits for the results. */
  async function searchToInvite(user: ReturnType<typeof userEvent.setup>, dialog: HTMLElement, term: string) {
    await user.type(within(dialog).getByRole("searchbox", { name: /Rechercher une personne à inviter/ }), term);
    return within(dialog).findByRole("list", { name: "Personnes trouvées" });
  }

  it("finds the person in the directory, leaves out members, and invites the one picked", async () => {
    const backend = new FakeBackend({ ...PEOPLE, invite_to_room: () => "invited" });
    const { user, dialog } = await openSettings(backend, { access: "privateOpenToExternals", canOpenToExternals: false });
    const results = await searchToInvite(user, dialog, "Br");
    // Bruno is already a member: not offered again.
    expect(within(results).queryByText("Bruno Petit")).toBeNull();
    await user.click(within(results).getByRole("button", { name: "Inviter Brigitte Roux, Dinum" }));
    await waitFor(() => expect(backend.callsOf("invite_to_room")).toEqual([{ roomId: "!a:x", userId: BRIGITTE.userId, confirmExternal: false }]));
    expect(await within(dialog).findByText("Invitation envoyée à Brigitte Roux, Dinum.")).toBeInTheDocument();
  });

  it("warns before inviting an external into a room open to externals", async () => {
    const backend = new FakeBackend({
      ...PEOPLE,
      invite_to_room: ({ confirmExternal }) => (confirmExternal ? "invited" : "confirmExternal"),
    });
    const { user, dialog } = await openSettings(backend, { access: "privateOpenToExternals", canOpenToExternals: false });
    const results = await searchToInvite(user, dialog, "Nina");
    await user.click(within(results).getByRole("button", { name: "Inviter Nina Brun, Externe" }));
    const warning = await within(dialog).findByRole("group", { name: /personne externe à l'administration/ });
    expect(warning).toHaveTextContent("Nina Brun, Externe est une personne externe à l'administration.");
    expect(backend.callsOf("invite_to_room")).toEqual([{ roomId: "!a:x", userId: NINA_PERSON.userId, confirmExternal: false }]);

    await user.click(within(warning).getByRole("button", { name: "Inviter cette personne externe" }));
    expect(await within(dialog).findByText("Invitation envoyée à Nina Brun, Externe.")).toBeInTheDocument();
    expect(backend.callsOf("invite_to_room")[1]).toEqual({ roomId: "!a:x", userId: NINA_PERSON.userId, confirmExternal: true });
  });

  it("does not offer an external in a private room, and says why", async () => {
    const backend = new FakeBackend(PEOPLE);
    const { user, dialog } = await openSettings(backend, { access: "private" });
    const results = await searchToInvite(user, dialog, "Nina");
    const nina = within(results).getByRole("button", { name: "Inviter Nina Brun, Externe" });
    expect(nina).toBeDisabled();
    expect(nina).toHaveAccessibleDescription("Personne externe : ce salon est réservé aux agents de l'État.");
    await user.click(nina);
    // Enter on the field does not pick them either.
    await user.clear(within(dialog).getByRole("searchbox", { name: /Rechercher une personne à inviter/ }));
    await user.type(within(dialog).getByRole("searchbox", { name: /Rechercher une personne à inviter/ }), `${NINA}{Enter}`);
    expect(backend.callsOf("invite_to_room")).toHaveLength(0);
    // Typed in full, an external's Matrix ID is refused the same way.
    expect(within(dialog).getByRole("button", { name: `Inviter ${NINA}, Externe` })).toBeDisabled();
  });

  it("also invites by email, in rooms where one may invite, not in a direct chat", async () => {
    const backend = new FakeBackend({ invite_by_email: () => null });
    const { user, dialog } = await openSettings(backend, { access: "private", canOpenToExternals: false });
    const email = within(dialog).getByLabelText("Adresse e-mail", { exact: false });
    await user.type(email, "nouvel.agent@interieur.gouv.fr{Enter}");
    await waitFor(() => expect(backend.callsOf("invite_by_email")).toEqual([{ roomId: "!a:x", email: "nouvel.agent@interieur.gouv.fr" }]));
  });

  it("gives up the external invitation on Annuler", async () => {
    const backend = new FakeBackend({ ...PEOPLE, invite_to_room: () => "confirmExternal" });
    const { user, dialog } = await openSettings(backend, { access: "privateOpenToExternals", canOpenToExternals: false });
    const results = await searchToInvite(user, dialog, "Nina");
    await user.click(within(results).getByRole("button", { name: "Inviter Nina Brun, Externe" }));
    const warning = await within(dialog).findByRole("group", { name: /personne externe/ });
    await user.click(within(warning).getByRole("button", { name: "Annuler" }));
    expect(within(dialog).queryByRole("group", { name: /personne externe/ })).toBeNull();
    expect(backend.callsOf("invite_to_room")).toHaveLength(1);
  });

  it("invites a Matrix ID typed in full, and explains in French a refusal by the servers", async () => {
    const backend = new FakeBackend({
      search_people: () => ({ people: [], limited: false }),
      invite_to_room: () => {
        throw appError("externals_not_allowed");
      },
    });
    const { user, dialog } = await openSettings(backend, { access: "privateOpenToExternals", canOpenToExternals: false });
    // Someone who hid their profile from the directory, on an agents' server
    // whose name the app cannot tell apart.
    await user.type(within(dialog).getByRole("searchbox", { name: /Rechercher une personne à inviter/ }), "@zoe:agent.tchap.gouv.fr{Enter}");
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "Ce salon est réservé aux agents de l'État : les personnes externes ne peuvent pas y être invitées ni le rejoindre.",
    );
    expect(backend.callsOf("invite_to_room")).toEqual([{ roomId: "!a:x", userId: "@zoe:agent.tchap.gouv.fr", confirmExternal: false }]);
    expect(within(dialog).queryByRole("group", { name: /personne externe/ })).toBeNull();
  });

  it("explains a refusal by the room's rules", async () => {
    const backend = new FakeBackend({
      ...PEOPLE,
      invite_to_room: () => {
        throw appError("room_rules_refused");
      },
    });
    const { user, dialog } = await openSettings(backend);
    const results = await searchToInvite(user, dialog, "Bri");
    await user.click(within(results).getByRole("button", { name: "Inviter Brigitte Roux, Dinum" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Les règles d'accès de ce salon ne permettent pas cette action.");
  });
});

describe("membership", () => {
  it("asks before leaving, then closes the room", async () => {
    const backend = new FakeBackend();
    const { user, dialog } = await openSettings(backend);
    await user.click(within(dialog).getByRole("button", { name: "Quitter le salon" }));
    const step = within(dialog).getByRole("group", { name: "Quitter « Équipe projet » ? Vous ne recevrez plus ses messages." });
    expect(step).toHaveTextContent("Pour y revenir, il faudra y être invité de nouveau.");
    await user.click(within(step).getByRole("button", { name: "Annuler" }));
    expect(backend.callsOf("leave_room")).toHaveLength(0);

    await user.click(within(dialog).getByRole("button", { name: "Quitter le salon" }));
    await user.click(within(dialog).getByRole("button", { name: "Oui, quitter le salon" }));
    expect(backend.callsOf("leave_room")).toEqual([{ roomId: "!a:x" }]);
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    // Gone from the list: the room closes.
    backend.pushRooms([{ op: "remove", index: 0 }]);
    expect(await screen.findByRole("heading", { level: 2, name: "Sélectionnez une conversation" })).toBeInTheDocument();
  });

  it("keeps the dialog open and explains when leaving fails", async () => {
    const backend = new FakeBackend({
      leave_room: () => {
        throw appError("network");
      },
    });
    const { user, dialog } = await openSettings(backend);
    await user.click(within(dialog).getByRole("button", { name: "Quitter le salon" }));
    await user.click(within(dialog).getByRole("button", { name: "Oui, quitter le salon" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Problème de connexion au réseau.");
    expect(screen.getByRole("dialog", { name: "Paramètres du salon" })).toBeInTheDocument();
  });

  it("lets a moderator remove a member after confirming", async () => {
    const backend = new FakeBackend();
    const { user, dialog } = await openSettings(backend);
    const members = within(dialog).getByRole("heading", { name: "Membres" }).parentElement!;
    await within(members).findByText("Bruno Dupont");
    expect(within(members).queryByRole("button", { name: "Retirer Marie Dupont du salon" })).toBeNull();
    await user.click(within(members).getByRole("button", { name: "Retirer Bruno Dupont du salon" }));
    await user.click(within(members).getByRole("button", { name: "Retirer du salon" }));
    expect(backend.callsOf("remove_member")).toEqual([{ roomId: "!a:x", userId: BRUNO.userId }]);
  });

  it("offers a member without rights neither renaming, inviting nor removing", async () => {
    const backend = new FakeBackend();
    const { dialog } = await openSettings(backend, {
      canRename: false,
      canChangeTopic: false,
      canInvite: false,
      canRemoveMembers: false,
      canOpenToExternals: false,
    });
    await within(dialog).findByText("Bruno Dupont");
    expect(within(dialog).queryByLabelText("Nom du salon")).toBeNull();
    expect(within(dialog).queryByRole("searchbox", { name: /Rechercher une personne à inviter/ })).toBeNull();
    expect(within(dialog).queryByRole("button", { name: /^Retirer/ })).toBeNull();
    expect(within(dialog).getByRole("button", { name: "Quitter le salon" })).toBeInTheDocument();
  });

  it("renames the room and sets its topic", async () => {
    const backend = new FakeBackend();
    const { user, dialog } = await openSettings(backend, { topic: "Ancien sujet" });
    const name = within(dialog).getByLabelText("Nom du salon");
    expect(name).toHaveValue("Équipe projet");
    await user.clear(name);
    await user.click(within(dialog).getByRole("button", { name: "Enregistrer le nom" }));
    expect(within(dialog).getByRole("alert")).toHaveTextContent("Indiquez le nom du salon.");
    await user.type(name, "Équipe projet 2026");
    await user.click(within(dialog).getByRole("button", { name: "Enregistrer le nom" }));
    expect(backend.callsOf("rename_room")).toEqual([{ roomId: "!a:x", name: "Équipe projet 2026" }]);
    expect(await within(dialog).findByText("Modification enregistrée.")).toBeInTheDocument();

    const topic = within(dialog).getByLabelText("Sujet");
    expect(topic).toHaveValue("Ancien sujet");
    await user.clear(topic);
    await user.type(topic, "Suivi hebdomadaire");
    await user.click(within(dialog).getByRole("button", { name: "Enregistrer le sujet" }));
    expect(backend.callsOf("set_room_topic")).toEqual([{ roomId: "!a:x", topic: "Suivi hebdomadaire" }]);
  });
});

describe("notifications", () => {
  it("shows the room's mode and saves the one chosen, back to the account's on a refusal", async () => {
    const backend = new FakeBackend();
    backend.on("room_notification_mode", () => "mentionsOnly");
    const { user, dialog } = await openSettings(backend);
    const group = await within(dialog).findByRole("group", { name: "Notifications" });
    await waitFor(() => expect(within(group).getByRole("radio", { name: "Mentions uniquement" })).toBeChecked());

    await user.click(within(group).getByRole("radio", { name: "Muet" }));
    await waitFor(() => expect(backend.callsOf("set_room_notification_mode")).toEqual([{ roomId: "!a:x", mode: "muted" }]));
    expect(within(group).getByRole("radio", { name: "Muet" })).toBeChecked();

    backend.on("set_room_notification_mode", () => {
      throw appError("notification_settings_not_saved");
    });
    await user.click(within(group).getByRole("radio", { name: "Tous les messages" }));
    expect(await within(dialog).findByText(/Le réglage des notifications n'a pas pu être enregistré/)).toBeInTheDocument();
    expect(within(group).getByRole("radio", { name: "Muet" })).toBeChecked();
  });

  it("tells the shell which room is open, and opens the room of a clicked notification", async () => {
    const backend = new FakeBackend();
    render(MainScreen, { session: new SessionStore(), user: SESSION });
    await waitFor(() => expect(backend.callsOf("subscribe_room_list")).toHaveLength(1));
    backend.pushRooms([{ op: "reset", values: [room("!a:x", "Équipe projet"), room("!b:x", "Cantine")] }]);
    await waitFor(() => expect(backend.callsOf("set_open_room")).toContainEqual({ roomId: null }));

    await backend.emit("open-room-requested", { roomId: "!b:x" });
    expect(await within(screen.getByRole("main")).findByRole("heading", { level: 2, name: "Cantine" })).toBeInTheDocument();
    await waitFor(() => expect(backend.callsOf("set_open_room").at(-1)).toEqual({ roomId: "!b:x" }));
  });
});
