import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Member } from "../../bindings";
import MainScreen from "../../shell/MainScreen.svelte";
import { deferred, FakeBackend, room, SESSION } from "../../test/backend";
import { SessionStore } from "../session";

const ME: Member = { userId: SESSION.userId, displayName: "Marie Dupont", domain: "Dinum", isExternal: false, isInvited: false, trust: "me" };
const BRUNO: Member = { userId: "@bruno:agent.tchap.gouv.fr", displayName: "Bruno Dupont", domain: "Intérieur", isExternal: false, isInvited: false, trust: "unverified" };
const CLAIRE: Member = { userId: "@claire:agent.tchap.gouv.fr", displayName: "Claire Petit", domain: "Dinum", isExternal: false, isInvited: false, trust: "verified" };
const OLD: Member = { userId: "@ancien:partenaire.fr", displayName: null, domain: null, isExternal: true, isInvited: true, trust: "unknown" };

async function openMembers(backend: FakeBackend) {
  const user = userEvent.setup();
  render(MainScreen, { session: new SessionStore(), user: SESSION });
  await waitFor(() => expect(backend.callsOf("subscribe_room_list")).toHaveLength(1));
  backend.pushRooms([{ op: "reset", values: [room("!a:x", "Équipe projet")] }]);
  await user.click(await screen.findByRole("option", { name: "Équipe projet" }));
  const toggle = await screen.findByRole("button", { name: "Membres" });
  expect(toggle).toHaveAttribute("aria-expanded", "false");
  await user.click(toggle);
  expect(toggle).toHaveAttribute("aria-expanded", "true");
  return { user, panel: await screen.findByRole("complementary", { name: "Membres" }) };
}

describe("members panel", () => {
  it("shows each member's trust, and verifying is offered only where it makes sense", async () => {
    const backend = new FakeBackend({ room_members: () => [ME, BRUNO, CLAIRE, OLD] });
    const { panel } = await openMembers(backend);
    const items = await within(panel).findAllByRole("listitem");
    expect(items.map((item) => item.textContent?.replace(/\s+/g, " ").trim())).toEqual([
      `Marie Dupont [Dinum] ${SESSION.userId} Vous`,
      "Bruno Dupont [Intérieur] @bruno:agent.tchap.gouv.fr Non vérifié Vérifier",
      "Claire Petit [Dinum] @claire:agent.tchap.gouv.fr Vérifié",
      "@ancien:partenaire.fr Externe @ancien:partenaire.fr · invité Non vérifiable",
    ]);
    expect(within(panel).getAllByRole("button")).toHaveLength(1);
    expect(backend.callsOf("room_members")).toEqual([{ roomId: "!a:x" }]);
  });

  it("marks externals with a badge, and says who is verified in the dialog", async () => {
    const NINA: Member = {
      userId: "@nina.durand-prestataire.fr:agent.externe.tchap.gouv.fr",
      displayName: "Nina Durand",
      domain: null,
      isExternal: true,
      isInvited: false,
      trust: "unverified",
    };
    const backend = new FakeBackend({ room_members: () => [ME, NINA] });
    const { user, panel } = await openMembers(backend);
    const [me, nina] = await within(panel).findAllByRole("listitem");
    expect(within(me!).queryByText("Externe")).toBeNull();
    expect(within(nina!).getByText("Externe")).toHaveClass("fr-badge");
    expect(within(nina!).getByText("Nina Durand").tagName).toBe("BDI");

    await user.click(within(panel).getByRole("button", { name: "Vérifier Nina Durand" }));
    const dialog = screen.getByRole("dialog", { name: "Vérifier Nina Durand" });
    expect(within(dialog).getByText("Externe")).toHaveClass("fr-badge");
    expect(within(dialog).getByText(NINA.userId)).toBeInTheDocument();
  });

  it("verifies a member by emojis, then shows them verified", async () => {
    const backend = new FakeBackend({ room_members: () => [ME, BRUNO], verify_user: () => "flow-b" });
    const { user, panel } = await openMembers(backend);
    await user.click(await within(panel).findByRole("button", { name: "Vérifier Bruno Dupont" }));
    const dialog = screen.getByRole("dialog", { name: "Vérifier Bruno Dupont" });
    await user.click(within(dialog).getByRole("button", { name: "Commencer la vérification" }));
    expect(backend.callsOf("verify_user")[0]).toMatchObject({ userId: BRUNO.userId });
    expect(within(dialog).getByRole("status")).toHaveTextContent("En attente de Bruno Dupont… Demandez-lui d'accepter");

    backend.pushStep("verify_user", {
      step: "emojis",
      emojis: [0, 1, 2, 3, 4, 5, 6].map((index) => ({ index, symbol: "🐶", description: "Dog" })),
    });
    await user.click(await within(dialog).findByRole("button", { name: "Ils correspondent" }));
    expect(backend.callsOf("confirm_verification")).toEqual([{ userId: BRUNO.userId, flowId: "flow-b" }]);
    backend.on("room_members", () => [ME, { ...BRUNO, trust: "verified" }]);
    backend.pushStep("verify_user", { step: "done" });
    await user.click(await within(dialog).findByRole("button", { name: "Fermer" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await waitFor(() => expect(within(panel).getAllByRole("listitem")[1]).toHaveTextContent("Vérifié"));
    expect(within(panel).queryByRole("button", { name: "Vérifier Bruno Dupont" })).toBeNull();
  });

  it("stops the verification on both sides when the dialog is closed midway", async () => {
    const backend = new FakeBackend({ room_members: () => [ME, BRUNO], verify_user: () => "flow-c" });
    const { user, panel } = await openMembers(backend);
    await user.click(await within(panel).findByRole("button", { name: "Vérifier Bruno Dupont" }));
    const dialog = screen.getByRole("dialog", { name: "Vérifier Bruno Dupont" });
    await user.click(within(dialog).getByRole("button", { name: "Commencer la vérification" }));
    await waitFor(() => expect(backend.callsOf("verify_user")).toHaveLength(1));
    await user.click(within(dialog).getByRole("button", { name: "Annuler" }));
    await waitFor(() => expect(backend.callsOf("cancel_verification")).toEqual([{ userId: BRUNO.userId, flowId: "flow-c" }]));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });

  it("also stops a verification closed before the backend gave it an id", async () => {
    const started = deferred<string>();
    const backend = new FakeBackend({ room_members: () => [ME, BRUNO], verify_user: () => started.promise });
    const { user, panel } = await openMembers(backend);
    await user.click(await within(panel).findByRole("button", { name: "Vérifier Bruno Dupont" }));
    const dialog = screen.getByRole("dialog", { name: "Vérifier Bruno Dupont" });
    await user.click(within(dialog).getByRole("button", { name: "Commencer la vérification" }));
    await user.click(within(dialog).getByRole("button", { name: "Annuler" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(backend.callsOf("cancel_verification")).toHaveLength(0);
    started.resolve("flow-late");
    await waitFor(() => expect(backend.callsOf("cancel_verification")).toEqual([{ userId: BRUNO.userId, flowId: "flow-late" }]));
  });
});
