// Long-room figures (`make bench-timeline`, issue 15): the app in its real
// window under Xvfb, against the test Synapse, measured in the same run as a
// baseline:
//   - scrolling back EVENTS messages of one room to its first (the timeline
//     loads older messages at the top): PSS of the app and of its WebKit web
//     process, and time, every STEP messages; "ours" beside --baseline-binary
//     (the app before the timeline was virtualised). A binary stops where it
//     is after --cap-minutes of scrolling, or once its PSS grew by
//     --cap-growth-mib (the machine's memory is shared);
//   - a click on a room of MEMBERS members → its newest message painted and
//     the timeline no longer busy, beside a room of 2 members holding the same
//     60 messages: first open after signing in, switched back to, after a restart.
// Reads what is on screen, not how many rows the page holds (the virtualised
// timeline keeps only the rows near the viewport): every message carries its
// number ("Message n° 01234 — …", bench-timeline-seed.mjs).
//
//   node tests/e2e/bench-timeline.mjs --baseline-binary PATH [--binary PATH]
//     [--events 20000] [--members 5000] [--runs 3] [--cap-minutes 10] [--cap-growth-mib 4096]
//     [--out BENCHMARKS.md]
//
// Needs TCHAP_TEST_HOMESERVER, TCHAP_TEST_SHARED_SECRET (scripts/with-synapse.sh),
// a display and a keyring shared by the run (the restart restores the session).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cell, installedVersion, machine, measured, memory, now, pollPage, postponeSecurityDialog, root, sleep, stats, synapseVersion, writeBlock } from "./bench-lib.mjs";
import { OPENING_MESSAGES, seedRooms } from "./bench-timeline-seed.mjs";
import { PASSWORD, homeserver, peer } from "./matrix.mjs";

const { values: options } = parseArgs({
  options: {
    events: { type: "string", default: "20000" },
    members: { type: "string", default: "5000" },
    runs: { type: "string", default: "3" },
    step: { type: "string", default: "2000" },
    "cap-minutes": { type: "string", default: "10" },
    "cap-growth-mib": { type: "string", default: "4096" },
    out: { type: "string", default: join(root, "BENCHMARKS.md") },
    binary: { type: "string", default: join(process.env.CARGO_TARGET_DIR ?? join(homedir(), ".cache/tchap/target"), "debug/tchap-desktop") },
    "baseline-binary": { type: "string" },
    // What the baseline is, for the block (e.g. "the app before recentring, commit 75a3a70").
    "baseline-label": { type: "string", default: "the app before the virtualised timeline, commit a783428" },
    // Trying the script: keep the seeded rooms (--save-seed) and measure them
    // again on the same server (--seeded) without seeding for minutes. A
    // `note` in that file (what differs from a full seeding) goes into the block.
    "save-seed": { type: "string" },
    seeded: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const RUNS = Number(options.runs);
const STEP = Number(options.step);
const CAP_MS = Number(options["cap-minutes"]) * 60000;
const CAP_GROWTH_MIB = Number(options["cap-growth-mib"]);
/** How often the memory cap is checked (ms): a binary can grow by hundreds of MiB per thousand messages. */
const CAP_CHECK_MS = 2000;
const OURS = options.binary;
const BASELINE = options["baseline-binary"];
if (!BASELINE) throw new Error("--baseline-binary is missing: the app built from the commit before the virtualised timeline");
for (const binary of [OURS, BASELINE]) if (!existsSync(binary)) throw new Error(`${binary} is missing`);
const SETTLE_MS = 3000;
const PSS_GROWTH_AIM_MIB = 50;
/** How long after coming back down to the latest messages PSS is read again. */
const BACK_SETTLE_MS = 15000;
const LOG = '[role="log"]';
const CONVERSATIONS = '[role="listbox"][aria-label="Conversations"] > [role="option"]';
const MARKS = { start: "<!-- timeline-bench:start -->", end: "<!-- timeline-bench:end -->", heading: "## Long rooms (real window under Xvfb)" };

// ---------------------------------------------------------------- the page

/**
 * Scrolls the log to its top and reads the message numbers drawn in its
 * visible part (run in the page): the smallest is the oldest message loaded.
 * A point on a reply's quote (a button) is skipped; a point on a row's frame
 * reads the row, whose own number is the largest in it.
 */
const scrollTopAndRead = (selector) => {
  const log = document.querySelector(selector);
  if (!log) return null;
  const busy = log.getAttribute("aria-busy") === "true";
  if (log.scrollTop > 0) log.scrollTop = 0;
  // Already at the top and idle: what a wheel turn there would send.
  else if (!busy) log.dispatchEvent(new Event("scroll"));
  const box = log.getBoundingClientRect();
  const numbers = new Set();
  for (let y = box.top + 2; y < box.bottom; y += 12) {
    for (const share of [0.15, 0.4, 0.7]) {
      let el = document.elementFromPoint(box.left + box.width * share, y);
      for (let depth = 0; el && el !== log && log.contains(el) && depth < 10; depth++, el = el.parentElement) {
        if (el.closest("button")) break;
        if (el.childElementCount > 40) break; // a container of rows, not a row
        const found = [...el.textContent.matchAll(/Message n° (\d{5})/g)].map((m) => Number(m[1]));
        if (found.length > 0) {
          numbers.add(Math.max(...found));
          break;
        }
      }
    }
  }
  return { busy, oldest: numbers.size ? Math.min(...numbers) : null };
};

/** Whether `text` is drawn inside the log's visible part and the log is not busy (run in the page). */
const shownAndIdle = (selector, text) => {
  const log = document.querySelector(selector);
  if (!log || log.getAttribute("aria-busy") === "true") return false;
  const box = log.getBoundingClientRect();
  const walker = document.createTreeWalker(log, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(text);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + text.length);
    const r = range.getBoundingClientRect();
    if (r.height > 0 && r.bottom > box.top && r.top < box.bottom) return true;
  }
  return false;
};

/**
 * Scrolls the log to its bottom (run in the page); or, reading a history
 * around a message (ours, once read far back), clicks "Aller aux messages
 * récents" as a reader would rather than scroll down thousands of messages.
 */
const scrollDown = (selector) => {
  const log = document.querySelector(selector);
  if (!log) return;
  const back = [...document.querySelectorAll("button")].find((button) => button.innerText.includes("Aller aux messages récents"));
  if (back) {
    back.click();
    return;
  }
  log.scrollTop = log.scrollHeight;
  log.dispatchEvent(new Event("scroll"));
};

async function signIn(browser, viewer) {
  await browser.$("aria/Identifiant").setValue(viewer.username);
  await browser.$("aria/Mot de passe").setValue(PASSWORD);
  await browser.$("aria/Se connecter").click();
  await postponeSecurityDialog(browser);
}

/** The room list's row for `name` (listed already: see waitListed). */
async function roomRow(browser, name) {
  const index = await browser.execute((rows, name) => [...document.querySelectorAll(rows)].findIndex((row) => row.innerText.includes(name)), CONVERSATIONS, name);
  if (index < 0) throw new Error(`the room ${name} is not listed`);
  return (await browser.$$(CONVERSATIONS))[index];
}

async function waitListed(browser, rooms) {
  for (const room of rooms) {
    await pollPage(browser, `the room ${room.name} listed`, (rows, name) => [...document.querySelectorAll(rows)].some((row) => row.innerText.includes(name)), [CONVERSATIONS, room.name], Boolean, 120000);
  }
}

/** Click on the room → `newestText` drawn on screen and the timeline idle (ms). */
async function openRoom(browser, room, newestText) {
  const row = await roomRow(browser, room.name);
  const clickedAt = now();
  await row.click();
  const shownAt = await pollPage(browser, `${newestText} shown`, shownAndIdle, [LOG, newestText], Boolean, 120000);
  return shownAt - clickedAt;
}

// ---------------------------------------------------------------- scrolling back

/**
 * Opens the room of EVENTS messages and scrolls it to its first message: PSS
 * at the start, then at each STEP messages loaded (the time taken by reading
 * PSS left out). Stops at CAP_MS of scrolling or CAP_GROWTH_MIB of growth.
 */
async function scrollBack(binary, label, seed) {
  const dataDir = mkdtempSync(join(tmpdir(), "tchap-bench-timeline-"));
  const env = { TCHAP_DATA_DIR: dataDir, TCHAP_DEFAULT_HOMESERVER: homeserver };
  const events = seed.events;
  try {
    return await measured(binary, env, `bench-timeline-scroll-${label}`, async ({ browser, pid }) => {
      await signIn(browser, seed.viewer);
      await waitListed(browser, [seed.rooms.history]);
      await openRoom(browser, seed.rooms.history, seed.rooms.history.newest);
      await sleep(SETTLE_MS);
      const start = await memory(pid);
      const samples = [];
      let sampling = 0; // ms spent reading PSS, not scrolling
      const scrolled = () => now() - started - sampling;
      const sample = async (oldest) => {
        const at = now();
        const pss = await memory(pid, { foreignWaitMs: 0 });
        samples.push({ loaded: events - oldest + 1, seconds: scrolled() / 1000, pss });
        console.error(`bench-timeline: ${label}: ${events - oldest + 1} loaded, ${(scrolled() / 1000).toFixed(0)} s, PSS +${(pss.total - start.total).toFixed(1)} MiB`);
        sampling += now() - at;
      };
      const started = now();
      let next = STEP;
      let oldest = events;
      let progressAt = now();
      let capped = null; // "time" or "memory" when stopped before the first message
      let checkedAt = now();
      const overMemoryCap = async () => {
        if (now() - checkedAt < CAP_CHECK_MS) return false;
        const at = now();
        const { total } = await memory(pid, { foreignWaitMs: 0 });
        checkedAt = now();
        sampling += checkedAt - at;
        return total - start.total > CAP_GROWTH_MIB;
      };
      for (;;) {
        const state = await browser.execute(scrollTopAndRead, LOG);
        if (state?.oldest && state.oldest < oldest) {
          oldest = state.oldest;
          progressAt = now();
        }
        if (events - oldest + 1 >= next || oldest === 1) {
          await sample(oldest);
          while (next <= events - oldest + 1) next += STEP;
        }
        if (oldest === 1) break;
        capped = scrolled() > CAP_MS ? "time" : (await overMemoryCap()) ? "memory" : null;
        if (capped) {
          if (samples.at(-1)?.loaded !== events - oldest + 1) await sample(oldest);
          break;
        }
        if (now() - progressAt > 180000) throw new Error(`no older message for 3 min, ${events - oldest + 1} loaded`);
        await sleep(50);
      }
      await sleep(SETTLE_MS);
      const end = await memory(pid, { foreignWaitMs: 10000 });
      // Back down to the latest messages, as a reader returning to the
      // conversation; PSS once the app had time to let go of what it loaded.
      const backStarted = now();
      for (;;) {
        await browser.execute(scrollDown, LOG);
        await sleep(200);
        if (await browser.execute(shownAndIdle, LOG, seed.rooms.history.newest)) break;
        if (now() - backStarted > 120000) throw new Error("the newest message is not shown again after scrolling down");
      }
      await sleep(BACK_SETTLE_MS);
      const back = await memory(pid, { foreignWaitMs: 10000 });
      return { start, samples, end, back, capped, loaded: events - oldest + 1, seconds: samples.at(-1).seconds };
    });
  } finally {
    if (options.keep) console.error(`bench-timeline: data folder kept: ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- opening a large room

/** The start of the room's newest message, before its " — " ("Message n° 00060 (grand salon)"), as the server has it. */
async function newestText(viewer, room) {
  const body = (await peer(viewer).messageEvents(room.roomId)).at(-1)?.content.body;
  if (!body?.includes(" — ")) throw new Error(`no numbered message at the end of ${room.name}`);
  return body.split(" — ")[0];
}

/**
 * One run: signed in afresh, each room opened twice (the other in between),
 * then the app restarted and each opened once. The first room alternates
 * between runs so that neither always meets the colder caches.
 */
async function openingRun(number, seed) {
  const dataDir = mkdtempSync(join(tmpdir(), "tchap-bench-timeline-"));
  const env = { TCHAP_DATA_DIR: dataDir, TCHAP_DEFAULT_HOMESERVER: homeserver };
  const order = number % 2 ? [seed.rooms.large, seed.rooms.small] : [seed.rooms.small, seed.rooms.large];
  const result = { large: {}, small: {} };
  try {
    await measured(OURS, env, `bench-timeline-open-${number}`, async ({ browser }) => {
      await signIn(browser, seed.viewer);
      await waitListed(browser, order);
      await sleep(SETTLE_MS);
      for (const phase of ["first", "again"]) {
        for (const room of order) result[room.key][phase] = await openRoom(browser, room, room.newest);
      }
    });
    await measured(OURS, env, `bench-timeline-open-${number}-restart`, async ({ browser }) => {
      await postponeSecurityDialog(browser);
      await waitListed(browser, order);
      await sleep(SETTLE_MS);
      for (const room of order) result[room.key].restart = await openRoom(browser, room, room.newest);
    });
  } finally {
    if (options.keep) console.error(`bench-timeline: data folder kept: ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
  return result;
}

// ---------------------------------------------------------------- the run

const benchStarted = Date.now();
let seed;
if (options.seeded) {
  seed = JSON.parse(readFileSync(options.seeded, "utf8"));
  console.error(`bench-timeline: rooms seeded earlier (${options.seeded}), in ${seed.times.total.toFixed(0)} s then`);
} else {
  const events = Number(options.events);
  const members = Number(options.members);
  console.error(`bench-timeline: seeding a room of ${events} messages and one of ${members} members…`);
  seed = { events, members, ...(await seedRooms({ events, members, log: (m) => console.error(`bench-timeline: seeded ${m}`) })) };
  console.error(`bench-timeline: seeded in ${seed.times.total.toFixed(0)} s`);
  if (options["save-seed"]) writeFileSync(options["save-seed"], JSON.stringify(seed));
}
for (const room of Object.values(seed.rooms)) room.newest = await newestText(seed.viewer, room);
const loadAtStart = loadavg()[0];
const failures = [];
async function attempt(what, work) {
  try {
    const result = await work();
    console.error(`bench-timeline: ${what}: ${JSON.stringify(result, (k, v) => (k === "others" ? undefined : v))}`);
    return result;
  } catch (error) {
    console.error(`bench-timeline: ${what} failed: ${error.stack ?? error}`);
    failures.push(`${what}: ${String(error.message ?? error).split("\n")[0]}`);
    return null;
  }
}
const scroll = {
  ours: await attempt("scrolling back, ours", () => scrollBack(OURS, "ours", seed)),
  baseline: await attempt("scrolling back, baseline", () => scrollBack(BASELINE, "baseline", seed)),
};
const openings = [];
for (let number = 1; number <= RUNS; number++) {
  const result = await attempt(`opening, run ${number}/${RUNS}`, () => openingRun(number, seed));
  if (result) openings.push(result);
}
const loadAtEnd = loadavg()[0];

// ---------------------------------------------------------------- the report

const mib = (v) => (Number.isFinite(v) ? v.toFixed(1) : "—");
const growth = (run, sample, kind = "total") => sample.pss[kind] - run.start[kind];
/** "+12.3 (app +4.0, web +8.1)" at `sample`. */
const growthCell = (run, sample) =>
  sample ? `+${mib(growth(run, sample))} (app +${mib(growth(run, sample, "app"))}, web +${mib(growth(run, sample, "web"))})` : "—";
const at = (run, loaded) => run?.samples.find((s) => s.loaded >= loaded && s.loaded < loaded + STEP);

function scrollTable() {
  const lines = [
    "| messages loaded | ours: time (s) | ours: PSS growth (MiB) | baseline: time (s) | baseline: PSS growth (MiB) |",
    "| --- | --- | --- | --- | --- |",
  ];
  const line = (run, s, loaded) => (s ? [`${s.seconds.toFixed(0)}${s.loaded !== loaded ? ` (${s.loaded})` : ""}`, growthCell(run, s)] : ["—", "—"]);
  const furthest = Math.max(scroll.ours?.loaded ?? 0, scroll.baseline?.loaded ?? 0);
  const shown = new Set();
  for (let loaded = STEP; loaded <= Math.min(furthest, seed.events); loaded += STEP) {
    const o = at(scroll.ours, loaded);
    const b = at(scroll.baseline, loaded);
    shown.add(o).add(b);
    lines.push(`| ${loaded} | ${[...line(scroll.ours, o, loaded), ...line(scroll.baseline, b, loaded)].join(" | ")} |`);
  }
  // Where each one stopped, when no step row shows it.
  const last = (run) => (run && !shown.has(run.samples.at(-1)) ? run.samples.at(-1) : null);
  const [o, b] = [last(scroll.ours), last(scroll.baseline)];
  if (o || b) lines.push(`| where it stopped | ${[...line(scroll.ours, o, null), ...line(scroll.baseline, b, null)].join(" | ")} |`);
  return lines;
}

function scrollSummary(label, run) {
  if (!run) return `- ${label}: not measured (see failures below).`;
  const last = run.samples.at(-1);
  const cap = run.capped === "time" ? `${options["cap-minutes"]} min of scrolling` : `its PSS grown by ${CAP_GROWTH_MIB} MiB`;
  const where = run.capped
    ? `**stopped** after ${cap} (the cap), with ${last.loaded} of ${seed.events} messages loaded,`
    : `reached the first message (${last.loaded} loaded)`;
  return `- ${label}: ${where} in ${last.seconds.toFixed(0)} s; PSS ${mib(run.start.total)} MiB at the start (app ${mib(run.start.app)}, web ${mib(run.start.web)}, network ${mib(run.start.network)}), then ${growthCell(run, last)} MiB.`;
}

function backSummary() {
  const line = (label, run) =>
    run?.back ? `${label} +${mib(run.back.total - run.start.total)} MiB (app +${mib(run.back.app - run.start.app)}, web +${mib(run.back.web - run.start.web)})` : `${label} not measured`;
  const ratio = scroll.ours?.back && scroll.baseline?.back
    ? `: ours ÷ baseline **${((scroll.ours.back.total - scroll.ours.start.total) / (scroll.baseline.back.total - scroll.baseline.start.total)).toFixed(2)}×**`
    : "";
  return `- Back down at the latest messages, ${BACK_SETTLE_MS / 1000} s later (PSS growth from the room opened): ${line("ours", scroll.ours)}; ${line("baseline", scroll.baseline)}${ratio}. Back at the latest messages of a room read far back, ours starts the live timeline afresh (the SDK's event cache shrinks the room to its last chunk, the page's store starts again from it); reading a history around a message, it clicks "Aller aux messages récents".`;
}

function scrollRatio() {
  const o = scroll.ours?.samples.at(-1);
  const b = scroll.baseline?.samples.at(-1);
  if (!o || !b) return "";
  // Both at the same number of messages: the last step both reached, or the end if both got there.
  const both = o.loaded === b.loaded ? [o, b] : (() => {
    const step = Math.floor(Math.min(o.loaded, b.loaded) / STEP) * STEP;
    return step > 0 ? [at(scroll.ours, step), at(scroll.baseline, step)] : null;
  })();
  if (!both) return "";
  const [os, bs] = both;
  return `- At ${os.loaded}${bs.loaded !== os.loaded ? ` (ours) and ${bs.loaded} (baseline)` : ""} messages, the furthest both reached: PSS growth ours ÷ baseline **${(growth(scroll.ours, os) / growth(scroll.baseline, bs)).toFixed(2)}×**, time **${(os.seconds / bs.seconds).toFixed(2)}×**.`;
}

const openValues = (room, phase) => openings.map((r) => r[room][phase]);
function openRow(label, phase) {
  const ratios = stats(openings.map((r) => r.large[phase] / r.small[phase]));
  const ratio = ratios ? `**${ratios.median.toFixed(2)}×** | ${ratios.min.toFixed(2)}× – ${ratios.max.toFixed(2)}×` : "— | —";
  return `| ${label} | ${cell(stats(openValues("large", phase)), 0)} | ${cell(stats(openValues("small", phase)), 0)} | ${ratio} |`;
}

const oursLast = scroll.ours?.samples.at(-1);
const growthMet = scroll.ours && !scroll.ours.capped && oursLast.loaded >= seed.events && growth(scroll.ours, oursLast) < PSS_GROWTH_AIM_MIB;
const sameBinary = OURS === BASELINE;
const block = [
  MARKS.start,
  MARKS.heading,
  "",
  `Written by \`make bench-timeline\` (\`tests/e2e/bench-timeline.mjs\`), ${((Date.now() - benchStarted) / 60000).toFixed(0)} min in all${options.seeded ? " after seeding" : ""}.`,
  "",
  `- Machine: ${machine()}. Date: ${new Date(benchStarted).toISOString().slice(0, 16).replace("T", " ")} UTC. Load average (1 min) at the start of the measures ${loadAtStart.toFixed(2)}, at the end ${loadAtEnd.toFixed(2)} (other programs ran on the machine meanwhile).`,
  `- Builds (dev profile: dependencies at opt-level 2, our crates at 0): ours \`${OURS}\`, baseline \`${BASELINE}\` (${options["baseline-label"]})${sameBinary ? " — **the same binary**: both are the app before the virtualised timeline (commit a783428); the virtualised figures come with the command at the end" : ""}. WebKitGTK ${installedVersion("dpkg-query", ["-W", "-f=${Version}", "libwebkit2gtk-4.1-0"])}. Xvfb 1280×800.`,
  `- Server: Synapse ${await synapseVersion(homeserver)} (SQLite) on the same machine (\`scripts/with-synapse.sh\`). Rooms seeded through its client and admin APIs in ${seed.times.total.toFixed(0)} s, not measured: ${seed.events} messages (${seed.times.history.toFixed(0)} s) and ${seed.members} members (${seed.times.members.toFixed(0)} s) at once, then ${OPENING_MESSAGES} messages in each room to open (${seed.times.opening.toFixed(0)} s)${options.seeded ? "; seeded by an earlier invocation on the same server (`--seeded`)" : ""}.${seed.note ? ` **Note**: ${seed.note}.` : ""}`,
  "",
  `### Scrolling back ${seed.events} messages`,
  "",
  `Plain text messages from another user, 3 to 60 words, one in seven on several lines, one in 250 a reply, one in 500 with a reaction. Each binary signs in afresh, opens the room (its newest message shown), waits ${SETTLE_MS / 1000} s, then scrolls to the top again and again until the room's first message is on screen, or stops after ${options["cap-minutes"]} min of scrolling or once its PSS grew by ${CAP_GROWTH_MIB} MiB (the machine is shared). PSS growth is from the room opened; in brackets its share in the app process (the Rust side: the SDK's timeline and event cache) and in the WebKit web process (the page); the rest is the network process.`,
  "",
  ...scrollTable(),
  "",
  scrollSummary("Ours", scroll.ours),
  scrollSummary("Baseline", scroll.baseline),
  scrollRatio(),
  backSummary(),
  "",
  `### Opening a room of ${seed.members} members`,
  "",
  `Click on the room in the list → its newest message drawn in the visible part of the timeline and the timeline not busy (\`aria-busy\`), the last ${OPENING_MESSAGES} messages loaded. Baseline: a room of 2 members holding the same ${OPENING_MESSAGES} messages, opened in the same session. ${openings.length} of ${RUNS} runs. Each cell: min / **median** / max (ms); ratio: ${seed.members} members ÷ 2 members within each run, median, then min – max.`,
  "",
  `| opened | ${seed.members} members | 2 members | ratio | per-run ratios |`,
  "| --- | --- | --- | --- | --- |",
  openRow("first time after signing in", "first"),
  openRow("again, after the other room", "again"),
  openRow("first time after restarting the app", "restart"),
  "",
  "### Aims",
  "",
  `- PSS grows by less than ${PSS_GROWTH_AIM_MIB} MiB while scrolling back ${seed.events} messages (issue 15): ours **${growthMet ? "met" : "not met"}**${oursLast ? ` (+${mib(growth(scroll.ours, oursLast))} MiB at ${oursLast.loaded}${scroll.ours.capped ? ", capped" : ""})` : ""}${sameBinary ? " — with the timeline before virtualisation, as both binaries here are" : ""}.`,
  `- Opening a room of ${seed.members} members: issue 15 asks for the figure, not a bound; shown as the ratio to a room of 2 members above.`,
  "",
  ...(failures.length ? ["**Not measured** (see `tests/e2e/artifacts/bench-timeline-*.log`):", "", ...failures.map((f) => `- ${f}`), ""] : []),
  "### What is measured",
  "",
  "- The script reads what is on screen, not the number of rows in the page (the virtualised timeline keeps only the rows near the viewport): every message starts with its number, \"Message n° 01234 — …\". While scrolling back, each poll sets the log's `scrollTop` to 0 (or, already there and idle, sends it a `scroll` event, as a wheel turn would) and reads the numbers under points of its visible part (`elementFromPoint`): the smallest is the oldest message loaded. Reply quotes are skipped.",
  `- *PSS*: the sum over the app process and its WebKit processes (\`/proc/PID/smaps_rollup\`), as in the whole-app figures; read every ${STEP} messages without waiting for other programs' WebKit processes to end (they share library pages with ours, which lowers our PSS a little), and the time spent reading it is left out of the scrolling time.`,
  "- *Opening*: the time from the WebDriver click to the poll (every 25 ms) that finds the newest message's text inside the log's visible rectangle with `aria-busy` not true; up to one poll late.",
  "",
  `Repeat: \`make bench-timeline BENCH_TIMELINE_BASELINE=PATH BENCH_TIMELINE_LABEL="what it is"\` (builds the debug app; the baseline is \`cargo build -p tchap-desktop\` at the commit to compare with, copied to PATH). Quicker: add \`BENCH_TIMELINE_ARGS="--events 2000 --members 300 --runs 1 --out /tmp/bench-timeline.md"\`.`,
  MARKS.end,
].join("\n");

writeBlock(options.out, block, MARKS);
console.log(block);
