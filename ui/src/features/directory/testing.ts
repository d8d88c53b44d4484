// Shared by the directory's tests: people as the backend describes them, and
// the main screen with its room list loaded.
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { expect } from "vitest";
import type { Person } from "../../bindings";
import MainScreen from "../../shell/MainScreen.svelte";
import { type FakeBackend, room, SESSION } from "../../test/backend";
import { SessionStore } from "../session";

export const BRUNO: Person = { userId: "@bruno.petit-interieur.gouv.fr:agent.interieur.tchap.gouv.fr", name: "Bruno Petit", domain: "Intérieur", isExternal: false };
export const BRIGITTE: Person = { userId: "@brigitte.roux-dinum.gouv.fr:agent.dinum.tchap.gouv.fr", name: "Brigitte Roux", domain: "Dinum", isExternal: false };
export const NINA: Person = { userId: "@nina.brun-prestataire.fr:agent.externe.tchap.gouv.fr", name: "Nina Brun", domain: null, isExternal: true };

export async function mainScreen(backend: FakeBackend) {
  const user = userEvent.setup();
  render(MainScreen, { session: new SessionStore(), user: SESSION });
  await waitFor(() => expect(backend.callsOf("subscribe_room_list")).toHaveLength(1));
  backend.pushRooms([{ op: "reset", values: [room("!a:x", "Équipe projet")] }]);
  await screen.findByRole("option", { name: "Équipe projet" });
  return user;
}
