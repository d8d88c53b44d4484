import { describe, expect, it } from "vitest";
import { room } from "../../test/backend";
import { adjacentRoom, searchKey, switcherResults } from "./roomSearch";

const names = (rooms: { name: string }[]) => rooms.map((r) => r.name);

describe("room switcher results", () => {
  const rooms = [
    room("!1:x", "Direction"),
    room("!2:x", "Équipe projet", { unreadCount: 2 }),
    room("!3:x", "Bruno Petit", { kind: "dm" }),
    room("!4:x", "Sœur Anne"),
    room("!5:x", "Cellule de crise", { mentionCount: 1 }),
    room("!6:x", "Préfecture de l'Eure"),
  ];

  it("lists every room when empty, unread and mentioned ones first, each group in sidebar order", () => {
    expect(names(switcherResults(rooms, ""))).toEqual([
      "Équipe projet",
      "Cellule de crise",
      "Direction",
      "Bruno Petit",
      "Sœur Anne",
      "Préfecture de l'Eure",
    ]);
    expect(switcherResults(rooms, "   ")).toHaveLength(rooms.length);
  });

  it("ignores accents, case and ligatures, both ways", () => {
    expect(names(switcherResults(rooms, "equipe"))).toEqual(["Équipe projet"]);
    expect(names(switcherResults(rooms, "ÉQUIPE PRO"))).toEqual(["Équipe projet"]);
    expect(names(switcherResults(rooms, "soeur"))).toEqual(["Sœur Anne"]);
    expect(names(switcherResults(rooms, "préfec"))).toEqual(["Préfecture de l'Eure"]);
    expect(names(switcherResults(rooms, "PETIT"))).toEqual(["Bruno Petit"]);
    expect(searchKey("Élodie ÇA Œuvre")).toBe("elodie ca oeuvre");
  });

  it("puts names where the text starts a word before names that merely contain it", () => {
    const list = [room("!a:x", "Salle des fêtes"), room("!b:x", "Télétravail"), room("!c:x", "Équipe télé")];
    expect(names(switcherResults(list, "tele"))).toEqual(["Télétravail", "Équipe télé"]);
    expect(names(switcherResults(list, "es"))).toEqual(["Salle des fêtes"]);
    expect(names(switcherResults(rooms, "eure"))).toEqual(["Préfecture de l'Eure"]);
  });

  it("finds nothing for a text no name contains", () => {
    expect(switcherResults(rooms, "zzz")).toEqual([]);
  });
});

describe("the room Alt+↑/↓ goes to", () => {
  const rooms = [
    room("!a:x", "A"),
    room("!b:x", "B", { unreadCount: 1 }),
    room("!c:x", "C"),
    room("!d:x", "D", { mentionCount: 1 }),
  ];
  const go = (from: string | null, step: 1 | -1, unreadOnly = false) => adjacentRoom(rooms, from, step, unreadOnly)?.name;

  it("is the next or previous room in sidebar order, wrapping around", () => {
    expect(go("!b:x", 1)).toBe("C");
    expect(go("!b:x", -1)).toBe("A");
    expect(go("!d:x", 1)).toBe("A");
    expect(go("!a:x", -1)).toBe("D");
  });

  it("is the first (↓) or last (↑) room when none is open", () => {
    expect(go(null, 1)).toBe("A");
    expect(go(null, -1)).toBe("D");
    expect(go("!gone:x", 1)).toBe("A");
  });

  it("with Shift, skips the rooms without unread messages", () => {
    expect(go("!a:x", 1, true)).toBe("B");
    expect(go("!b:x", 1, true)).toBe("D");
    expect(go("!d:x", 1, true)).toBe("B");
    expect(go("!c:x", -1, true)).toBe("B");
    expect(go(null, -1, true)).toBe("D");
  });

  it("goes nowhere when there is no other room", () => {
    expect(adjacentRoom([room("!a:x", "A")], "!a:x", 1, false)).toBeUndefined();
    expect(adjacentRoom(rooms, "!b:x", 1, true)).toBeDefined();
    expect(adjacentRoom([room("!a:x", "A", { unreadCount: 1 }), room("!b:x", "B")], "!a:x", 1, true)).toBeUndefined();
    expect(adjacentRoom([], null, 1, false)).toBeUndefined();
  });
});
