// What a key does in a list of options (ARIA listbox / combobox popup / grid):
// the one place where ↑/↓/←/→/Home/End/Enter become a move or a choice.
// Each list keeps its own extras (Escape, what "choose" opens).

export interface ListKeyOptions {
  /** Past an end, go round to the other end (a combobox's suggestions) instead of staying there. */
  wrap?: boolean;
  /** Options per row of a grid: ←/→ move by one, ↑/↓ by a row (clamped at the ends, never wrapping). */
  columns?: number;
  /** Which arrows move in a one-line list: ↑/↓ (a listbox) or ←/→ (tabs). */
  orientation?: "vertical" | "horizontal";
  /** Home/End reach the first/last option. Off where a text field keeps them for its caret. */
  homeEnd?: boolean;
  /** The keys that choose the active option. */
  chooseKeys?: readonly string[];
}

export type ListKeyAction = { kind: "move"; index: number } | { kind: "choose" };

/**
 * What `key` does with the option at `index` active in a list of `count`
 * options, or null when the key is not the list's. A move key in an empty
 * list stays at `index` (it still belongs to the list).
 */
export function listKeyAction(
  key: string,
  index: number,
  count: number,
  { wrap = false, columns, orientation = "vertical", homeEnd = true, chooseKeys = ["Enter"] }: ListKeyOptions = {},
): ListKeyAction | null {
  if (chooseKeys.includes(key)) return { kind: "choose" };
  const step = columns === undefined ? lineStep(key, orientation) : gridStep(key, columns);
  if (step !== null) {
    if (count === 0) return { kind: "move", index };
    const target = index + step;
    if (wrap && columns === undefined) return { kind: "move", index: ((target % count) + count) % count };
    return { kind: "move", index: Math.max(0, Math.min(target, count - 1)) };
  }
  if (homeEnd && key === "Home") return { kind: "move", index: 0 };
  if (homeEnd && key === "End") return { kind: "move", index: Math.max(0, count - 1) };
  return null;
}

/** How far an arrow moves in a one-line list: by one, along its orientation only. */
function lineStep(key: string, orientation: "vertical" | "horizontal"): number | null {
  const [back, forth] = orientation === "vertical" ? ["ArrowUp", "ArrowDown"] : ["ArrowLeft", "ArrowRight"];
  if (key === forth) return 1;
  if (key === back) return -1;
  return null;
}

/** How far an arrow moves in a grid: ←/→ by one, ↑/↓ by a row. */
function gridStep(key: string, columns: number): number | null {
  const steps: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns };
  return steps[key] ?? null;
}
