// The app as the .deb installs it (/usr/bin/tchap-desktop), driven by
// tests/package/deb-lifecycle.sh in phases around its upgrades:
//   TCHAP_PACKAGE_PHASE=first-launch   login screen, sign in, quit
//   TCHAP_PACKAGE_PHASE=after-upgrade  the upgraded app opens signed in
//   TCHAP_PACKAGE_PHASE=in-app-update  signed in, the app finds the mirror's
//     newer .deb (its policy names the mirror), the user clicks "Redémarrer
//     pour mettre à jour", and the package is upgraded to
//     TCHAP_PACKAGE_EXPECT_VERSION by the app itself
// All phases share TCHAP_PACKAGE_DATA_DIR and the keyring (TCHAP_KEYRING_HOME).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
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
} else if (phase === "in-app-update") {
  test("the installed app updates itself from the mirror when the user restarts it", async () => {
    const expected = process.env.TCHAP_PACKAGE_EXPECT_VERSION;
    const installed = () => execFileSync("dpkg-query", ["-W", "-f=${Version}", "tchap"], { encoding: "utf8" }).trim();
    await withApp({ homeserver, dataDir }, "failure-installed-in-app-update.png", async (app) => {
      await assertSignedIn(app.browser);
      const banner = app.browser.$("p*=Mise à jour disponible");
      await banner.waitForDisplayed({ timeout: 120000 });
      assert.notEqual(installed(), expected, "not upgraded before the user's click");
      await app.browser.$("aria/Redémarrer pour mettre à jour").click();
      // The app installs the package and restarts: the window goes, dpkg tells.
      const deadline = Date.now() + 180000;
      while (installed() !== expected) {
        if (Date.now() > deadline) throw new Error(`the package is still ${installed()}, not ${expected}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    });
  });
} else {
  throw new Error(`TCHAP_PACKAGE_PHASE must be first-launch, after-upgrade or in-app-update (got "${phase}")`);
}
