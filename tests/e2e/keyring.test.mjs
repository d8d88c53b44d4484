// A workstation without a usable keyring: the app must say so in French on
// the login form, and keep nothing on disk.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { withApp } from "./app.mjs";
import { PASSWORD, eventually, homeserver, register } from "./matrix.mjs";

test("without a secret service, login explains why it cannot keep the session", async () => {
  const agent = await register("sanscle", "Sacha Sans-Trousseau");
  // A session bus address that leads nowhere: no Secret Service to talk to.
  const options = { homeserver, env: { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/bus" } };
  await withApp(options, "failure-keyring.png", async (app) => {
    const $ = app.browser.$.bind(app.browser);
    await $("aria/Connexion à Tchap").waitForDisplayed({ timeout: 30000 });
    await $("aria/Identifiant").setValue(agent.username);
    await $("aria/Mot de passe").setValue(PASSWORD);
    await $("aria/Se connecter").click();
    const alert = await $('[role="alert"]');
    await alert.waitForDisplayed({ timeout: 30000 });
    let shown = "";
    await eventually("the keyring message", async () => /trousseau sécurisé/i.test((shown = await alert.getText())), 30000).catch(
      (error) => assert.fail(`${error.message}; the form says: ${shown}`),
    );
    assert.equal(await $("aria/Identifiant").getValue(), agent.username, "the form keeps what was typed");
    assert.deepEqual(
      readdirSync(app.dataDir).filter((name) => name !== "logs"),
      [],
      "nothing is stored when the session cannot be protected",
    );
  });
});
