// The tray icon in a desktop that has a notification area: a
// StatusNotifierWatcher with a host on the test's private D-Bus bus (what a
// panel provides), read back over D-Bus as a panel reads it. Closing the
// window is what a window manager's close button sends (WM_DELETE_WINDOW).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { postponeSecureBackup, signIn, waitForLog, withApp } from "./app.mjs";
import { homeserver, PASSWORD, peer, register } from "./matrix.mjs";

const run = promisify(execFile);
const probe = resolve(import.meta.dirname, "tray_probe.py");
const PYTHON = "/usr/bin/python3"; // Debian's, with GLib's bindings

async function probeRun(...args) {
  return (await run(PYTHON, [probe, ...args])).stdout;
}

/** A background process whose JSON output lines are awaited one predicate at a time. */
function startJsonLines(command, args) {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
  const seen = [];
  const waiters = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    let value;
    try {
      value = JSON.parse(line);
    } catch {
      return;
    }
    seen.push(value);
    for (const waiter of [...waiters]) if (waiter.predicate(value)) waiter.resolve(value);
  });
  return {
    next(predicate, what, timeout = 30000) {
      const found = seen.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeout);
        waiters.push({ predicate, resolve: (v) => (clearTimeout(timer), resolve(v)) });
      });
    },
    stop: () => child.kill(),
  };
}

/** A notification daemon that records what it was asked to show. */
async function startNotificationDaemon() {
  const daemon = spawn(PYTHON, ["-m", "dbusmock", "--session", "--template", "notification_daemon"], { stdio: "ignore" });
  await until("the notification daemon", async () => (await run("gdbus", ["call", "--session", "--dest", "org.freedesktop.DBus", "--object-path", "/org/freedesktop/DBus", "--method", "org.freedesktop.DBus.NameHasOwner", "org.freedesktop.Notifications"])).stdout.includes("true"));
  return {
    async bodies() {
      const { stdout } = await run("gdbus", ["call", "--session", "--dest", "org.freedesktop.Notifications", "--object-path", "/org/freedesktop/Notifications", "--method", "org.freedesktop.DBus.Mock.GetMethodCalls", "Notify"]);
      return stdout;
    },
    stop: () => daemon.kill(),
  };
}

async function until(what, check, timeout = 30000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every LauncherEntry signal on the bus, as text (what a dock hears). */
function listenToLauncher() {
  const monitor = spawn("dbus-monitor", ["--session", "type='signal',interface='com.canonical.Unity.LauncherEntry'"], { stdio: ["ignore", "pipe", "ignore"] });
  let heard = "";
  monitor.stdout.on("data", (chunk) => (heard += chunk));
  return { heard: () => heard, stop: () => monitor.kill() };
}

/** The app's main window, if shown (xdotool sees mapped windows only). */
async function shownWindow() {
  const { stdout } = await run("xdotool", ["search", "--onlyvisible", "--name", "^Tchap$"]).catch(() => ({ stdout: "" }));
  return stdout.trim().split("\n").filter(Boolean)[0] ?? null;
}

test("the tray's menu counts unread messages, opens Tchap, pauses notifications and quits; closing the window keeps Tchap there", async () => {
  const agent = await register("tray", "Agnès Agent");
  const other = await register("trayautre", "Olivier Autre");
  await peer(other).createRoom("Salle en attente", [agent.userId]);
  const watcher = startJsonLines(PYTHON, [probe, "watch"]);
  const notifications = await startNotificationDaemon();
  const launcher = listenToLauncher();
  try {
    await watcher.next((line) => line.ready, "the watcher");
    await withApp({ homeserver }, "failure-tray.png", async (app) => {
      await app.browser.$("aria/Connexion à Tchap").waitForDisplayed({ timeout: 30000 });
      const icon = await watcher.next((line) => line.sender, "the tray icon's registration");
      const menu = async () => JSON.parse(await probeRun("menu", icon.sender, icon.path));

      const entries = await menu();
      assert.deepEqual(
        entries.map((entry) => entry.label),
        ["Aucun message non lu", "Ouvrir Tchap", "Suspendre les notifications pendant 1 heure", "Quitter"],
      );
      assert.equal(entries[0].enabled, false, "the count is not an action");
      const id = (label) => entries.find((entry) => entry.label === label).id;

      // Signed in with an invitation waiting: one unread, in the menu and on the launcher.
      await signIn(app.browser, agent.username, PASSWORD);
      await postponeSecureBackup(app.browser);
      await until("the invitation counted", async () => (await menu())[0].label === "1 message non lu");
      await until("the launcher's badge", async () => /"application:\/\/Tchap\.desktop"[\s\S]*"count"\s+variant\s+int64 1\b/.test(launcher.heard()));

      await probeRun("click", icon.sender, icon.path, String(id("Suspendre les notifications pendant 1 heure")));
      await until("the pause entry turned into resume", async () => (await menu())[2].label === "Reprendre les notifications");
      await probeRun("click", icon.sender, icon.path, String(id("Suspendre les notifications pendant 1 heure")));
      await until("notifications resumed", async () => (await menu())[2].label === "Suspendre les notifications pendant 1 heure");

      // Closing the window: hidden, still running, and told why, once.
      const window = await shownWindow();
      assert.ok(window, "the window is shown");
      await probeRun("close", window);
      await until("the window hidden", async () => (await shownWindow()) === null);
      await until("the explanation", async () => (await notifications.bodies()).includes("Tchap reste ouvert dans la zone de notification"));
      assert.equal(await app.browser.getTitle(), "Tchap", "still running");

      await probeRun("click", icon.sender, icon.path, String(id("Ouvrir Tchap")));
      await until("the window back", async () => (await shownWindow()) !== null);
      await probeRun("close", await shownWindow());
      await until("hidden again", async () => (await shownWindow()) === null);
      const told = (await notifications.bodies()).split("Tchap reste ouvert").length - 1;
      assert.equal(told, 1, "the explanation is given the first time only");

      await probeRun("click", icon.sender, icon.path, String(id("Quitter")));
      await waitForLog(app.dataDir, "Tchap desktop stopped", 30000);
    });
  } finally {
    watcher.stop();
    notifications.stop();
    launcher.stop();
  }
});

test("without a notification area, closing the window quits: never an app with no way back", async () => {
  await withApp({ homeserver }, "failure-no-tray.png", async (app) => {
    await app.browser.$("aria/Connexion à Tchap").waitForDisplayed({ timeout: 30000 });
    const window = await shownWindow();
    assert.ok(window, "the window is shown");
    await probeRun("close", window);
    await waitForLog(app.dataDir, "Tchap desktop stopped", 30000);
  });
});
