import { describe, expect, it } from "vitest";
import { message } from "../../test/backend";
import { nextReadEvent } from "./readReceipts";

describe("nextReadEvent", () => {
  const items = [
    message("a", "un", { eventId: "$a" }),
    message("b", "deux", { eventId: "$b" }),
    message("c", "trois", { eventId: "$c" }),
  ];

  it("is the latest message on screen", () => {
    expect(nextReadEvent(items, new Set(["a", "b"]), null)).toBe("$b");
  });

  it("never goes back before what was marked already", () => {
    expect(nextReadEvent(items, new Set(["a"]), "$b")).toBeNull();
    expect(nextReadEvent(items, new Set(["a", "b", "c"]), "$b")).toBe("$c");
  });

  it("ignores messages not on screen and local echoes", () => {
    expect(nextReadEvent(items, new Set(), null)).toBeNull();
    const echo = [...items, message("d", "quatre", { eventId: null })];
    expect(nextReadEvent(echo, new Set(["d"]), null)).toBeNull();
  });
});
