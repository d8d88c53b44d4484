// Reactions, typing notices and read receipts between the app and another
// Matrix client, in the real window.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { artifacts, openRoom, postponeSecureBackup, signIn, withApp } from "./app.mjs";
import { PASSWORD, eventually, homeserver, peer, register } from "./matrix.mjs";

mkdirSync(artifacts, { recursive: true });

const txn = () => randomBytes(6).toString("hex");

test("react to a peer's message, see their reaction, their typing and their read receipt", async () => {
  const agent = await register("agent", "Agnès Agent");
  const other = await register("autre", "Olivier Autre");
  const otherClient = peer(other);
  const roomId = await otherClient.createRoom("Réactions e2e", [agent.userId]);
  const { event_id: question } = await otherClient.sendText(roomId, "Qui vient à la réunion ?");

  await withApp({ homeserver }, "failure-reactions.png", async (app) => {
    const $ = app.browser.$.bind(app.browser);
    await signIn(app.browser, agent.username, PASSWORD);
    await postponeSecureBackup(app.browser);
    const invite = await $('[role="listbox"][aria-label="Invitations"]').$('[role="option"]*=Réactions e2e');
    await invite.waitForDisplayed({ timeout: 60000 });
    await invite.click();
    await $("aria/Accepter l'invitation à Réactions e2e").click();
    const log = await openRoom(app.browser, "Réactions e2e");
    await eventually("the peer's message", async () => (await log.getText()).includes("Qui vient à la réunion ?"));

    // A quick reaction from the message's bar reaches the peer as an annotation.
    const article = await log.$("article*=Qui vient à la réunion ?");
    await article.moveTo();
    await article.$('button[aria-label="Réagir avec 👍"]').click();
    await eventually("the peer receives the 👍 annotation", async () => {
      const { chunk } = await otherClient.roomCall("GET", roomId, "messages?dir=b&limit=50");
      return chunk.some((e) => e.type === "m.reaction" && e.content?.["m.relates_to"]?.event_id === question && e.content["m.relates_to"].key === "👍");
    });
    await article.$('button[aria-label="👍 — Vous"][aria-pressed="true"]').waitForExist({ timeout: 30000 });

    // The peer's own reaction shows as a chip with their name.
    await otherClient.roomCall("PUT", roomId, `send/m.reaction/${txn()}`, {
      "m.relates_to": { rel_type: "m.annotation", event_id: question, key: "🎉" },
    });
    const party = await article.$('button[aria-label="🎉 — Olivier Autre"]');
    await party.waitForExist({ timeout: 30000 });
    assert.match(await party.getProperty("innerText"), /🎉\s*1/);

    // The peer types: the room says so above the composer.
    await otherClient.roomCall("PUT", roomId, `typing/${encodeURIComponent(other.userId)}`, { typing: true, timeout: 30000 });
    const typing = await $(".typing[role=status]");
    await eventually("the peer is typing", async () => (await typing.getProperty("innerText")).includes("Olivier Autre est en train d'écrire…"));
    await otherClient.roomCall("PUT", roomId, `typing/${encodeURIComponent(other.userId)}`, { typing: false });
    await eventually("the peer stopped typing", async () => (await typing.getProperty("innerText")).trim() === "");

    // We answer; the peer reads it: their receipt shows under our message.
    const composer = await $("aria/Message");
    await composer.setValue("Je viens.");
    await app.browser.keys("Enter");
    let answer;
    await eventually("the peer has our answer", async () => {
      const { chunk } = await otherClient.roomCall("GET", roomId, "messages?dir=b&limit=10");
      answer = chunk.find((e) => e.type === "m.room.message" && e.content.body === "Je viens.")?.event_id;
      return !!answer;
    });
    await otherClient.roomCall("POST", roomId, `receipt/m.read/${encodeURIComponent(answer)}`, {});
    const ours = await log.$("article*=Je viens.");
    await ours.$('[role="img"][aria-label="Lu par Olivier Autre"]').waitForExist({ timeout: 30000 });

    await app.browser.saveScreenshot(resolve(artifacts, "reactions.png"));
  });
});
