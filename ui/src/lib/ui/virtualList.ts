// The arithmetic of a long list that puts only the rows near the viewport in
// the page (the sidebar with a thousand rooms). Rows have one height, measured
// on a drawn row; the rows left out are stood in for by margins, so the
// scrollbar and the drawn rows sit where the whole list would put them.

/** Where the list is seen, in pixels of its scrolling container's content. */
export interface Viewport {
  /** The container's scrollTop. */
  scrollTop: number;
  /** The container's visible height. */
  height: number;
  /** Where the list starts in the container's content (headings above it, another list). */
  listTop: number;
}

/** Rows drawn beyond each edge of the viewport, so a short scroll shows no blank. */
export const OVERSCAN_ROWS = 6;

/** The rows [start, end) that the viewport shows, widened by `overscan` on each side. */
export function visibleRange(
  count: number,
  rowHeight: number,
  viewport: Viewport,
  overscan = OVERSCAN_ROWS,
): { start: number; end: number } {
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const top = viewport.scrollTop - viewport.listTop;
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + viewport.height) / rowHeight);
  const start = clamp(first - overscan, 0, count);
  const end = clamp(last + overscan, start, count);
  return { start, end };
}

/** A drawn row: its index in the whole list and the blank above it (rows left out). */
export interface DrawnRow {
  index: number;
  gapAbove: number;
}

/**
 * The rows to draw: the visible range, plus the `pinned` ones wherever they
 * are (the option in the tab order must exist for Tab and the keyboard to
 * reach it). In list order, each with the height of the rows left out above
 * it; `gapBelow` stands in for those after the last one.
 */
export function drawnRows(
  count: number,
  rowHeight: number,
  range: { start: number; end: number },
  pinned: readonly number[],
): { rows: DrawnRow[]; gapBelow: number } {
  const indices = new Set<number>();
  for (let i = range.start; i < Math.min(range.end, count); i++) indices.add(i);
  for (const i of pinned) if (i >= 0 && i < count) indices.add(i);
  const sorted = [...indices].sort((a, b) => a - b);
  let next = 0;
  const rows = sorted.map((index) => {
    const row = { index, gapAbove: (index - next) * rowHeight };
    next = index + 1;
    return row;
  });
  return { rows, gapBelow: (count - next) * rowHeight };
}

/** The scrollTop that brings row `index` fully into view, or null when it already is. */
export function revealScrollTop(index: number, rowHeight: number, viewport: Viewport): number | null {
  const rowTop = viewport.listTop + index * rowHeight;
  const rowBottom = rowTop + rowHeight;
  if (rowTop < viewport.scrollTop) return rowTop;
  if (rowBottom > viewport.scrollTop + viewport.height) return Math.max(0, rowBottom - viewport.height);
  return null;
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, max));
}
