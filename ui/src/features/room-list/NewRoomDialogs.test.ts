import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import MainScreen from "../../shell/MainScreen.svelte";
import { appError, FakeBackend, room, SESSION } from "../../test/backend";
import { SessionStore } from "../session";

async function mainScreen(backend: FakeBackend) {
  const user = userEvent.setup();
  render(MainScreen, { session: new SessionStore(), user: SESSION });
  await waitFor(() => expect(backend.callsOf("subscribe_room_list")).toHaveLength(1));
  backend.pushRooms([{ op: "reset", values: [room("!a:x", "Équipe projet")] }]);
  await screen.findByRole("option", { name: "Équipe projet" });
  return user;
}

// The new direct chat dialog (a directory search) is tested with the directory:
// features/directory/PeopleSearch.test.ts.

describe("new room", () => {
  it("requires a name, creates the room and opens it", async () => {
    const backend = new FakeBackend({ create_room: () => "!new:x" });
    const user = await mainScreen(backend);
    await user.click(screen.getByRole("button", { name: "Nouveau salon" }));
    const dialog = screen.getByRole("dialog", { name: "Nouveau salon" });

    await user.click(within(dialog).getByRole("button", { name: "Créer le salon" }));
    expect(within(dialog).getByRole("alert")).toHaveTextContent("Indiquez le nom du salon.");
    expect(backend.callsOf("create_room")).toHaveLength(0);

    await user.type(within(dialog).getByRole("textbox", { name: "Nom du salon" }), "Cellule de crise");
    // A private room unless another kind is chosen.
    expect(within(dialog).getByRole("radio", { name: "Salon privé" })).toBeChecked();
    await user.click(within(dialog).getByRole("button", { name: "Créer le salon" }));
    await waitFor(() => expect(backend.callsOf("create_room")).toEqual([{ name: "Cellule de crise", kind: "private" }]));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await waitFor(() => expect(backend.callsOf("open_timeline")[0]?.roomId).toBe("!new:x"));
  });

  it("offers Tchap's kinds of rooms, each explained", async () => {
    const backend = new FakeBackend({ create_room: () => "!forum:x" });
    const user = await mainScreen(backend);
    await user.click(screen.getByRole("button", { name: "Nouveau salon" }));
    const dialog = screen.getByRole("dialog", { name: "Nouveau salon" });
    const kinds = within(dialog).getByRole("group", { name: "Type de salon" });
    expect(within(kinds).getAllByRole("radio").map((radio) => radio.getAttribute("value"))).toEqual([
      "private",
      "privateOpenToExternals",
      "forum",
    ]);
    expect(within(kinds).getByRole("radio", { name: "Salon privé" })).toHaveAccessibleDescription(
      "Sur invitation, chiffré. Les externes ne peuvent pas y être invités.",
    );
    expect(within(kinds).getByRole("radio", { name: "Salon privé ouvert aux externes" })).toHaveAccessibleDescription(
      /partenaires extérieurs à l'administration peuvent y être invités/,
    );
    const forum = within(kinds).getByRole("radio", { name: "Forum" });
    expect(forum).toHaveAccessibleDescription(/tous les agents peuvent le trouver et le rejoindre/);

    await user.type(within(dialog).getByLabelText("Nom du salon"), "Forum des développeurs");
    await user.click(forum);
    await user.click(within(dialog).getByRole("button", { name: "Créer le salon" }));
    await waitFor(() => expect(backend.callsOf("create_room")).toEqual([{ name: "Forum des développeurs", kind: "forum" }]));

    // Opened again: a fresh form, private by default.
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await user.click(screen.getByRole("button", { name: "Nouveau salon" }));
    expect(screen.getByRole("radio", { name: "Salon privé" })).toBeChecked();
    expect(screen.getByLabelText("Nom du salon")).toHaveValue("");
  });

  it("creates a room open to externals and explains a refusal in French", async () => {
    const backend = new FakeBackend({
      create_room: () => {
        throw appError("forbidden");
      },
    });
    const user = await mainScreen(backend);
    await user.click(screen.getByRole("button", { name: "Nouveau salon" }));
    const dialog = screen.getByRole("dialog", { name: "Nouveau salon" });
    await user.type(within(dialog).getByLabelText("Nom du salon"), "Avec nos partenaires");
    await user.click(within(dialog).getByRole("radio", { name: "Salon privé ouvert aux externes" }));
    await user.click(within(dialog).getByRole("button", { name: "Créer le salon" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Vous n'avez pas l'autorisation d'effectuer cette action.");
    expect(backend.callsOf("create_room")).toEqual([{ name: "Avec nos partenaires", kind: "privateOpenToExternals" }]);
  });

  it("closes with Annuler without creating anything", async () => {
    const backend = new FakeBackend();
    const user = await mainScreen(backend);
    const opener = screen.getByRole("button", { name: "Nouveau salon" });
    await user.click(opener);
    await user.type(screen.getByLabelText("Nom du salon"), "Brouillon");
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Annuler" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(opener).toHaveFocus();
    expect(backend.callsOf("create_room")).toHaveLength(0);
  });
});
