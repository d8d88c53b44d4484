// Starts the real app through tauri-driver (which drives WebKitWebDriver) and
// returns a WebdriverIO session on its window.
import { spawn } from "node:child_process";
import { createConnection } from "node:net";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { remote } from "webdriverio";

export const application = process.env.TCHAP_APP_BINARY ?? resolve(import.meta.dirname, "../../target/debug/tchap-desktop");

/**
 * `dataDir`: reuse the folder of an earlier launch (a relaunch of the app).
 * `env`: extra environment for the app (and its driver).
 */
export async function launchApp({ homeserver, dataDir = mkdtempSync(join(tmpdir(), "tchap-e2e-")), env = {} }) {
  // A driver that cannot start a session (seen once on a loaded machine, at
  // the first launch) is stopped and a new one tried on other ports.
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = 4444 + Math.floor(Math.random() * 1000);
    const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(port + 1000)], {
      env: { ...process.env, TCHAP_DATA_DIR: dataDir, TCHAP_DEFAULT_HOMESERVER: homeserver, ...env },
      stdio: ["ignore", "inherit", "inherit"],
      // Its own process group, so that closing takes WebKitWebDriver and the app with it.
      detached: true,
    });
    let browser;
    try {
      // tauri-driver needs a moment before it accepts sessions.
      browser = await connect(port);
    } catch (error) {
      lastError = error;
      await stopGroup(driver.pid);
      continue;
    }
    return {
      browser,
      dataDir,
      async close() {
        await browser.deleteSession().catch(() => {});
        await stopGroup(driver.pid);
      },
    };
  }
  throw lastError;
}

/**
 * SIGTERM lets the app close its session; the next launch must not find it
 * still holding the single-instance name, so wait for the group (15 s at most).
 */
async function stopGroup(pid) {
  signalGroup(pid, "SIGTERM");
  for (let waited = 0; waited < 15000 && signalGroup(pid, 0); waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
  }
  signalGroup(pid, "SIGKILL");
}

/** Signals a process group; false once it is gone. */
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once something listens on the port (tauri-driver takes a moment). */
export async function portOpen(port) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const open = await new Promise((resolve) => {
      const socket = createConnection({ host: "127.0.0.1", port }, () => (socket.end(), resolve(true)));
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not listen on port ${port}`);
}

async function connect(port) {
  await portOpen(port);
  let lastError;
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      return await remote({
        hostname: "127.0.0.1",
        port,
        logLevel: "warn",
        connectionRetryCount: 0,
        // A loaded CI machine can take seconds to show what sync brings:
        // element commands wait up to this for their element to appear.
        waitforTimeout: 30000,
        capabilities: { "tauri:options": { application }, "wdio:enforceWebDriverClassic": true },
      });
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw lastError;
}

/** Screenshots land here (kept by CI as the tests' artifacts). */
export const artifacts = resolve(import.meta.dirname, "artifacts");
mkdirSync(artifacts, { recursive: true });

/**
 * Launches the app, runs `steps(app)`, and closes it whatever happens; on a
 * failure, first saves a screenshot named `failureShot` in `artifacts`.
 * Returns the app's data folder, for a relaunch.
 */
export async function withApp(options, failureShot, steps) {
  const app = await launchApp(options);
  try {
    await steps(app);
  } catch (error) {
    mkdirSync(artifacts, { recursive: true });
    await app.browser.saveScreenshot(resolve(artifacts, failureShot)).catch(() => {});
    throw error;
  } finally {
    await app.close();
  }
  return app.dataDir;
}

/**
 * A new account is offered the recovery key set-up as soon as it is signed
 * in: tests about something else answer "Plus tard".
 */
export async function postponeSecureBackup(browser) {
  const dialog = await browser.$('dialog[open][aria-labelledby]');
  await dialog.waitForDisplayed({ timeout: 60000 });
  const title = await dialog.$("h2").getText();
  if (title !== "Sauvegarde sécurisée") throw new Error(`expected the secure backup dialog, got "${title}"`);
  await dialog.$("aria/Plus tard").click();
  await dialog.waitForDisplayed({ reverse: true, timeout: 10000 });
}

/** Signs in on the login form with a Matrix user name (the server comes pre-filled). */
export async function signIn(browser, username, password) {
  const $ = browser.$.bind(browser);
  await $("aria/Connexion à Tchap").waitForDisplayed({ timeout: 30000 });
  await $("aria/Identifiant").setValue(username);
  await $("aria/Mot de passe").setValue(password);
  await $("aria/Se connecter").click();
}

/** Opens the room `name` from the room list; resolves to its timeline. */
export async function openRoom(browser, name) {
  const room = await browser.$('[role="listbox"][aria-label="Conversations"]').$(`[role="option"]*=${name}`);
  await room.waitForDisplayed({ timeout: 60000 });
  await room.click();
  const log = await browser.$('[role="log"]');
  await log.waitForDisplayed({ timeout: 30000 });
  return log;
}

/** The app's log, all files of its logs folder together. */
export function appLog(dataDir) {
  try {
    const dir = join(dataDir, "logs");
    return readdirSync(dir).map((name) => readFileSync(join(dir, name), "utf8")).join("\n");
  } catch {
    return "";
  }
}

export async function waitForLog(dataDir, text, timeout = 60000) {
  const deadline = Date.now() + timeout;
  while (!appLog(dataDir).includes(text)) {
    if (Date.now() > deadline) throw new Error(`the log never said "${text}":\n${appLog(dataDir)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
