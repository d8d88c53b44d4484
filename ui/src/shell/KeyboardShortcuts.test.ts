import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { RoomSummary } from "../bindings";
import { SessionStore } from "../features/session";
import { FakeBackend, room, SESSION } from "../test/backend";
import { expectOptionNames } from "../test/options";
import MainScreen from "./MainScreen.svelte";

const ROOMS: RoomSummary[] = [
  room("!inv:x", "Invitation DGFiP", { kind: "invite" }),
  room("!a:x", "Direction"),
  room("!b:x", "Équipe projet", { unreadCount: 2 }),
  room("!c:x", "Bruno Petit", { kind: "dm", dmDomain: "Dinum" }),
  room("!d:x", "Cellule de crise", { mentionCount: 1 }),
];

async function mainScreenWithRooms() {
  const backend = new FakeBackend();
  const user = userEvent.setup();
  render(MainScreen, { session: new SessionStore(), user: SESSION });
  await waitFor(() => expect(backend.callsOf("subscribe_room_list")).toHaveLength(1));
  backend.pushRooms([{ op: "reset", values: ROOMS }]);
  await screen.findByRole("listbox", { name: "Conversations" });
  return { backend, user };
}

const openRoomTitle = () => within(screen.getByRole("main")).getByRole("heading", { level: 2 }).textContent?.trim();
const switcher = () => screen.queryByRole("dialog", { name: "Aller à une conversation" });

describe("Ctrl+K room switcher", () => {
  it("finds a room by part of its name, accents aside, and opens it with Enter", async () => {
    const { backend, user } = await mainScreenWithRooms();
    await user.keyboard("{Control>}k{/Control}");
    const dialog = switcher()!;
    expect(dialog).toBeInTheDocument();
    const field = within(dialog).getByRole("combobox", { name: "Nom du salon ou de la personne" });
    await waitFor(() => expect(field).toHaveFocus());

    await user.keyboard("EQUIPE");
    expectOptionNames(dialog, ["Équipe projet, 2 messages non lus"]);
    await user.keyboard("{Enter}");

    expect(switcher()).toBeNull();
    expect(screen.getByRole("heading", { level: 2, name: "Équipe projet" })).toBeInTheDocument();
    await waitFor(() => expect(backend.callsOf("open_timeline")[0]?.roomId).toBe("!b:x"));
    // The focus is not lost: it lands in the new room's composer.
    await waitFor(() => expect(screen.getByRole("textbox", { name: "Message" })).toHaveFocus());
  });

  it("lists unread rooms first when nothing is typed, chooses with the arrows, says when nothing matches", async () => {
    const { user } = await mainScreenWithRooms();
    await user.keyboard("{Control>}k{/Control}");
    const dialog = switcher()!;
    expectOptionNames(dialog, [
      "Équipe projet, 2 messages non lus",
      "Cellule de crise, 1 mention",
      /^Invitation DGFiP/,
      "Direction",
      "Bruno Petit, Dinum",
    ]);
    const field = within(dialog).getByRole("combobox");
    const active = () => document.getElementById(field.getAttribute("aria-activedescendant") ?? "");
    expect(active()).toHaveAccessibleName("Équipe projet, 2 messages non lus");
    await user.keyboard("{ArrowDown}{ArrowDown}{ArrowDown}");
    expect(active()).toHaveAccessibleName("Direction");
    expect(within(dialog).getByRole("option", { name: "Direction" })).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{ArrowUp}{ArrowUp}{ArrowUp}{ArrowUp}");
    expect(active()).toHaveAccessibleName("Bruno Petit, Dinum");

    await user.keyboard("zzz");
    expect(within(dialog).queryAllByRole("option")).toEqual([]);
    expect(within(dialog).getByRole("status")).toHaveTextContent("Aucune conversation ne correspond à « zzz ».");
    await user.keyboard("{Enter}");
    expect(switcher()).not.toBeNull();
  });

  it("closes with Escape, gives the focus back, and starts empty the next time", async () => {
    const { user } = await mainScreenWithRooms();
    const direction = screen.getByRole("option", { name: "Direction" });
    direction.focus();
    await user.keyboard("{Control>}k{/Control}");
    await user.keyboard("dir");
    await user.keyboard("{Escape}");
    expect(switcher()).toBeNull();
    expect(direction).toHaveFocus();
    expect(openRoomTitle()).toBe("Sélectionnez une conversation");

    await user.keyboard("{Control>}k{/Control}");
    expect(within(switcher()!).getByRole("combobox")).toHaveValue("");
  });

  it("opens a room with a click on its result", async () => {
    const { user } = await mainScreenWithRooms();
    await user.keyboard("{Control>}k{/Control}");
    await user.click(within(switcher()!).getByRole("option", { name: "Bruno Petit, Dinum" }));
    expect(switcher()).toBeNull();
    expect(screen.getByRole("option", { name: "Bruno Petit, Dinum" })).toHaveAttribute("aria-selected", "true");
  });
});

describe("Alt+↑/↓", () => {
  it("moves to the next and previous room in sidebar order, from anywhere, with Shift to unread rooms", async () => {
    const { user } = await mainScreenWithRooms();
    const selected = () => within(screen.getByRole("navigation")).getByRole("option", { selected: true });

    await user.keyboard("{Alt>}{ArrowDown}{/Alt}");
    expect(selected()).toHaveAccessibleName(/^Invitation DGFiP/);
    await user.keyboard("{Alt>}{ArrowDown}{/Alt}");
    expect(selected()).toHaveAccessibleName("Direction");
    expect(openRoomTitle()).toBe("Direction");

    // From the composer, the focus follows into the next room's composer.
    await user.click(screen.getByRole("textbox", { name: "Message" }));
    await user.keyboard("{Alt>}{ArrowDown}{/Alt}");
    expect(openRoomTitle()).toBe("Équipe projet");
    await waitFor(() => expect(screen.getByRole("textbox", { name: "Message" })).toHaveFocus());

    // From the room list, the shortcut opens the room; plain arrows only move the focus.
    screen.getByRole("option", { name: /^Équipe projet/ }).focus();
    await user.keyboard("{Alt>}{ArrowUp}{/Alt}");
    expect(openRoomTitle()).toBe("Direction");

    await user.keyboard("{Alt>}{Shift>}{ArrowDown}{/Shift}{/Alt}");
    expect(openRoomTitle()).toBe("Équipe projet");
    await user.keyboard("{Alt>}{Shift>}{ArrowDown}{/Shift}{/Alt}");
    expect(openRoomTitle()).toBe("Cellule de crise");
    await user.keyboard("{Alt>}{Shift>}{ArrowDown}{/Shift}{/Alt}");
    expect(openRoomTitle()).toBe("Équipe projet");
  });

  it("does nothing behind an open dialog", async () => {
    const { user } = await mainScreenWithRooms();
    await user.click(screen.getByRole("button", { name: "Nouveau salon" }));
    expect(screen.getByRole("dialog")).toBeInTheDocument();
    await user.keyboard("{Alt>}{ArrowDown}{/Alt}");
    await user.keyboard("{Control>}k{/Control}");
    expect(openRoomTitle()).not.toBe("Invitation DGFiP");
    expect(switcher()).toBeNull();
  });
});

describe("the room switcher of a large account", () => {
  it("lists 50 conversations at most and says how many more typing would reach", async () => {
    const backend = new FakeBackend();
    const user = userEvent.setup();
    render(MainScreen, { session: new SessionStore(), user: SESSION });
    await waitFor(() => expect(backend.callsOf("subscribe_room_list")).toHaveLength(1));
    const many = Array.from({ length: 300 }, (_, i) => room(`!r${i}:x`, `Salon ${String(i + 1).padStart(3, "0")}`));
    backend.pushRooms([{ op: "reset", values: many }]);
    await screen.findByRole("listbox", { name: "Conversations" });

    await user.keyboard("{Control>}k{/Control}");
    const dialog = await screen.findByRole("dialog", { name: "Aller à une conversation" });
    const results = within(dialog).getByRole("listbox", { name: "Conversations trouvées" });
    expect(within(results).getAllByRole("option")).toHaveLength(50);
    expect(within(dialog).getByRole("status")).toHaveTextContent("… et 250 autres conversations : précisez le nom pour les trouver.");

    // Typing narrows it down to what is there, the last room included.
    await user.keyboard("300");
    expect(within(results).getAllByRole("option").map((o) => o.textContent?.trim())).toEqual([expect.stringContaining("Salon 300")]);
    expect(within(dialog).getByRole("status")).toHaveTextContent("");
  });
});

describe("keyboard shortcuts help", () => {
  it("opens with Ctrl+/ or the header's button, lists the shortcuts in French, closes with Escape", async () => {
    const { user } = await mainScreenWithRooms();
    await user.keyboard("{Control>}/{/Control}");
    const help = screen.getByRole("dialog", { name: "Raccourcis clavier" });
    // Each row as "keys | action"; arrows are drawn (↓) and read by their names.
    const rows = (table: string) =>
      within(within(help).getByRole("table", { name: table }))
        .getAllByRole("row")
        .map((row) =>
          within(row)
            .queryAllByRole("cell")
            .map((cell) => cell.textContent?.replace(/\s+/g, " ").trim())
            .join(" | "),
        );
    expect(rows("Partout")).toContain("Ctrl + K | Aller à une conversation (recherche par nom)");
    expect(rows("Partout")).toContain("Alt + ↓Flèche bas / Alt + ↑Flèche haut | Conversation suivante / précédente");
    expect(rows("Dans le champ de message")).toContain("Maj + Entrée | Aller à la ligne");
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();

    await user.click(screen.getByRole("button", { name: "Raccourcis clavier" }));
    expect(screen.getByRole("dialog", { name: "Raccourcis clavier" })).toBeInTheDocument();
  });
});
