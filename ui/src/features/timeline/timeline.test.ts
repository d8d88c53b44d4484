import { describe, expect, it } from "vitest";
import { appError, deferred, FakeBackend, message } from "../../test/backend";
import { LIGHTEN_ABOVE_ITEMS, TimelineStore, WINDOW_ITEMS } from "./timeline.svelte";

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

  describe("back at the latest messages after a long read back", () => {
    const many = (n: number, from = 0) => Array.from({ length: n }, (_, i) => message(`m${from + i}`, `note ${from + i}`));
    const settle = () => new Promise((r) => setTimeout(r, 0));

    it("asks the backend to start afresh, once, on the same channel", async () => {
      const backend = new FakeBackend({ lighten_timeline: () => true });
      const timeline = new TimelineStore("!r:x");
      await timeline.open();
      backend.pushTimeline("!r:x", [{ op: "reset", values: many(LIGHTEN_ABOVE_ITEMS) }]);
      timeline.lighten();
      await settle();
      expect(backend.callsOf("lighten_timeline")).toHaveLength(0);

      backend.pushTimeline("!r:x", [{ op: "pushFront", value: message("old", "plus ancien") }]);
      timeline.lighten();
      timeline.lighten();
      await settle();
      expect(backend.callsOf("lighten_timeline")).toEqual([{ roomId: "!r:x" }]);
      // The backend answers with a reset of the latest messages through the same channel.
      backend.pushTimeline("!r:x", [{ op: "reset", values: many(20, 1000) }]);
      expect(timeline.items).toHaveLength(20);
    });

    it("does not ask again at every scroll when the backend declined", async () => {
      const backend = new FakeBackend({ lighten_timeline: () => false });
      const timeline = new TimelineStore("!r:x");
      await timeline.open();
      backend.pushTimeline("!r:x", [{ op: "reset", values: many(LIGHTEN_ABOVE_ITEMS + 1) }]);
      for (let i = 0; i < 5; i++) timeline.lighten();
      await settle();
      expect(backend.callsOf("lighten_timeline")).toHaveLength(1);
      backend.pushTimeline("!r:x", [{ op: "reset", values: many(LIGHTEN_ABOVE_ITEMS + 300) }]);
      timeline.lighten();
      await settle();
      expect(backend.callsOf("lighten_timeline")).toHaveLength(2);
    });

    it("never lightens the history around a message", async () => {
      const backend = new FakeBackend({ lighten_timeline: () => true });
      const timeline = new TimelineStore("!r:x", "$target");
      await timeline.open();
      backend.pushTimeline("!r:x", [{ op: "reset", values: many(LIGHTEN_ABOVE_ITEMS + 1) }]);
      timeline.lighten();
      await settle();
      expect(backend.callsOf("lighten_timeline")).toHaveLength(0);
    });

    it("opens the live timeline again when starting afresh failed", async () => {
      const backend = new FakeBackend({
        lighten_timeline: () => {
          throw appError("internal");
        },
      });
      const timeline = new TimelineStore("!r:x");
      await timeline.open();
      backend.pushTimeline("!r:x", [{ op: "reset", values: many(LIGHTEN_ABOVE_ITEMS + 1) }]);
      timeline.lighten();
      await settle();
      await settle();
      expect(backend.callsOf("open_timeline")).toHaveLength(2);
      backend.pushTimeline("!r:x", [{ op: "reset", values: many(3) }]);
      expect(timeline.items).toHaveLength(3);
    });
  });

  describe("reading on far from where it started", () => {
    const many = (n: number, from = 0) => Array.from({ length: n }, (_, i) => message(`m${from + i}`, `note ${from + i}`));

    it("recentres on the reader's message once it holds more than a window, and becomes a history around it", async () => {
      const answer = deferred<null>();
      const backend = new FakeBackend({ recentre_timeline: () => answer.promise });
      const timeline = new TimelineStore("!r:x");
      await timeline.open();
      backend.pushTimeline("!r:x", [{ op: "reset", values: many(WINDOW_ITEMS) }]);
      expect(timeline.needsRecentre).toBe(false);
      backend.pushTimeline("!r:x", [{ op: "pushFront", value: message("old", "plus ancien") }]);
      expect(timeline.needsRecentre).toBe(true);

      const recentring = timeline.recentre("$m10");
      expect(timeline.focusedEventId).toBe("$m10");
      expect(timeline.reachedLatest).toBe(false);
      // Nothing is paginated while the timeline is being replaced.
      expect(await timeline.paginate()).toBe(false);
      expect(backend.callsOf("paginate_backwards")).toHaveLength(0);
      expect(await timeline.recentre("$m11")).toBe(false);

      // The backend's reset brings the window around the message on the same channel.
      backend.pushTimeline("!r:x", [{ op: "reset", values: many(41, -10) }]);
      answer.resolve(null);
      expect(await recentring).toBe(true);
      expect(backend.callsOf("recentre_timeline")).toEqual([{ roomId: "!r:x", eventId: "$m10" }]);
      expect(timeline.items).toHaveLength(41);
      expect(timeline.needsRecentre).toBe(false);
      expect(timeline.atStart).toBe(false);
      // A history around a message: no read receipt, newer messages on demand.
      timeline.markSeen(new Set(["m20"]));
      expect(backend.callsOf("mark_read")).toHaveLength(0);
      await timeline.paginateForwards();
      expect(backend.callsOf("paginate_forwards")).toHaveLength(1);
    });

    it("stays as it was when the backend could not recentre, and asks again only after more messages", async () => {
      const backend = new FakeBackend({
        recentre_timeline: () => {
          throw appError("network");
        },
      });
      const timeline = new TimelineStore("!r:x");
      await timeline.open();
      backend.pushTimeline("!r:x", [{ op: "reset", values: many(WINDOW_ITEMS + 1) }]);
      expect(await timeline.recentre("$m10")).toBe(false);
      expect(timeline.focusedEventId).toBeNull();
      expect(timeline.reachedLatest).toBe(true);
      expect(timeline.items).toHaveLength(WINDOW_ITEMS + 1);
      expect(timeline.needsRecentre).toBe(false);
      expect(await timeline.paginate()).toBe(true);

      backend.pushTimeline("!r:x", [{ op: "reset", values: many(WINDOW_ITEMS + 200) }]);
      expect(timeline.needsRecentre).toBe(true);
    });
  });
});
