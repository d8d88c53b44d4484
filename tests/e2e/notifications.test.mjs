// Desktop notifications in the real window, shown by a real notification
// daemon on the test's private session bus: a message in another room is
// notified with its room, sender and text; a click opens that room; reading
// a room takes its notification back; a new invite is notified.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openRoom, postponeSecureBackup, signIn, withApp } from "./app.mjs";
import { PASSWORD, eventually, homeserver, peer, register } from "./matrix.mjs";
import { startNotificationDaemon } from "./notification-daemon.mjs";

test("a notification opens its room when clicked and goes once the room is read; a new invite is notified", async () => {
  const daemon = await startNotificationDaemon();
  try {
    const agent = await register("notifagent", "Agnès Agent");
    const other = await register("notifautre", "Olivier Autre [Dinum]");
    const otherClient = peer(other);
    const dossiers = await otherClient.createRoom("Dossiers e2e", [agent.userId]);
    const cantine = await otherClient.createRoom("Cantine e2e", [agent.userId]);
    await peer(agent).join(dossiers);
    await peer(agent).join(cantine);

    await withApp({ homeserver }, "notifications-failure.png", async (app) => {
      const $ = app.browser.$.bind(app.browser);
      await signIn(app.browser, agent.username, PASSWORD);
      await postponeSecureBackup(app.browser);
      await openRoom(app.browser, "Cantine e2e");
      const title = () => $(".pane__title").getProperty("innerText");
      const shownFor = async (summary) => {
        let found;
        await eventually(`a notification "${summary}"`, async () => (found = daemon.notifications().findLast((n) => n.summary === summary)) !== undefined);
        return found;
      };

      // A message in another room: its room, the sender (without the ministry) and the text.
      await otherClient.sendText(dossiers, "Le dossier 12 est prêt.");
      const message = await shownFor("Dossiers e2e");
      assert.equal(message.body, "Olivier Autre : Le dossier 12 est prêt.");

      // A click raises the window at that room.
      daemon.click(message.id);
      await eventually("the clicked notification's room open", async () => (await title()).trim() === "Dossiers e2e");

      // A message in the room left behind, then the agent reads it: the notification goes.
      await otherClient.sendText(cantine, "Frites ce midi");
      const lunch = await shownFor("Cantine e2e");
      assert.ok(!daemon.closed().includes(lunch.id), "still shown while the room is not read");
      await openRoom(app.browser, "Cantine e2e");
      await eventually("the read room's notification taken back", async () => daemon.closed().includes(lunch.id));

      // A new invite names who invites and where.
      await otherClient.createRoom("Projet e2e", [agent.userId]);
      const invite = await shownFor("Invitation · Projet e2e");
      assert.equal(invite.body, "Olivier Autre vous invite dans « Projet e2e »");
    });
  } finally {
    daemon.stop();
  }
});
