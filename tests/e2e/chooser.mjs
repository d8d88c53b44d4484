// The system's file chooser, as a user answers it: the app opens GTK's own
// dialog (native, out of WebDriver's reach), so it is driven with xdotool on
// the same X display, through the keys a user would press.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** GTK's title for a chooser opened without one (the dialog library's default). */
const CHOOSER_TITLE = "^Open File$";

async function xdotool(...args) {
  return (await run("xdotool", args)).stdout.trim();
}

/** The chooser's X window, or "" while none is shown (`search` fails when nothing matches). */
async function shownChooser() {
  const found = await xdotool("search", "--onlyvisible", "--name", CHOOSER_TITLE).catch(() => "");
  return found.split("\n")[0];
}

/**
 * Answers the file chooser the app is opening with `path` (absolute): Ctrl+L
 * opens GTK's location field, the path is typed, Enter chooses it. Resolves
 * once the chooser is gone.
 */
export async function chooseFile(path, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  let window;
  while (!(window = await shownChooser())) {
    if (Date.now() > deadline) throw new Error("the file chooser did not open");
    await sleep(200);
  }
  // A chooser just mapped may not take keys yet (GTK drops events sent to a
  // widget not realized yet): the path is typed again until it is taken.
  for (let attempt = 0; await shownChooser(); attempt++) {
    if (Date.now() > deadline) throw new Error(`the file chooser did not take ${path}`);
    await sleep(attempt === 0 ? 500 : 2000);
    // No window manager under Xvfb: the focus is given, not asked for.
    await xdotool("windowfocus", "--sync", window).catch(() => {});
    await xdotool("key", "--clearmodifiers", "ctrl+l");
    await xdotool("key", "--clearmodifiers", "ctrl+a"); // what an earlier attempt typed is replaced
    await xdotool("type", "--delay", "20", path);
    await xdotool("key", "Return");
    for (let waited = 0; waited < 3000 && (await shownChooser()); waited += 200) await sleep(200);
  }
}
