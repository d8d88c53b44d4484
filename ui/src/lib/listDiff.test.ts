import { describe, expect, it, vi } from "vitest";
import type { ListDiff } from "../bindings";
import { applyDiffs } from "./listDiff";

const apply = (list: string[], ...diffs: ListDiff<string>[]) => applyDiffs(list, diffs);

describe("applyDiffs", () => {
  it("reset replaces the whole list", () => {
    expect(apply(["a", "b"], { op: "reset", values: ["x", "y", "z"] })).toEqual(["x", "y", "z"]);
  });

  it("clear empties the list", () => {
    expect(apply(["a", "b"], { op: "clear" })).toEqual([]);
  });

  it("append adds values at the end, in order", () => {
    expect(apply(["a"], { op: "append", values: ["b", "c"] })).toEqual(["a", "b", "c"]);
  });

  it("pushFront and pushBack add one value at either end", () => {
    expect(apply(["b"], { op: "pushFront", value: "a" })).toEqual(["a", "b"]);
    expect(apply(["a"], { op: "pushBack", value: "b" })).toEqual(["a", "b"]);
  });

  it("popFront and popBack remove one value at either end", () => {
    expect(apply(["a", "b", "c"], { op: "popFront" })).toEqual(["b", "c"]);
    expect(apply(["a", "b", "c"], { op: "popBack" })).toEqual(["a", "b"]);
    expect(apply([], { op: "popBack" }, { op: "popFront" })).toEqual([]);
  });

  it("insert puts a value at an index, shifting the rest", () => {
    expect(apply(["a", "c"], { op: "insert", index: 1, value: "b" })).toEqual(["a", "b", "c"]);
    expect(apply(["b"], { op: "insert", index: 0, value: "a" })).toEqual(["a", "b"]);
    expect(apply(["a"], { op: "insert", index: 1, value: "b" })).toEqual(["a", "b"]);
  });

  it("set replaces the value at an index", () => {
    expect(apply(["a", "b", "c"], { op: "set", index: 1, value: "B" })).toEqual(["a", "B", "c"]);
  });

  it("remove deletes the value at an index", () => {
    expect(apply(["a", "b", "c"], { op: "remove", index: 1 })).toEqual(["a", "c"]);
  });

  it("truncate keeps the first `length` values", () => {
    expect(apply(["a", "b", "c"], { op: "truncate", length: 1 })).toEqual(["a"]);
    expect(apply(["a"], { op: "truncate", length: 5 })).toEqual(["a"]);
  });

  it("applies a batch in order", () => {
    const result = apply(
      [],
      { op: "reset", values: ["b", "c"] },
      { op: "pushFront", value: "a" },
      { op: "set", index: 2, value: "C" },
      { op: "insert", index: 3, value: "d" },
      { op: "remove", index: 1 },
      { op: "append", values: ["e"] },
    );
    expect(result).toEqual(["a", "C", "d", "e"]);
  });

  it("does not modify the list it is given", () => {
    const list = Object.freeze(["a", "b"]) as string[];
    const result = apply(list, { op: "pushBack", value: "c" }, { op: "remove", index: 0 });
    expect(list).toEqual(["a", "b"]);
    expect(result).toEqual(["b", "c"]);
    expect(result).not.toBe(list);
  });

  it("reports and survives indexes out of range", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(apply(["a"], { op: "set", index: 3, value: "x" })).toEqual(["a"]);
    expect(apply(["a"], { op: "remove", index: -1 })).toEqual(["a"]);
    expect(apply(["a"], { op: "insert", index: 9, value: "b" })).toEqual(["a", "b"]);
    expect(warn).toHaveBeenCalledTimes(3);
  });
});
