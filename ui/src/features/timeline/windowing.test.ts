import { describe, expect, it } from "vitest";
import { around, covers, DEFAULT_ROW_HEIGHT, hold, offsetsOf, resolveSlice, rowAt, RowHeights, sliceFor } from "./windowing";

const idsOf = (count: number) => Array.from({ length: count }, (_, i) => `r${i}`);

/** Every row measured `height` px tall. */
function measured(ids: string[], height: number): RowHeights {
  const heights = new RowHeights();
  for (const id of ids) heights.measure(id, height);
  return heights;
}

describe("row heights", () => {
  it("gives a row never drawn the average of the measured ones, and ignores rows not laid out", () => {
    const heights = new RowHeights();
    expect(heights.of("a")).toBe(DEFAULT_ROW_HEIGHT);
    heights.measure("a", 40);
    heights.measure("b", 80);
    heights.measure("c", 0);
    expect(heights.of("a")).toBe(40);
    expect(heights.of("c")).toBe(60);
    heights.measure("a", 100); // an image arrived
    expect(heights.of("zzz")).toBe(90);
  });

  it("forgets the rows no longer in the list", () => {
    const heights = measured(idsOf(10), 30);
    heights.measure("gone", 330);
    heights.keepOnly(idsOf(10));
    expect(heights.of("gone")).toBe(30);
  });
});

describe("slices of a long list", () => {
  const ids = idsOf(20_000);
  const offsets = offsetsOf(ids, measured(ids, 50));

  it("adds the heights up, estimates included", () => {
    const heights = measured(["r0", "r1"], 20);
    heights.measure("r1", 40);
    expect([...offsetsOf(["r0", "r1", "r2"], heights)]).toEqual([0, 20, 60, 90]);
    expect(rowAt(offsets, 0)).toBe(0);
    expect(rowAt(offsets, 149)).toBe(2);
    expect(rowAt(offsets, 150)).toBe(3);
    expect(rowAt(offsets, -10)).toBe(0);
    expect(rowAt(offsets, 10e6)).toBe(19_999);
  });

  it("draws the viewport and its overscan, not the 20,000 rows", () => {
    // Viewport 500 px at 100,000 px (row 2000), 1000 px more each side.
    expect(sliceFor(offsets, 100_000, 500, 1000, 200)).toEqual({ start: 1980, end: 2031 });
    expect(sliceFor(offsets, 0, 500, 1000, 200)).toEqual({ start: 0, end: 31 });
    const bottom = offsets[20_000] - 500;
    expect(sliceFor(offsets, bottom, 500, 1000, 200)).toEqual({ start: 19_970, end: 20_000 });
  });

  it("cuts a huge overscan to the bound, around the middle of the viewport", () => {
    const slice = sliceFor(offsets, 100_000, 500, 100_000, 200);
    expect(slice.end - slice.start).toBe(200);
    expect(slice).toEqual({ start: 1905, end: 2105 });
    expect(around(5, 20_000, 60)).toEqual({ start: 0, end: 60 });
    expect(around(19_999, 20_000, 60)).toEqual({ start: 19_940, end: 20_000 });
    expect(around(3, 10, 60)).toEqual({ start: 0, end: 10 });
  });

  it("keeps the drawn rows while they cover the viewport and half the overscan", () => {
    const drawn = { start: 1980, end: 2031 };
    expect(covers(drawn, offsets, 100_000, 500, 500)).toBe(true);
    expect(covers(drawn, offsets, 99_400, 500, 500)).toBe(false);
    expect(covers(drawn, offsets, 100_600, 500, 500)).toBe(false);
    // The ends of the list need no margin.
    expect(covers({ start: 0, end: 31 }, offsets, 0, 500, 500)).toBe(true);
    expect(covers({ start: 19_970, end: 20_000 }, offsets, offsets[20_000] - 500, 500, 500)).toBe(true);
  });
});

describe("held rows across updates of the list", () => {
  it("stay on the same messages when older ones are inserted above", () => {
    const ids = idsOf(100);
    const held = hold(ids, { start: 10, end: 30 }, false);
    const older = ["o1", "o2", "o3", ...ids];
    expect(resolveSlice(older, held, 200)).toEqual({ start: 13, end: 33 });
  });

  it("stay on the same messages when the day separator above them moves up with older messages", () => {
    const ids = ["day", "m1", "m2", "m3", "m4"];
    const lasting = (id: string) => id.startsWith("m");
    const held = hold(ids, { start: 0, end: 4 }, false, lasting);
    expect(held).toMatchObject({ firstId: "m1", lastId: "m3", before: 1, after: 0 });
    // The SDK removes the separator above m1 and puts one above the older messages.
    const older = ["day2", "o1", "o2", "m1", "m2", "m3", "m4"];
    expect(resolveSlice(older, held, 200)).toEqual({ start: 2, end: 6 });
  });

  it("follow the newest row while they hold the end, within the bound", () => {
    const ids = idsOf(100);
    const held = hold(ids, { start: 90, end: 100 }, true);
    expect(resolveSlice([...ids, "n1", "n2"], held, 200)).toEqual({ start: 90, end: 102 });
    const flood = [...ids, ...Array.from({ length: 500 }, (_, i) => `n${i}`)];
    expect(resolveSlice(flood, held, 200)).toEqual({ start: 400, end: 600 });
  });

  it("do not grow with newer rows when they do not hold the end", () => {
    const ids = idsOf(100);
    const held = hold(ids, { start: 40, end: 60 }, false);
    expect(resolveSlice([...ids, "n1"], held, 200)).toEqual({ start: 40, end: 60 });
  });

  it("fall back on their place when their rows are removed, and start with the latest rows", () => {
    const ids = idsOf(100);
    const held = hold(ids, { start: 40, end: 60 }, false);
    const without = ids.filter((id) => id !== "r40" && id !== "r59");
    expect(resolveSlice(without, held, 200)).toEqual({ start: 40, end: 60 });
    expect(resolveSlice(ids.slice(0, 10), held, 200)).toEqual({ start: 0, end: 10 });
    const initial = { firstId: null, lastId: null, before: 0, after: 0, start: 0, end: 0 };
    expect(resolveSlice(idsOf(1000), initial, 200)).toEqual({ start: 800, end: 1000 });
    expect(resolveSlice([], initial, 200)).toEqual({ start: 0, end: 0 });
  });
});
