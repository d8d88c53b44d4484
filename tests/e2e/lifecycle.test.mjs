// One process per account, and a clean quit: the real app binary under Xvfb.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { appLog, waitForLog, withApp } from "./app.mjs";
import { homeserver, PASSWORD, register } from "./matrix.mjs";

const application = process.env.TCHAP_APP_BINARY ?? resolve(import.meta.dirname, "../../target/debug/tchap-desktop");

/** Starts the app binary itself; resolves its exit code (null: still running after `timeout`). */
function runApp(command, args, env) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return {
    child,
    stderr: () => stderr,
    async exit(timeout) {
      const timer = new Promise((resolve) => setTimeout(() => resolve(null), timeout));
      return Promise.race([exited, timer]);
    },
  };
}

test("a second launch on the same account hands over to the running window instead of opening its stores", async () => {
  await withApp({ homeserver }, "failure-second-launch.png", async (app) => {
    await app.browser.$("aria/Connexion à Tchap").waitForDisplayed({ timeout: 30000 });
    const env = { TCHAP_DATA_DIR: app.dataDir, TCHAP_DEFAULT_HOMESERVER: homeserver };

    const second = runApp(application, [], env);
    const exit = await second.exit(20000);
    if (exit === null) second.child.kill("SIGKILL");
    assert.deepEqual(exit, { code: 0, signal: null }, `the second launch kept running or failed: ${second.stderr()}`);
    await waitForLog(app.dataDir, "second launch: showing the running window", 10000);
    assert.ok(await app.browser.$("aria/Connexion à Tchap").isDisplayed(), "the first window is still there");

    // Started where the first one cannot see it (another D-Bus session): the
    // data folder's lock still keeps it from opening the same stores.
    const elsewhere = runApp("dbus-run-session", ["--", application], env);
    const elsewhereExit = await elsewhere.exit(20000);
    if (elsewhereExit === null) elsewhere.child.kill("SIGKILL");
    assert.deepEqual(elsewhereExit, { code: 0, signal: null }, `the launch from another bus kept running: ${elsewhere.stderr()}`);
    assert.match(appLog(app.dataDir), /another Tchap process uses this data folder/);
    assert.ok(await app.browser.$("aria/Connexion à Tchap").isDisplayed(), "the first window is still there");
  });
});

test("Ctrl+C in the terminal closes the session and quits within seconds", async () => {
  const user = await register("sigint", "Sigrid Interrompue");
  const dataDir = mkdtempSync(join(tmpdir(), "tchap-e2e-"));
  // The debug build's demo sign-in, so that there is a syncing session to close.
  const app = runApp(application, [], {
    TCHAP_DATA_DIR: dataDir,
    TCHAP_DEFAULT_HOMESERVER: homeserver,
    TCHAP_DEMO_USER: user.username,
    TCHAP_DEMO_PASSWORD: PASSWORD,
  });
  try {
    await waitForLog(dataDir, "logged in");
    app.child.kill("SIGINT");
    const exit = await app.exit(15000);
    assert.notEqual(exit, null, `the app ignored Ctrl+C:\n${appLog(dataDir)}`);
    assert.equal(exit.code, 0);
    const log = appLog(dataDir);
    assert.match(log, /quitting on a signal/);
    assert.match(log, /Tchap desktop stopped/);
  } finally {
    app.child.kill("SIGKILL");
  }
});
