// A link opened outside the app (a browser, a mail) while it runs: the
// desktop starts the binary again with the link as its argument; that second
// process hands it to the running window and exits, and the window shows the room.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { application, postponeSecureBackup, signIn, withApp } from "./app.mjs";
import { PASSWORD, eventually, homeserver, peer, register } from "./matrix.mjs";

/** Starts the app as the desktop's scheme handler does; resolves with its exit code. */
function openLink(link, dataDir) {
  const second = spawn(application, [link], {
    env: { ...process.env, TCHAP_DATA_DIR: dataDir, TCHAP_DEFAULT_HOMESERVER: homeserver },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      second.kill("SIGKILL");
      reject(new Error("the second launch did not hand over and exit within 30 s"));
    }, 30000);
    second.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

test("a tchap:// link opened while the app runs shows that room in the running window", async () => {
  const agent = await register("agent", "Agnès Agent");
  const other = await register("autre", "Olivier Autre");
  const otherClient = peer(other);
  const agentClient = peer(agent);
  const first = await otherClient.createRoom("Salle du matin", [agent.userId]);
  const linked = await otherClient.createRoom("Salle du lien", [agent.userId]);
  await agentClient.join(first);
  await agentClient.join(linked);
  await otherClient.sendText(linked, "Ordre du jour de la réunion");

  await withApp({ homeserver }, "links-failure.png", async (app) => {
    const $ = app.browser.$.bind(app.browser);
    await signIn(app.browser, agent.username, PASSWORD);
    await postponeSecureBackup(app.browser);
    const list = await $('[role="listbox"][aria-label="Conversations"]');
    await list.$('[role="option"]*=Salle du lien').waitForDisplayed({ timeout: 60000 });
    const title = () => $("main h2").getProperty("innerText");
    assert.equal(await title(), "Sélectionnez une conversation", "no room open before the link");

    assert.equal(await openLink(`tchap://room/${linked}`, app.dataDir), 0, "the second launch exits once it handed the link over");
    await eventually("the linked room is shown", async () => (await title()) === "Salle du lien");
    const log = await $('[role="log"]');
    await eventually("its messages", async () => (await log.getProperty("innerText")).includes("Ordre du jour de la réunion"));

    // A matrix.to address, as pasted from another Matrix client, is accepted as an argument too.
    assert.equal(await openLink(`https://matrix.to/#/${encodeURIComponent(first)}`, app.dataDir), 0);
    await eventually("the other room is shown", async () => (await title()) === "Salle du matin");
  });
});

test("a link to an old message opens its room at that message, then back to the latest", async () => {
  const agent = await register("agent", "Agnès Agent");
  const other = await register("autre", "Olivier Autre");
  const otherClient = peer(other);
  const room = await otherClient.createRoom("Archives du service", [agent.userId]);
  await peer(agent).join(room);
  const ids = [];
  for (let n = 1; n <= 120; n++) ids.push((await otherClient.sendText(room, `note ${n}`)).event_id);

  await withApp({ homeserver }, "links-event-failure.png", async (app) => {
    const $ = app.browser.$.bind(app.browser);
    await signIn(app.browser, agent.username, PASSWORD);
    await postponeSecureBackup(app.browser);
    const list = await $('[role="listbox"][aria-label="Conversations"]');
    await list.$('[role="option"]*=Archives du service').waitForDisplayed({ timeout: 60000 });

    assert.equal(await openLink(`tchap://room/${room}/${ids[11]}`, app.dataDir), 0);
    const row = await $(`[data-event-id="${ids[11]}"]`);
    await row.waitForExist({ timeout: 30000 });
    assert.match(await row.getProperty("innerText"), /note 12/);
    // Marked and in view: the log's visible area holds it, far from the latest message.
    await eventually("the message is marked", async () => (await row.getAttribute("class")).includes("timeline__row--target"));
    const inView = await app.browser.execute((id) => {
      const el = document.querySelector(`[data-event-id="${id}"]`);
      const log = document.querySelector('[role="log"]');
      const a = el.getBoundingClientRect();
      const b = log.getBoundingClientRect();
      return a.top >= b.top && a.bottom <= b.bottom;
    }, ids[11]);
    assert.ok(inView, "the linked message is on screen");
    const log = await $('[role="log"]');
    assert.ok(!(await log.getProperty("innerText")).includes("note 120"), "the latest messages are not loaded around it");

    await (await $("button=Aller aux messages récents")).click();
    // The live timeline is a new log element.
    await eventually("the latest messages", async () => (await (await $('[role="log"]')).getProperty("innerText")).includes("note 120"));
    assert.ok(!(await $("button=Aller aux messages récents").isExisting()));
  });
});
