import { describe, expect, it } from "vitest";
import { drawnRows, revealScrollTop, visibleRange } from "./virtualList";

describe("virtual list arithmetic", () => {
  it("draws the rows the viewport shows, widened by the overscan, within the list", () => {
    // Rows of 50 px, the list 200 px down its container, scrolled by 1,200 px, 400 px seen: rows 20 to 28.
    const viewport = { scrollTop: 1200, height: 400, listTop: 200 };
    expect(visibleRange(1000, 50, viewport, 0)).toEqual({ start: 20, end: 28 });
    expect(visibleRange(1000, 50, viewport, 3)).toEqual({ start: 17, end: 31 });
    expect(visibleRange(25, 50, viewport, 3)).toEqual({ start: 17, end: 25 });
    // Not scrolled down to the list yet: its first rows.
    expect(visibleRange(1000, 50, { scrollTop: 0, height: 400, listTop: 300 }, 0)).toEqual({ start: 0, end: 2 });
    // Scrolled past it (another list below): nothing.
    expect(visibleRange(10, 50, { scrollTop: 5000, height: 400, listTop: 0 }, 2)).toEqual({ start: 10, end: 10 });
    expect(visibleRange(0, 50, viewport)).toEqual({ start: 0, end: 0 });
  });

  it("keeps a pinned row drawn far from the range, with blanks standing in for the rest", () => {
    const { rows, gapBelow } = drawnRows(1000, 50, { start: 2, end: 4 }, [999, 3]);
    expect(rows).toEqual([
      { index: 2, gapAbove: 100 },
      { index: 3, gapAbove: 0 },
      { index: 999, gapAbove: 995 * 50 },
    ]);
    expect(gapBelow).toBe(0);
    // The drawn rows and the blanks add up to the whole list's height.
    expect(drawnRows(1000, 50, { start: 10, end: 20 }, []).gapBelow + 10 * 50 + 10 * 50).toBe(1000 * 50);
    // A pinned index out of the list (a row just removed) is ignored.
    expect(drawnRows(3, 50, { start: 0, end: 3 }, [7]).rows.map((r) => r.index)).toEqual([0, 1, 2]);
  });

  it("scrolls a row into view by the least, or not at all", () => {
    const viewport = { scrollTop: 1000, height: 400, listTop: 100 };
    expect(revealScrollTop(20, 50, viewport)).toBeNull(); // 1,100 to 1,150: seen
    expect(revealScrollTop(5, 50, viewport)).toBe(350); // above: its top at the viewport's top
    expect(revealScrollTop(40, 50, viewport)).toBe(100 + 41 * 50 - 400); // below: its bottom at the viewport's bottom
  });
});
