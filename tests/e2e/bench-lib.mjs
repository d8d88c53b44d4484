// What the whole-app benchmarks share (bench-app.mjs, bench-media.mjs): launching
// a binary through tauri-driver, finding its processes, their PSS, polling the
// page, statistics, the machine's description and writing a block of BENCHMARKS.md.
import { execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, realpathSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { basename, join, resolve } from "node:path";
import { remote } from "webdriverio";
import { portOpen } from "./app.mjs";

export const root = resolve(import.meta.dirname, "../..");
export const POLL_MS = 25;
export const FOREIGN_WAIT_MS = 120000;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Wall-clock time in ms with sub-ms precision (the page and /proc are compared to it). */
export const now = () => performance.timeOrigin + performance.now();

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
 * PSS: first wait a while for them to end (`foreignWaitMs`), then count those still there.
 */
export async function memory(appPid, { foreignWaitMs = FOREIGN_WAIT_MS } = {}) {
  let tree = descendants(appPid);
  const foreign = () => allProcesses().filter((pid) => !tree.includes(pid) && isWebKitProcess(pid));
  for (let waited = 0; waited < foreignWaitMs && foreign().length > 0; waited += 1000) await sleep(1000);
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
export async function launch(binary, env, log) {
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

/**
 * Polls the page every POLL_MS until `check(value)` holds; returns the time
 * the answering poll came back (so at most one poll late).
 */
export async function pollPage(browser, what, script, args, check, timeout = 60000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await browser.execute(script, ...args);
    if (check(value)) return now();
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

/** The recovery set-up (or session verification) dialog a new device gets: "Plus tard". */
export async function postponeSecurityDialog(browser) {
  const dialog = await browser.$("dialog[open]");
  if (!(await dialog.waitForDisplayed({ timeout: 30000 }).catch(() => false))) return;
  await dialog.$("aria/Plus tard").click();
  await dialog.waitForDisplayed({ reverse: true, timeout: 10000 });
}

export const artifacts = join(import.meta.dirname, "artifacts");
mkdirSync(artifacts, { recursive: true });

/**
 * Runs `steps` on a launched window and closes it whatever happens. Its
 * output goes to artifacts/NAME.log; a failure also leaves NAME.png there.
 */
export async function measured(binary, env, name, steps) {
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


export function stats(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { min: sorted[0], median, max: sorted.at(-1) };
}

export const cell = (s, digits) => (s ? `${s.min.toFixed(digits)} / **${s.median.toFixed(digits)}** / ${s.max.toFixed(digits)}` : "not measured");

export function machine() {
  const model = /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown CPU";
  return `${model}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB of memory`;
}

export function installedVersion(command, args) {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

export function lockedVersion(crate) {
  const lock = readFileSync(join(root, "Cargo.lock"), "utf8");
  return new RegExp(`name = "${crate}"\\nversion = "([^"]+)"`).exec(lock)?.[1] ?? "unknown";
}

export async function synapseVersion(homeserver) {
  try {
    return (await (await fetch(`${homeserver}/_synapse/admin/v1/server_version`)).json()).server_version;
  } catch {
    return "unknown";
  }
}


/**
 * Replaces the block in `path`, else puts it before "## How to repeat", else
 * at the end. `make bench` rewrites BENCHMARKS.md keeping other sections
 * from their "## " line: a block that lost its start marker there is found
 * by its heading.
 */
export function writeBlock(path, text, { start: MARK_START, end: MARK_END, heading: HEADING }) {
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

