// The walking skeleton, as a user lives it: wrong inputs on the login form,
// then log in, accept a room another user created, read and answer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { artifacts, postponeSecureBackup, withApp } from "./app.mjs";
import { PASSWORD, eventually, homeserver, peer, register } from "./matrix.mjs";

mkdirSync(artifacts, { recursive: true });

test("log in, join a room from another user, receive and send messages, relaunch, log out", async () => {
  const agent = await register("agent", "Agnès Agent");
  const other = await register("autre", "Olivier Autre");
  const otherClient = peer(other);
  const roomId = await otherClient.createRoom("Salle de test e2e", [agent.userId]);
  await otherClient.sendText(roomId, "Bienvenue dans la salle !");

  const dataDir = await withApp({ homeserver }, "failure.png", async (app) => {
    const $ = app.browser.$.bind(app.browser);
    await $("aria/Connexion à Tchap").waitForDisplayed({ timeout: 30000 });
    const server = await $("aria/Adresse du serveur");
    assert.equal(await server.getValue(), homeserver, "the server address comes pre-filled from configuration");
    const alertText = async () => {
      const alert = await $('[role="alert"]');
      await alert.waitForDisplayed({ timeout: 30000 });
      return alert.getText();
    };
    const submit = async (serverUrl, identifier, password) => {
      await server.setValue(serverUrl);
      await $("aria/Identifiant").setValue(identifier);
      await $("aria/Mot de passe").setValue(password);
      await $("aria/Se connecter").click();
    };

    // Each wrong input gets its own French message, and the form keeps what was typed.
    await submit("pas une adresse", agent.username, PASSWORD);
    assert.match(await alertText(), /adresse du serveur n.est pas valide/i);
    await submit("http://127.0.0.1:9", agent.username, PASSWORD);
    await eventually("unreachable message", async () => /impossible de joindre le serveur/i.test(await alertText()));
    await submit(homeserver, agent.username, "mauvais mot de passe");
    await eventually("wrong password message", async () => /identifiant ou mot de passe incorrect/i.test(await alertText()));
    assert.equal(await $("aria/Identifiant").getValue(), agent.username);

    await submit(homeserver, agent.username, PASSWORD);
    await postponeSecureBackup(app.browser);
    await eventually("the header says online", async () => (await $("header").getText()).includes("En ligne"));
    const invitations = await $('[role="listbox"][aria-label="Invitations"]');
    await invitations.waitForDisplayed({ timeout: 60000 });
    // As in Element, opening the invitation offers to accept or decline it.
    const invite = await invitations.$('[role="option"]*=Salle de test e2e');
    await invite.waitForDisplayed({ timeout: 30000 });
    await invite.click();
    await $("aria/Accepter l'invitation à Salle de test e2e").click();

    const room = await $('[role="listbox"][aria-label="Conversations"]').$('[role="option"]*=Salle de test e2e');
    await room.waitForDisplayed({ timeout: 30000 });
    await room.click();
    const log = await $('[role="log"]');
    await log.waitForDisplayed({ timeout: 30000 });
    await eventually("the welcome message", async () => (await log.getText()).includes("Bienvenue dans la salle !"));
    assert.match(await log.getText(), /Olivier Autre/, "messages show the sender's display name");

    // A live message from the other user appears without any action.
    await otherClient.sendText(roomId, "Réunion à 15 h, salle Marianne.");
    await eventually("the live message", async () => (await log.getText()).includes("Réunion à 15 h, salle Marianne."));

    // A hostile formatted body is shown through the allow-list: its harmless text only, no script, no link.
    await otherClient.sendContent(roomId, {
      msgtype: "m.text",
      body: "<b>pas du gras</b> <img src=x onerror=alert(1)>",
      format: "org.matrix.custom.html",
      formatted_body: '<img src="x" onerror="document.title=\'pwned\'"><script>document.title="pwned"</script><a href="javascript:alert(1)">clic</a>',
    });
    await eventually("the hostile message's text", async () => (await log.getText()).includes("clic"));
    assert.equal(await log.$('a[href^="javascript"]').isExisting(), false, "no javascript: link");
    assert.equal(await log.$("img").isExisting(), false, "no image element from a message");
    assert.equal(await log.$("script").isExisting(), false, "no script element from a message");
    assert.notEqual(await app.browser.getTitle(), "pwned");

    // Answer with Enter; the other user receives it through the Client-Server API.
    const composer = await $("aria/Message");
    await composer.setValue("C'est noté, merci.");
    await app.browser.keys("Enter");
    await eventually("our reply in the timeline", async () => (await log.getText()).includes("C'est noté, merci."));
    await eventually("the other user receives the reply", async () => (await otherClient.messages(roomId)).includes("C'est noté, merci."));
    assert.equal(await composer.getValue(), "", "the composer is cleared after sending");

    await app.browser.saveScreenshot(resolve(artifacts, "chat.png"));
  });

  // Relaunch: the session comes back without the password, then log out.
  await withApp({ homeserver, dataDir }, "failure-relaunch.png", async (again) => {
    const $$ = again.browser.$.bind(again.browser);
    await postponeSecureBackup(again.browser);
    const room = await $$('[role="listbox"][aria-label="Conversations"]').$('[role="option"]*=Salle de test e2e');
    await room.waitForDisplayed({ timeout: 60000 });
    assert.equal(await $$("aria/Mot de passe").isExisting(), false, "no password asked after a relaunch");

    await $$("aria/Se déconnecter").click();
    await $$("aria/Confirmer la déconnexion").click();
    await $$("aria/Connexion à Tchap").waitForDisplayed({ timeout: 30000 });
  });
  // The next launch has nothing to restore: the local session is gone.
  await withApp({ homeserver, dataDir }, "failure-third-launch.png", async (third) => {
    await third.browser.$("aria/Connexion à Tchap").waitForDisplayed({ timeout: 30000 });
  });
});
