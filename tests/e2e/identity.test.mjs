// Tchap identity in the real window, on the local federation: an agent signs
// in with a professional email (the app finds the ministry's server), an
// expired account is renewed from the mail without losing the session, an
// agent invites another ministry's agent found in the directory to a private
// room, and an external sees who is external.
import { test } from "node:test";
import assert from "node:assert/strict";
import { postponeSecureBackup, withApp } from "./app.mjs";
import { homeserver, eventually } from "./matrix.mjs";
import { FED_PASSWORD, callAs, federationFile, joinAs, mailLinks, registerByEmail, setExpiry, tagOf } from "./federation.mjs";

/** Signs in on the login form with a professional email, and postpones the recovery key. */
async function signInByEmail(browser, user) {
  const $ = browser.$.bind(browser);
  await $("aria/Connexion à Tchap").waitForDisplayed({ timeout: 30000 });
  await $("aria/Adresse e-mail professionnelle").setValue(user.email);
  await $("aria/Mot de passe").setValue(FED_PASSWORD);
  await $("aria/Se connecter").click();
  await postponeSecureBackup(browser);
}

/** The text of an element as shown, its spaces collapsed. (WebKitWebDriver's
 *  getText leaves out what is inside <bdi>, where names are.) */
async function textOf(element) {
  return (await element.getProperty("innerText")).replace(/\s+/g, " ").trim();
}

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

test("an agent creates a private room and invites an agent of another ministry found in the directory", async () => {
  const alice = registerByEmail("alice.martin", "dinum.gouv.fr");
  const bruno = registerByEmail("bruno.petit", "interieur.gouv.fr");
  // Synapse's directory lists remote people its server shares a public room
  // with: Alice is in Bruno's forum (Tchap's servers share one directory).
  const forum = await callAs(bruno, "POST", "/_matrix/client/v3/createRoom", {
    preset: "public_chat",
    name: `Forum ${tagOf(bruno)}`,
  });
  await joinAs(alice, forum.room_id, bruno.server_name);
  const roomName = `Projet interministériel ${tagOf(alice)}`;

  await withApp({ homeserver, env: { TCHAP_CONFIG: federationFile } }, "identity-invite-failure.png", async (app) => {
    const $ = app.browser.$.bind(app.browser);
    await signInByEmail(app.browser, alice);

    await $("button=Nouveau salon").click();
    const dialog = await $('dialog[open]');
    await dialog.$("aria/Nom du salon").setValue(roomName);
    assert.equal(await dialog.$('input[type="radio"][value="private"]').isSelected(), true, "a private room by default");
    await dialog.$("button=Créer le salon").click();
    await eventually("the new room open", async () => (await textOf(await $("main h2.pane__title"))) === roomName);
    assert.match(await textOf(await $("main")), /Salon privé/);

    await $("aria/Paramètres du salon").click();
    const settings = await $('dialog[open]');
    const search = await settings.$('input[type="search"]');
    await search.waitForDisplayed({ timeout: 30000 });

    // An external typed in full is shown, marked, and cannot be picked here.
    await search.setValue("@nina.brun:agent.externe.tchap.localhost");
    const external = await settings.$('button[aria-label="Inviter @nina.brun:agent.externe.tchap.localhost, Externe"]');
    await external.waitForDisplayed({ timeout: 10000 });
    assert.equal(await external.isEnabled(), false, "an external is not offered in a private room");
    assert.match(await textOf(external), /Externe.*réservé aux agents de l'État/i);

    // Bruno, of the Interior ministry, found by his name.
    await search.setValue(`Petit ${tagOf(bruno)}`);
    const results = await settings.$('ul[aria-label="Personnes trouvées"]');
    let found;
    await eventually("Bruno in the directory", async () => {
      for (const button of await results.$$("button")) {
        if ((await button.getAttribute("aria-label")).startsWith("Inviter Bruno Petit")) found = button;
      }
      return found !== undefined;
    }, 60000);
    assert.match(await found.getAttribute("aria-label"), /, Interieur$/, "the result names the ministry");
    await found.click();
    await eventually("the invitation sent", async () => /Invitation envoyée à Bruno Petit/.test(await textOf(settings)));

    // Bruno's server has the invitation, with Tchap's rule for agents only.
    let invite;
    await eventually("Bruno invited", async () => {
      const sync = await callAs(bruno, "GET", "/_matrix/client/v3/sync?timeout=0");
      invite = Object.entries(sync.rooms?.invite ?? {}).find(([, room]) =>
        room.invite_state.events.some((e) => e.type === "m.room.name" && e.content.name === roomName),
      );
      return invite !== undefined;
    });
    await joinAs(bruno, invite[0], alice.server_name);
    const rules = await callAs(bruno, "GET", `/_matrix/client/v3/rooms/${encodeURIComponent(invite[0])}/state/im.vector.room.access_rules/`);
    assert.equal(rules.rule, "restricted");
  });
});

test("an external signs in by email and sees who is external", async () => {
  const alice = registerByEmail("alice.durand", "dinum.gouv.fr");
  const nina = registerByEmail("nina.brun", "prestataire.fr");
  const olga = registerByEmail("olga.roy", "partenaire.example");
  assert.match(nina.server_name, /^agent\.externe\./, "an unknown domain maps to the externals' server");
  const room = await callAs(alice, "POST", "/_matrix/client/v3/createRoom", {
    preset: "private_chat",
    name: `Projet avec des partenaires ${tagOf(alice)}`,
    invite: [nina.user_id, olga.user_id],
    initial_state: [{ type: "im.vector.room.access_rules", state_key: "", content: { rule: "unrestricted" } }],
  });
  await joinAs(olga, room.room_id, alice.server_name);
  await callAs(alice, "PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(room.room_id)}/send/m.room.message/a1`, { msgtype: "m.text", body: "Bienvenue aux partenaires." });
  await callAs(olga, "PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(room.room_id)}/send/m.room.message/o1`, { msgtype: "m.text", body: "Merci, ravie d'en être." });

  await withApp({ homeserver, env: { TCHAP_CONFIG: federationFile } }, "identity-external-failure.png", async (app) => {
    const $ = app.browser.$.bind(app.browser);
    await signInByEmail(app.browser, nina);

    const invitations = await $('[role="listbox"][aria-label="Invitations"]');
    await invitations.waitForDisplayed({ timeout: 60000 });
    const invitation = await invitations.$(`[role="option"]*=Projet avec des partenaires`);
    await invitation.waitForDisplayed({ timeout: 30000 });
    assert.match(await invitation.getComputedLabel(), /, Invitation de Alice Durand \w+, Dinum$/);
    await invitation.click();
    await $(`aria/Accepter l'invitation à Projet avec des partenaires ${tagOf(alice)}`).click();

    const joined = await $('[role="listbox"][aria-label="Conversations"]').$('[role="option"]*=Projet avec des partenaires');
    await joined.waitForDisplayed({ timeout: 30000 });
    await joined.click();
    // Made by another client without encryption, yet no "forum for agents":
    // its rule admits externals (fetched in the background).
    await eventually("the room's kind", async () => /Salon privé ouvert aux externes/.test(await textOf(await $("main .pane__head"))));

    // The timeline: the agent with her ministry, the other external marked.
    const log = await $('[role="log"]');
    await eventually("both messages", async () => /Merci, ravie d'en être\./.test(await textOf(log)) && /Bienvenue aux partenaires\./.test(await textOf(log)));
    const logText = await textOf(log);
    assert.match(logText, /Alice Durand \w+ \[Dinum\] \d/, "the agent's ministry beside her name");
    assert.match(logText, /Olga Roy \w+ Externe \d/i, "the other external's badge beside her name");
    assert.doesNotMatch(logText, /Partenaire\]/, "an external's server-set [Domaine] gives way to the badge");

    // The members: oneself and Olga marked as externals, Alice not.
    await $("button=Membres").click();
    const members = await $("aside.members");
    await eventually("the three members", async () => (await members.$$("li")).length === 3);
    for (const item of await members.$$("li")) {
      const text = await textOf(item);
      if (/Alice Durand/.test(text)) assert.doesNotMatch(text, /Externe/i);
      else assert.match(text, /Externe/i, `an external in the member list: ${text}`);
    }
  });
});
