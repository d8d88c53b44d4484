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
import { execFileSync, spawn } from "node:child_process";
import { createConnection } from "node:net";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, homedir, loadavg, tmpdir, totalmem } from "node:os";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { remote } from "webdriverio";

const root = resolve(import.meta.dirname, "../..");
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
const POLL_MS = 25;
const PSS_AIM_MIB = 350;
const FOREIGN_WAIT_MS = 120000;
const MARK_START = "<!-- app-bench:start -->";
const MARK_END = "<!-- app-bench:end -->";
const HEADING = "## Whole app (release build, real window under Xvfb)";

// What the polls look for in the page (run inside the webview).
const LOGIN_FORM = "form input[type=password]";
const ROOM_ROWS = 'nav [role="listbox"] > [role="option"]';
const CONVERSATIONS = '[role="listbox"][aria-label="Conversations"] > [role="option"]';
const BARE_TITLE = "bare window"; // bare_window.rs's page title

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Wall-clock time in ms with sub-ms precision (the page and /proc are compared to it). */
const now = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------- processes

const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));

/**
 * The wall-clock time of boot. /proc/uptime counts CLOCK_BOOTTIME in 10 ms
 * steps: reading it until it steps pins the offset to well under 1 ms.
 */
function bootTime() {
  const uptime = () => readFileSync("/proc/uptime", "utf8").split(" ")[0];
  const first = uptime();
  for (;;) {
    const value = uptime();
    if (value !== first) return now() - Number(value) * 1000;
  }
}

/** A numeric field of /proc/PID/stat, numbered as in proc(5) (field 2, the name, may hold spaces). */
function statField(pid, number) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[number - 3]);
}

/** When the process started (wall clock, ms): field 22 is its start in clock ticks since boot. */
function processStart(pid) {
  return bootTime() + (statField(pid, 22) / CLOCK_TICKS) * 1000;
}

function parentOf(pid) {
  try {
    return statField(pid, 4);
  } catch {
    return null; // gone meanwhile
  }
}

const allProcesses = () => readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number);

function descendants(pid) {
  const children = new Map();
  for (const child of allProcesses()) {
    const parent = parentOf(child);
    if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const next = children.get(queue.shift()) ?? [];
    found.push(...next);
    queue.push(...next);
  }
  return found;
}

function executable(pid) {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return "";
  }
}

/** The pid of `binary` among the driver's descendants (WebKitWebDriver starts it). */
async function findProcess(driverPid, binary) {
  const wanted = realpathSync(binary);
  for (let waited = 0; waited < 20000; waited += 100) {
    const pid = descendants(driverPid).find((p) => executable(p) === wanted);
    if (pid) return pid;
    await sleep(100);
  }
  throw new Error(`no ${basename(binary)} process under tauri-driver`);
}

function pssKiB(pid) {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)[1]);
}

const isWebKitProcess = (pid) => /^WebKit(Web|Network)Process$/.test(basename(executable(pid)));

/**
 * PSS (MiB) of the app process and every process under it, by kind. Other
 * programs' WebKit processes share library pages with ours and so lower our
 * PSS: first wait a while for them to end, then count those still there.
 */
async function memory(appPid) {
  let tree = descendants(appPid);
  const foreign = () => allProcesses().filter((pid) => !tree.includes(pid) && isWebKitProcess(pid));
  for (let waited = 0; waited < FOREIGN_WAIT_MS && foreign().length > 0; waited += 1000) await sleep(1000);
  tree = descendants(appPid);
  const mib = { app: pssKiB(appPid) / 1024, web: 0, network: 0, other: 0, total: 0, others: [] };
  for (const pid of tree) {
    const name = basename(executable(pid));
    const kind = name === "WebKitWebProcess" ? "web" : name === "WebKitNetworkProcess" ? "network" : "other";
    mib[kind] += pssKiB(pid) / 1024;
    if (kind === "other") mib.others.push(name || `pid ${pid}`);
  }
  mib.total = mib.app + mib.web + mib.network + mib.other;
  mib.foreignWebKit = foreign().length;
  return mib;
}

// ---------------------------------------------------------------- driving a window

/**
 * Starts `binary` through tauri-driver (like app.mjs's launchApp, which is
 * tied to the one binary of TCHAP_APP_BINARY): the session, and the pid and
 * start time of the app process. The driver's and app's output go to `log`.
 * A driver that cannot start a session (seen on a loaded machine: it could
 * not reach WebKitWebDriver) is stopped and another one tried.
 */
async function launch(binary, env, log) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await launchOnce(binary, env, log);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function launchOnce(binary, env, log) {
  const port = 4444 + Math.floor(Math.random() * 1000);
  const output = openSync(log, "a");
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(port + 1000)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", output, output],
    detached: true, // its own process group: closing takes WebKitWebDriver and the app with it
  });
  closeSync(output);
  try {
    await portOpen(port);
    const browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "warn",
      connectionRetryCount: 0,
      waitforTimeout: 30000,
      capabilities: { "tauri:options": { application: binary }, "wdio:enforceWebDriverClassic": true },
    });
    const pid = await findProcess(driver.pid, binary);
    return {
      browser,
      pid,
      startedAt: processStart(pid),
      async close() {
        await browser.deleteSession().catch(() => {});
        await stopGroup(driver.pid);
      },
    };
  } catch (error) {
    await stopGroup(driver.pid);
    throw error;
  }
}

/** SIGTERM lets the app close its session (the warm start needs it saved); SIGKILL after 15 s. */
async function stopGroup(pid) {
  const signal = (sig) => {
    try {
      process.kill(-pid, sig);
      return true;
    } catch {
      return false;
    }
  };
  signal("SIGTERM");
  for (let waited = 0; waited < 15000 && signal(0); waited += 100) await sleep(100);
  signal("SIGKILL");
}

async function portOpen(port) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const open = await new Promise((done) => {
      const socket = createConnection({ host: "127.0.0.1", port }, () => (socket.end(), done(true)));
      socket.on("error", () => done(false));
    });
    if (open) return;
    await sleep(100);
  }
  throw new Error(`tauri-driver did not listen on port ${port}`);
}

/**
 * Polls the page every POLL_MS until `check(value)` holds; returns the time
 * the answering poll came back (so at most one poll late).
 */
async function pollPage(browser, what, script, args, check, timeout = 60000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await browser.execute(script, ...args);
    if (check(value)) return now();
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

/** When FIRST_ROWS and then all `expected` room-list rows are in the page. */
async function roomRowsShown(browser, expected, { failOnLoginForm = false } = {}) {
  const firstCount = Math.min(FIRST_ROWS, expected);
  let firstAt;
  const allAt = await pollPage(
    browser,
    `${expected} room rows`,
    (rows, form) => ({ rows: document.querySelectorAll(rows).length, login: document.querySelector(form) !== null }),
    [ROOM_ROWS, LOGIN_FORM],
    ({ rows, login }) => {
      if (login && failOnLoginForm) throw new Error("the login form is shown: the session was not restored");
      if (rows >= firstCount) firstAt ??= now();
      return rows >= expected;
    },
    300000,
  );
  return { firstAt, allAt };
}

/** The recovery set-up (or session verification) dialog a new device gets: "Plus tard". */
async function postponeSecurityDialog(browser) {
  const dialog = await browser.$("dialog[open]");
  if (!(await dialog.waitForDisplayed({ timeout: 30000 }).catch(() => false))) return;
  await dialog.$("aria/Plus tard").click();
  await dialog.waitForDisplayed({ reverse: true, timeout: 10000 });
}

async function openFirstRoomAndSettle(browser) {
  await postponeSecurityDialog(browser);
  await browser.$(CONVERSATIONS).click();
  await browser.$('[role="log"]').waitForDisplayed({ timeout: 30000 });
  await sleep(SETTLE_MS);
}

const artifacts = join(import.meta.dirname, "artifacts");
mkdirSync(artifacts, { recursive: true });

/**
 * Runs `steps` on a launched window and closes it whatever happens. Its
 * output goes to artifacts/NAME.log; a failure also leaves NAME.png there.
 */
async function measured(binary, env, name, steps) {
  const log = join(artifacts, `${name}.log`);
  writeFileSync(log, ""); // the attempts of this launch only
  const app = await launch(binary, env, log);
  try {
    return await steps(app);
  } catch (error) {
    await app.browser.saveScreenshot(join(artifacts, `${name}.png`)).catch(() => {});
    throw error;
  } finally {
    await app.close();
  }
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

function stats(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { min: sorted[0], median, max: sorted.at(-1) };
}

const cell = (s, digits) => (s ? `${s.min.toFixed(digits)} / **${s.median.toFixed(digits)}** / ${s.max.toFixed(digits)}` : "not measured");

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

function machine() {
  const model = /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown CPU";
  return `${model}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB of memory`;
}

function installedVersion(command, args) {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

function lockedVersion(crate) {
  const lock = readFileSync(join(root, "Cargo.lock"), "utf8");
  return new RegExp(`name = "${crate}"\\nversion = "([^"]+)"`).exec(lock)?.[1] ?? "unknown";
}

async function synapseVersion() {
  try {
    return (await (await fetch(`${homeserver}/_synapse/admin/v1/server_version`)).json()).server_version;
  } catch {
    return "unknown";
  }
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
  `- Server: Synapse ${await synapseVersion()} on the same machine (\`scripts/with-synapse.sh\`); secrets in a throwaway GNOME Keyring (\`tests/keyring/with-keyring.sh\`), one for the whole run.`,
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
  `- *Shown / rows*: the page is polled through WebDriver (\`execute\`) every ${POLL_MS} ms; a time is when the poll that saw the state came back, so up to one poll (${POLL_MS} ms plus a round trip of a few ms) late. The first poll can only come once WebKitWebDriver has its session: a page shown sooner is reported at that moment. *Page navigation start* is the page's own \`performance.timeOrigin\` (the same wall clock): before it, native start-up (the process, Tauri, the WebKit processes and, here, the WebDriver automation session, which a normal launch does not have); after it, the page's own work. Rows: \`${ROOM_ROWS}\` (invites and joined rooms; the list is not virtualized).`,
  "- *Cold*: fresh data folder, login form filled (server pre-filled by `TCHAP_DEFAULT_HOMESERVER`), times from the click on \"Se connecter\": password login as a new device, initial sync, list painted. *Warm*: the same folder relaunched, session restored from the keyring without login, times from process start.",
  `- *PSS*: the sum of \`Pss:\` in \`/proc/PID/smaps_rollup\` of the app process and all its descendants (WebKitWebProcess, WebKitNetworkProcess, any other), after the security dialog of a new device is postponed, the first conversation opened (its timeline shown) and ${SETTLE_MS / 1000} s of settling. PSS splits shared pages among all the processes mapping them, so the sum is this set's share, and it drops while another program's WebKit processes run (hence the wait for them, and the note above); tauri-driver and WebKitWebDriver are not counted. The bare window: the same sum ${SETTLE_MS / 1000} s after its page shows.`,
  "",
  `Repeat: \`make bench-app\`; quicker, to try something: \`make bench-app BENCH_APP_ARGS="--rooms 50 --runs 1 --out /tmp/bench-app.md"\`.`,
  MARK_END,
].join("\n");

writeBlock(options.out, block);
console.log(block);

/**
 * Replaces the block in `path`, else puts it before "## How to repeat", else
 * at the end. `make bench` rewrites BENCHMARKS.md keeping other sections
 * from their "## " line: a block that lost its start marker there is found
 * by its heading.
 */
function writeBlock(path, text) {
  const lines = existsSync(path) ? readFileSync(path, "utf8").split("\n") : [];
  let start = lines.indexOf(MARK_START);
  if (start < 0) start = lines.indexOf(HEADING);
  const end = lines.indexOf(MARK_END, Math.max(start, 0));
  if (start >= 0 && end >= 0) lines.splice(start, end - start + 1);
  let at = lines.findIndex((line) => line.startsWith("## How to repeat"));
  if (at < 0) at = lines.length;
  lines.splice(at, 0, "", text, "");
  writeFileSync(path, lines.join("\n").replace(/\n{3,}/g, "\n\n").replace(/^\n+/, ""));
}
