// A long room read back to its first message: the timeline draws only the
// rows near what the user sees, however far back the room is read, and
// scrolling down again leads back to the latest message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { artifacts, openRoom, postponeSecureBackup, signIn, withApp } from "./app.mjs";
import { PASSWORD, eventually, homeserver, peer, register } from "./matrix.mjs";

mkdirSync(artifacts, { recursive: true });

const MESSAGES = 600;
/** The most rows the timeline may hold in the DOM at any time (its MAX_ROWS). */
const ROW_BOUND = 200;
/**
 * The most items the page may hold: a window of the room (WINDOW_ITEMS, 500)
 * and the page of older or newer messages that crossed it, with its day
 * separators. Without recentring, reading back holds every message.
 */
const ITEM_BOUND = 560;
const body = (n) => `Note de service n° ${String(n).padStart(4, "0")}`;

test("a room of 600 messages is read back to its start and down again with a bounded number of rows drawn and of messages held", async () => {
  const agent = await register("lectrice", "Léa Lectrice");
  const other = await register("bavard", "Bruno Bavard");
  const otherClient = peer(other);
  const roomId = await otherClient.createRoom("Historique du service", [agent.userId]);
  await peer(agent).join(roomId);
  for (let n = 1; n <= MESSAGES; n++) await otherClient.sendText(roomId, body(n));

  await withApp({ homeserver }, "failure-longroom.png", async (app) => {
    const { browser } = app;
    await signIn(browser, agent.username, PASSWORD);
    await postponeSecureBackup(browser);
    const log = await openRoom(browser, "Historique du service");
    await eventually("the latest message", async () => (await log.getProperty("innerText")).includes(body(MESSAGES)));

    // Every change of the log is counted, not only what the steps below sample.
    await browser.execute(() => {
      const log = document.querySelector('[role="log"]');
      window.__mostRows = log.querySelectorAll(".timeline__row").length;
      window.__mostItems = 0;
      window.__readingHistory = false;
      new MutationObserver(() => {
        const log = document.querySelector('[role="log"]');
        if (!log) return;
        window.__mostRows = Math.max(window.__mostRows, log.querySelectorAll(".timeline__row").length);
        window.__mostItems = Math.max(window.__mostItems, Number(log.dataset.items));
        window.__readingHistory ||= document.body.innerText.includes("Vous lisez des messages plus anciens.");
      }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-items"] });
    });
    const rowsNow = () => browser.execute(() => document.querySelectorAll('[role="log"] .timeline__row').length);
    const mostRows = () => browser.execute(() => window.__mostRows);
    const drawn = (n) =>
      browser.execute((text) => [...document.querySelectorAll('[role="log"] .timeline__row')].some((row) => row.innerText.includes(text)), body(n));

    // Up a screen at a time, as a user: older messages load on the way, and
    // what the user reads never jumps (the first message on screen moves up
    // by about a screen, never down, never far).
    const onScreen = () =>
      browser.execute(() => {
        const log = document.querySelector('[role="log"]');
        const box = log.getBoundingClientRect();
        const shown = [...log.querySelectorAll(".timeline__row")].filter((row) => {
          const r = row.getBoundingClientRect();
          return r.top >= box.top && r.bottom <= box.bottom;
        });
        const numbers = shown.map((row) => /n° (\d{4})/.exec(row.innerText)?.[1]).filter(Boolean).map(Number);
        return { first: numbers[0] ?? null, rows: shown.length };
      });
    await eventually("a screenful of messages", async () =>
      browser.execute(() => {
        const log = document.querySelector('[role="log"]');
        return log.scrollHeight > 2 * log.clientHeight;
      }),
    );
    await browser.pause(500);
    let before = await onScreen();
    await eventually(
      "the start of the room",
      async () => {
        await browser.execute(() => {
          const log = document.querySelector('[role="log"]');
          log.scrollTop -= log.clientHeight;
        });
        await browser.pause(250);
        assert.ok((await rowsNow()) <= ROW_BOUND, `at most ${ROW_BOUND} rows drawn, found ${await rowsNow()}`);
        const now = await onScreen();
        if (now.first !== null && before.first !== null) {
          assert.ok(now.first <= before.first, `scrolling up never moves down (${before.first} → ${now.first})`);
          assert.ok(before.first - now.first <= 2 * before.rows + 2, `one screen up, not a jump (${before.first} → ${now.first})`);
        }
        if (now.first !== null) before = now;
        return (await log.getProperty("innerText")).includes("Début de la conversation");
      },
      240000,
    );
    assert.ok(await drawn(1), "the first message is drawn at the start of the room");
    // Read far back, the timeline became a window around the reader, and says
    // so ("Vous lisez des messages plus anciens.", with a way back).
    assert.ok(await browser.execute(() => window.__readingHistory), "the history bar showed while reading far back");
    const mostItems = await browser.execute(() => window.__mostItems);
    assert.ok(mostItems <= ITEM_BOUND, `the page held at most ${ITEM_BOUND} items reading back, held ${mostItems}`);
    assert.ok(!(await drawn(MESSAGES)), "the latest message is not drawn while reading the start");

    // Back down a screen and a half at a time: every message passes by, down to the latest.
    const seen = new Set();
    const atBottom = () =>
      browser.execute(() => {
        const log = document.querySelector('[role="log"]');
        return log.scrollHeight - log.scrollTop - log.clientHeight <= 48;
      });
    await eventually(
      "the latest message again, at the bottom",
      async () => {
        const numbers = await browser.execute(() => {
          const log = document.querySelector('[role="log"]');
          log.scrollTop += log.clientHeight * 1.5;
          return [...log.querySelectorAll(".timeline__row")].map((row) => /n° (\d{4})/.exec(row.innerText)?.[1]).filter(Boolean);
        });
        for (const n of numbers) seen.add(Number(n));
        await browser.pause(150);
        assert.ok((await rowsNow()) <= ROW_BOUND, `at most ${ROW_BOUND} rows drawn, found ${await rowsNow()}`);
        return (await drawn(MESSAGES)) && (await atBottom());
      },
      120000,
    );
    await browser.pause(1000);
    assert.ok(await atBottom(), "the view stays at the bottom");
    assert.equal(seen.size, MESSAGES, "every message was drawn on the way down");

    // Still following the latest: a new message arrives on screen.
    await otherClient.sendText(roomId, "Dernière note de la journée");
    await eventually("the new message", async () => (await log.getProperty("innerText")).includes("Dernière note de la journée"));

    const most = await mostRows();
    assert.ok(most <= ROW_BOUND, `the DOM never held more than ${ROW_BOUND} rows (at most ${most})`);
    const mostItemsOverall = await browser.execute(() => window.__mostItems);
    assert.ok(mostItemsOverall <= ITEM_BOUND, `the page never held more than ${ITEM_BOUND} items (at most ${mostItemsOverall})`);
    await browser.saveScreenshot(resolve(artifacts, "longroom.png"));
  });
});
