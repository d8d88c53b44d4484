import { screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { appError, FakeBackend } from "../../test/backend";
import { mainScreen } from "./testing";

async function openDirectory(backend: FakeBackend) {
  const user = await mainScreen(backend);
  await user.click(screen.getByRole("button", { name: "Annuaire et forums" }));
  const dialog = screen.getByRole("dialog", { name: "Annuaire" });
  expect(within(dialog).getByRole("tab", { name: "Personnes" })).toHaveAttribute("aria-selected", "true");
  return { user, dialog, toggle: within(dialog).getByRole("checkbox", { name: "Masquer mon profil dans l'annuaire" }) };
}

describe("hiding one's profile from the directory", () => {
  it("shows the account's choice and saves a change at once", async () => {
    const backend = new FakeBackend({ profile_hidden: () => true, set_profile_hidden: () => null });
    const { user, toggle } = await openDirectory(backend);
    await waitFor(() => expect(toggle).toBeEnabled());
    expect(toggle).toBeChecked();
    expect(toggle).toHaveAccessibleDescription(/ne vous trouveront plus en cherchant votre nom/);

    await user.click(toggle);
    await waitFor(() => expect(backend.callsOf("set_profile_hidden")).toEqual([{ hidden: false }]));
    await waitFor(() => expect(toggle).toBeEnabled());
    expect(toggle).not.toBeChecked();
  });

  it("goes back to the account's choice when it cannot be saved, and says why", async () => {
    const backend = new FakeBackend({
      profile_hidden: () => false,
      set_profile_hidden: () => {
        throw appError("network");
      },
    });
    const { user, dialog, toggle } = await openDirectory(backend);
    await waitFor(() => expect(toggle).toBeEnabled());
    await user.click(toggle);
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Votre choix n'a pas été enregistré. Problème de connexion au réseau.");
    expect(toggle).not.toBeChecked();
  });

  it("stays off-limits while the account's choice is unknown", async () => {
    const backend = new FakeBackend({
      profile_hidden: () => {
        throw appError("server_error");
      },
    });
    const { dialog, toggle } = await openDirectory(backend);
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Impossible de connaître ce réglage pour le moment.");
    expect(toggle).toBeDisabled();
  });
});
