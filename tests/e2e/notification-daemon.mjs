// A real notification daemon for the app under test: python3-dbusmock's
// `notification_daemon` template on the session bus the test runs on (the
// private bus of tests/keyring/with-keyring.sh). It records the app's calls
// and sends the signals a click sends.
import { execFileSync, spawn } from "node:child_process";
import { eventually } from "./matrix.mjs";

const DAEMON = "org.freedesktop.Notifications";
const PATH = "/org/freedesktop/Notifications";
// Debian's interpreter: it has the dbus and dbusmock modules.
const PYTHON = "/usr/bin/python3";

/** Runs `code` with `bus` (the mock's object) and prints its JSON result. */
function mock(code) {
  const script = `import dbus, json, sys
bus = dbus.Interface(dbus.SessionBus().get_object("${DAEMON}", "${PATH}"), "org.freedesktop.DBus.Mock")
${code}`;
  return JSON.parse(execFileSync(PYTHON, ["-c", script], { encoding: "utf8" }));
}

export async function startNotificationDaemon() {
  const process = spawn(PYTHON, ["-m", "dbusmock", "--session", "--template", "notification_daemon", "--parameters", '{"capabilities": "body actions"}'], {
    stdio: "ignore",
  });
  await eventually("the notification daemon on the bus", async () => {
    try {
      mock("print(json.dumps(len(bus.GetMethodCalls('Notify'))))");
      return true;
    } catch {
      return false;
    }
  });
  return {
    /** Each `Notify` call: { id, replaces, summary, body }, oldest first (the template numbers new ones from 1). */
    notifications: () => {
      let next = 1;
      const calls = mock(`print(json.dumps([{"replaces": int(a[1]), "summary": str(a[3]), "body": str(a[4])} for _, a in bus.GetMethodCalls("Notify")]))`);
      return calls.map((call) => ({ id: call.replaces || next++, ...call }));
    },
    /** The ids of the notifications the app took back. */
    closed: () => mock(`print(json.dumps([int(a[0]) for _, a in bus.GetMethodCalls("CloseNotification")]))`),
    /** A click on the notification's body. */
    click: (id) => mock(`bus.EmitSignal("${DAEMON}", "ActionInvoked", "us", [dbus.UInt32(${Number(id)}), "default"])
print("null")`),
    stop: () => process.kill(),
  };
}
