// The rooms of the long-room figures (bench-timeline.mjs), made through the
// Client-Server and admin APIs of the test Synapse (rate limits off there):
//   - a room of EVENTS numbered messages from another user ("Message n° 00001 — …"),
//     for scrolling back;
//   - a room of MEMBERS joined members and the same 60 messages as
//     - a room of 2 members (the baseline of opening a room).
// Requests go CONCURRENCY at a time: the server, not the client, is the limit.
// The numbers follow the room's order to within CONCURRENCY, so the bench asks
// the server which message is a room's newest.
import { call, homeserver, peer, register } from "./matrix.mjs";

// Many at once: the server writes the events of a room in batches of those waiting.
const CONCURRENCY = 64;
export const OPENING_MESSAGES = 60;

const WORDS = (
  "la réunion de coordination est avancée à demain matin merci de relire le compte rendu avant " +
  "midi et de signaler toute correction au secrétariat général le document final sera transmis " +
  "au cabinet après validation par la direction les pièces jointes suivent par courrier"
).split(" ");

/** A message's number as the page shows it: five digits, so that "n° 00012" never matches inside "n° 00120". */
const numbered = (n) => `Message n° ${String(n).padStart(5, "0")}`;

/** Varied lengths (3 to 60 words), one message in seven on several lines. */
function messageText(n, tag = "") {
  const words = 3 + ((n * 37) % 58);
  const text = Array.from({ length: words }, (_, i) => WORDS[(n * 5 + i) % WORDS.length]).join(" ");
  const lines = n % 7 === 0 ? text.replace(/ (\S+) (\S+) (\S+) (\S+) (\S+) /g, " $1 $2 $3 $4 $5\n") : text;
  return `${numbered(n)}${tag} — ${lines}`;
}

/** Runs `task(i)` for i in 0..count-1, `concurrency` at a time, in order of i. */
async function pool(count, task, concurrency = CONCURRENCY) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

const roomPath = (roomId, tail) => `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/${tail}`;
let txn = 0;
const send = (user, roomId, type, content) =>
  call("PUT", roomPath(roomId, `send/${type}/bench${Date.now()}.${txn++}`), user.token, content);

/**
 * `count` numbered messages from `sender`, the first alone so that it is the
 * room's first: one in 250 answers an earlier one, one in 500 gets a 👍.
 * The numbers follow the room's order to within `concurrency`.
 */
async function sendNumbered(sender, roomId, count, { tag = "", concurrency = CONCURRENCY } = {}) {
  const eventIds = new Map();
  const one = async (n) => {
    const content = { msgtype: "m.text", body: messageText(n, tag) };
    const quoted = n % 250 === 0 ? eventIds.get(n - CONCURRENCY - 1) : undefined;
    if (quoted) content["m.relates_to"] = { "m.in_reply_to": { event_id: quoted } };
    const { event_id } = await send(sender, roomId, "m.room.message", content);
    eventIds.set(n, event_id);
    if (n % 500 === 0) await send(sender, roomId, "m.reaction", { "m.relates_to": { rel_type: "m.annotation", event_id, key: "👍" } });
  };
  await one(1);
  await pool(count - 1, (i) => one(i + 2), concurrency);
}

/** Users made by the admin API (no password: they never sign in), joined to `roomId`. */
async function joinMembers(admin, roomId, count, prefix) {
  const server = admin.userId.split(":").slice(1).join(":");
  await pool(count, async (i) => {
    const userId = `@${prefix}${String(i).padStart(5, "0")}:${server}`;
    await call("PUT", `/_synapse/admin/v2/users/${encodeURIComponent(userId)}`, admin.token, { displayname: `Agent ${i + 1} (Bench)` });
    await call("POST", `/_synapse/admin/v1/join/${encodeURIComponent(roomId)}`, admin.token, { user_id: userId });
  });
}

/** What tells the two rooms to open apart in their messages' text (the same length). */
export const roomTag = (key) => (key === "large" ? " (grand salon)" : key === "small" ? " (petit salon)" : "");

const seconds = (started) => (Date.now() - started) / 1000;

/**
 * The measured user (signs in with matrix.mjs's PASSWORD), joined to the
 * three rooms. Returns their names and the time each part took.
 */
export async function seedRooms({ events, members, log = () => {} }) {
  const admin = await register("archiviste", "Camille Archiviste (DINUM)", { admin: true });
  const viewer = await register("lectrice", "Lou Lectrice (Bench)");
  const seedStarted = Date.now();
  const times = {};
  const rooms = {
    history: { name: `Archives ${events} messages` },
    large: { name: `Assemblée ${members} membres` },
    small: { name: "Binôme 2 membres" },
  };
  for (const [key, room] of Object.entries(rooms)) {
    // public_chat: the admin API joins a member without inviting first (one event, not two).
    room.roomId = (await call("POST", "/_matrix/client/v3/createRoom", admin.token, { name: room.name, preset: "public_chat" })).room_id;
    await peer(viewer).join(room.roomId);
    room.key = key;
  }
  // Both rooms at once: events of different rooms do not wait on each other in the server.
  const timed = async (what, key, work) => {
    const started = Date.now();
    await work();
    times[key] = seconds(started);
    log(`${what} in ${times[key].toFixed(0)} s`);
  };
  await Promise.all([
    timed(`${events} messages`, "history", () => sendNumbered(admin, rooms.history.roomId, events)),
    // The measured user and the admin are members already.
    timed(`${members} members`, "members", () => joinMembers(admin, rooms.large.roomId, members - 2, `membre${Date.now().toString(36)}`)),
  ]);
  const started = Date.now();
  // One at a time: the last ones in the room are the last numbers.
  for (const room of [rooms.large, rooms.small]) await sendNumbered(admin, room.roomId, OPENING_MESSAGES, { tag: roomTag(room.key), concurrency: 1 });
  times.opening = seconds(started);
  times.total = seconds(seedStarted);
  return { viewer, rooms, times };
}

export { homeserver };
