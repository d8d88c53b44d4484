// The arithmetic of a windowed list: which rows are drawn around the
// viewport, and how tall the spacers standing for the others are. Pure, so
// that the component only wires it to the DOM.

/** Rows `start` (included) to `end` (excluded) are drawn. */
export type Slice = { start: number; end: number };

/**
 * The drawn rows, held by the ids of their first and last lasting rows (a
 * message, not a day separator the list may move) so that messages inserted
 * around them (older ones, newer ones) do not shift what is drawn; `before`
 * and `after` rows beyond them. `lastId` null: down to the last row,
 * whatever arrives. `start`/`end` are where the rows were, for when one of
 * them is removed.
 */
export type HeldSlice = { firstId: string | null; lastId: string | null; before: number; after: number } & Slice;

/** Height (px) assumed for a row never drawn while nothing was measured yet. */
export const DEFAULT_ROW_HEIGHT = 64;

/** Measured row heights by item id; rows never drawn get the measured average. */
export class RowHeights {
  readonly #measured = new Map<string, number>();
  #sum = 0;

  /** Records a drawn row's height; 0 (not laid out) is ignored. */
  measure(id: string, height: number): void {
    if (!(height > 0)) return;
    this.#sum += height - (this.#measured.get(id) ?? 0);
    this.#measured.set(id, height);
  }

  estimate(): number {
    return this.#measured.size === 0 ? DEFAULT_ROW_HEIGHT : this.#sum / this.#measured.size;
  }

  of(id: string): number {
    return this.#measured.get(id) ?? this.estimate();
  }

  /** Keeps only the rows still in the list (bounded memory across resets). */
  keepOnly(ids: readonly string[]): void {
    if (this.#measured.size <= ids.length) return;
    const kept = new Set(ids);
    for (const [id, height] of this.#measured) {
      if (kept.has(id)) continue;
      this.#measured.delete(id);
      this.#sum -= height;
    }
  }
}

/** Top of each row and, last, the total height: `ids.length + 1` values. */
export function offsetsOf(ids: readonly string[], heights: RowHeights): Float64Array {
  const offsets = new Float64Array(ids.length + 1);
  for (let i = 0; i < ids.length; i++) offsets[i + 1] = offsets[i] + heights.of(ids[i]);
  return offsets;
}

/** The row at height `y` (clamped to the list). */
export function rowAt(offsets: Float64Array, y: number): number {
  const count = offsets.length - 1;
  let low = 0;
  let high = count - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (offsets[mid] <= y) low = mid;
    else high = mid - 1;
  }
  return Math.max(0, low);
}

/**
 * Rows meeting the band [`top` - `overscan`, `top` + `height` + `overscan`],
 * at most `maxRows`, kept around the middle of the viewport when cut.
 */
export function sliceFor(offsets: Float64Array, top: number, height: number, overscan: number, maxRows: number): Slice {
  const count = offsets.length - 1;
  if (count === 0) return { start: 0, end: 0 };
  const start = rowAt(offsets, top - overscan);
  const end = Math.min(count, rowAt(offsets, top + height + overscan) + 1);
  if (end - start <= maxRows) return { start, end };
  const middle = rowAt(offsets, top + height / 2);
  return around(middle, count, maxRows);
}

/** `size` rows (at most) centred on row `index` of `count`. */
export function around(index: number, count: number, size: number): Slice {
  const start = Math.max(0, Math.min(index - Math.floor(size / 2), count - size));
  return { start, end: Math.min(count, start + size) };
}

/** True while the drawn rows still cover the viewport and `margin` px each side (or the list's end). */
export function covers(slice: Slice, offsets: Float64Array, top: number, height: number, margin: number): boolean {
  const count = offsets.length - 1;
  const above = slice.start === 0 || offsets[slice.start] <= top - margin;
  const below = slice.end >= count || offsets[slice.end] >= top + height + margin;
  return above && below;
}

/** Where the held rows are now in `ids`, at most `maxRows` (the end kept when it follows the last row). */
export function resolveSlice(ids: readonly string[], held: HeldSlice, maxRows: number): Slice {
  const count = ids.length;
  const found = (id: string | null) => (id === null ? -1 : ids.indexOf(id));
  const first = found(held.firstId);
  const last = found(held.lastId);
  const end = held.lastId === null ? count : last >= 0 ? Math.min(count, last + 1 + held.after) : Math.min(held.end, count);
  // A removed first row: where it was, as many rows as before (the list may have shrunk).
  const fallback = Math.min(held.start, Math.max(0, end - (held.end - held.start)));
  const start = Math.min(held.firstId === null ? 0 : first >= 0 ? Math.max(0, first - held.before) : fallback, end);
  if (end - start > maxRows) {
    return held.lastId === null ? { start: end - maxRows, end } : { start, end: start + maxRows };
  }
  return { start, end };
}

/**
 * Holds `slice` of `ids` by its first and last rows that are `lasting`;
 * `toEnd` keeps it following new rows.
 */
export function hold(ids: readonly string[], slice: Slice, toEnd: boolean, lasting: (id: string) => boolean = () => true): HeldSlice {
  let first = slice.start;
  while (first < slice.end - 1 && !lasting(ids[first])) first++;
  let last = slice.end - 1;
  while (last > first && !lasting(ids[last])) last--;
  return {
    firstId: ids[first] ?? null,
    lastId: toEnd || slice.end === 0 ? null : ids[last],
    before: first - slice.start,
    after: slice.end - 1 - last,
    ...slice,
  };
}
