// Formatted messages from another client: the real window shows their bold,
// lists, code and links, and nothing of a hostile one runs or loads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openRoom, postponeSecureBackup, signIn, withApp } from "./app.mjs";
import { PASSWORD, eventually, homeserver, peer, register } from "./matrix.mjs";

test("a formatted message shows its formatting, a hostile one neither runs nor loads anything", async () => {
  const agent = await register("agent", "Agnès Agent");
  const other = await register("autre", "Olivier Autre");
  const otherClient = peer(other);
  const roomId = await otherClient.createRoom("Salle formatée", [agent.userId]);
  await peer(agent).join(roomId);
  await otherClient.sendContent(roomId, {
    msgtype: "m.text",
    body: "**Ordre du jour** - budget - `cargo test` [le site](https://exemple.fr/ordre) @agent",
    format: "org.matrix.custom.html",
    formatted_body:
      '<p><strong>Ordre du jour</strong></p><ul><li>budget</li><li><code>cargo test</code></li></ul>' +
      `<p><a href="https://exemple.fr/ordre">le site</a> <a href="https://matrix.to/#/${agent.userId}">Agnès</a></p>`,
  });
  await otherClient.sendContent(roomId, {
    msgtype: "m.text",
    body: "message piégé",
    format: "org.matrix.custom.html",
    formatted_body:
      '<img src="http://127.0.0.1:9/pixel.png" onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>' +
      '<svg onload="document.title=\'pwned\'"></svg><iframe src="https://exemple.fr"></iframe>' +
      '<a href="jav&#x61;script:document.title=\'pwned\'">piège</a> <b onclick="document.title=\'pwned\'">fin du piège</b>',
  });

  await withApp({ homeserver }, "formatting-failure.png", async (app) => {
    await signIn(app.browser, agent.username, PASSWORD);
    await postponeSecureBackup(app.browser);
    const log = await openRoom(app.browser, "Salle formatée");
    await eventually("the hostile message", async () => (await log.getProperty("innerText")).includes("fin du piège"), 60000);

    await eventually("the formatted message", async () => log.$(".formatted strong").isExisting());
    assert.equal(await log.$(".formatted strong").getProperty("innerText"), "Ordre du jour");
    assert.equal(await log.$$(".formatted ul > li").length, 2);
    assert.equal(await log.$(".formatted li > code").getProperty("innerText"), "cargo test");
    const link = await log.$(".formatted a.link");
    assert.equal(await link.getAttribute("href"), "https://exemple.fr/ordre");
    const mention = await log.$(".formatted a.mention");
    assert.equal(await mention.getAttribute("data-mention"), agent.userId);
    assert.match(await mention.getAttribute("class"), /mention--me/, "a mention of the reader is highlighted");

    // The link's text hides its address: clicking asks first, and "Annuler" opens nothing.
    await link.click();
    const dialog = await app.browser.$("dialog[open]");
    await dialog.waitForDisplayed({ timeout: 10000 });
    assert.match(await dialog.getProperty("innerText"), /Ce lien mène à https:\/\/exemple\.fr\/ordre — Ouvrir \?/);
    await dialog.$("aria/Annuler").click();
    await dialog.waitForDisplayed({ reverse: true, timeout: 10000 });

    // The hostile one: its text, and nothing else.
    assert.equal(await log.$("img").isExisting(), false, "no image element from a message");
    assert.equal(await log.$("script").isExisting(), false, "no script element");
    assert.equal(await log.$("svg").isExisting(), false, "no svg element");
    assert.equal(await log.$("iframe").isExisting(), false, "no iframe");
    assert.equal(await log.$('a[href^="javascript"]').isExisting(), false, "no javascript: link");
    assert.equal(await log.$("[onclick]").isExisting(), false, "no event handler");
    await log.$("b=fin du piège").click();
    assert.notEqual(await app.browser.getTitle(), "pwned");
  });
});
