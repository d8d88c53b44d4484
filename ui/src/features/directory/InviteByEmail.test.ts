import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { PendingEmailInvite } from "../../bindings";
import { appError, FakeBackend } from "../../test/backend";
import InviteByEmail from "./InviteByEmail.svelte";

const PENDING: PendingEmailInvite = { id: "tok1", displayName: "nou...@interieur.gouv.fr", invitedBy: "@marie:x" };

function setUp() {
  const user = userEvent.setup();
  render(InviteByEmail, { roomId: "!r:x" });
  return { user, field: screen.getByRole("textbox", { name: /Adresse e-mail/ }) };
}

describe("inviting by email", () => {
  it("checks the address, sends the invitation and lists it as pending", async () => {
    let pending: PendingEmailInvite[] = [];
    const backend = new FakeBackend({
      pending_email_invites: () => pending,
      invite_by_email: () => {
        pending = [PENDING];
        return null;
      },
    });
    const { user, field } = setUp();
    await user.type(field, "nouvelle.agente");
    await user.click(screen.getByRole("button", { name: "Envoyer l'invitation" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Saisissez une adresse e-mail complète");
    expect(backend.callsOf("invite_by_email")).toHaveLength(0);

    await user.type(field, "@interieur.gouv.fr{Enter}");
    await waitFor(() => expect(backend.callsOf("invite_by_email")).toEqual([{ roomId: "!r:x", email: "nouvelle.agente@interieur.gouv.fr" }]));
    expect(await screen.findByRole("status")).toHaveTextContent("Invitation envoyée à nouvelle.agente@interieur.gouv.fr.");
    const list = await screen.findByRole("list", { name: "Invitations par e-mail en attente" });
    expect(list).toHaveTextContent("nou...@interieur.gouv.fr");
    expect(field).toHaveValue("");
  });

  it("explains in French why an external's address is refused in a room for agents", async () => {
    const backend = new FakeBackend({
      pending_email_invites: () => [],
      invite_by_email: () => {
        throw appError("external_email_not_allowed");
      },
    });
    const { user, field } = setUp();
    await user.type(field, "nina@prestataire.fr{Enter}");
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Cette adresse est celle d'un partenaire externe, et ce salon est réservé aux agents de l'État.",
    );
    expect(field).toHaveValue("nina@prestataire.fr");
  });
});
