import { describe, expect, it } from "vitest";
import { deferred, FakeBackend, message } from "../../test/backend";
import { TimelineStore } from "./timeline.svelte";

describe("TimelineStore", () => {
  it("sends one pagination request at a time and stops at the start", async () => {
    const page = deferred<boolean>();
    const backend = new FakeBackend({ paginate_backwards: () => page.promise });
    const timeline = new TimelineStore("!r:x");
    await timeline.open();

    const first = timeline.paginate();
    expect(await timeline.paginate()).toBe(false);
    expect(backend.callsOf("paginate_backwards")).toHaveLength(1);

    page.resolve(true);
    expect(await first).toBe(true);
    expect(timeline.atStart).toBe(true);
    expect(await timeline.paginate()).toBe(false);
    expect(backend.callsOf("paginate_backwards")).toHaveLength(1);
  });

  it("offers older messages again after a reset dropped them (reconnection after a gap)", async () => {
    const backend = new FakeBackend({ paginate_backwards: () => true });
    const timeline = new TimelineStore("!r:x");
    await timeline.open();
    backend.pushTimeline("!r:x", [{ op: "reset", values: [message("a", "un"), message("b", "deux")] }]);
    await timeline.paginate();
    expect(timeline.atStart).toBe(true);

    backend.pushTimeline("!r:x", [{ op: "reset", values: [message("c", "trois")] }]);
    expect(timeline.atStart).toBe(false);
    expect(await timeline.paginate()).toBe(true);
    expect(backend.callsOf("paginate_backwards")).toHaveLength(2);
  });

  it("applies batches from its channel and ignores them once closed", async () => {
    const backend = new FakeBackend();
    const timeline = new TimelineStore("!r:x");
    await timeline.open();
    backend.pushTimeline("!r:x", [{ op: "reset", values: [message("a", "un")] }, { op: "pushBack", value: message("b", "deux") }]);
    expect(timeline.items.map((i) => i.id)).toEqual(["a", "b"]);
    expect(timeline.loaded).toBe(true);

    await timeline.close();
    backend.pushTimeline("!r:x", [{ op: "clear" }]);
    expect(timeline.items.map((i) => i.id)).toEqual(["a", "b"]);
    expect(backend.callsOf("close_timeline")).toEqual([{ roomId: "!r:x" }]);
  });

  it("never lets a late close overtake a new opening of the same room", async () => {
    const opened = deferred<null>();
    const backend = new FakeBackend({ open_timeline: () => opened.promise });
    const a = new TimelineStore("!r:x");
    void a.open();
    const closing = a.close();
    const b = new TimelineStore("!r:x");
    const reopening = b.open();
    await new Promise((r) => setTimeout(r, 0));
    // Nothing else is sent while the first opening is still under way.
    expect(backend.calls.map((c) => c.cmd)).toEqual(["open_timeline"]);
    opened.resolve(null);
    await Promise.all([closing, reopening]);
    expect(backend.calls.map((c) => c.cmd)).toEqual(["open_timeline", "close_timeline", "open_timeline"]);
  });
});
