// Whole-app figures (`make bench-app`): the release app in its real window
// under Xvfb, driven through tauri-driver + WebKitWebDriver, beside a bare
// Tauri 2 window (src-tauri/examples/bare_window.rs) measured in the same run:
// process start → login form / room list painted (cold login and warm start),
// and PSS of the app plus its WebKit processes with the rooms listed and one
// room open. Writes its block to BENCHMARKS.md.
//
//   node tests/e2e/bench-app.mjs [--rooms 1000] [--runs 3] [--out BENCHMARKS.md]
//
// Needs TCHAP_TEST_HOMESERVER and TCHAP_TEST_SHARED_SECRET (scripts/with-synapse.sh),
// a display (xvfb-run) and a keyring shared by the whole run (tests/keyring/with-keyring.sh):
// the warm start restores the session the cold login stored there.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { homedir, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  FOREIGN_WAIT_MS, POLL_MS, cell, installedVersion, launch, lockedVersion, machine, measured, memory, now, pollPage,
  postponeSecurityDialog, root, sleep, stats, synapseVersion, writeBlock,
} from "./bench-lib.mjs";

const { values: options } = parseArgs({
  options: {
    rooms: { type: "string", default: "1000" },
    runs: { type: "string", default: process.env.BENCH_APP_RUNS ?? "3" },
    out: { type: "string", default: join(root, "BENCHMARKS.md") },
  },
});
const ROOMS = Number(options.rooms);
const RUNS = Number(options.runs);

const homeserver = process.env.TCHAP_TEST_HOMESERVER;
const sharedSecretFile = process.env.TCHAP_TEST_SHARED_SECRET;
if (!homeserver || !sharedSecretFile) throw new Error("TCHAP_TEST_HOMESERVER is not set: run through `make bench-app`");

const targetDir = process.env.CARGO_TARGET_DIR ?? join(homedir(), ".cache/tchap/target");
const OURS = join(targetDir, "release/tchap-desktop");
const BARE = join(targetDir, "release/examples/bare_window");
for (const binary of [OURS, BARE]) {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: build it with \`make bench-app\``);
}

const FIRST_ROWS = 20;
const SETTLE_MS = 3000;
const PSS_AIM_MIB = 350;
const MARK_START = "<!-- app-bench:start -->";
const MARK_END = "<!-- app-bench:end -->";
const HEADING = "## Whole app (release build, real window under Xvfb)";

// What the polls look for in the page (run inside the webview).
const LOGIN_FORM = "form input[type=password]";
// The sidebar draws only the rows near its viewport: the rooms it lists are the
// sum of its listboxes' aria-setsize (each option says the size of its list).
const ROOM_LISTS = 'nav [role="listbox"]';
const CONVERSATIONS = '[role="listbox"][aria-label="Conversations"] > [role="option"]';
const BARE_TITLE = "bare window"; // bare_window.rs's page title

/** When FIRST_ROWS and then all `expected` room-list rows are in the page. */
async function roomRowsShown(browser, expected, { failOnLoginForm = false } = {}) {
  const firstCount = Math.min(FIRST_ROWS, expected);
  let firstAt;
  const allAt = await pollPage(
    browser,
    `${expected} room rows`,
    (lists, form) => ({
      rows: [...document.querySelectorAll(lists)].reduce(
        (sum, list) => sum + Number(list.querySelector('[role="option"]')?.getAttribute("aria-setsize") ?? 0),
        0,
      ),
      login: document.querySelector(form) !== null,
    }),
    [ROOM_LISTS, LOGIN_FORM],
    ({ rows, login }) => {
      if (login && failOnLoginForm) throw new Error("the login form is shown: the session was not restored");
      if (rows >= firstCount) firstAt ??= now();
      return rows >= expected;
    },
    300000,
  );
  return { firstAt, allAt };
}


async function openFirstRoomAndSettle(browser) {
  await postponeSecurityDialog(browser);
  await browser.$(CONVERSATIONS).click();
  await browser.$('[role="log"]').waitForDisplayed({ timeout: 30000 });
  await sleep(SETTLE_MS);
}

// ---------------------------------------------------------------- the three measurements

function measureBare(run) {
  return measured(BARE, {}, `bench-app-bare-${run}`, async ({ browser, pid, startedAt }) => {
    const shownAt = await pollPage(browser, "the bare page", () => document.title, [], (title) => title === BARE_TITLE);
    const navigationAt = await browser.execute(() => performance.timeOrigin);
    await sleep(SETTLE_MS);
    return { startToNavigation: navigationAt - startedAt, startToShown: shownAt - startedAt, pss: await memory(pid) };
  });
}

function measureCold(run, account, dataDir) {
  const env = { TCHAP_DATA_DIR: dataDir, TCHAP_DEFAULT_HOMESERVER: homeserver };
  return measured(OURS, env, `bench-app-cold-${run}`, async ({ browser, pid, startedAt }) => {
    const formAt = await pollPage(browser, "the login form", (form) => document.querySelector(form) !== null, [LOGIN_FORM], Boolean);
    const navigationAt = await browser.execute(() => performance.timeOrigin);
    await browser.$("aria/Identifiant").setValue(account.user);
    await browser.$("aria/Mot de passe").setValue(account.password);
    const submittedAt = now();
    await browser.$("aria/Se connecter").click();
    const rows = await roomRowsShown(browser, account.expected);
    await openFirstRoomAndSettle(browser);
    return {
      startToNavigation: navigationAt - startedAt,
      startToShown: formAt - startedAt,
      toFirstRows: rows.firstAt - submittedAt,
      toAllRows: rows.allAt - submittedAt,
      pss: await memory(pid),
    };
  });
}

function measureWarm(run, account, dataDir) {
  const env = { TCHAP_DATA_DIR: dataDir, TCHAP_DEFAULT_HOMESERVER: homeserver };
  return measured(OURS, env, `bench-app-warm-${run}`, async ({ browser, pid, startedAt }) => {
    const rows = await roomRowsShown(browser, account.expected, { failOnLoginForm: true });
    await openFirstRoomAndSettle(browser);
    return { toFirstRows: rows.firstAt - startedAt, toAllRows: rows.allAt - startedAt, pss: await memory(pid) };
  });
}

// ---------------------------------------------------------------- the run

function seed() {
  const started = Date.now();
  const output = execFileSync(
    "python3",
    [join(root, "scripts/bench-seed.py"), "--homeserver", homeserver, "--shared-secret-file", sharedSecretFile, "--rooms", String(ROOMS)],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 20 },
  );
  const account = JSON.parse(output.trim().split("\n").at(-1));
  return { ...account, seedSeconds: (Date.now() - started) / 1000 };
}

const failures = [];

/** A measurement's result, or null with its error noted for the report. */
async function attempt(what, measurement) {
  try {
    return await measurement();
  } catch (error) {
    console.error(`bench-app: ${what} failed: ${error.stack ?? error}`);
    failures.push(`${what}: ${String(error.message ?? error).split("\n")[0]}`);
    return null;
  }
}

const benchStarted = Date.now();
console.error(`bench-app: seeding an account with ${ROOMS} rooms…`);
const account = seed();
console.error(`bench-app: ${account.user}, ${account.expected} entries expected (seeded in ${account.seedSeconds.toFixed(0)} s)`);

const firstRows = Math.min(FIRST_ROWS, account.expected);
const loadAtStart = loadavg()[0]; // after seeding, which loads the machine with Synapse
const runs = [];
for (let run = 1; run <= RUNS; run++) {
  // Which of bare and ours goes first alternates, so that neither always
  // meets a machine still busy with the other.
  const dataDir = mkdtempSync(join(tmpdir(), "tchap-bench-app-"));
  const result = { bare: null, cold: null, warm: null };
  const bare = async () => (result.bare = await attempt(`run ${run}, bare window`, () => measureBare(run)));
  const ours = async () => {
    result.cold = await attempt(`run ${run}, ours cold`, () => measureCold(run, account, dataDir));
    if (result.cold) result.warm = await attempt(`run ${run}, ours warm`, () => measureWarm(run, account, dataDir));
  };
  for (const step of run % 2 === 1 ? [bare, ours] : [ours, bare]) await step();
  rmSync(dataDir, { recursive: true, force: true });
  runs.push(result);
  console.error(`bench-app: run ${run}/${RUNS}: ${JSON.stringify(result)}`);
}
const loadAtEnd = loadavg()[0];

// ---------------------------------------------------------------- the report
/** A table row: ours, bare (if it has a counterpart), and the ratio within each run. */
function row(label, ours, bare, digits) {
  const oursStats = stats(runs.map(ours));
  if (!bare) return `| ${label} | ${cell(oursStats, digits)} | — | — | — |`;
  const ratios = stats(runs.map((r) => ours(r) / bare(r)));
  const ratio = ratios ? `**${ratios.median.toFixed(2)}×**` : "—";
  const range = ratios ? `${ratios.min.toFixed(2)}× – ${ratios.max.toFixed(2)}×` : "—";
  return `| ${label} | ${cell(oursStats, digits)} | ${cell(stats(runs.map(bare)), digits)} | ${ratio} | ${range} |`;
}

const field = (phase, ...path) => (r) => path.reduce((v, key) => v?.[key], r[phase]) ?? NaN;

/** Measurements taken while another program's WebKit processes ran. */
const sharedWithOthers = runs.flatMap((r, i) =>
  ["bare", "cold", "warm"].filter((phase) => r[phase]?.pss.foreignWebKit).map((phase) => `run ${i + 1} ${phase} (${r[phase].pss.foreignWebKit})`),
);

const otherDescendants = [...new Set(runs.flatMap((r) => [r.bare, r.cold, r.warm].flatMap((m) => m?.pss.others ?? [])))];

function memoryRows(phase, title) {
  const kinds = ["app", "web", "network", ...(otherDescendants.length ? ["other"] : []), "total"];
  return kinds.map((kind) => {
    const label = { app: "app process", web: "WebKit web process", network: "WebKit network process", other: "other descendants", total: "**total**" }[kind];
    return row(`${title}: ${label}`, field(phase, "pss", kind), field("bare", "pss", kind), 1);
  });
}

function pssAim(phase, title) {
  const ours = stats(runs.map(field(phase, "pss", "total")));
  const bare = stats(runs.map(field("bare", "pss", "total")));
  if (!ours) return `- **not measured**: PSS ≤ ${PSS_AIM_MIB} MiB ${title}`;
  const verdict = ours.median <= PSS_AIM_MIB ? "met" : "NOT met";
  const bareText = bare ? `bare window ${bare.median.toFixed(1)} MiB` : "bare window not measured";
  return `- **${verdict}**: PSS ≤ ${PSS_AIM_MIB} MiB with ${account.rooms} rooms listed and one room open, ${title}: ours ${ours.median.toFixed(1)} MiB (median; max ${ours.max.toFixed(1)}), ${bareText}`;
}

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const demoLoginCompiledIn = readFileSync(OURS).includes("TCHAP_DEMO_USER");
const minutes = (Date.now() - benchStarted) / 60000;

const block = [
  MARK_START,
  HEADING,
  "",
  `Written by \`make bench-app\` (\`tests/e2e/bench-app.mjs\`), ${RUNS} run${RUNS > 1 ? "s" : ""}, ${minutes.toFixed(0)} min in all.`,
  "",
  `- Machine: ${machine()}. Date: ${new Date(benchStarted).toISOString().slice(0, 16).replace("T", " ")} UTC. Load average (1 min) at the start of the runs ${loadAtStart.toFixed(2)}, at the end ${loadAtEnd.toFixed(2)}: anything else running shows there.`,
  `- Build: release profile (thin LTO, 4 codegen units, debug info stripped), \`tchap-desktop\` and the \`bare_window\` example of the same package (tauri ${lockedVersion("tauri")}, wry ${lockedVersion("wry")}, same features); WebKitGTK ${installedVersion("dpkg-query", ["-W", "-f=${Version}", "libwebkit2gtk-4.1-0"])}. Xvfb screen 1280×800×24, windows 1200×800.`,
  `- Release binary: ${mib(statSync(OURS).size)} (bare window ${mib(statSync(BARE).size)}). Demo login compiled in: ${demoLoginCompiledIn ? "**yes — `TCHAP_DEMO_USER` is in the binary**" : "no (no `TCHAP_DEMO_USER` string in the binary)"}.`,
  `- Server: Synapse ${await synapseVersion(homeserver)} on the same machine (\`scripts/with-synapse.sh\`); secrets in a throwaway GNOME Keyring (\`tests/keyring/with-keyring.sh\`), one for the whole run.`,
  `- Account (seeded once by \`scripts/bench-seed.py\`, in ${account.seedSeconds.toFixed(0)} s, not measured): ${account.rooms} joined rooms, of which ${account.encrypted} encrypted and ${account.dms} direct chats, ${account.with_messages} with messages; plus ${account.invites} pending invites. The list shows ${account.expected} entries.`,
  "",
  "Each cell: min / **median** / max over the runs. Ratio: ours ÷ bare window within each run (measured back to back), **median** of those, then their min – max.",
  "",
  "### Start → room list painted (ms)",
  "",
  "| measure | ours | bare window | ours/bare | per-run ratios |",
  "| --- | --- | --- | --- | --- |",
  row("process start → page navigation start (`performance.timeOrigin`)", field("cold", "startToNavigation"), field("bare", "startToNavigation"), 0),
  row("process start → first page shown (ours: login form; bare: its page)", field("cold", "startToShown"), field("bare", "startToShown"), 0),
  row(`cold: login submitted → first ${firstRows} rooms`, field("cold", "toFirstRows"), null, 0),
  row(`cold: login submitted → all ${account.expected} entries`, field("cold", "toAllRows"), null, 0),
  row(`warm: process start → first ${firstRows} rooms`, field("warm", "toFirstRows"), null, 0),
  row(`warm: process start → all ${account.expected} entries`, field("warm", "toAllRows"), null, 0),
  "",
  `### Memory: PSS (MiB) with ${account.expected} entries listed and one room open, ${SETTLE_MS / 1000} s settled`,
  "",
  "| measure | ours | bare window | ours/bare | per-run ratios |",
  "| --- | --- | --- | --- | --- |",
  ...memoryRows("cold", "after cold login"),
  ...memoryRows("warm", "after warm start"),
  "",
  ...(otherDescendants.length ? [`Other descendants seen: ${otherDescendants.join(", ")}.`, ""] : []),
  sharedWithOthers.length
    ? `Other programs' WebKit processes were running during: ${sharedWithOthers.join(", ")}. They map the same libraries, so these PSS figures are lower than alone (each measurement first waits up to ${FOREIGN_WAIT_MS / 1000} s for them to end).`
    : "No other program's WebKit process ran during the memory measurements.",
  "",
  "### Aims",
  "",
  pssAim("cold", "after cold login"),
  pssAim("warm", "after warm start"),
  `- Start → room list painted: no numeric aim; reported above (cold: ${cell(stats(runs.map(field("cold", "toAllRows"))), 0)} ms from login to all entries; warm: ${cell(stats(runs.map(field("warm", "toAllRows"))), 0)} ms from process start to all entries).`,
  "",
  ...(failures.length ? ["**Not measured** (failed; see `tests/e2e/artifacts/bench-app-*.log` and `.png`):", "", ...failures.map((f) => `- ${f}`), ""] : []),
  "### What is measured",
  "",
  "- *Process start*: the app process's start time, `/proc/PID/stat` field 22 (clock ticks since boot, 10 ms steps), placed on the wall clock against `/proc/uptime` read until it steps (offset well under 1 ms). The start is rounded down to its tick, so start-based figures may be up to 10 ms long. The process is found as the descendant of tauri-driver (under WebKitWebDriver) running the binary.",
  `- *Shown / rows*: the page is polled through WebDriver (\`execute\`) every ${POLL_MS} ms; a time is when the poll that saw the state came back, so up to one poll (${POLL_MS} ms plus a round trip of a few ms) late. The first poll can only come once WebKitWebDriver has its session: a page shown sooner is reported at that moment. *Page navigation start* is the page's own \`performance.timeOrigin\` (the same wall clock): before it, native start-up (the process, Tauri, the WebKit processes and, here, the WebDriver automation session, which a normal launch does not have); after it, the page's own work. Rows: the rooms listed in \`${ROOM_LISTS}\` (invites and joined rooms), read from their options' \`aria-setsize\`: the list is virtualized and draws only the rows near its viewport, so the rows are drawn in the same update that lists them.`,
  "- *Cold*: fresh data folder, login form filled (server pre-filled by `TCHAP_DEFAULT_HOMESERVER`), times from the click on \"Se connecter\": password login as a new device, initial sync, list painted. *Warm*: the same folder relaunched, session restored from the keyring without login, times from process start.",
  `- *PSS*: the sum of \`Pss:\` in \`/proc/PID/smaps_rollup\` of the app process and all its descendants (WebKitWebProcess, WebKitNetworkProcess, any other), after the security dialog of a new device is postponed, the first conversation opened (its timeline shown) and ${SETTLE_MS / 1000} s of settling. PSS splits shared pages among all the processes mapping them, so the sum is this set's share, and it drops while another program's WebKit processes run (hence the wait for them, and the note above); tauri-driver and WebKitWebDriver are not counted. The bare window: the same sum ${SETTLE_MS / 1000} s after its page shows.`,
  "",
  `Repeat: \`make bench-app\`; quicker, to try something: \`make bench-app BENCH_APP_ARGS="--rooms 50 --runs 1 --out /tmp/bench-app.md"\`.`,
  MARK_END,
].join("\n");

writeBlock(options.out, block, { start: MARK_START, end: MARK_END, heading: HEADING });
console.log(block);
