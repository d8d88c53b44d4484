import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import MainScreen from "../../shell/MainScreen.svelte";
import { FakeBackend, room, SESSION } from "../../test/backend";
import { SessionStore } from "../session";

const ROOM_COUNT = 1000;
/** The row height the list assumes before it can measure one (jsdom lays nothing out). */
const ROW = 60;

async function thousandRooms() {
  const backend = new FakeBackend();
  const user = userEvent.setup();
  render(MainScreen, { session: new SessionStore(), user: SESSION });
  await waitFor(() => expect(backend.callsOf("subscribe_room_list")).toHaveLength(1));
  const rooms = Array.from({ length: ROOM_COUNT }, (_, i) => room(`!r${i + 1}:x`, `Salon ${i + 1}`));
  backend.pushRooms([{ op: "reset", values: rooms }]);
  const list = await screen.findByRole("listbox", { name: "Conversations" });
  return { backend, user, list };
}

const drawn = (list: HTMLElement) => within(list).getAllByRole("option");
const names = (list: HTMLElement) => drawn(list).map((o) => o.querySelector(".sr-only")?.textContent);

/** Gives the sidebar's scrolling container the layout jsdom lacks: a viewport of `height`, the list `listTop` below its top. */
function layOut(list: HTMLElement, { height, listTop }: { height: number; listTop: number }) {
  const scroller = list.closest<HTMLElement>(".sidebar__scroll")!;
  let scrollTop = 0;
  Object.defineProperty(scroller, "clientHeight", { configurable: true, get: () => height });
  Object.defineProperty(scroller, "scrollTop", {
    configurable: true,
    get: () => scrollTop,
    set: (value: number) => {
      scrollTop = value;
      scroller.dispatchEvent(new Event("scroll"));
    },
  });
  list.getBoundingClientRect = () => new DOMRect(0, listTop - scrollTop, 320, ROOM_COUNT * ROW);
  return scroller;
}

describe("room list with a thousand rooms", () => {
  it("draws only the rows near the viewport, each saying its place in the whole list", async () => {
    const { list } = await thousandRooms();
    const options = drawn(list);
    expect(options.length).toBeGreaterThan(5);
    expect(options.length).toBeLessThan(40);
    options.forEach((option, i) => {
      expect(option).toHaveAttribute("aria-setsize", String(ROOM_COUNT));
      expect(option).toHaveAttribute("aria-posinset", String(i + 1));
    });
    expect(names(list)[0]).toBe("Salon 1");
  });

  it("reaches every room with the keyboard: End, Home, and ↓ past the drawn rows", async () => {
    const { user, list } = await thousandRooms();
    const firstDrawnCount = drawn(list).length;
    within(list).getByRole("option", { name: "Salon 1" }).focus();

    await user.keyboard("{End}");
    const last = within(list).getByRole("option", { name: "Salon 1000" });
    expect(last).toHaveFocus();
    expect(last).toHaveAttribute("aria-posinset", "1000");
    expect(last.tabIndex).toBe(0);

    await user.keyboard("{ArrowUp}");
    expect(within(list).getByRole("option", { name: "Salon 999" })).toHaveFocus();
    await user.keyboard("{Home}");
    expect(within(list).getByRole("option", { name: "Salon 1" })).toHaveFocus();

    await user.keyboard("{ArrowDown}".repeat(firstDrawnCount + 5));
    const reached = within(list).getByRole("option", { name: `Salon ${firstDrawnCount + 6}` });
    expect(reached).toHaveFocus();
    expect(reached).toHaveAttribute("aria-posinset", String(firstDrawnCount + 6));

    await user.keyboard("{Enter}");
    expect(screen.getByRole("heading", { level: 2, name: `Salon ${firstDrawnCount + 6}` })).toBeInTheDocument();
    expect(drawn(list).length).toBeLessThan(40);
  }, 20_000);

  it("scrolls to a room opened from elsewhere (a notification's click) and draws the rows around it", async () => {
    const { backend, list } = await thousandRooms();
    const scroller = layOut(list, { height: 600, listTop: 100 });

    await backend.emit("open-room-requested", { roomId: "!r500:x" });
    await screen.findByRole("heading", { level: 2, name: "Salon 500" });

    // Row 500 (index 499) ends at 100 + 500 × 60 px: the viewport's bottom edge.
    expect(scroller.scrollTop).toBe(100 + 500 * ROW - 600);
    await waitFor(() => expect(within(list).getByRole("option", { name: "Salon 500" })).toHaveAttribute("aria-selected", "true"));
    const shown = names(list);
    expect(shown).toContain("Salon 495");
    expect(shown).toContain("Salon 501");
    expect(shown).not.toContain("Salon 1");
    expect(shown.length).toBeLessThan(40);
  });
});
