import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import MainScreen from "../../shell/MainScreen.svelte";
import { FakeBackend, message, room, SESSION } from "../../test/backend";
import { SessionStore } from "../session";

const ROOM = "!projet:agent.dinum.tchap.gouv.fr";

describe("timeline senders", () => {
  it("shows each sender's ministry, or the external badge", async () => {
    const backend = new FakeBackend();
    const user = userEvent.setup();
    render(MainScreen, { session: new SessionStore(), user: SESSION });
    await waitFor(() => expect(backend.callsOf("subscribe_room_list")).toHaveLength(1));
    backend.pushRooms([{ op: "reset", values: [room(ROOM, "Projet commun")] }]);
    await user.click(await screen.findByRole("option", { name: "Projet commun" }));
    await waitFor(() => expect(backend.callsOf("open_timeline")).toHaveLength(1));
    backend.pushTimeline(ROOM, [
      {
        op: "reset",
        values: [
          message("m1", "Bienvenue dans le projet", { senderName: "Alice Martin", senderDomain: "Dinum" }),
          message("m2", "Merci pour l'invitation", {
            senderId: "@nina.durand-prestataire.fr:agent.externe.tchap.gouv.fr",
            senderName: "Nina Durand",
            senderDomain: null,
            senderIsExternal: true,
          }),
        ],
      },
    ]);

    const log = screen.getByRole("log", { name: "Messages" });
    const [agent, external] = await within(log).findAllByRole("article");
    const head = (article: HTMLElement) => article.querySelector(".event__sender")?.textContent?.replace(/\s+/g, " ").trim();
    expect(head(agent!)).toBe("Alice Martin [Dinum]");
    expect(within(agent!).queryByText("Externe")).toBeNull();
    expect(head(external!)).toBe("Nina Durand Externe");
    expect(within(external!).getByText("Externe")).toHaveClass("fr-badge");
    expect(within(external!).getByText("Nina Durand").tagName).toBe("BDI");
  });
});
