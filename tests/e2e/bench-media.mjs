// Attachment figures (`make bench-media`): the release app in its real window
// under Xvfb, against the test Synapse and its content scanner, in a room of
// 200 photos sent by another user. Measured in each run (a fresh sign-in, so
// an empty media cache):
//   - the room opened → its newest photo painted, through the scanner, beside
//     the scanner alone serving the same photo (the baseline: what a client
//     that showed the scanner's bytes as they come would wait for);
//   - the room scrolled from the newest photo to the oldest, every thumbnail
//     painted: PSS of the app and its WebKit processes before and after;
//   - what Element's way would add in an encrypted room: a Blob in the page per
//     shown photo without a thumbnail (it decrypts in the page and shows blob:
//     URLs), measured by holding a Blob of each original's size in the same page;
//   - a photo clicked → full view painted, the first time (scanner) and again
//     (cache); the app restarted → the room's newest photo painted from the cache.
// Writes its block to BENCHMARKS.md.
//
//   node tests/e2e/bench-media.mjs [--photos 200] [--runs 3] [--out BENCHMARKS.md]
//
// Needs TCHAP_TEST_HOMESERVER, TCHAP_TEST_SHARED_SECRET (scripts/with-synapse.sh),
// TCHAP_TEST_CONTENT_SCANNER (scripts/with-scanner.sh), a display and a keyring.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { homedir, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cell, installedVersion, lockedVersion, machine, measured, memory, now, pollPage, postponeSecurityDialog, root, sleep, stats, synapseVersion, writeBlock } from "./bench-lib.mjs";
import { PASSWORD, homeserver, peer, register } from "./matrix.mjs";

const { values: options } = parseArgs({
  options: {
    photos: { type: "string", default: "200" },
    runs: { type: "string", default: "3" },
    out: { type: "string", default: join(root, "BENCHMARKS.md") },
    // Another build to try the script with (the figures are the release's).
    binary: { type: "string" },
    // Keeps each run's data folder (its logs), named on the console.
    keep: { type: "boolean", default: false },
  },
});
const PHOTOS = Number(options.photos);
const RUNS = Number(options.runs);
const WIDTH = 1600;
const HEIGHT = 1200;
const SETTLE_MS = 3000;
const MARKS = { start: "<!-- media-bench:start -->", end: "<!-- media-bench:end -->", heading: "## Attachments (real window under Xvfb)" };

const scanner = process.env.TCHAP_TEST_CONTENT_SCANNER;
if (!scanner) throw new Error("TCHAP_TEST_CONTENT_SCANNER is not set: run through `make bench-media`");
const OURS = options.binary ?? join(process.env.CARGO_TARGET_DIR ?? join(homedir(), ".cache/tchap/target"), "release/tchap-desktop");
if (!existsSync(OURS)) throw new Error(`${OURS} is missing: build it with \`make bench-media\``);
const CACHE = process.env.TCHAP_CACHE ?? join(homedir(), ".cache/tchap");

// ---------------------------------------------------------------- the room

/** PHOTOS different camera-like JPEGs, made with Pillow (in the Synapse venv, which has it). */
function makePhotos(dir) {
  const script = `
import random, sys
from PIL import Image, ImageDraw, ImageFilter
out, count, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for i in range(count):
    rnd = random.Random(i)
    image = Image.new("RGB", (w, h), (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rnd.randrange(w), rnd.randrange(h)
        draw.ellipse((x, y, x + rnd.randrange(50, 600), y + rnd.randrange(50, 600)), fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    image = image.filter(ImageFilter.GaussianBlur(3))
    noise = Image.effect_noise((w, h), 24).convert("RGB")
    Image.blend(image, noise, 0.12).save(f"{out}/photo-{i:03}.jpg", quality=88)
`;
  execFileSync(join(CACHE, "synapse-venv/bin/python"), ["-c", script, dir, String(PHOTOS), String(WIDTH), String(HEIGHT)]);
  return readdirSync(dir).sort().map((name) => join(dir, name));
}

async function upload(user, path) {
  const bytes = readFileSync(path);
  const response = await fetch(`${homeserver}/_matrix/media/v3/upload?filename=${encodeURIComponent(path.split("/").at(-1))}`, {
    method: "POST",
    headers: { authorization: `Bearer ${user.token}`, "content-type": "image/jpeg" },
    body: bytes,
  });
  if (!response.ok) throw new Error(`upload: ${response.status}`);
  return { mxc: (await response.json()).content_uri, size: bytes.length };
}

async function seed() {
  const started = Date.now();
  const sender = await register("photographe", "Camille Photographe");
  const viewer = await register("lectrice", "Lou Lectrice");
  const roomId = await peer(sender).createRoom("Photos du chantier", [viewer.userId]);
  const joined = await fetch(`${homeserver}/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {
    method: "POST",
    headers: { authorization: `Bearer ${viewer.token}`, "content-type": "application/json" },
    body: "{}",
  });
  if (!joined.ok) throw new Error(`join: ${joined.status}`);
  const dir = mkdtempSync(join(tmpdir(), "tchap-bench-photos-"));
  const sent = [];
  try {
    for (const [i, path] of makePhotos(dir).entries()) {
      const { mxc, size } = await upload(sender, path);
      const body = `photo-${String(i).padStart(3, "0")}.jpg`;
      await peer(sender).sendContent(roomId, { msgtype: "m.image", body, url: mxc, info: { mimetype: "image/jpeg", size, w: WIDTH, h: HEIGHT } });
      sent.push({ mxc, size });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { viewer, roomId, sent, seedSeconds: (Date.now() - started) / 1000 };
}

// ---------------------------------------------------------------- the page

const TILES = "[role=log] .media";
/** How many photo tiles are in the page, how many painted, whether the newest is. */
const tileState = (selector) => {
  const tiles = [...document.querySelectorAll(selector)];
  const painted = (tile) => {
    const img = tile.querySelector(".media__thumb img");
    return img !== null && img.complete && img.naturalWidth > 0;
  };
  return { tiles: tiles.length, painted: tiles.filter(painted).length, newest: tiles.length > 0 && painted(tiles.at(-1)) };
};

async function openRoom(browser) {
  const row = await browser.$('[role="listbox"][aria-label="Conversations"] > [role="option"]');
  await row.waitForDisplayed({ timeout: 60000 });
  const clickedAt = now();
  await row.click();
  const newestAt = await pollPage(browser, "the newest photo painted", tileState, [TILES], (s) => s.newest, 120000);
  return newestAt - clickedAt;
}

/** Scrolls up (the timeline loads older events there) until every photo is painted. */
async function scrollToOldest(browser) {
  const started = now();
  const deadline = Date.now() + 600000;
  for (;;) {
    const state = await browser.execute(tileState, TILES);
    if (state.tiles >= PHOTOS && state.painted >= PHOTOS) return now() - started;
    if (Date.now() > deadline) throw new Error(`scrolling: ${JSON.stringify(state)}`);
    await browser.execute(() => {
      document.querySelector("[role=log]").scrollTop = 0;
    });
    await sleep(200);
  }
}

/**
 * Element's way with encrypted photos that carry no thumbnail (these carry none):
 * the page decrypts each shown original and keeps its bytes as a Blob behind
 * a blob: URL. Here the page makes a Blob of each original's size and holds it.
 */
async function holdBlobs(browser, sizes) {
  return browser.execute((sizes) => {
    window.__benchBlobs = sizes.map((size) => {
      const blob = new Blob([new Uint8Array(size).fill(7)], { type: "image/jpeg" });
      return { blob, url: URL.createObjectURL(blob) };
    });
    return { count: sizes.length, bytes: sizes.reduce((sum, size) => sum + size, 0) };
  }, sizes);
}

/** Click on the newest photo → its full view painted. */
async function viewNewest(browser) {
  const thumbs = await browser.$$(`${TILES} .media__thumb`);
  const clickedAt = now();
  await thumbs.at(-1).click();
  const paintedAt = await pollPage(
    browser,
    "the full view painted",
    () => {
      const img = document.querySelector("dialog[open] .viewer__frame img");
      return img !== null && img.complete && img.naturalWidth > 0;
    },
    [],
    Boolean,
    120000,
  );
  await browser.keys("Escape");
  await pollPage(browser, "the viewer closed", () => document.querySelector("dialog[open]") === null, [], Boolean);
  return paintedAt - clickedAt;
}

// ---------------------------------------------------------------- one run

/** The scanner alone: the newest photo downloaded through it, as a client without our cache does. */
async function scannerAlone(mxc, token) {
  const [server, id] = mxc.slice("mxc://".length).split("/");
  const started = now();
  const response = await fetch(`${scanner}/_matrix/media_proxy/unstable/download/${server}/${id}`, { headers: { authorization: `Bearer ${token}` } });
  const bytes = await response.arrayBuffer();
  if (!response.ok || bytes.byteLength === 0) throw new Error(`scanner alone: ${response.status}`);
  return now() - started;
}

async function run(number, room) {
  const dataDir = mkdtempSync(join(tmpdir(), "tchap-bench-media-"));
  const env = { TCHAP_DATA_DIR: dataDir, TCHAP_DEFAULT_HOMESERVER: homeserver, TCHAP_CONTENT_SCANNER: scanner };
  const result = {};
  try {
    await measured(OURS, env, `bench-media-${number}`, async ({ browser, pid }) => {
      await browser.$("aria/Identifiant").setValue(room.viewer.username);
      await browser.$("aria/Mot de passe").setValue(PASSWORD);
      await browser.$("aria/Se connecter").click();
      await postponeSecurityDialog(browser);
      await browser.$('[role="listbox"][aria-label="Conversations"] > [role="option"]').waitForDisplayed({ timeout: 60000 });
      await sleep(SETTLE_MS);
      result.pssBefore = (await memory(pid)).total;
      // The scanner has not seen the newest photo yet in the first run only:
      // its own cache is warm afterwards, for it and for us alike.
      result.newestFirstView = await openRoom(browser);
      result.scannerAlone = await scannerAlone(room.sent.at(-1).mxc, room.viewer.token);
      result.scrolled = await scrollToOldest(browser);
      await sleep(SETTLE_MS);
      result.pssAfter = (await memory(pid)).total;
      const blobs = await holdBlobs(browser, room.sent.map((photo) => photo.size));
      await sleep(SETTLE_MS);
      result.pssBlobs = (await memory(pid)).total;
      result.blobBytes = blobs.bytes;
      await browser.execute(() => {
        for (const { url } of window.__benchBlobs) URL.revokeObjectURL(url);
        window.__benchBlobs = null;
      });
      await browser.execute(() => {
        const log = document.querySelector("[role=log]");
        log.scrollTop = log.scrollHeight;
      });
      await sleep(500);
      result.fullViewFirst = await viewNewest(browser);
      result.fullViewAgain = await viewNewest(browser);
    });
    await measured(OURS, env, `bench-media-${number}-reopen`, async ({ browser }) => {
      await postponeSecurityDialog(browser);
      result.newestFromCache = await openRoom(browser);
    });
  } finally {
    if (options.keep) console.error(`bench-media: data folder kept: ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
  return result;
}

// ---------------------------------------------------------------- the report

const benchStarted = Date.now();
console.error(`bench-media: seeding a room with ${PHOTOS} photos…`);
const room = await seed();
console.error(`bench-media: seeded in ${room.seedSeconds.toFixed(0)} s`);
const loadAtStart = loadavg()[0];
const runs = [];
const failures = [];
for (let number = 1; number <= RUNS; number++) {
  try {
    runs.push(await run(number, room));
    console.error(`bench-media: run ${number}/${RUNS}: ${JSON.stringify(runs.at(-1))}`);
  } catch (error) {
    console.error(`bench-media: run ${number} failed: ${error.stack ?? error}`);
    failures.push(`run ${number}: ${String(error.message ?? error).split("\n")[0]}`);
  }
}
const loadAtEnd = loadavg()[0];

const values = (f) => runs.map(f);
function row(label, ours, baseline, digits) {
  const oursCell = cell(stats(values(ours)), digits);
  if (!baseline) return `| ${label} | ${oursCell} | — | — | — |`;
  const ratios = stats(runs.map((r) => ours(r) / baseline(r)));
  const ratio = ratios ? `**${ratios.median.toFixed(2)}×** | ${ratios.min.toFixed(2)}× – ${ratios.max.toFixed(2)}×` : "— | —";
  return `| ${label} | ${oursCell} | ${cell(stats(values(baseline)), digits)} | ${ratio} |`;
}
const median = (f) => stats(values(f))?.median ?? NaN;
const totalPhotoMiB = room.sent.reduce((sum, p) => sum + p.size, 0) / 2 ** 20;

const block = [
  MARKS.start,
  MARKS.heading,
  "",
  `Written by \`make bench-media\` (\`tests/e2e/bench-media.mjs\`), ${runs.length} of ${RUNS} runs, ${((Date.now() - benchStarted) / 60000).toFixed(0)} min in all.`,
  "",
  `- Machine: ${machine()}. Date: ${new Date(benchStarted).toISOString().slice(0, 16).replace("T", " ")} UTC. Load average (1 min) at the start of the runs ${loadAtStart.toFixed(2)}, at the end ${loadAtEnd.toFixed(2)}.`,
  `- Build: ${options.binary ? `\`${options.binary}\` (given with --binary; the dev profile unless said otherwise: dependencies at opt-level 2, our crates at 0)` : "release `tchap-desktop`"} (tauri ${lockedVersion("tauri")}, image ${lockedVersion("image")}, sqlx ${lockedVersion("sqlx")}); WebKitGTK ${installedVersion("dpkg-query", ["-W", "-f=${Version}", "libwebkit2gtk-4.1-0"])}. Xvfb 1280×800.`,
  `- Server: Synapse ${await synapseVersion(homeserver)} and matrix-content-scanner 1.0.8 on the same machine (\`scripts/with-synapse.sh\`, \`scripts/with-scanner.sh\`, its scan script the EICAR check of tests/scanner).`,
  `- Room: ${PHOTOS} photos of ${WIDTH}×${HEIGHT} (JPEG, ${totalPhotoMiB.toFixed(1)} MiB in all), plain media sent by another user as a client without thumbnails would; seeded in ${room.seedSeconds.toFixed(0)} s, not measured. Each run signs in afresh (an empty media cache).`,
  "",
  "Each cell: min / **median** / max over the runs; ratio: ours ÷ baseline within each run, median, then min – max.",
  "",
  "| measure | ours | baseline | ours/baseline | per-run ratios |",
  "| --- | --- | --- | --- | --- |",
  row("room opened → newest photo painted, through the scanner (ms); baseline: the scanner alone serving it", (r) => r.newestFirstView, (r) => r.scannerAlone, 0),
  row(`scrolled to the oldest: all ${PHOTOS} thumbnails painted (ms)`, (r) => r.scrolled, null, 0),
  row("photo clicked → full view painted, first time: the original through the scanner (ms)", (r) => r.fullViewFirst, null, 0),
  row("photo clicked → full view painted again, from the cache (ms)", (r) => r.fullViewAgain, null, 0),
  row("app restarted, room opened → newest photo painted from the cache (ms)", (r) => r.newestFromCache, null, 0),
  row("PSS, room list shown, before the room (MiB)", (r) => r.pssBefore, null, 1),
  row(`PSS, all ${PHOTOS} photos painted (MiB); baseline: before`, (r) => r.pssAfter, (r) => r.pssBefore, 1),
  row(`PSS with a Blob of each original held in the page, Element's way (MiB); baseline: ours`, (r) => r.pssBlobs, (r) => r.pssAfter, 1),
  "",
  `Scrolling through the ${PHOTOS} photos adds ${(median((r) => r.pssAfter) - median((r) => r.pssBefore)).toFixed(1)} MiB (medians); Blobs of the originals (${(median((r) => r.blobBytes) / 2 ** 20).toFixed(1)} MiB of JPEG) would add ${(median((r) => r.pssBlobs) - median((r) => r.pssAfter)).toFixed(1)} MiB more. Ours keeps the bytes in the backend's encrypted cache and hands the webview only the thumbnail it made.`,
  "",
  ...(failures.length ? ["**Not measured** (see `tests/e2e/artifacts/bench-media-*.log`):", "", ...failures.map((f) => `- ${f}`), ""] : []),
  "### What is measured",
  "",
  "- Times start at the WebDriver click and end when a poll of the page (every 25 ms) sees the image `complete` with a `naturalWidth`: painted as far as the page can tell, up to one poll late.",
  "- *Through the scanner*: our backend asks the scanner, which downloads from Synapse and runs its scan script; the backend then decodes the photo and makes an 800×600 thumbnail (cached), which the page loads from `tchap-media://`. The baseline downloads the same photo from the scanner with Node's `fetch` right after (so the scanner's own cache is as warm as it was for us, or warmer).",
  "- *PSS*: the sum over the app process and its WebKit processes (`/proc/PID/smaps_rollup`), as in the whole-app figures above.",
  "- *Element's way*: Element's web client decrypts attachments in the page and shows them through `blob:` URLs; for an encrypted photo without a thumbnail (these carry none) it decrypts the original and keeps it as a Blob. Our CSP does not load `blob:` images, so the page makes a Blob of each original's size, with its URL, and holds it, not shown: the bytes Element would hold, not its decoding.",
  "",
  "Repeat: `make bench-media`; quicker: `make bench-media BENCH_MEDIA_ARGS=\"--photos 40 --runs 1 --out /tmp/bench-media.md\"`.",
  MARKS.end,
].join("\n");

writeBlock(options.out, block, MARKS);
console.log(block);
