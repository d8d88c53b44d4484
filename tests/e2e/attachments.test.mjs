// Attachments in the real window, through the real content scanner: an agent
// attaches an image with the system's file chooser, watches it upload, then
// attaches the EICAR test file; the colleague's app shows the image only once
// the antivirus said "Vérifié", and the EICAR file as blocked, with no way to
// save or open it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { openRoom, postponeSecureBackup, signIn, withApp } from "./app.mjs";
import { chooseFile } from "./chooser.mjs";
import { PASSWORD, eventually, homeserver, peer, register } from "./matrix.mjs";

const scanner = process.env.TCHAP_TEST_CONTENT_SCANNER;
if (!scanner) throw new Error("TCHAP_TEST_CONTENT_SCANNER is not set: run through scripts/with-scanner.sh");
const appEnv = { TCHAP_CONTENT_SCANNER: scanner };

const ROOM = "Dossiers partagés";
const IMAGE = "plan-de-situation.png";
const EICAR = "eicar.txt";
// The French texts of ui/src/lib/i18n/fr.ts.
const CHECKING = "Analyse antivirus en cours…";
const CLEAN = "Vérifié par l'antivirus";
const INFECTED = "Contenu bloqué : l'antivirus a détecté une menace dans ce fichier.";
const UPLOADING = "Envoi du fichier";

/** The EICAR test string, joined at run time so that no file of the repository holds it whole. */
function eicar() {
  return ["X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STA", "NDARD-ANTIVIRUS-TEST-FILE!$H+H*"].join("");
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** An RGB PNG of random noise: it does not compress, so its upload takes long enough to be watched. */
function noisePng(width, height) {
  const rowLength = 1 + width * 3;
  const pixels = randomBytes(rowLength * height);
  for (let y = 0; y < height; y++) pixels[y * rowLength] = 0; // each row's filter: none
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const framing = Buffer.alloc(8);
    framing.writeUInt32BE(data.length, 0);
    framing.writeUInt32BE(crc32(body), 4);
    return Buffer.concat([framing.subarray(0, 4), body, framing.subarray(4)]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from("89504e470d0a1a0a", "hex"),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(pixels, { level: 1 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The text of an element as shown, its spaces collapsed (getText leaves out <bdi>). */
async function textOf(element) {
  return (await element.getProperty("innerText")).replace(/\s+/g, " ").trim();
}

/** Signs in, and postpones the recovery key set-up offered to a new account. */
async function signInPostponingBackup(browser, username) {
  await signIn(browser, username, PASSWORD);
  await postponeSecureBackup(browser);
}

/** The attachment tile of the timeline whose file is `name`. */
async function tileOf(log, name) {
  let found;
  await eventually(`the tile of ${name}`, async () => {
    for (const tile of await log.$$(".media")) {
      if ((await textOf(tile)).includes(name)) return (found = tile);
    }
    return false;
  }, 60000);
  return found;
}

/** Attaches `path` through the "Joindre un fichier" button and the system's chooser, then sends it from the preview. */
async function attach(browser, path, expectedFacts) {
  const $ = browser.$.bind(browser);
  await $("aria/Joindre un fichier").click();
  await chooseFile(path);
  const preview = await $("dialog[open]");
  await preview.waitForDisplayed({ timeout: 10000 });
  await eventually("the preview is ready", async () => (await preview.$("button=Envoyer").isExisting()));
  assert.match(await textOf(preview), expectedFacts, "the preview says what is about to be sent");
  await preview.$("button=Envoyer").click();
  await preview.waitForDisplayed({ reverse: true, timeout: 30000 });
}

/** Until the own message `name` is on the server: no progress bar, no "Envoi…", no failure. */
async function waitSent(log, name) {
  const tile = await tileOf(log, name);
  const event = await tile.parentElement();
  await eventually(`${name} sent`, async () => {
    const text = await textOf(event);
    assert.doesNotMatch(text, /Échec de l'envoi/);
    return !text.includes("Envoi…") && !(await event.$("progress").isExisting());
  }, 120000);
}

test("an image and the EICAR file attached with the file chooser reach the colleague through the antivirus", async (t) => {
  const agent = await register("joint", "Jeanne Jointe");
  const colleague = await register("collegue", "Claude Collègue");
  const files = mkdtempSync(join(tmpdir(), "tchap-attach-"));
  t.after(() => rmSync(files, { recursive: true, force: true }));
  const imagePath = join(files, IMAGE);
  writeFileSync(imagePath, noisePng(2000, 1500)); // about 9 MB
  const eicarPath = join(files, EICAR);
  writeFileSync(eicarPath, eicar());

  // The colleague's app signs in first: its device must exist for the room keys to reach it.
  const colleagueDir = await withApp({ homeserver, env: appEnv }, "attachments-colleague-first.png", async (app) => {
    await signInPostponingBackup(app.browser, colleague.username);
    await eventually("the colleague's device keys are published", async () => (await peer(agent).devicesWithKeys(colleague.userId)).length > 0, 60000);
  });
  const roomId = await peer(agent).createEncryptedRoom(ROOM, [colleague.userId]);
  await peer(colleague).join(roomId);

  await withApp({ homeserver, env: appEnv }, "attachments-sender.png", async (app) => {
    const browser = app.browser;
    await signInPostponingBackup(browser, agent.username);
    const log = await openRoom(browser, ROOM);
    assert.match(await textOf(await browser.$("main")), /chiffrée/i, "the room is encrypted");

    // Every value the upload's progress bar takes is kept, however briefly it is shown.
    await browser.execute((label) => {
      window.__uploadProgress = [];
      const record = () => {
        for (const bar of document.querySelectorAll(`progress[aria-label="${label}"]`)) window.__uploadProgress.push(bar.value);
      };
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["value"] });
    }, UPLOADING);

    await attach(browser, imagePath, new RegExp(`${IMAGE}.*Image.*2000 × 1500.*image/png`));
    await waitSent(log, IMAGE);
    const progress = await browser.execute(() => window.__uploadProgress);
    assert.ok(progress.length > 0, "a progress bar was shown during the upload");
    assert.ok(progress.some((value) => value < 1), `the bar showed the upload under way (values: ${progress.join(", ")})`);
    t.diagnostic(`upload progress seen: ${progress.map((v) => v.toFixed(2)).join(" ")}`);

    await attach(browser, eicarPath, new RegExp(`${EICAR}.*Fichier.*text/plain`));
    await waitSent(log, EICAR);
  });

  // The colleague's app again, on its kept session.
  await withApp({ homeserver, dataDir: colleagueDir, env: appEnv }, "attachments-receiver.png", async (app) => {
    const browser = app.browser;
    await postponeSecureBackup(browser);
    // Every antivirus state a tile shows is kept, however briefly.
    await browser.execute(() => {
      window.__scanStates = new Set();
      const record = () => {
        for (const state of document.querySelectorAll('[role="log"] .media [role="status"]')) window.__scanStates.add(state.textContent.trim());
      };
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const log = await openRoom(browser, ROOM);

    const image = await tileOf(log, IMAGE);
    await eventually("the image checked clean", async () => (await textOf(image)).includes(CLEAN), 120000);
    const thumbnail = await image.$(`button[aria-label="Agrandir l'image ${IMAGE}"] img`);
    await eventually("the thumbnail decoded", async () => (await thumbnail.getProperty("naturalWidth")) > 0, 30000);
    const shownWidth = await thumbnail.getProperty("naturalWidth");
    t.diagnostic(`thumbnail: ${shownWidth} × ${await thumbnail.getProperty("naturalHeight")}`);
    assert.ok(shownWidth < 2000, "the timeline shows a thumbnail, not the 9 MB original");
    assert.match(await thumbnail.getAttribute("src"), /^tchap-media:\/\//, "the image comes from the app's checked cache");
    assert.ok(await image.$("button=Enregistrer").isExisting(), "a clean file can be saved");
    const seen = await browser.execute(() => [...window.__scanStates]);
    assert.ok(seen.includes(CHECKING), `the tile said the scan was under way first (seen: ${seen.join(" | ")})`);

    const blocked = await tileOf(log, EICAR);
    await eventually("the EICAR file blocked", async () => (await textOf(blocked)).includes(INFECTED), 120000);
    assert.equal(await blocked.$("button=Enregistrer").isExisting(), false, "a blocked file offers no save");
    assert.equal(await blocked.$("button=Ouvrir").isExisting(), false, "a blocked file offers no opening");
    assert.equal((await blocked.$$("button")).length, 0, "nothing on a blocked file can be clicked");
    assert.equal(await blocked.$("img").isExisting(), false);
    await blocked.scrollIntoView();
  });
});
