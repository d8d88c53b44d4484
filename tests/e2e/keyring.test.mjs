// A workstation without a usable keyring: the app must say so in French on
// the login form, and keep nothing on disk.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { postponeSecureBackup, withApp } from "./app.mjs";
import { PASSWORD, eventually, homeserver, register } from "./matrix.mjs";

/** What the app keeps in its data folder, less its logs and its (empty) process lock. */
function storedFiles(dataDir) {
  return readdirSync(dataDir).filter((name) => name !== "logs" && name !== "tchap.lock");
}

test("without a secret service, login explains why, then signs in for this run only if the user chooses it", async () => {
  const agent = await register("sanscle", "Sacha Sans-Trousseau");
  // A session bus address that leads nowhere: no Secret Service to talk to.
  const options = { homeserver, env: { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/bus" } };
  let dataDir;
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
      storedFiles(app.dataDir),
      [],
      "nothing is stored when the session cannot be protected",
    );

    // The user may still sign in, for this run only, by choosing it.
    await $("aria/Se connecter sans mémoriser la session").click();
    await postponeSecureBackup(app.browser);
    const notice = await $('[role="region"][aria-label="Session non mémorisée"]');
    await notice.waitForDisplayed({ timeout: 30000 });
    assert.match(await notice.getText(), /déconnecté à la fermeture de Tchap/);
    dataDir = app.dataDir;
  });

  // The next launch remembers nothing: the login form, no stores left.
  await withApp({ ...options, dataDir }, "failure-keyring-relaunch.png", async (again) => {
    await again.browser.$("aria/Connexion à Tchap").waitForDisplayed({ timeout: 30000 });
    assert.deepEqual(storedFiles(dataDir), [], "no session kept on disk");
  });
});
