// Settings → À propos in the real window: the version tauri.conf.json gives,
// the updates variant, the policy in force and the account's server; then
// "Exporter un rapport de bug…" writes the report. WebDriver cannot drive the
// native save dialog, so the debug build takes the path from
// TCHAP_BUG_REPORT_PATH (read in debug builds only); the dialog's answer is
// the only part not exercised here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { postponeSecureBackup, signIn, withApp } from "./app.mjs";
import { PASSWORD, eventually, homeserver, register } from "./matrix.mjs";

const { version } = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../tauri.conf.json"), "utf8"));

// Secrets a debug-level log of an earlier day holds: each must not reach the report.
const TOKEN = "syt_YWJvdXQ_VeRyS3cr3tT0k3n_1x2y3z";
const MESSAGE = "le code de la porte est 4521";
const RECOVERY_KEY = "EsTj 3yST y93F SLpB jJsz eAXc 2XzA ygD3 w69H fGaN TKBj jXEd";
const EARLIER_LOG = [
  `2026-12-01T09:00:00.000000Z DEBUG matrix_sdk::http_client: Sending request uri="${homeserver}/_matrix/client/v3/sync?access_token=${TOKEN}" headers={"authorization": "Bearer ${TOKEN}"}`,
  `2026-12-01T09:00:01.000000Z DEBUG matrix_sdk_ui::timeline: event={"content":{"body":"${MESSAGE}","msgtype":"m.text"},"type":"m.room.message"}`,
  `2026-12-01T09:00:02.000000Z  INFO tchap_core::security: shown ${RECOVERY_KEY}`,
  "",
].join("\n");

test("À propos shows this build and the account, and exports a redacted bug report", async () => {
  const agent = await register("apropos", "Alix Apropos");
  const dataDir = mkdtempSync(join(tmpdir(), "tchap-e2e-"));
  mkdirSync(join(dataDir, "logs"));
  writeFileSync(join(dataDir, "logs", "tchap.2026-12-01.log"), EARLIER_LOG);
  const policy = join(mkdtempSync(join(tmpdir(), "tchap-policy-")), "policy.json");
  writeFileSync(policy, JSON.stringify({ notification_privacy: true }));
  const reportPath = join(mkdtempSync(join(tmpdir(), "tchap-report-")), "rapport.txt");
  // A file the user agreed to replace (the dialog asked): replaced whole.
  writeFileSync(reportPath, "ancien rapport ".repeat(10000));

  const env = { TCHAP_POLICY_FILE: policy, TCHAP_BUG_REPORT_PATH: reportPath };
  await withApp({ homeserver, dataDir, env }, "about-failure.png", async (app) => {
    const $ = app.browser.$.bind(app.browser);
    await signIn(app.browser, agent.username, PASSWORD);
    await postponeSecureBackup(app.browser);
    await $("aria/Sécurité").click();
    const dialog = await $("aria/Sécurité et sessions");
    await dialog.waitForDisplayed({ timeout: 10000 });
    const section = await dialog.$("aria/À propos");
    await section.scrollIntoView();
    await eventually("the section shows the version", async () => (await section.getProperty("innerText")).includes(`Tchap ${version}`));
    const text = await section.getProperty("innerText");
    assert.match(text, /Installées par l'application/, "the default build has the updater");
    assert.ok(text.includes(`Lue depuis ${policy}`), text);
    assert.ok(text.includes(new URL(homeserver).host), text);
    assert.ok(text.includes(join(dataDir, "logs")), text);

    await section.$("aria/Exporter un rapport de bug…").click();
    const saved = await section.$('[role="status"]');
    await saved.waitForDisplayed({ timeout: 30000 });
    assert.equal((await saved.getProperty("innerText")).trim(), `Rapport enregistré : ${reportPath}`);
  });

  const report = readFileSync(reportPath, "utf8");
  assert.ok(report.startsWith("Rapport de bug — Tchap\n"), report.slice(0, 500));
  assert.match(report, new RegExp(`Version : ${version.replaceAll(".", "\\.")} \\(mises à jour par l'application\\)`));
  assert.ok(report.includes(`Politique : ${policy} ; réglages gérés : notification_privacy`), report.slice(0, 800));
  assert.ok(report.includes("--- tchap.2026-12-01.log ---"), "the earlier day's log");
  assert.ok(report.includes("Tchap desktop starting"), "today's log, newest last");
  assert.ok(report.indexOf("tchap.2026-12-01.log") < report.indexOf("Tchap desktop starting"));
  assert.ok(report.includes(`/_matrix/client/v3/sync?access_token=[REDACTED]" headers={"authorization": "Bearer [REDACTED]"}`), report);
  assert.ok(report.includes(`event={"content":{"body":"[REDACTED]","msgtype":"m.text"},"type":"m.room.message"}`));
  for (const secret of [TOKEN, MESSAGE, RECOVERY_KEY, "ancien rapport"]) assert.ok(!report.includes(secret), `${secret} in the report`);
  assert.ok(!existsSync(`${reportPath}.part`));
});
