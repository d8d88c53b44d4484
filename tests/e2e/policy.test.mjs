// An administrator's policy in the real window (TCHAP_POLICY_FILE): (a) a
// policy that forbids typing a server and sets private notifications: the
// sign-in has no server field, and the setting is read-only, "Géré par
// votre organisation"; (b) an unreadable policy: the app starts all the
// same, on safe defaults, and says so in a banner.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { postponeSecureBackup, withApp } from "./app.mjs";
import { homeserver, eventually } from "./matrix.mjs";
import { FED_PASSWORD, federationFile, registerByEmail } from "./federation.mjs";

/** A policy file in a folder of its own, as an administrator would drop it in /etc. */
function policyFile(text) {
  const file = join(mkdtempSync(join(tmpdir(), "tchap-policy-")), "policy.json");
  writeFileSync(file, text);
  return file;
}

test("a policy closes the server field and holds the notification privacy, read-only", async () => {
  const agent = registerByEmail("paul.politique", "interieur.gouv.fr");
  const policy = policyFile(JSON.stringify({ allow_custom_homeserver: false, notification_privacy: true }));
  await withApp({ homeserver, env: { TCHAP_CONFIG: federationFile, TCHAP_POLICY_FILE: policy } }, "policy-failure.png", async (app) => {
    const $ = app.browser.$.bind(app.browser);
    await $("aria/Connexion à Tchap").waitForDisplayed({ timeout: 30000 });
    assert.equal(await $("aria/Se connecter sur un autre serveur").isExisting(), false, "no way to type a server");
    assert.equal(await $("aria/Adresse du serveur").isExisting(), false);

    await $("aria/Adresse e-mail professionnelle").setValue(agent.email);
    await $("aria/Mot de passe").setValue(FED_PASSWORD);
    await $("aria/Se connecter").click();
    await postponeSecureBackup(app.browser);
    await $("aria/Sécurité").click();
    const dialog = await $("aria/Sécurité et sessions");
    await dialog.waitForDisplayed({ timeout: 10000 });
    const privacy = await dialog.$("aria/Notifications discrètes");
    await eventually("the privacy switch is on and read-only", async () => (await privacy.isSelected()) && !(await privacy.isEnabled()));
    assert.match(await dialog.getProperty("innerText"), /Géré par votre organisation/);
    assert.equal(await $('[role="alert"]*=illisible').isExisting(), false, "a valid policy: no banner");
  });
});

test("an unreadable policy: the app starts on safe defaults and says so", async () => {
  const policy = policyFile('{"allow_custom_homeserver": false, "proxy": "http://proxy:3128"}');
  await withApp({ homeserver, env: { TCHAP_POLICY_FILE: policy } }, "policy-invalid-failure.png", async (app) => {
    const $ = app.browser.$.bind(app.browser);
    await $("aria/Connexion à Tchap").waitForDisplayed({ timeout: 30000 });
    const banner = await $('[role="alert"]');
    await banner.waitForDisplayed({ timeout: 10000 });
    const text = await banner.getProperty("innerText");
    assert.match(text, /La politique de votre organisation est illisible : l'application utilise des réglages sûrs par défaut\./);
    assert.match(text, /unknown field `proxy`/, "the reason, for the support");
    assert.doesNotMatch(text, /proxy:3128/, "never the file's values");
  });
});
