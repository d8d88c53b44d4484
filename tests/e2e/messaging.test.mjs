// Reply, edit and delete in the real window, checked from another client
// (the Client-Server API): the relations really reach the server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openRoom, postponeSecureBackup, signIn, withApp } from "./app.mjs";
import { PASSWORD, eventually, homeserver, peer, register } from "./matrix.mjs";

/** Shows the action bar of the message containing `text` (hover) and clicks `action`. */
async function messageAction(browser, text, action) {
  const article = await browser.$(`article*=${text}`);
  await article.waitForDisplayed({ timeout: 30000 });
  await article.moveTo();
  const button = await article.$(`button=${action}`);
  await button.waitForDisplayed({ timeout: 10000 });
  await button.click();
}

test("reply to a peer, edit the last message with ↑, delete with confirmation", async () => {
  const agent = await register("agent", "Agnès Agent");
  const other = await register("autre", "Olivier Autre");
  const otherClient = peer(other);
  const roomId = await otherClient.createRoom("Salle des actions", [agent.userId]);
  await peer(agent).join(roomId);
  const question = (await otherClient.sendText(roomId, "Qui vient à la réunion ?")).event_id;

  await withApp({ homeserver }, "failure-messaging.png", async (app) => {
    const browser = app.browser;
    await signIn(browser, agent.username, PASSWORD);
    await postponeSecureBackup(browser);
    const log = await openRoom(browser, "Salle des actions");
    await eventually("the question", async () => (await log.getProperty("innerText")).includes("Qui vient à la réunion ?"));

    // Reply: the composer says to whom; the peer gets a real reply relation.
    await messageAction(browser, "Qui vient à la réunion ?", "Répondre");
    const form = await browser.$("form.composer");
    assert.match(await form.getProperty("innerText"), /En réponse à Olivier Autre/);
    const composer = await browser.$("aria/Message");
    await composer.setValue("J'en serai.");
    await browser.keys("Enter");
    await eventually("the peer receives the reply to the question", async () =>
      (await otherClient.messageEvents(roomId)).some(
        (e) => e.content.body === "J'en serai." && e.content["m.relates_to"]?.["m.in_reply_to"]?.event_id === question,
      ),
    );

    // ↑ in the empty composer edits that last message.
    await eventually("the reply is sent", async () => (await log.getProperty("innerText")).includes("J'en serai."));
    await composer.click();
    await browser.keys("ArrowUp");
    await eventually("the composer holds the message to edit", async () => (await composer.getValue()) === "J'en serai.");
    assert.match(await form.getProperty("innerText"), /Modification du message/);
    await composer.setValue("J'en serai, avec Bruno.");
    await browser.keys("Enter");
    await eventually("the peer sees the new text", async () =>
      (await otherClient.messageEvents(roomId)).some(
        (e) => e.content["m.new_content"]?.body === "J'en serai, avec Bruno." && e.content["m.relates_to"]?.rel_type === "m.replace",
      ),
    );
    await eventually("our timeline shows it edited", async () => {
      const text = await log.getProperty("innerText");
      return text.includes("J'en serai, avec Bruno.") && text.includes("(modifié)");
    });

    // Delete: a confirmation first, then everyone sees it redacted.
    const mine = (await otherClient.messageEvents(roomId)).find((e) => e.content.body === "J'en serai.").event_id;
    await messageAction(browser, "J'en serai, avec Bruno.", "Supprimer");
    const dialog = await browser.$("dialog[open]");
    await dialog.waitForDisplayed({ timeout: 10000 });
    assert.equal(await dialog.$("h2").getText(), "Supprimer le message ?");
    await dialog.$("button=Supprimer").click();
    await eventually("the peer sees the message redacted", async () => {
      const event = (await otherClient.messageEvents(roomId)).find((e) => e.event_id === mine);
      return event !== undefined && Object.keys(event.content).length === 0;
    });
    await eventually("our timeline says it was deleted", async () => (await log.getProperty("innerText")).includes("Message supprimé"));
  });
});

test("a mention is a pill in the composer; the draft, pill and reply included, outlives a restart; the peer is mentioned", async () => {
  const agent = await register("agent", "Agnès Agent");
  const other = await register("autre", "Olivier Autre");
  const otherClient = peer(other);
  const roomId = await otherClient.createRoom("Salle des brouillons", [agent.userId]);
  await peer(agent).join(roomId);
  const question = (await otherClient.sendText(roomId, "Qui fait le compte rendu ?")).event_id;
  const written = "Merci Olivier Autre pour le compte rendu";

  const dataDir = await withApp({ homeserver }, "failure-draft-written.png", async (app) => {
    const browser = app.browser;
    await signIn(browser, agent.username, PASSWORD);
    await postponeSecureBackup(browser);
    await openRoom(browser, "Salle des brouillons");
    await messageAction(browser, "Qui fait le compte rendu ?", "Répondre");
    const composer = await browser.$("aria/Message");
    await composer.click();
    await composer.addValue("Merci @Oliv");
    const suggestion = await browser.$('[aria-label="Suggestions de mention"]').$('[role="option"]*=Olivier Autre');
    await suggestion.waitForDisplayed({ timeout: 30000 });
    await browser.keys("Enter");
    await composer.addValue("pour le compte rendu");
    assert.equal(await composer.getValue(), written);
    const pill = await browser.$("mark.composer__pill");
    assert.equal(await pill.getProperty("innerText"), "Olivier Autre");
    // The pills are drawn under the field's own text: the same box and the
    // same text metrics, so each one sits under its words.
    const layout = await browser.execute(() => {
      const field = document.querySelector("textarea.composer__input");
      const layer = document.querySelector(".composer__pills");
      const props = ["font", "letter-spacing", "line-height", "padding-left", "padding-top", "border-left-width", "border-top-width", "white-space"];
      const box = (el) => JSON.stringify(["left", "top", "width", "height"].map((k) => Math.round(el.getBoundingClientRect()[k])));
      const text = (el) => props.map((p) => getComputedStyle(el).getPropertyValue(p)).join("|");
      const mark = layer.querySelector("mark").getBoundingClientRect();
      const inner = layer.getBoundingClientRect();
      return { sameBox: box(field) === box(layer), field: text(field), layer: text(layer), markInside: mark.left > inner.left && mark.right < inner.right };
    });
    assert.ok(layout.sameBox, "the pill layer and the field have the same box");
    assert.equal(layout.layer.replace(/pre-wrap$/, ""), layout.field.replace(/pre-wrap$/, ""), "same text metrics");
    assert.ok(layout.markInside, "the pill is within the field");
    // The draft is saved shortly after typing stops.
    await new Promise((r) => setTimeout(r, 2000));
  });

  await withApp({ homeserver, dataDir }, "failure-draft-restart.png", async (app) => {
    const browser = app.browser;
    await postponeSecureBackup(browser);
    await openRoom(browser, "Salle des brouillons");
    const composer = await browser.$("aria/Message");
    await eventually("the draft is back after the restart", async () => (await composer.getValue()) === written);
    assert.equal(await browser.$("mark.composer__pill").getProperty("innerText"), "Olivier Autre");
    // Still a reply, quoting the question.
    const banner = await browser.$("form.composer").$('[role="status"]').getProperty("innerText");
    assert.match(banner, /En réponse à Olivier Autre/);
    assert.match(banner, /Qui fait le compte rendu \?/);
    await composer.click();
    await browser.keys("Enter");
    await eventually("the peer receives the message, a reply to the question mentioning them", async () =>
      (await otherClient.messageEvents(roomId)).some(
        (e) =>
          e.content.body === written &&
          e.content["m.relates_to"]?.["m.in_reply_to"]?.event_id === question &&
          e.content["m.mentions"]?.user_ids?.includes(other.userId) &&
          decodeURIComponent(e.content.formatted_body ?? "").includes(`https://matrix.to/#/${other.userId}`),
      ),
    );
    await eventually("the composer is empty", async () => (await composer.getValue()) === "");
  });
});
