// The local Tchap federation that `make test` starts (tests/federation):
// accounts registered as Tchap's servers make them, the mails they send.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { eventually } from "./matrix.mjs";

export const federationFile = process.env.TCHAP_FEDERATION;
if (!federationFile) throw new Error("TCHAP_FEDERATION is not set: run through `make test`");
export const federation = JSON.parse(readFileSync(federationFile, "utf8"));
export const FED_PASSWORD = "Tchap-Test-2026!";

const fedAdmin = resolve(import.meta.dirname, "../federation/fed_admin.py");
function admin(...args) {
  return JSON.parse(execFileSync("python3", [fedAdmin, ...args], { env: { ...process.env, TCHAP_FEDERATION: federationFile } }).toString());
}

/** `prenom.nom.<random>@domain`, registered on the server its domain belongs to. */
export function registerByEmail(name, domain) {
  const email = `${name}.${randomBytes(3).toString("hex")}@${domain}`;
  return admin("register", email, FED_PASSWORD);
}

export function adminToken(serverName) {
  return admin("admin-token", serverName).access_token;
}

/** Sets when the account expires (Synapse's account validity admin API). */
export async function setExpiry(user, expiresAtMs) {
  const response = await fetch(`${user.client_url}/_synapse/admin/v1/account_validity/validity`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${adminToken(user.server_name)}` },
    body: JSON.stringify({ user_id: user.user_id, expiration_ts: expiresAtMs, enable_renewal_emails: true }),
  });
  if (!response.ok) throw new Error(`account validity: ${response.status}`);
}

/** The links of the first mail to `to` whose subject contains `subject`. */
export async function mailLinks(to, subject) {
  let links;
  await eventually(`a mail to ${to} about ${subject}`, async () => {
    for (const name of readdirSync(federation.mail_dir).filter((n) => n.endsWith(".json"))) {
      const mail = JSON.parse(readFileSync(join(federation.mail_dir, name), "utf8"));
      if (mail.to.some((t) => t.toLowerCase().includes(to.toLowerCase())) && mail.subject.includes(subject)) {
        links = mail.links;
        return true;
      }
    }
    return false;
  });
  return links;
}

/** The Client-Server API as `user` (from `registerByEmail`), on their own server. */
export async function callAs(user, method, path, body) {
  const response = await fetch(`${user.client_url}${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${user.access_token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${method} ${path} as ${user.user_id}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** The random part `registerByEmail` put in the name: a search term only this run's people match. */
export function tagOf(user) {
  return user.email.split("@")[0].split(".").pop();
}

/** Joins `roomId` as `user`, through the server `via`. */
export function joinAs(user, roomId, via) {
  return callAs(user, "POST", `/_matrix/client/v3/join/${encodeURIComponent(roomId)}?server_name=${encodeURIComponent(via)}`, {});
}
