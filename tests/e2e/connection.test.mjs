// The homeserver becomes unreachable while the user writes: the banner says
// so with the message waiting, and goes away once the message has left.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openRoom, postponeSecureBackup, signIn, withApp } from "./app.mjs";
import { PASSWORD, eventually, homeserver, peer, register } from "./matrix.mjs";
import { startRelay } from "./relay.mjs";

test("offline banner with the waiting message, gone once the network is back", async () => {
  const agent = await register("nomade", "Nadia Nomade");
  const other = await register("siege", "Simon Siège");
  const otherClient = peer(other);
  const roomId = await otherClient.createRoom("Salle du réseau", [agent.userId]);
  const relay = await startRelay(homeserver);
  try {
    await withApp({ homeserver: relay.url }, "failure-connection.png", async (app) => {
      const $ = app.browser.$.bind(app.browser);
      await signIn(app.browser, agent.username, PASSWORD);
      await postponeSecureBackup(app.browser);
      const invite = await $('[role="listbox"][aria-label="Invitations"]').$('[role="option"]*=Salle du réseau');
      await invite.waitForDisplayed({ timeout: 60000 });
      await invite.click();
      await $("aria/Accepter l'invitation à Salle du réseau").click();
      const log = await openRoom(app.browser, "Salle du réseau");
      const banner = await $(".connection[role=status]");
      const bannerText = async () => (await banner.getProperty("innerText")).trim();
      assert.equal(await banner.getAttribute("aria-live"), "polite");
      assert.equal(await bannerText(), "", "no banner while online");

      relay.cut();
      await eventually("the offline banner", async () => (await bannerText()).includes("Hors ligne — les messages partiront au retour du réseau"), 60000);
      const composer = await $("aria/Message");
      await composer.setValue("Envoyé depuis le tunnel");
      await app.browser.keys("Enter");
      await eventually("our message in the timeline", async () => (await log.getText()).includes("Envoyé depuis le tunnel"));
      await eventually("one message waiting", async () => (await bannerText()).includes("1 message en attente"));

      relay.restore();
      await eventually("the banner goes away", async () => (await bannerText()) === "", 60000);
      await eventually("the other user receives the message", async () => (await otherClient.messages(roomId)).includes("Envoyé depuis le tunnel"));
    });
  } finally {
    relay.close();
  }
});
