import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import App from "../../App.svelte";
import MainScreen from "../../shell/MainScreen.svelte";
import { FakeBackend, NO_POLICY, SESSION } from "../../test/backend";
import { SessionStore } from "../session";

async function openSettings() {
  const user = userEvent.setup();
  render(MainScreen, { session: new SessionStore(), user: SESSION });
  await user.click(screen.getByRole("button", { name: "Sécurité" }));
  return { user, dialog: await screen.findByRole("dialog", { name: "Sécurité et sessions" }) };
}

describe("administrator's policy", () => {
  it("says on the sign-in screen that an unreadable policy was replaced by safe defaults, and why", async () => {
    new FakeBackend({ policy_status: () => ({ ...NO_POLICY, invalidReason: "unknown field `proxy`" }) });
    render(App);
    const banner = await screen.findByRole("alert");
    expect(banner).toHaveTextContent(
      "La politique de votre organisation est illisible : l'application utilise des réglages sûrs par défaut.",
    );
    expect(banner).toHaveTextContent("Raison : unknown field `proxy`");
    expect(await screen.findByRole("heading", { level: 1, name: "Connexion à Tchap" })).toBeInTheDocument();
  });

  it("shows no banner when the policy is read (or there is none)", async () => {
    new FakeBackend({ policy_status: () => ({ ...NO_POLICY, managedKeys: ["proxy_url"] }) });
    render(App);
    await screen.findByRole("heading", { level: 1, name: "Connexion à Tchap" });
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("shows managed settings read-only with « Géré par votre organisation »", async () => {
    const backend = new FakeBackend({
      policy_status: () => ({ ...NO_POLICY, managedKeys: ["notification_privacy", "disabled_features"], disabledFeatures: ["typing_notices"] }),
      notification_privacy: () => true,
      typing_notices_enabled: () => false,
    });
    const { user, dialog } = await openSettings();
    const privacy = within(dialog).getByRole("checkbox", { name: "Notifications discrètes" });
    const typing = within(dialog).getByRole("checkbox", { name: "Envoyer les indicateurs de saisie" });
    await waitFor(() => expect(privacy).toBeDisabled());
    await waitFor(() => expect(typing).toBeDisabled());
    expect(privacy).toBeChecked();
    expect(typing).not.toBeChecked();
    expect(privacy).toHaveAccessibleDescription(/Géré par votre organisation/);
    expect(typing).toHaveAccessibleDescription(/Géré par votre organisation/);

    await user.click(privacy);
    expect(backend.callsOf("set_notification_privacy")).toEqual([]);
    expect(privacy).toBeChecked();
  });

  it("leaves the user's settings changeable when the policy holds other keys", async () => {
    new FakeBackend({ policy_status: () => ({ ...NO_POLICY, managedKeys: ["proxy_url"] }) });
    const { dialog } = await openSettings();
    const privacy = within(dialog).getByRole("checkbox", { name: "Notifications discrètes" });
    await waitFor(() => expect(privacy).toBeEnabled());
    expect(within(dialog).getByRole("checkbox", { name: "Envoyer les indicateurs de saisie" })).toBeEnabled();
    expect(within(dialog).queryByText("Géré par votre organisation")).toBeNull();
  });
});
