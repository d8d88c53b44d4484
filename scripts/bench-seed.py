#!/usr/bin/env python3
"""Seed one realistic account for the room-list benchmark (`make bench`).

  python3 scripts/bench-seed.py --homeserver URL --shared-secret-file PATH \
      [--rooms 1000] [--password PW] [--workers 4]

Stdlib only (uses tests/synapse/matrix_admin.py). Registers a fresh measured
user `bench<random>` and 15 other users, then, for the measured user:

- ROOMS joined rooms: 90 % named group rooms and 10 % direct chats without a
  name (named from their members by the client), the direct chats listed in
  the user's `m.direct` account data;
- every third group room and every direct chat encrypted (`m.room.encryption`
  initial state, m.megolm.v1.aes-sha2): 40 % of the rooms;
- one group room in ten with 11 to 16 members, a third with 2 to 4, the rest
  the user alone;
- one to three messages in half of the rooms (the list's previews): plain
  text in unencrypted rooms, megolm-shaped `m.room.encrypted` events the new
  device cannot decrypt in encrypted ones (what a new device sees without a
  key backup);
- 8 pending invites (5 named rooms, 3 direct chats) from the other users.

Prints one JSON line: the user, its password, and `expected`, the number of
entries the room list shows (joined rooms + invites). Not idempotent: every
run makes a new account.
"""
import argparse
import base64
import json
import os
import secrets
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "synapse"))
from matrix_admin import Client, q, register  # noqa: E402

PEERS = [
    "Alice Martin (DINUM)", "Bruno Dupont (Intérieur)", "Chloé Bernard (Santé)",
    "David Lefebvre (Armées)", "Emma Moreau (Éducation nationale)", "Fabien Petit (Culture)",
    "Gaëlle Roux (Justice)", "Hugo Fournier (Économie)", "Inès Girard (Travail)",
    "Julien Bonnet (Agriculture)", "Karima Lambert (Transition écologique)",
    "Louis Fontaine (Affaires étrangères)", "Manon Chevalier (Outre-mer)",
    "Nicolas Robin (Sports)", "Océane Garnier (Logement)",
]
TOPICS = ["Coordination", "Veille", "Projet", "Cellule", "Équipe", "Comité", "Groupe de travail", "Réseau"]
ENCRYPTION = {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}
INVITES_NAMED, INVITES_DM = 5, 3

_txn_lock = threading.Lock()
_txn = 0


def txn():
    global _txn
    with _txn_lock:
        _txn += 1
        return f"seed{time.time_ns()}.{_txn}"


def b64(n):
    return base64.b64encode(secrets.token_bytes(n)).decode().rstrip("=")


def send(client, room_id, encrypted, body):
    if encrypted:
        # Megolm-shaped but undecryptable: an unknown session from an unknown device.
        content = {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": b64(96 + len(body)),
                   "device_id": "SEEDDEVICE", "sender_key": b64(32), "session_id": b64(32)}
        typ = "m.room.encrypted"
    else:
        content = {"msgtype": "m.text", "body": body}
        typ = "m.room.message"
    client.request("PUT", f"/_matrix/client/v3/rooms/{q(room_id)}/send/{typ}/{txn()}", content)


def create(client, body):
    return client.request("POST", "/_matrix/client/v3/createRoom", body)["room_id"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--homeserver", required=True)
    ap.add_argument("--shared-secret-file", required=True)
    ap.add_argument("--rooms", type=int, default=1000)
    ap.add_argument("--password", default="bench-password-2026")
    ap.add_argument("--workers", type=int, default=4)
    a = ap.parse_args()
    with open(a.shared_secret_file) as f:
        secret = f.read().strip()
    started = time.monotonic()
    tag = secrets.token_hex(4)
    user = f"bench{tag}"
    me_reg = register(a.homeserver, secret, user, a.password, displayname="Camille Banc (Bench)")
    me = Client(a.homeserver, me_reg["access_token"], me_reg["user_id"])
    peers = []
    for i, name in enumerate(PEERS):
        r = register(a.homeserver, secret, f"bench{tag}peer{i:02}", a.password, displayname=name)
        peers.append(Client(a.homeserver, r["access_token"], r["user_id"]))

    dms = max(1, a.rooms // 10)
    groups = a.rooms - dms
    stats = {"encrypted": 0, "with_messages": 0, "big_rooms": 0, "joins": 0}
    stats_lock = threading.Lock()
    direct = {}  # peer user id -> [room ids], the measured user's m.direct

    def count(key, n=1):
        with stats_lock:
            stats[key] += n

    def group_room(i):
        encrypted = i % 3 == 0
        if i % 10 == 1:
            members = peers[: 10 + i % 6]  # 11 to 16 members with the user
            count("big_rooms")
        elif i % 3 == 2:
            members = [peers[(i + k) % len(peers)] for k in range(1 + i % 3)]
        else:
            members = []
        body = {"name": f"{TOPICS[i % len(TOPICS)]} {i + 1:04}", "preset": "private_chat",
                "topic": f"Salon de test n° {i + 1}", "invite": [p.user_id for p in members]}
        if encrypted:
            body["initial_state"] = [ENCRYPTION]
        room_id = create(me, body)
        for p in members:
            p.join(room_id)
        count("joins", len(members))
        if encrypted:
            count("encrypted")
        if i % 2 == 0:
            senders = [me] + members
            for k in range(1 + i % 3):
                send(senders[k % len(senders)], room_id, encrypted, f"Message {k + 1} du salon {i + 1}")
            count("with_messages")

    def dm_room(j):
        peer = peers[j % len(peers)]
        body = {"preset": "trusted_private_chat", "is_direct": True, "invite": [peer.user_id],
                "initial_state": [ENCRYPTION]}
        room_id = create(me, body)
        peer.join(room_id)
        count("joins")
        count("encrypted")
        with stats_lock:
            direct.setdefault(peer.user_id, []).append(room_id)
        if j % 2 == 1:
            for k in range(1 + j % 3):
                send(peer if k % 2 == 0 else me, room_id, True, f"Message privé {k + 1}")
            count("with_messages")

    def invite(k):
        peer = peers[-1 - k]
        if k < INVITES_NAMED:
            body = {"name": f"Invitation {k + 1}", "preset": "private_chat", "invite": [me.user_id]}
        else:
            body = {"preset": "trusted_private_chat", "is_direct": True, "invite": [me.user_id],
                    "initial_state": [ENCRYPTION]}
        create(peer, body)

    # Interleaved so that direct chats and group rooms mix in the recency order.
    jobs = [(group_room, i) for i in range(groups)]
    for j in range(dms):
        jobs.insert(min(len(jobs), j * 10 + 5), (dm_room, j))
    with ThreadPoolExecutor(max_workers=a.workers) as pool:
        for future in [pool.submit(fn, n) for fn, n in jobs]:
            future.result()
    me.set_account_data("m.direct", direct)
    # The invites last: the newest entries, as they usually are.
    for k in range(INVITES_NAMED + INVITES_DM):
        invite(k)

    print(json.dumps({
        "user": user, "user_id": me.user_id, "password": a.password,
        "rooms": a.rooms, "dms": dms, "invites": INVITES_NAMED + INVITES_DM,
        "expected": a.rooms + INVITES_NAMED + INVITES_DM, "peers": len(peers),
        **stats, "seconds": round(time.monotonic() - started, 1),
    }))


if __name__ == "__main__":
    main()
