// The recovery key, as agents live it: set up on the first login, then used
// on a second device, where an old encrypted message first shows why it is
// locked and then unlocks by itself once the key is entered.
import { test } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { artifacts, openRoom, signIn, withApp } from "./app.mjs";
import { PASSWORD, eventually, homeserver, register } from "./matrix.mjs";

const ROOM = "Cellule de crise";
const SECRET = "Point de situation : rendez-vous à 8 h en salle Marianne.";

test("the recovery key set up on the first device unlocks the history on a second one", async () => {
  const agent = await register("cle", "Camille Clé");
  let recoveryKey = "";

  await withApp({ homeserver }, "failure-security-first.png", async (app) => {
    const $ = app.browser.$.bind(app.browser);
    await signIn(app.browser, agent.username, PASSWORD);

    // First login: the guided set-up shows the key once and checks it was kept.
    const setup = await $("aria/Sauvegarde sécurisée");
    await setup.waitForDisplayed({ timeout: 60000 });
    await $("aria/Générer ma clé de récupération").click();
    const shown = await $("aria/Votre clé de récupération");
    await shown.waitForDisplayed({ timeout: 60000 });
    recoveryKey = await shown.getValue();
    await app.browser.saveScreenshot(resolve(artifacts, "security-recovery-key.png"));
    assert.match(recoveryKey, /^(\S{4} ){11}\S{4}$/, "a 48-character key in groups of 4");
    await $("aria/J'ai conservé ma clé").click();
    await $("aria/Saisissez votre clé de récupération").setValue(recoveryKey.replaceAll(" ", ""));
    await $("aria/Vérifier").click();
    await $("aria/Terminer").click();
    await setup.waitForDisplayed({ reverse: true, timeout: 10000 });

    // A new room is encrypted from its creation; write in it.
    await $("aria/Nouveau salon").click();
    await $("aria/Nom du salon").setValue(ROOM);
    await $("aria/Créer le salon").click();
    const log = await openRoom(app.browser, ROOM);
    assert.match(await $("main").getText(), /chiffrée/i, "the room says it is encrypted");
    await $("aria/Message").setValue(SECRET);
    await app.browser.keys("Enter");
    await eventually("the message is sent", async () => (await log.getText()).includes(SECRET) && !(await log.getText()).includes("Envoi…"));

    // Logging out waits for the message's key to reach the backup.
    await $("aria/Se déconnecter").click();
    await $("aria/Confirmer la déconnexion").click();
    await $("aria/Connexion à Tchap").waitForDisplayed({ timeout: 60000 });
  });

  await withApp({ homeserver }, "failure-security-second.png", async (app) => {
    const $ = app.browser.$.bind(app.browser);
    await signIn(app.browser, agent.username, PASSWORD);

    // A new device is asked to verify itself; look at the room first.
    const verify = await $("aria/Vérifiez cette session");
    await verify.waitForDisplayed({ timeout: 60000 });
    await app.browser.saveScreenshot(resolve(artifacts, "security-verify-session.png"));
    await verify.$("aria/Plus tard").click();
    await verify.waitForDisplayed({ reverse: true, timeout: 10000 });
    const log = await openRoom(app.browser, ROOM);
    await eventually("the locked message explains itself", async () =>
      (await log.getText()).includes("vérifiez cet appareil pour le lire"),
      60000,
    );
    assert.equal((await log.getText()).includes(SECRET), false);

    // The banner leads back to the verification, with the recovery key.
    await $('[role="region"][aria-label="Sécurité du compte"]').$("aria/Vérifier cette session").click();
    await $("aria/Utiliser ma clé de récupération").click();
    await $("aria/Clé de récupération").setValue(recoveryKey);
    await $("aria/Vérifier la session").click();
    await eventually("the session is verified", async () =>
      (await verify.getText()).includes("Cette session est vérifiée"),
      60000,
    );
    await $("aria/Terminer").click();

    // The old message unlocks by itself, without a restart.
    await eventually("the old message is readable", async () => (await log.getText()).includes(SECRET), 60000);
    assert.equal(await $('[role="region"][aria-label="Sécurité du compte"]').isExisting(), false, "no banner once verified");
    await app.browser.saveScreenshot(resolve(artifacts, "security.png"));

    // Settings → Security lists this session, now verified.
    await $("aria/Sécurité").click();
    const settings = await $("aria/Sécurité et sessions");
    await settings.waitForDisplayed({ timeout: 10000 });
    await eventually("this session in the list", async () => /cette session[\s\S]*vérifiée/i.test(await settings.getText()), 30000);
    await app.browser.saveScreenshot(resolve(artifacts, "security-settings.png"));
    await app.browser.keys("Escape");
    await settings.waitForDisplayed({ reverse: true, timeout: 10000 });

    // The members panel shows who is who.
    await $("aria/Membres").click();
    const members = await $('aside[aria-labelledby="members-title"]');
    await eventually("the user in the members panel", async () => /vous/i.test(await members.getText()), 30000);
    await app.browser.saveScreenshot(resolve(artifacts, "security-members.png"));
  });
});
