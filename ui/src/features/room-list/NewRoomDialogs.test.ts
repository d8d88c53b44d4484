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

describe("new direct chat", () => {
  it("checks the Matrix ID, starts the chat and opens it", async () => {
    const backend = new FakeBackend({ create_dm: () => "!dm:x" });
    const user = await mainScreen(backend);
    await user.click(screen.getByRole("button", { name: "Nouvelle discussion" }));
    const dialog = screen.getByRole("dialog", { name: "Nouvelle discussion" });
    const input = within(dialog).getByRole("textbox", { name: "Identifiant Matrix de la personne" });
    expect(input).toHaveFocus();

    await user.type(input, "jean.dupont");
    await user.click(within(dialog).getByRole("button", { name: "Démarrer la discussion" }));
    expect(within(dialog).getByRole("alert")).toHaveTextContent("@nom:serveur");
    expect(backend.callsOf("create_dm")).toHaveLength(0);

    await user.clear(input);
    await user.type(input, "@jean.dupont:agent.tchap.gouv.fr{Enter}");
    await waitFor(() => expect(backend.callsOf("create_dm")).toEqual([{ userId: "@jean.dupont:agent.tchap.gouv.fr" }]));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await waitFor(() => expect(backend.callsOf("open_timeline")[0]?.roomId).toBe("!dm:x"));

    // When the new room reaches the list, it is shown as the selected one.
    backend.pushRooms([{ op: "pushFront", value: room("!dm:x", "Jean Dupont", { kind: "dm" }) }]);
    expect(await screen.findByRole("heading", { level: 2, name: "Jean Dupont" })).toBeInTheDocument();
    expect(screen.getByRole("option", { name: "Jean Dupont" })).toHaveAttribute("aria-selected", "true");
  });

  it("shows the backend error inside the dialog and keeps it open", async () => {
    const backend = new FakeBackend({
      create_dm: () => {
        throw appError("user_not_found");
      },
    });
    const user = await mainScreen(backend);
    await user.click(screen.getByRole("button", { name: "Nouvelle discussion" }));
    const dialog = screen.getByRole("dialog", { name: "Nouvelle discussion" });
    await user.type(within(dialog).getByLabelText("Identifiant Matrix de la personne"), "@inconnu:x{Enter}");
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Aucune personne ne correspond à cet identifiant.");
    expect(within(dialog).getByLabelText("Identifiant Matrix de la personne")).toHaveValue("@inconnu:x");
  });

  it("closes with Escape and gives the focus back to its button", async () => {
    const backend = new FakeBackend();
    const user = await mainScreen(backend);
    const opener = screen.getByRole("button", { name: "Nouvelle discussion" });
    await user.click(opener);
    expect(screen.getByRole("dialog", { name: "Nouvelle discussion" })).toBeInTheDocument();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(opener).toHaveFocus();

    // Opened again, it starts empty.
    await user.click(opener);
    expect(screen.getByLabelText("Identifiant Matrix de la personne")).toHaveValue("");
  });
});

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
    await user.click(within(dialog).getByRole("button", { name: "Créer le salon" }));
    await waitFor(() => expect(backend.callsOf("create_room")).toEqual([{ name: "Cellule de crise" }]));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await waitFor(() => expect(backend.callsOf("open_timeline")[0]?.roomId).toBe("!new:x"));
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
