// The room list of a busy account in the real window: only the rows near the
// viewport are in the page, and the keyboard still reaches every room.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { postponeSecureBackup, signIn, withApp } from "./app.mjs";
import { eventually, homeserver } from "./matrix.mjs";

const ROOMS = 150;
const CONVERSATIONS = '[role="listbox"][aria-label="Conversations"]';

/** A new account with ROOMS joined rooms and a few invites (scripts/bench-seed.py). */
function seedAccount() {
  const output = execFileSync(
    "python3",
    [
      resolve(import.meta.dirname, "../../scripts/bench-seed.py"),
      "--homeserver", homeserver,
      "--shared-secret-file", process.env.TCHAP_TEST_SHARED_SECRET,
      "--rooms", String(ROOMS),
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 20 },
  );
  return JSON.parse(output.trim().split("\n").at(-1));
}

/** The conversations list as the page has it: rows drawn, the size they announce, the focused row's place. */
const listState = (browser) =>
  browser.execute((selector) => {
    const options = [...document.querySelectorAll(`${selector} > [role="option"]`)];
    const focused = document.activeElement?.closest('[role="option"]');
    const rect = focused?.getBoundingClientRect();
    // The list's parent is the sidebar's scrolling part.
    const view = document.querySelector(selector)?.parentElement?.getBoundingClientRect();
    return {
      drawn: options.length,
      listHeight: document.querySelector(selector)?.getBoundingClientRect().height ?? 0,
      rowHeight: options[0]?.getBoundingClientRect().height ?? 0,
      setsize: Number(options[0]?.getAttribute("aria-setsize") ?? 0),
      focusedAt: Number(focused?.getAttribute("aria-posinset") ?? 0),
      focusedSeen: Boolean(rect && view && rect.top >= view.top - 1 && rect.bottom <= view.bottom + 1),
      // For a failure's message: where the focused row and the viewport are.
      layout: { row: rect && [rect.top, rect.bottom], view: view && [view.top, view.bottom] },
    };
  }, CONVERSATIONS);

test("a list of 150 rooms draws a few rows; End and Home reach the last and first room", async () => {
  const account = seedAccount();
  await withApp({ homeserver }, "failure-room-list.png", async (app) => {
    const { browser } = app;
    await signIn(browser, account.user, account.password);
    await postponeSecureBackup(browser);
    await eventually("every joined room listed", async () => (await listState(browser)).setsize === ROOMS, 120000);

    // The seeded rooms' previews keep reordering the list (recency first) for a while after
    // the first sync: wait until its top rows stay put, so End's room stays the last.
    const topRows = () =>
      browser.execute((selector) => [...document.querySelectorAll(`${selector} > [role="option"]`)].map((o) => o.textContent).join("|"), CONVERSATIONS);
    let before = await topRows();
    await eventually("the list settled", async () => {
      await new Promise((r) => setTimeout(r, 5000));
      const now = await topRows();
      const settled = now === before;
      before = now;
      return settled;
    }, 120000);

    const first = await listState(browser);
    assert.ok(first.drawn < 40, `only the rows near the viewport are drawn, not ${first.drawn}`);
    // The blanks standing in for the rows left out (inline styles, which the CSP must let through) give the whole height.
    assert.ok(
      Math.abs(first.listHeight - ROOMS * first.rowHeight) <= 2 * first.rowHeight,
      `the list is as tall as ${ROOMS} rows of ${first.rowHeight} px: ${first.listHeight} px`,
    );

    // Into the list with the keyboard (its first option is the one in the tab order), then to its end.
    await browser.execute((selector) => document.querySelector(`${selector} > [role="option"][tabindex="0"]`).focus(), CONVERSATIONS);
    await browser.keys(["End"]);
    let last;
    await eventually("the last room focused and seen", async () => {
      last = await listState(browser);
      return last.focusedAt === ROOMS && last.focusedSeen;
    }).catch((error) => {
      throw new Error(`${error.message}: ${JSON.stringify(last)}`);
    });
    const atEnd = await listState(browser);
    assert.ok(atEnd.drawn < 40, `after End, still few rows drawn: ${atEnd.drawn}`);

    await browser.keys(["ArrowUp"]);
    await eventually("the room before it focused", async () => (await listState(browser)).focusedAt === ROOMS - 1);
    await browser.keys(["Home"]);
    await eventually("the first room focused and seen", async () => {
      const state = await listState(browser);
      return state.focusedAt === 1 && state.focusedSeen;
    });
  });
});
