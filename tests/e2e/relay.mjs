// A TCP relay in front of the real Synapse that a test cuts and restores: the
// app, given the relay as its homeserver, sees the network drop and come back.
import { createConnection, createServer } from "node:net";

export async function startRelay(target) {
  const { hostname, port: targetPort } = new URL(target);
  const open = new Set();
  let up = true;
  const server = createServer((client) => {
    if (!up) return client.destroy(); // the "network" is down: hang up at once
    const upstream = createConnection({ host: hostname, port: Number(targetPort) });
    const pair = [client, upstream];
    for (const socket of pair) {
      open.add(socket);
      socket.on("error", () => pair.forEach((s) => s.destroy()));
      socket.on("close", () => (open.delete(socket), pair.forEach((s) => s.destroy())));
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const relay = {
    url: `http://127.0.0.1:${server.address().port}`,
    /** Drops every open connection and refuses new ones. */
    cut() {
      up = false;
      for (const socket of open) socket.destroy();
    },
    restore() {
      up = true;
    },
    close() {
      relay.cut();
      return new Promise((resolve) => server.close(resolve));
    },
  };
  return relay;
}
