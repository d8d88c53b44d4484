// Signed updates in the real window, against a real static mirror on this
// machine (latest.json + an artifact signed with the test key pair of
// tests/updater/, with `tauri signer sign`), named by the administrator's
// policy (TCHAP_POLICY_FILE): a newer version is downloaded, verified and
// waits for the user's restart; a tampered artifact, an older or the same
// version are refused; a mirror that is down is retried (and the update
// found once it is back); a policy's proxy carries every request; a mirror
// behind the ministry's own certificate authority is reached with the
// policy's extra CA file, and refused without it. No
// homeserver needed: the updater works from the login screen.
//
// Debug builds only: TCHAP_TEST_UPDATER_PUBKEY gives the app the test key,
// TCHAP_TEST_UPDATE_RETRY_SECS shortens the retry (release builds ignore both).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { application, portOpen, withApp } from "./app.mjs";

const repo = resolve(import.meta.dirname, "../..");
const testKey = join(repo, "tests/updater/test-only.key");
const testPubkey = readFileSync(`${testKey}.pub`, "utf8").trim();
const tauriCli = join(repo, "ui/node_modules/.bin/tauri");
/** The running app's version (tauri.conf.json). */
const running = JSON.parse(readFileSync(join(repo, "tauri.conf.json"), "utf8")).version;
const platform = `linux-${process.arch === "arm64" ? "aarch64" : "x86_64"}`;

/** A mirror's files, as `make mirror` lays them out: latest.json and a signed artifact. */
function mirrorFiles({ version, tamper = false }) {
  const dir = mkdtempSync(join(tmpdir(), "tchap-mirror-"));
  const name = `Tchap_${version}_amd64.deb`;
  const artifact = join(dir, name);
  writeFileSync(artifact, `paquet de test Tchap ${version}\n`);
  execFileSync(tauriCli, ["signer", "sign", "-f", testKey, "-p", "", "--app-version", version, artifact], { stdio: "ignore" });
  const signature = readFileSync(`${artifact}.sig`, "utf8");
  // Replaced on the mirror after it was signed: the signature no longer matches.
  if (tamper) writeFileSync(artifact, `paquet modifié ${version}\n`);
  return { dir, name, signature, version };
}

/** A static HTTP server over `files`, recording the paths asked; stoppable and restartable on its port. */
class Mirror {
  requests = [];
  #server = null;

  /** `tls`: `{ key, cert }` to serve over https. */
  constructor(files, tls = null) {
    this.files = files;
    this.tls = tls;
  }

  async start(port = 0) {
    const serve = (handler) => (this.tls ? createTlsServer(this.tls, handler) : createServer(handler));
    this.#server = serve((request, response) => {
      const path = new URL(request.url, "http://mirror").pathname;
      this.requests.push(path);
      if (path === "/latest.json") {
        const { name, signature, version } = this.files;
        const manifest = { version, notes: "Corrections", pub_date: "2026-12-01T10:00:00Z", platforms: { [platform]: { url: `${this.base}/${name}`, signature } } };
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(manifest));
      } else if (path === `/${this.files.name}`) {
        response.writeHead(200, { "content-type": "application/octet-stream" }).end(readFileSync(join(this.files.dir, this.files.name)));
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise((ok) => this.#server.listen(port, "127.0.0.1", ok));
    this.port = this.#server.address().port;
    this.base = `${this.tls ? "https" : "http"}://127.0.0.1:${this.port}`;
    return this;
  }

  stop() {
    return new Promise((ok) => this.#server.close(ok));
  }
}

/** A policy naming `endpoint` as the update mirror (and a proxy, if given). */
function policyFile(endpoint, extra = {}) {
  const file = join(mkdtempSync(join(tmpdir(), "tchap-policy-")), "policy.json");
  writeFileSync(file, JSON.stringify({ updater: { enabled: true, endpoints: [endpoint] }, ...extra }));
  return file;
}

function launch(policy, env = {}) {
  return { homeserver: "http://127.0.0.1:9", env: { TCHAP_POLICY_FILE: policy, TCHAP_TEST_UPDATER_PUBKEY: testPubkey, ...env } };
}

/** The updater's status, from the window's own IPC (the line in À propos is placed by another feature). */
function updateStatus(browser) {
  return browser.execute(() => window.__TAURI_INTERNALS__.invoke("update_status"));
}

async function statusBecomes(browser, what, check, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  let status;
  for (;;) {
    status = await updateStatus(browser);
    if (check(status)) return status;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last status ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const banner = (browser) => browser.$("p*=Mise à jour disponible");

test("a newer signed version is downloaded, verified, and waits for the user's restart", async () => {
  const mirror = await new Mirror(mirrorFiles({ version: "0.2.0" })).start();
  const binaryBefore = createHash("sha256").update(readFileSync(application)).digest("hex");
  try {
    await withApp(launch(policyFile(`${mirror.base}/latest.json`)), "updater-ready-failure.png", async (app) => {
      const $ = app.browser.$.bind(app.browser);
      await $("aria/Connexion à Tchap").waitForDisplayed({ timeout: 30000 });
      await banner(app.browser).waitForDisplayed({ timeout: 60000 });
      assert.equal(await banner(app.browser).getProperty("innerText"), "Mise à jour disponible — redémarrer pour l'installer");
      assert.deepEqual(await updateStatus(app.browser), { kind: "ready", version: "0.2.0" });
      assert.deepEqual(mirror.requests, ["/latest.json", "/Tchap_0.2.0_amd64.deb"], "checked, then downloaded once");
      const focusInBanner = await app.browser.execute(() => document.activeElement?.closest(".update") !== null);
      assert.equal(focusInBanner, false, "the banner never takes the focus");

      // This binary was not installed from a package: nothing is replaced in place.
      await $("aria/Redémarrer pour mettre à jour").click();
      await $("strong*=L'installation de la mise à jour 0.2.0 a échoué").waitForDisplayed({ timeout: 20000 });
      assert.deepEqual(await updateStatus(app.browser), { kind: "installFailed", version: "0.2.0" });
    });
  } finally {
    await mirror.stop();
  }
  const binaryAfter = createHash("sha256").update(readFileSync(application)).digest("hex");
  assert.equal(binaryAfter, binaryBefore, "the app's binary is untouched");
});

test("a tampered artifact is refused: signature invalid, nothing to install", async () => {
  const mirror = await new Mirror(mirrorFiles({ version: "0.2.0", tamper: true })).start();
  try {
    await withApp(launch(policyFile(`${mirror.base}/latest.json`)), "updater-tampered-failure.png", async (app) => {
      const status = await statusBecomes(app.browser, "the refusal", (s) => s.kind === "failed");
      assert.equal(status.reason, "signature_invalid");
      assert.ok(status.retryAt > status.checkedAt, "tried again later");
      assert.equal(await banner(app.browser).isExisting(), false, "no banner for a refused update");
    });
  } finally {
    await mirror.stop();
  }
});

test("an older or the same version is refused, and never downloaded", async () => {
  for (const [version, refused] of [["0.0.9", "0.0.9"], [running, null]]) {
    const mirror = await new Mirror(mirrorFiles({ version })).start();
    try {
      await withApp(launch(policyFile(`${mirror.base}/latest.json`)), "updater-older-failure.png", async (app) => {
        const status = await statusBecomes(app.browser, `up to date against ${version}`, (s) => s.kind === "upToDate");
        assert.equal(status.refusedVersion, refused, version);
        assert.deepEqual(mirror.requests, ["/latest.json"], "the artifact is never fetched");
        assert.equal(await banner(app.browser).isExisting(), false);
      });
    } finally {
      await mirror.stop();
    }
  }
});

test("a mirror that is down is retried, and the update found once it is back", async () => {
  const mirror = new Mirror(mirrorFiles({ version: "0.2.0" }));
  const port = await freePort();
  const policy = policyFile(`http://127.0.0.1:${port}/latest.json`);
  await withApp(launch(policy, { TCHAP_TEST_UPDATE_RETRY_SECS: "8" }), "updater-down-failure.png", async (app) => {
    const status = await statusBecomes(app.browser, "the mirror unreachable", (s) => s.kind === "failed");
    assert.equal(status.reason, "unreachable");
    assert.equal(status.retryAt - status.checkedAt, 8000, "the retry time the user is told");
    await mirror.start(port);
    try {
      await statusBecomes(app.browser, "the update found on the retry", (s) => s.kind === "ready", 30000);
      await banner(app.browser).waitForDisplayed({ timeout: 10000 });
    } finally {
      await mirror.stop();
    }
  });
});

test("the policy's proxy carries the check and the download", async () => {
  const mirror = await new Mirror(mirrorFiles({ version: "0.2.0" })).start();
  const proxy = await startProxy();
  try {
    const policy = policyFile(`${mirror.base}/latest.json`, { proxy_url: proxy.url });
    await withApp(launch(policy), "updater-proxy-failure.png", async (app) => {
      await statusBecomes(app.browser, "ready through the proxy", (s) => s.kind === "ready");
    });
    const log = readFileSync(proxy.log, "utf8");
    assert.match(log, new RegExp(`GET ${mirror.base}/latest.json`), "the manifest through the proxy");
    assert.match(log, new RegExp(`GET ${mirror.base}/Tchap_0.2.0_amd64.deb`), "the artifact through the proxy");
  } finally {
    proxy.stop();
    await mirror.stop();
  }
});

test("an https mirror signed by the ministry's own authority is reached with the policy's CA file, refused without it", async () => {
  const authority = testAuthority();
  const mirror = await new Mirror(mirrorFiles({ version: "0.2.0" }), { key: authority.serverKey, cert: authority.serverCert }).start();
  try {
    await withApp(launch(policyFile(`${mirror.base}/latest.json`)), "updater-unknown-ca-failure.png", async (app) => {
      const status = await statusBecomes(app.browser, "the unknown authority refused", (s) => s.kind === "failed");
      assert.equal(status.reason, "unreachable");
    });
    assert.deepEqual(mirror.requests, [], "nothing is asked of a server the app cannot authenticate");
    const policy = policyFile(`${mirror.base}/latest.json`, { extra_ca_file: authority.caFile });
    await withApp(launch(policy), "updater-extra-ca-failure.png", async (app) => {
      await statusBecomes(app.browser, "ready over https", (s) => s.kind === "ready");
    });
    assert.deepEqual(mirror.requests, ["/latest.json", "/Tchap_0.2.0_amd64.deb"]);
  } finally {
    await mirror.stop();
  }
});

/** A certificate authority (as a ministry's IT runs) and a server certificate for 127.0.0.1 it signed. */
function testAuthority() {
  const dir = mkdtempSync(join(tmpdir(), "tchap-ca-"));
  const openssl = (...args) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  openssl("req", ...key, "-x509", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Autorite de test du ministere",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  openssl("req", ...key, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
  writeFileSync(join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n");
  openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext");
  return { caFile: join(dir, "ca.pem"), serverKey: readFileSync(join(dir, "server.key")), serverCert: readFileSync(join(dir, "server.pem")) };
}

/** Debian's tinyproxy on a free loopback port, logging each request line. */
async function startProxy() {
  const dir = mkdtempSync(join(tmpdir(), "tchap-proxy-"));
  const port = await freePort();
  const log = join(dir, "tinyproxy.log");
  const config = join(dir, "tinyproxy.conf");
  writeFileSync(config, `Port ${port}\nListen 127.0.0.1\nTimeout 600\nLogFile "${log}"\nLogLevel Info\nMaxClients 100\nAllow 127.0.0.1\nDisableViaHeader Yes\n`);
  const child = spawn("tinyproxy", ["-d", "-c", config], { stdio: "ignore" });
  await portOpen(port);
  return { url: `http://127.0.0.1:${port}`, log, stop: () => child.kill() };
}

/** A loopback port nothing listens on. */
function freePort() {
  return new Promise((ok) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });
}
