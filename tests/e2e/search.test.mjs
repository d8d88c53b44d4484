// Message search as a user lives it: type a word in "Rechercher dans tous
// les salons", see the message found with the word highlighted, choose it
// with the keyboard: its room opens.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { artifacts, postponeSecureBackup, signIn, withApp } from "./app.mjs";
import { PASSWORD, eventually, homeserver, peer, register } from "./matrix.mjs";

mkdirSync(artifacts, { recursive: true });

test("a word typed in the search finds the message, highlighted; choosing it opens its room", async () => {
  const agent = await register("chercheuse", "Sophie Chercheuse");
  const other = await register("auteur", "Paul Auteur");
  const otherClient = peer(other);
  const roomId = await otherClient.createRoom("Rapports du service", [agent.userId]);
  await peer(agent).join(roomId);
  await otherClient.sendText(roomId, "Le rapport trimestriel est dans le dossier partagé.");
  await otherClient.sendText(roomId, "Autre sujet, sans rapport.");

  await withApp({ homeserver }, "failure-search.png", async (app) => {
    const $ = app.browser.$.bind(app.browser);
    await signIn(app.browser, agent.username, PASSWORD);
    await postponeSecureBackup(app.browser);
    await $('[role="listbox"][aria-label="Conversations"]').$('[role="option"]*=Rapports du service').waitForDisplayed({ timeout: 60000 });

    await $("aria/Rechercher dans tous les salons").click();
    const dialog = await $('dialog[open]');
    await dialog.waitForDisplayed({ timeout: 10000 });
    const field = await dialog.$("aria/Mots à chercher");
    // The index fills as the sync brings the room: search again until it is there.
    const results = await dialog.$('[role="listbox"]');
    await eventually(
      "the message found",
      async () => {
        await field.setValue("trimestriel");
        await app.browser.pause(800);
        return (await results.$$('[role="option"]')).length === 1;
      },
      60000,
    );
    const found = (await results.$$('[role="option"]'))[0];
    const text = await found.getProperty("innerText");
    assert.match(text, /Paul Auteur/);
    assert.match(text, /Rapports du service/);
    assert.match(text, /Le rapport trimestriel est dans le dossier partagé\./);
    assert.equal(await found.$("mark").getProperty("innerText"), "trimestriel", "the matched word is highlighted");
    await app.browser.saveScreenshot(resolve(artifacts, "search.png"));

    await app.browser.keys("Enter");
    await dialog.waitForDisplayed({ reverse: true, timeout: 10000 });
    const title = await $("main h2");
    await eventually("the room is open", async () => (await title.getProperty("innerText")).includes("Rapports du service"));
    const log = await $('[role="log"]');
    await eventually("the message in its room", async () => (await log.getProperty("innerText")).includes("Le rapport trimestriel"));
  });
});
