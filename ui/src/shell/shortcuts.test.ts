import { describe, expect, it } from "vitest";
import { shortcutOf } from "./shortcuts";

const press = (key: string, mods: Partial<Record<"ctrlKey" | "metaKey" | "altKey" | "shiftKey", boolean>> = {}) =>
  shortcutOf({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

describe("keyboard shortcuts", () => {
  it("Ctrl+K (Cmd+K) opens the room switcher", () => {
    expect(press("k", { ctrlKey: true })).toEqual({ kind: "switcher" });
    expect(press("K", { ctrlKey: true })).toEqual({ kind: "switcher" });
    expect(press("k", { metaKey: true })).toEqual({ kind: "switcher" });
    expect(press("k")).toBeNull();
    expect(press("k", { ctrlKey: true, shiftKey: true })).toBeNull();
    expect(press("k", { ctrlKey: true, altKey: true })).toBeNull();
  });

  it("Ctrl+/ lists the shortcuts, also typed with Shift as on a French keyboard", () => {
    expect(press("/", { ctrlKey: true })).toEqual({ kind: "help" });
    expect(press("/", { ctrlKey: true, shiftKey: true })).toEqual({ kind: "help" });
    expect(press("/")).toBeNull();
  });

  it("Alt+↑/↓ moves between rooms, with Shift between unread ones", () => {
    expect(press("ArrowDown", { altKey: true })).toEqual({ kind: "move", step: 1, unreadOnly: false });
    expect(press("ArrowUp", { altKey: true })).toEqual({ kind: "move", step: -1, unreadOnly: false });
    expect(press("ArrowDown", { altKey: true, shiftKey: true })).toEqual({ kind: "move", step: 1, unreadOnly: true });
    expect(press("ArrowUp", { altKey: true, shiftKey: true })).toEqual({ kind: "move", step: -1, unreadOnly: true });
  });

  it("leaves plain arrows and other keys to whatever has the focus", () => {
    expect(press("ArrowDown")).toBeNull();
    expect(press("ArrowDown", { ctrlKey: true })).toBeNull();
    expect(press("ArrowDown", { altKey: true, ctrlKey: true })).toBeNull();
    expect(press("ArrowLeft", { altKey: true })).toBeNull();
    expect(press("Escape")).toBeNull();
  });
});
