// Opening a room on the main screen, as the user does, for component tests.
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { expect } from "vitest";
import type { TimelineItem } from "../bindings";
import MainScreen from "../shell/MainScreen.svelte";
import { SessionStore } from "../features/session";
import { type FakeBackend, room, SESSION } from "./backend";

/** Main screen with one room opened; its timeline channel is ready. */
export async function openRoom(backend: FakeBackend, roomId: string, items: TimelineItem[] = []) {
  const user = userEvent.setup();
  render(MainScreen, { session: new SessionStore(), user: SESSION });
  await waitFor(() => expect(backend.callsOf("subscribe_room_list")).toHaveLength(1));
  backend.pushRooms([{ op: "reset", values: [room(roomId, "Équipe projet"), room("!autre:x", "Autre salon")] }]);
  await user.click(await screen.findByRole("option", { name: "Équipe projet" }));
  await waitFor(() => expect(backend.callsOf("open_timeline")).toHaveLength(1));
  backend.pushTimeline(roomId, [{ op: "reset", values: items }]);
  const log = screen.getByRole("log", { name: "Messages" });
  return { user, log };
}

