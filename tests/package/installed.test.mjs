// The app as the .deb installs it (/usr/bin/tchap-desktop), driven by
// tests/package/deb-lifecycle.sh in two phases around an apt upgrade:
//   TCHAP_PACKAGE_PHASE=first-launch   login screen, sign in, quit
//   TCHAP_PACKAGE_PHASE=after-upgrade  the upgraded app opens signed in
// Both phases share TCHAP_PACKAGE_DATA_DIR and the keyring (TCHAP_KEYRING_HOME).
import { test } from "node:test";
import assert from "node:assert/strict";
import { postponeSecureBackup, signIn, withApp } from "../e2e/app.mjs";
import { PASSWORD, call, homeserver, register } from "../e2e/matrix.mjs";

const phase = process.env.TCHAP_PACKAGE_PHASE;
const dataDir = process.env.TCHAP_PACKAGE_DATA_DIR;
if (!dataDir) throw new Error("TCHAP_PACKAGE_DATA_DIR is not set: run through tests/package/deb-lifecycle.sh");
const ROOM = "Salle du paquet";

/** The signed-in window: the room list with the account's room, no password asked. */
async function assertSignedIn(browser) {
  await postponeSecureBackup(browser);
  const room = await browser.$('[role="listbox"][aria-label="Conversations"]').$(`[role="option"]*=${ROOM}`);
  await room.waitForDisplayed({ timeout: 60000 });
  assert.equal(await browser.$("aria/Mot de passe").isExisting(), false, "the login form is shown");
}

if (phase === "first-launch") {
  test("the installed app opens on its login screen and signs in", async () => {
    const agent = await register("paquet", "Paule Paquet");
    await call("POST", "/_matrix/client/v3/createRoom", agent.token, { name: ROOM, preset: "private_chat" });
    await withApp({ homeserver, dataDir }, "failure-installed-first-launch.png", async (app) => {
      await app.browser.$("aria/Connexion à Tchap").waitForDisplayed({ timeout: 60000 });
      await signIn(app.browser, agent.username, PASSWORD);
      await assertSignedIn(app.browser);
    });
  });
} else if (phase === "after-upgrade") {
  test("after the apt upgrade the app opens signed in", async () => {
    await withApp({ homeserver, dataDir }, "failure-installed-after-upgrade.png", async (app) => {
      try {
        await assertSignedIn(app.browser);
      } catch (error) {
        const login = await app.browser.$("aria/Connexion à Tchap").isDisplayed().catch(() => false);
        assert.equal(login, false, "the upgraded app opens on its login screen: the session was not kept");
        throw error;
      }
    });
  });
} else {
  throw new Error(`TCHAP_PACKAGE_PHASE must be first-launch or after-upgrade (got "${phase}")`);
}
