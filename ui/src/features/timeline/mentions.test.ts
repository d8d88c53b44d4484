import { describe, expect, it } from "vitest";
import { removePillAt, segments, toParts, type Mention } from "./mentions";

const bruno: Mention = { label: "Bruno Petit", part: { type: "user", userId: "@bruno:a.fr", name: "Bruno Petit" } };
const salon: Mention = { label: "#Projet", part: { type: "room", roomId: "!p:a.fr", name: "#Projet" } };

describe("pills", () => {
  it("cuts the text around every pill, side by side or twice", () => {
    const text = "Bruno Petit#Projet et Bruno Petit";
    expect(segments(text, [bruno, salon]).map((s) => [s.start, s.text, s.mention?.label ?? null])).toEqual([
      [0, "Bruno Petit", "Bruno Petit"],
      [11, "#Projet", "#Projet"],
      [18, " et ", null],
      [22, "Bruno Petit", "Bruno Petit"],
    ]);
    expect(toParts(text, [bruno, salon])).toEqual([bruno.part, salon.part, { type: "text", text: " et " }, bruno.part]);
    expect(segments("", [bruno])).toEqual([]);
  });

  it("Backspace at a pill's end or Delete at its start takes the whole pill, nowhere else", () => {
    const text = "Voir Bruno Petit demain";
    expect(removePillAt(text, [bruno], 16, "Backspace")).toEqual({ text: "Voir  demain", caret: 5 });
    expect(removePillAt(text, [bruno], 5, "Delete")).toEqual({ text: "Voir  demain", caret: 5 });
    expect(removePillAt(text, [bruno], 15, "Backspace")).toBeNull();
    expect(removePillAt(text, [bruno], 5, "Backspace")).toBeNull();
    expect(removePillAt(text, [bruno], 16, "Delete")).toBeNull();
  });
});
