// Keyboard use and an automated accessibility check (axe-core) of the main
// screens, in the real window: the login screen, a room with messages, the
// Ctrl+K switcher, the room settings and the security settings. A serious or
// critical violation fails the test; the others are printed.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import axe from "axe-core";
import { resolve } from "node:path";
import { artifacts, launchApp, openRoom, postponeSecureBackup, signIn } from "./app.mjs";
import { PASSWORD, eventually, homeserver, peer, register } from "./matrix.mjs";

const ROOMS = ["Salle Alpha", "Salle Bêta", "Équipe Gamma"];

/**
 * Runs axe over the whole page. Its source goes in through WebDriver's
 * executeScript, which runs as automation: the app's CSP (script-src 'self')
 * does not apply to it.
 */
async function axeViolations(browser) {
  if (!(await browser.execute(() => typeof window.axe === "object"))) await browser.execute(axe.source);
  const violations = await browser.executeAsync((done) => {
    window.axe
      .run(document, { resultTypes: ["violations"] })
      .then((results) =>
        done(
          results.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary?.replace(/\s+/g, " ")}`),
          })),
        ),
      )
      .catch((error) => done([{ id: "axe-error", impact: "critical", help: String(error), nodes: [] }]));
  });
  return violations;
}

/** Fails on serious or critical violations on `screen`; prints the minor ones. */
async function assertAccessible(browser, screen) {
  const violations = await axeViolations(browser);
  const blocking = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of violations.filter((v) => !blocking.includes(v))) {
    console.log(`axe (${screen}), ${v.impact}: ${v.id} — ${v.help}\n  ${v.nodes.slice(0, 3).join("\n  ")}`);
  }
  if (blocking.length > 0) await browser.saveScreenshot(resolve(artifacts, `axe-${screen}.png`)).catch(() => {});
  assert.deepEqual(
    blocking.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.join("\n  ")}`),
    [],
    `accessibility violations on the ${screen} screen`,
  );
}

const roomList = (browser) => browser.$('[role="listbox"][aria-label="Conversations"]');

/** Our rooms in the sidebar, in its order, and the one open. */
async function sidebar(browser) {
  const options = await roomList(browser).$$('[role="option"]');
  const names = [];
  let selected = null;
  for (const option of options) {
    // Its accessible name: the room's, then its unread counts.
    const name = (await option.getComputedLabel()).split(",")[0];
    names.push(name);
    if ((await option.getAttribute("aria-selected")) === "true") selected = name;
  }
  return { names, selected };
}

const openRoomTitle = async (browser) => (await browser.$("main h2").getProperty("innerText")).trim();

let app;
let agent;

before(async () => {
  agent = await register("clavier", "Claire Clavier");
  const other = await register("collegue", "Colin Collègue");
  const otherClient = peer(other);
  const agentClient = peer(agent);
  for (const name of ROOMS) {
    const roomId = await otherClient.createRoom(name, [agent.userId]);
    await agentClient.join(roomId);
    await otherClient.sendText(roomId, `Bienvenue dans ${name}.`);
    await otherClient.sendText(roomId, "Ordre du jour : point d'étape à 10 h.");
  }
  app = await launchApp({ homeserver });
});

after(async () => {
  await app?.close();
});

/** Signs in the first time it is called; the tests after it find the main screen. */
async function signedIn(browser) {
  if (await browser.$("aria/Connexion à Tchap").isExisting()) {
    await signIn(browser, agent.username, PASSWORD);
    await postponeSecureBackup(browser);
  }
  await eventually("the three rooms in the list", async () => (await sidebar(browser)).names.length === ROOMS.length, 60000);
}

/** On a failure, a screenshot named `shot` is kept in `artifacts`. */
async function step(shot, body) {
  try {
    await body(app.browser);
  } catch (error) {
    await app.browser.saveScreenshot(resolve(artifacts, shot)).catch(() => {});
    throw error;
  }
}

test("axe finds no serious violation on the login screen", () =>
  step("failure-a11y-login.png", async (browser) => {
    await browser.$("aria/Connexion à Tchap").waitForDisplayed({ timeout: 30000 });
    assert.equal(await browser.$("html").getAttribute("lang"), "fr");
    await assertAccessible(browser, "login");
  }));

test("Ctrl+K finds a room by a part of its name and opens it; Alt+↓ goes to the next room", () =>
  step("failure-keyboard.png", async (browser) => {
    await signedIn(browser);

    await browser.keys(["Control", "k"]);
    const switcher = await browser.$("aria/Aller à une conversation");
    await switcher.waitForDisplayed({ timeout: 10000 });
    const field = await browser.$("aria/Nom du salon ou de la personne");
    await eventually("the search field has the focus", async () => (await browser.execute(() => document.activeElement?.getAttribute("role"))) === "combobox");
    await assertAccessible(browser, "room switcher");
    // Typed without the accent, in capitals: found all the same.
    await browser.keys("EQUIPE GAM".split(""));
    await eventually("only the matching room offered", async () => (await switcher.$$('[role="option"]')).length === 1);
    await browser.keys("Enter");
    await switcher.waitForDisplayed({ reverse: true, timeout: 10000 });
    assert.equal(await field.isExisting(), false, "the switcher is closed");
    await eventually("Équipe Gamma is open", async () => (await openRoomTitle(browser)) === "Équipe Gamma");
    assert.equal((await sidebar(browser)).selected, "Équipe Gamma");

    const { names } = await sidebar(browser);
    const next = names[(names.indexOf("Équipe Gamma") + 1) % names.length];
    await browser.keys(["Alt", "ArrowDown"]);
    await eventually(`the next room (${next}) is open`, async () => (await openRoomTitle(browser)) === next);
    assert.equal((await sidebar(browser)).selected, next);
    await browser.keys(["Alt", "ArrowUp"]);
    await eventually("back to Équipe Gamma", async () => (await openRoomTitle(browser)) === "Équipe Gamma");
  }));

test("axe finds no serious violation on a room with messages, its settings, and the security settings", () =>
  step("failure-a11y-main.png", async (browser) => {
    await signedIn(browser);
    const log = await openRoom(browser, "Équipe Gamma");
    await eventually("the room's messages", async () => (await log.getProperty("innerText")).includes("Ordre du jour"));
    await assertAccessible(browser, "main");

    await browser.$("main").$("aria/Paramètres du salon").click();
    const roomSettings = await browser.$('dialog[open]');
    await roomSettings.waitForDisplayed({ timeout: 10000 });
    await eventually("the room settings loaded", async () => !(await roomSettings.getProperty("innerText")).includes("Chargement des paramètres"));
    await assertAccessible(browser, "room settings");
    await browser.keys("Escape");
    await roomSettings.waitForDisplayed({ reverse: true, timeout: 10000 });

    await browser.$("aria/Sécurité").click();
    const security = await browser.$("aria/Sécurité et sessions");
    await security.waitForDisplayed({ timeout: 10000 });
    await eventually("this session in the list", async () => /cette session/i.test(await security.getProperty("innerText")), 30000);
    await assertAccessible(browser, "security settings");
    await browser.keys("Escape");
    await security.waitForDisplayed({ reverse: true, timeout: 10000 });

    await browser.keys(["Control", "/"]);
    await eventually("the shortcuts dialog", async () => (await browser.$("dialog[open]").isExisting()));
    await assertAccessible(browser, "keyboard shortcuts");
    await browser.keys("Escape");
    await eventually("the shortcuts dialog closed", async () => !(await browser.$("dialog[open]").isExisting()));
  }));
