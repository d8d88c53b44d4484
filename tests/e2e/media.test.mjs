// Sound received in a room plays in the tile, from the app's `tchap-media`
// scheme once the antivirus called it clean; a file the player cannot read
// says so and still offers "Ouvrir" (the system's player).
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { artifacts, postponeSecureBackup, withApp } from "./app.mjs";
import { PASSWORD, eventually, homeserver, peer, register } from "./matrix.mjs";

const ROOM = "Salle des enregistrements";
const scanner = process.env.TCHAP_TEST_CONTENT_SCANNER;
if (!scanner) throw new Error("TCHAP_TEST_CONTENT_SCANNER is not set: run through scripts/with-scanner.sh");

/**
 * About a second of silence as an MP3 (a type the test scanner allows): 38
 * frames of MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, whose all-zero side
 * information decodes to silence. 38 × 1152 samples = 0.993 s.
 */
function mp3Silence(frames = 38) {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0x64]);
  return Buffer.concat(Array(frames).fill(frame));
}

/** Uploads `bytes` as the other user and sends them as an `m.audio` message. */
async function sendAudio(user, roomId, name, bytes, mimetype) {
  const upload = await fetch(`${homeserver}/_matrix/media/v3/upload?filename=${encodeURIComponent(name)}`, {
    method: "POST",
    headers: { authorization: `Bearer ${user.token}`, "content-type": mimetype },
    body: bytes,
  });
  if (!upload.ok) throw new Error(`upload: ${upload.status} ${await upload.text()}`);
  const { content_uri: url } = await upload.json();
  await peer(user).sendContent(roomId, { msgtype: "m.audio", body: name, url, info: { mimetype, size: bytes.length } });
}

/** What the page's <audio> of the tile named `name` says about itself. */
async function audioState(browser, name) {
  return browser.execute((name) => {
    const tile = [...document.querySelectorAll(".media")].find((t) => t.textContent.includes(name));
    const audio = tile?.querySelector("audio");
    return audio ? { readyState: audio.readyState, duration: audio.duration, error: audio.error?.code ?? null, src: audio.currentSrc } : null;
  }, name);
}

test("a received sound plays in its tile once clean; one the player cannot read offers the system's player", async () => {
  const agent = await register("ecoute", "Élise Écoute");
  const other = await register("voix", "Victor Voix");
  const roomId = await peer(other).createRoom(ROOM, [agent.userId]);
  await sendAudio(other, roomId, "compte-rendu.mp3", mp3Silence(), "audio/mpeg");
  // Claimed to be a sound, but a PDF: no page may play it.
  await sendAudio(other, roomId, "faux-son.mp3", Buffer.from(`%PDF-1.7\n${randomBytes(64).toString("hex")}\n%%EOF\n`), "audio/mpeg");

  await withApp({ homeserver, env: { TCHAP_CONTENT_SCANNER: scanner } }, "failure-media.png", async (app) => {
    const $ = app.browser.$.bind(app.browser);
    await $("aria/Connexion à Tchap").waitForDisplayed({ timeout: 30000 });
    await $("aria/Identifiant").setValue(agent.username);
    await $("aria/Mot de passe").setValue(PASSWORD);
    await $("aria/Se connecter").click();
    await postponeSecureBackup(app.browser);
    const invitations = await $('[role="listbox"][aria-label="Invitations"]');
    await invitations.waitForDisplayed({ timeout: 60000 });
    await invitations.$(`[role="option"]*=${ROOM}`).click();
    await $(`aria/Accepter l'invitation à ${ROOM}`).click();
    const room = await $('[role="listbox"][aria-label="Conversations"]').$(`[role="option"]*=${ROOM}`);
    await room.waitForDisplayed({ timeout: 30000 });
    await room.click();
    await $('[role="log"]').waitForDisplayed({ timeout: 30000 });

    // Nothing plays before the antivirus said the sound is clean.
    const play = await $("aria/Écouter compte-rendu.mp3");
    await play.waitForDisplayed({ timeout: 60000 });
    // What the page reads, to ask the same address for parts below.
    await app.browser.execute(() => {
      const fetchAsThePageDoes = window.fetch;
      window.readAddresses = [];
      window.fetch = (address, options) => (window.readAddresses.push(String(address)), fetchAsThePageDoes(address, options));
    });
    await play.click();
    let state = null;
    await eventually(
      "the sound's length known to the player",
      async () => {
        state = await audioState(app.browser, "compte-rendu.mp3");
        return state !== null && (state.error !== null || (state.readyState >= 1 && Number.isFinite(state.duration)));
      },
      30000,
    ).catch((error) => {
      throw new Error(`${error.message}: ${JSON.stringify(state)}`);
    });
    assert.equal(state.error, null, `the player read the sound: ${JSON.stringify(state)}`);
    assert.ok(Math.abs(state.duration - 0.993) < 0.05, `about a second long, got ${state.duration}`);
    assert.match(state.src, /^blob:/, "WebKitGTK's player gets the bytes the page read from the app's scheme");

    // The scheme serves parts, as players that read it themselves ask (WebView2).
    const ranged = await app.browser.execute(async () => {
      const url = window.readAddresses.find((address) => address.startsWith("tchap-media://localhost/original/"));
      if (!url) return `the page read no sound from the app's scheme: ${window.readAddresses}`;
      const part = async (range) => {
        const answer = await fetch(url, { headers: { Range: range } });
        return { status: answer.status, bytes: [...new Uint8Array(await answer.arrayBuffer())] };
      };
      return { second: await part("bytes=417-420"), past: await part("bytes=99999-") };
    });
    assert.deepEqual(ranged, { second: { status: 206, bytes: [0xff, 0xfb, 0x90, 0x64] }, past: { status: 416, bytes: [] } });

    // The formats colleagues send are decoded here (GStreamer's plugins,
    // scripts/install-deps.sh): an empty answer would mean no decoder.
    const decoded = await app.browser.execute((types) => Object.fromEntries(types.map((type) => [type, document.createElement("video").canPlayType(type)])), [
      'video/mp4; codecs="avc1.42E01E, mp4a.40.2"',
      'video/webm; codecs="vp8, vorbis"',
      'video/webm; codecs="vp9, opus"',
      'audio/ogg; codecs="vorbis"',
      'audio/ogg; codecs="opus"',
      "audio/mpeg",
      "audio/wav",
      "audio/flac",
    ]);
    for (const [type, answer] of Object.entries(decoded)) assert.notEqual(answer, "", `${type} cannot be played`);

    // The PDF posing as a sound: said plainly, and "Ouvrir" is still there.
    const fake = await $("aria/Écouter faux-son.mp3");
    await fake.waitForDisplayed({ timeout: 60000 });
    await fake.click();
    const fakeTile = await $(".media*=faux-son.mp3");
    await eventually("the fake sound's refusal", async () => /Lecture impossible dans Tchap/.test(await fakeTile.getProperty("innerText")));
    assert.equal(await fakeTile.$("audio").isExisting(), false);
    assert.ok(await fakeTile.$("aria/Ouvrir").isDisplayed(), "the system's player is still offered");
    await app.browser.saveScreenshot(resolve(artifacts, "media-audio.png"));
  });
});
