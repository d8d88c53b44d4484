// A plain Client-Server API peer for the end-to-end tests ("another user").
import { createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

export const homeserver = process.env.TCHAP_TEST_HOMESERVER;
if (!homeserver) throw new Error("TCHAP_TEST_HOMESERVER is not set: run through `make test`");

function sharedSecret() {
  const value = process.env.TCHAP_TEST_SHARED_SECRET ?? "";
  try { return readFileSync(value, "utf8").trim(); } catch { return value; }
}

export const PASSWORD = "correct horse battery staple";

export async function call(method, path, token, body) {
  const response = await fetch(`${homeserver}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** A new user (`admin`: a server administrator, for the admin API). */
export async function register(prefix, displayname, { admin = false } = {}) {
  const url = "/_synapse/admin/v1/register";
  const { nonce } = await call("GET", url);
  const username = `${prefix}${randomBytes(4).toString("hex")}`;
  const mac = createHmac("sha1", sharedSecret()).update(`${nonce}\0${username}\0${PASSWORD}\0${admin ? "admin" : "notadmin"}`).digest("hex");
  const answer = await call("POST", url, undefined, { nonce, username, password: PASSWORD, admin, displayname, mac });
  return { username, userId: answer.user_id, token: answer.access_token };
}

export function peer(user) {
  return {
    createRoom: async (name, invite) =>
      (await call("POST", "/_matrix/client/v3/createRoom", user.token, { name, invite, preset: "private_chat" })).room_id,
    sendText: async (roomId, body) =>
      call("PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${randomBytes(6).toString("hex")}`, user.token, { msgtype: "m.text", body }),
    /** A private room encrypted from its creation, as Tchap's clients make them. */
    createEncryptedRoom: async (name, invite) =>
      (await call("POST", "/_matrix/client/v3/createRoom", user.token, {
        name,
        invite,
        preset: "private_chat",
        initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
      })).room_id,
    join: async (roomId) => call("POST", `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, user.token, {}),
    /** The ids of `userId`'s devices that published their encryption keys. */
    devicesWithKeys: async (userId) =>
      Object.keys((await call("POST", "/_matrix/client/v3/keys/query", user.token, { device_keys: { [userId]: [] } })).device_keys[userId] ?? {}),
    /** Any message content, as a hostile or unusual client would send it. */
    sendContent: async (roomId, content) =>
      call("PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${randomBytes(6).toString("hex")}`, user.token, content),
    /** The room's message events as the server gives them (content, relations, redactions), oldest first. */
    messageEvents: async (roomId) => {
      const { chunk } = await call("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=50`, user.token);
      return chunk.filter((e) => e.type === "m.room.message").reverse();
    },
    /** Any request on one of the room's endpoints (`path` after /rooms/{roomId}/). */
    roomCall: async (method, roomId, path, body) =>
      call(method, `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/${path}`, user.token, body),
    /** Bodies of the room's messages, oldest first. */
    messages: async (roomId) => {
      const { chunk } = await call("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=50`, user.token);
      return chunk.filter((e) => e.type === "m.room.message").map((e) => e.content.body).reverse();
    },
  };
}

export async function eventually(what, check, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
