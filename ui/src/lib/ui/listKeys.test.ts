import { describe, expect, it } from "vitest";
import { listKeyAction } from "./listKeys";

const moveTo = (index: number) => ({ kind: "move", index });
const choose = { kind: "choose" };

describe("list keys", () => {
  it("in a listbox, ↑/↓ stop at the ends and Home/End reach them", () => {
    expect(listKeyAction("ArrowDown", 0, 3)).toEqual(moveTo(1));
    expect(listKeyAction("ArrowDown", 2, 3)).toEqual(moveTo(2));
    expect(listKeyAction("ArrowUp", 0, 3)).toEqual(moveTo(0));
    expect(listKeyAction("Home", 2, 3)).toEqual(moveTo(0));
    expect(listKeyAction("End", 0, 3)).toEqual(moveTo(2));
    expect(listKeyAction("ArrowRight", 0, 3)).toBeNull();
    expect(listKeyAction("a", 0, 3)).toBeNull();
  });

  it("in a combobox's suggestions, ↑/↓ go round, and Home/End can stay the text field's", () => {
    expect(listKeyAction("ArrowDown", 2, 3, { wrap: true })).toEqual(moveTo(0));
    expect(listKeyAction("ArrowUp", 0, 3, { wrap: true })).toEqual(moveTo(2));
    expect(listKeyAction("Home", 2, 3, { wrap: true, homeEnd: false })).toBeNull();
    expect(listKeyAction("End", 0, 3, { wrap: true, homeEnd: false })).toBeNull();
  });

  it("in tabs, ←/→ move and go round, ↑/↓ are not theirs", () => {
    const tabs = { orientation: "horizontal", wrap: true } as const;
    expect(listKeyAction("ArrowRight", 2, 3, tabs)).toEqual(moveTo(0));
    expect(listKeyAction("ArrowLeft", 0, 3, tabs)).toEqual(moveTo(2));
    expect(listKeyAction("ArrowDown", 0, 3, tabs)).toBeNull();
  });

  it("in a grid, ←/→ move by one and ↑/↓ by a row, clamped at the ends", () => {
    const grid = { columns: 8 };
    expect(listKeyAction("ArrowRight", 3, 20, grid)).toEqual(moveTo(4));
    expect(listKeyAction("ArrowLeft", 0, 20, grid)).toEqual(moveTo(0));
    expect(listKeyAction("ArrowDown", 3, 20, grid)).toEqual(moveTo(11));
    expect(listKeyAction("ArrowDown", 15, 20, grid)).toEqual(moveTo(19));
    expect(listKeyAction("ArrowUp", 5, 20, grid)).toEqual(moveTo(0));
    expect(listKeyAction("End", 0, 20, grid)).toEqual(moveTo(19));
  });

  it("chooses with Enter, or the keys a list names", () => {
    expect(listKeyAction("Enter", 1, 3)).toEqual(choose);
    expect(listKeyAction(" ", 1, 3)).toBeNull();
    expect(listKeyAction(" ", 1, 3, { chooseKeys: ["Enter", " "] })).toEqual(choose);
    expect(listKeyAction("Tab", 1, 3, { chooseKeys: ["Enter", "Tab"] })).toEqual(choose);
  });

  it("keeps a move key in an empty list without moving", () => {
    expect(listKeyAction("ArrowDown", 0, 0, { wrap: true })).toEqual(moveTo(0));
    expect(listKeyAction("End", 0, 0)).toEqual(moveTo(0));
  });
});
