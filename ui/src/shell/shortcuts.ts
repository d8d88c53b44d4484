/** What a key press asks of the main screen, whatever has the focus. */
export type Shortcut =
  | { kind: "switcher" }
  | { kind: "help" }
  | { kind: "searchRoom" }
  | { kind: "move"; step: 1 | -1; unreadOnly: boolean };

type Keys = Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">;

/**
 * Element's shortcuts: Ctrl+K the room switcher, Ctrl+/ this list, Ctrl+F
 * the open room's message search,
 * Alt+↑/↓ the previous/next room, with Shift the previous/next unread one.
 * (Cmd instead of Ctrl on macOS.) Shift is allowed with Ctrl+/: on a French
 * keyboard "/" is typed with Shift.
 */
export function shortcutOf(event: Keys): Shortcut | null {
  const command = event.ctrlKey || event.metaKey;
  if (command && !event.altKey) {
    if (event.key.toLowerCase() === "k" && !event.shiftKey) return { kind: "switcher" };
    if (event.key === "/") return { kind: "help" };
    if (event.key.toLowerCase() === "f" && !event.shiftKey) return { kind: "searchRoom" };
    return null;
  }
  if (event.altKey && !command && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
    return { kind: "move", step: event.key === "ArrowDown" ? 1 : -1, unreadOnly: event.shiftKey };
  }
  return null;
}
