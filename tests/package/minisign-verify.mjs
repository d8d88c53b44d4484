// Checks a mirror's latest.json the way tauri-plugin-updater does: every
// platform's URL serves a file whose minisign signature (prehashed Ed25519,
// BLAKE2b-512) verifies with the public key, and whose trusted comment names
// the announced version.
//   node minisign-verify.mjs PUBLIC_KEY_FILE LATEST_JSON_URL PLATFORM...
// Exits non-zero, saying why, on the first entry that does not verify.
import { createHash, createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";

const [publicKeyFile, latestUrl, ...wanted] = process.argv.slice(2);
const lines = (base64) => Buffer.from(base64.trim(), "base64").toString("utf8").split("\n");

// Tauri keeps minisign's text files base64-encoded; line 2 is the key or the signature.
const keyBytes = Buffer.from(lines(readFileSync(publicKeyFile, "utf8"))[1], "base64");
const keyId = keyBytes.subarray(2, 10);
const ed25519SpkiPrefix = Buffer.from("302a300506032b6570032100", "hex");
const publicKey = createPublicKey({ key: Buffer.concat([ed25519SpkiPrefix, keyBytes.subarray(10)]), format: "der", type: "spki" });

const latest = await (await fetch(latestUrl)).json();
for (const platform of wanted) {
  const entry = latest.platforms?.[platform];
  if (!entry) throw new Error(`latest.json has no ${platform} entry`);
  const response = await fetch(entry.url);
  if (!response.ok) throw new Error(`${entry.url}: HTTP ${response.status}`);
  const file = Buffer.from(await response.arrayBuffer());

  const [, signatureLine, trustedLine, globalLine] = lines(entry.signature);
  const signature = Buffer.from(signatureLine, "base64");
  if (signature.subarray(0, 2).toString() !== "ED") throw new Error(`${platform}: not a prehashed minisign signature`);
  if (!signature.subarray(2, 10).equals(keyId)) throw new Error(`${platform}: signed by another key`);
  const digest = createHash("blake2b512").update(file).digest();
  if (!verify(null, digest, publicKey, signature.subarray(10))) throw new Error(`${platform}: the signature does not match ${entry.url}`);
  const trusted = trustedLine.replace(/^trusted comment: /, "");
  const global = Buffer.from(globalLine, "base64");
  if (!verify(null, Buffer.concat([signature.subarray(10), Buffer.from(trusted)]), publicKey, global)) {
    throw new Error(`${platform}: the trusted comment was altered`);
  }
  if (!trusted.split("\t").includes(`version:${latest.version}`)) throw new Error(`${platform}: signed for another version (${trusted})`);
  console.log(`minisign: ${platform} ${latest.version} verifies`);
}
