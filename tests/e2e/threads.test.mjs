// Threads in the real window, with another client (the Client-Server API):
// its thread shows "N réponses" under its first message, opens beside the
// room, and an answer there reaches the peer as a thread reply.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openRoom, postponeSecureBackup, signIn, withApp } from "./app.mjs";
import { PASSWORD, eventually, homeserver, peer, register } from "./matrix.mjs";

const threadReply = (root, body) => ({
  msgtype: "m.text",
  body,
  "m.relates_to": { rel_type: "m.thread", event_id: root, is_falling_back: true, "m.in_reply_to": { event_id: root } },
});

test("a thread opens beside the room, and an answer there is a thread reply", async () => {
  const agent = await register("agent", "Agnès Agent");
  const other = await register("autre", "Olivier Autre");
  const otherClient = peer(other);
  const roomId = await otherClient.createRoom("Salle des fils", [agent.userId]);
  await peer(agent).join(roomId);
  const root = (await otherClient.sendText(roomId, "Sujet : le budget 2027")).event_id;
  await otherClient.sendContent(roomId, threadReply(root, "Première réponse dans le fil"));
  await otherClient.sendText(roomId, "Autre sujet, hors du fil");

  await withApp({ homeserver }, "failure-threads.png", async (app) => {
    const browser = app.browser;
    await signIn(browser, agent.username, PASSWORD);
    await postponeSecureBackup(browser);
    const log = await openRoom(browser, "Salle des fils");
    await eventually("the room's messages", async () => (await log.getProperty("innerText")).includes("Autre sujet, hors du fil"));
    // The reply stays in its thread: not inline, out of context.
    assert.ok(!(await log.getProperty("innerText")).includes("Première réponse dans le fil"));

    const summary = await log.$("button*=1 réponse");
    await summary.waitForDisplayed({ timeout: 30000 });
    assert.match(await summary.getProperty("innerText"), /dernière de Olivier Autre/);
    await summary.click();

    // Generous: on a loaded CI machine the panel's timeline can take a while.
    const panel = await browser.$('aside[aria-label="Fil de discussion"]');
    await panel.waitForDisplayed({ timeout: 30000 });
    await eventually("the thread's reply in the panel", async () => (await panel.getProperty("innerText")).includes("Première réponse dans le fil"));
    assert.match(await panel.getProperty("innerText"), /Sujet : le budget 2027/);

    const field = await panel.$("textarea");
    await field.setValue("Ma réponse dans le fil");
    await browser.keys("Enter");
    await eventually("the peer receives a thread reply", async () =>
      (await otherClient.messageEvents(roomId)).some(
        (e) => e.content.body === "Ma réponse dans le fil" && e.content["m.relates_to"]?.rel_type === "m.thread" && e.content["m.relates_to"]?.event_id === root,
      ),
    );
    await eventually("our answer in the panel", async () => (await panel.getProperty("innerText")).includes("Ma réponse dans le fil"));
    await eventually("two replies under the first message", async () => (await (await log.$("button*=2 réponses")).isExisting()));
    assert.ok(!(await log.getProperty("innerText")).includes("Ma réponse dans le fil"), "the answer stays in the thread");
    // The panel's first message follows the room: two replies there too.
    await eventually("two replies in the panel's first message", async () => (await panel.getProperty("innerText")).includes("2 réponses"));

    // The room's thread list: the thread, its count and its latest reply; it opens from there.
    await (await browser.$('button[aria-label="Fils de discussion du salon"]')).click();
    const list = await browser.$('aside[aria-label="Fils de discussion"]');
    await list.waitForDisplayed({ timeout: 10000 });
    await eventually("the thread in the list", async () => /Sujet : le budget 2027[\s\S]*2 réponses · dernière de Agnès Agent[\s\S]*Ma réponse dans le fil/.test(await list.getProperty("innerText")));
    await (await list.$("button*=Sujet : le budget 2027")).click();
    const opened = await browser.$('aside[aria-label="Fil de discussion"]');
    await opened.waitForDisplayed({ timeout: 10000 });
    await eventually("the thread opened from the list", async () => (await opened.getProperty("innerText")).includes("Première réponse dans le fil"));
    await (await opened.$("button*=Tous les fils")).click();
    await (await browser.$('aside[aria-label="Fils de discussion"]')).waitForDisplayed({ timeout: 10000 });
  });
});
