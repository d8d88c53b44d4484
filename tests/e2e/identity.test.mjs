// Tchap identity in the real window, on the local federation: an agent signs
// in with a professional email (the app finds the ministry's server), and an
// expired account is renewed from the mail without losing the session.
import { test } from "node:test";
import assert from "node:assert/strict";
import { postponeSecureBackup, withApp } from "./app.mjs";
import { homeserver, eventually } from "./matrix.mjs";
import { FED_PASSWORD, federationFile, mailLinks, registerByEmail, setExpiry } from "./federation.mjs";

test("an agent signs in with a professional email; an expired account is renewed from the mail", async () => {
  const agent = registerByEmail("agathe.agent", "interieur.gouv.fr");

  await withApp({ homeserver, env: { TCHAP_CONFIG: federationFile } }, "identity-failure.png", async (app) => {
    const $ = app.browser.$.bind(app.browser);
    await $("aria/Connexion à Tchap").waitForDisplayed({ timeout: 30000 });
    // Tchap's sign-in: an email and a password, no server to choose.
    assert.equal(await $("aria/Adresse du serveur").isExisting(), false, "no server field by default");
    const email = await $("aria/Adresse e-mail professionnelle");
    await email.setValue("agathe.inconnue@interieur");
    await $("aria/Mot de passe").setValue(FED_PASSWORD);
    await $("aria/Se connecter").click();
    await eventually("the invalid email message", async () => /adresse e-mail professionnelle complète/i.test(await $('[role="alert"]').getText()));

    await email.setValue(agent.email);
    await $("aria/Se connecter").click();
    await postponeSecureBackup(app.browser);
    await eventually("the header says online", async () => (await $("header").getText()).includes("En ligne"));

    // The account expires: a screen that cannot be dismissed.
    await setExpiry(agent, Date.now() - 60_000);
    const title = await $("h1=Votre compte Tchap a expiré");
    await title.waitForDisplayed({ timeout: 60000 });
    await $("aria/Recevoir l'e-mail de renouvellement").click();
    await eventually("the mail sent notice", async () => /e-mail de renouvellement a été envoyé/i.test(await $("main, body").getText()));
    const links = await mailLinks(agent.email, "Renew");
    const renew = links.find((l) => l.includes("account_validity/renew"));
    assert.ok(renew, "the mail carries the renewal link");
    assert.equal((await fetch(renew)).ok, true, "the link renews the account");

    await $("aria/J'ai renouvelé mon compte").click();
    await eventually("back in the app, online", async () => (await $("header").getText()).includes("En ligne"), 60000);
    assert.equal(await $("h1=Votre compte Tchap a expiré").isExisting(), false);
  });
});
