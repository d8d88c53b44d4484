#!/usr/bin/env python3
"""An independent end-to-end-encryption peer (matrix-nio + libolm) for tests.

Run with the venv's python (tests/e2ee/nio-peer.sh install; nio-peer.sh python):

  nio_peer.py --homeserver URL --user LOCALPART_OR_MXID --password PW
              --room ROOM_ID --expect TEXT --reply TEXT
              [--timeout 90] [--settle 1] [--linger 5] [--verbose]

1. Logs in (device "nio peer", store in a temporary folder removed at exit)
   and uploads its device keys and one-time keys before anything else.
2. Joins ROOM_ID (retrying until the invite is there), syncs until joined and
   the room is known to be encrypted, keeps syncing --settle seconds (so the
   other side's sync sees the join, and with it our device in
   device_lists.changed), then prints {"ready": true, "device_id": ...}.
3. Syncs until an encrypted m.room.message from another user whose decrypted
   body equals --expect arrives in ROOM_ID; prints {"received": ..., "sender": ...}.
   Undecryptable events are logged to stderr (with their session id), a room
   key request is sent, and they are retried whenever to-device events
   (room keys) arrive; it keeps waiting rather than failing.
4. Queries the room members' device keys, claims one-time keys for devices
   without an Olm session, shares a Megolm session and sends --reply as an
   encrypted m.text; prints {"sent": EVENT_ID}.
5. Keeps syncing --linger seconds, logs out, exits 0.

stdout carries only those JSON lines (flushed one by one); on failure or
timeout (--timeout bounds steps 1-4) it prints {"error": ...} and exits 1.
Everything else goes to stderr.
"""
import argparse
import asyncio
import json
import logging
import signal
import sys
import tempfile
import time

import nio
import nio.crypto
from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinResponse,
    KeysClaimResponse,
    KeysQueryResponse,
    KeysUploadResponse,
    LoginResponse,
    MegolmEvent,
    RoomMessage,
    RoomMessageText,
    RoomSendResponse,
    ShareGroupSessionResponse,
    SyncResponse,
)
from nio.exceptions import EncryptionError, LocalProtocolError

log = logging.getLogger("nio_peer")


class PeerError(Exception):
    """A failure reported as {"error": ...}."""


def emit(obj):
    try:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()
    except (BrokenPipeError, ValueError) as e:  # the reader went away
        log.error("cannot write %s to stdout: %r", obj, e)


class Peer:
    def __init__(self, args, store_dir):
        self.a = args
        self.deadline = time.monotonic() + args.timeout
        config = AsyncClientConfig(
            encryption_enabled=True,
            store_sync_tokens=False,
            request_timeout=30,
            max_timeouts=5,
        )
        self.client = AsyncClient(
            args.homeserver.rstrip("/"), args.user, store_path=store_dir, config=config
        )
        self.first_sync = True
        # session_id -> undecryptable MegolmEvents of our room, retried when to-device events arrive.
        self.pending = {}
        self.requested = set()
        self.received = None

    # ---- helpers ---------------------------------------------------------

    def remaining(self):
        return self.deadline - time.monotonic()

    def check_deadline(self, what):
        if self.remaining() <= 0:
            raise PeerError(f"timed out after {self.a.timeout:g}s {what}")

    async def crypto_housekeeping(self):
        """What sync_forever does between syncs: keys upload/query/claim."""
        c = self.client
        if c.should_upload_keys:
            r = await c.keys_upload()
            if isinstance(r, KeysUploadResponse):
                log.info("uploaded keys; one-time key counts: %s", r.signed_curve25519_count)
            else:
                log.warning("keys upload failed: %s", r)
        if c.should_query_keys:
            r = await c.keys_query()
            if not isinstance(r, KeysQueryResponse):
                log.warning("keys query failed: %s", r)
        if c.should_claim_keys:
            r = await c.keys_claim(c.get_users_for_key_claiming())
            if not isinstance(r, KeysClaimResponse):
                log.warning("keys claim failed: %s", r)

    async def sync_once(self, timeout_ms):
        c = self.client
        if c.outgoing_to_device_messages:
            await c.send_to_device_messages()
        r = await c.sync(timeout=max(0, int(timeout_ms)), full_state=self.first_sync or None)
        if not isinstance(r, SyncResponse):
            log.warning("sync failed: %s", r)
            await asyncio.sleep(1)
            return None
        self.first_sync = False
        # Every timeline event of our room goes through handle_event, from the
        # first sync on, so undecryptable ones are reported whenever they come.
        info = r.rooms.join.get(self.a.room)
        if info is not None:
            for ev in info.timeline.events:
                if self.received is None:
                    self.handle_event(ev)
        # A missing Megolm key comes as a to-device event: retry then only.
        if self.received is None and self.pending and r.to_device_events:
            self.retry_pending()
        await self.crypto_housekeeping()
        return r

    def poll_ms(self, cap_ms=5000):
        return max(0, min(cap_ms, int(self.remaining() * 1000)))

    # ---- steps -----------------------------------------------------------

    async def login(self):
        c = self.client
        r = await c.login(self.a.password, device_name="nio peer")
        if not isinstance(r, LoginResponse):
            raise PeerError(f"login failed: {r}")
        log.info("logged in as %s, device %s", r.user_id, r.device_id)
        if c.olm is None:
            raise PeerError("nio has no Olm machine after login (encryption disabled?)")
        # Device keys and one-time keys go up before anything else, so the other
        # side can find this device and claim a one-time key as soon as we join.
        r = await c.keys_upload()
        if not isinstance(r, KeysUploadResponse):
            raise PeerError(f"keys upload failed: {r}")
        log.info("device keys uploaded; one-time key counts: %s", r.signed_curve25519_count)
        ids = c.olm.account.identity_keys
        log.info("identity keys: curve25519 %s ed25519 %s", ids["curve25519"], ids["ed25519"])

    async def join(self):
        c, room_id = self.client, self.a.room
        last_err = None
        while room_id not in c.rooms:
            self.check_deadline(f"joining {room_id} (last error: {last_err})")
            r = await c.join(room_id)
            if isinstance(r, JoinResponse):
                log.info("joined %s", room_id)
                break
            if str(r) != str(last_err):
                log.info("join not possible yet (%s); waiting for the invite", r)
            last_err = r
            await self.sync_once(self.poll_ms(2000))
        # Sync until nio itself has the room as joined, with its state.
        while room_id not in c.rooms:
            self.check_deadline(f"waiting for {room_id} to show up as joined in sync")
            await self.sync_once(self.poll_ms(2000))
        room = c.rooms[room_id]
        # m.room.encryption normally comes with the join's state; give it a moment otherwise.
        wait_enc_until = time.monotonic() + 10
        while not room.encrypted and time.monotonic() < wait_enc_until:
            self.check_deadline(f"waiting for {room_id} to be encrypted")
            await self.sync_once(1000)
        if not room.encrypted:
            raise PeerError(f"room {room_id} is not encrypted (no m.room.encryption state)")
        # Learn the members' devices now; it does no harm and saves time later.
        await self.crypto_housekeeping()
        log.info("room %s: encrypted, members %s", room_id, sorted(room.users))
        # Give the other side's sync a moment to see our join: that is when the
        # homeserver lists us in its device_lists.changed, so that it (re)queries
        # our device keys before encrypting. Keep syncing meanwhile.
        end = time.monotonic() + self.a.settle
        while time.monotonic() < end:
            await self.sync_once(max(0, min(1000, int((end - time.monotonic()) * 1000))))

    def handle_event(self, ev):
        """Returns True when the expected message is there."""
        c = self.client
        if isinstance(ev, MegolmEvent):
            if ev.session_id not in self.pending:
                log.warning(
                    "undecryptable event %s from %s (device %s, sender_key %s): "
                    "no Megolm key yet for session_id %s; waiting for it",
                    ev.event_id, ev.sender, ev.device_id, ev.sender_key, ev.session_id,
                )
            evs = self.pending.setdefault(ev.session_id, [])
            if all(e.event_id != ev.event_id for e in evs):
                evs.append(ev)
            return False
        if not isinstance(ev, RoomMessage):
            return False
        body = getattr(ev, "body", None)
        encrypted = bool(getattr(ev, "decrypted", False))
        log.info(
            "message %s from %s (%s, %s): %r",
            ev.event_id, ev.sender, type(ev).__name__,
            "decrypted" if encrypted else "NOT encrypted", body,
        )
        if ev.sender == c.user_id or not isinstance(ev, RoomMessageText):
            return False
        if body != self.a.expect:
            return False
        if not encrypted:
            raise PeerError(f"the expected message {ev.event_id} from {ev.sender} arrived unencrypted")
        self.received = ev
        return True

    async def request_missing_keys(self):
        for session_id, evs in self.pending.items():
            if session_id in self.requested:
                continue
            self.requested.add(session_id)
            try:
                await self.client.request_room_key(evs[0])
                log.info("sent a room key request for session_id %s", session_id)
            except LocalProtocolError as e:
                log.info("room key request for %s not sent: %s", session_id, e)
            except Exception as e:  # a key request is best effort
                log.warning("room key request for %s failed: %r", session_id, e)

    def retry_pending(self):
        """Retries undecryptable events (their key may have arrived since)."""
        for session_id in list(self.pending):
            evs = self.pending[session_id]
            still = []
            for ev in evs:
                try:
                    dec = self.client.decrypt_event(ev)
                except EncryptionError:
                    still.append(ev)
                    continue
                log.info("decrypted %s (session_id %s) after its key arrived", ev.event_id, session_id)
                if self.handle_event(dec):
                    return True
            if still:
                self.pending[session_id] = still
            else:
                del self.pending[session_id]
        return False

    async def wait_for_expected(self):
        room_id = self.a.room
        while self.received is None:
            if self.pending:
                desc = ", ".join(f"{s} ({len(e)} event(s))" for s, e in self.pending.items())
                what = f"waiting for {self.a.expect!r}; still undecryptable: session_id {desc}"
            else:
                what = f"waiting for {self.a.expect!r} in {room_id}"
            self.check_deadline(what)
            await self.sync_once(self.poll_ms())
            if self.received is None:
                await self.request_missing_keys()

    async def send_reply(self):
        c, room_id = self.client, self.a.room
        room = c.rooms[room_id]
        members = sorted(room.users)
        # Fresh device lists for every member, then Olm sessions for every device.
        c.olm.users_for_key_query.update(members)
        r = await c.keys_query()
        if not isinstance(r, KeysQueryResponse):
            raise PeerError(f"keys query failed: {r}")
        for user in members:
            devices = sorted(c.device_store.active_user_devices(user), key=lambda d: d.id)
            if user != c.user_id:
                log.info("devices of %s: %s", user, [d.id for d in devices] or "NONE")
        missing = c.get_missing_sessions(room_id)
        if missing:
            log.info("claiming one-time keys for %s", missing)
            r = await c.keys_claim(missing)
            if not isinstance(r, KeysClaimResponse):
                raise PeerError(f"keys claim failed: {r}")
            if r.failures:
                log.warning("keys claim failures: %s", r.failures)
            still = c.get_missing_sessions(room_id)
            if still:
                log.warning("still no Olm session with %s; they will not get the key", still)
        if c.olm.should_share_group_session(room_id):
            r = await c.share_group_session(room_id, ignore_unverified_devices=True)
            if not isinstance(r, ShareGroupSessionResponse):
                raise PeerError(f"sharing the Megolm session failed: {r}")
            log.info("Megolm session shared with %s", sorted(r.users_shared_with))
            sender = self.received.sender
            if not any(u == sender for u, _ in r.users_shared_with):
                log.warning("the Megolm session was NOT shared with any device of %s", sender)
        content = {"msgtype": "m.text", "body": self.a.reply}
        r = await c.room_send(room_id, "m.room.message", content, ignore_unverified_devices=True)
        if not isinstance(r, RoomSendResponse):
            raise PeerError(f"sending the reply failed: {r}")
        sess = c.olm.outbound_group_sessions.get(room_id)
        log.info("sent reply %s (session_id %s)", r.event_id, sess.id if sess else "?")
        return r.event_id

    async def linger(self):
        end = time.monotonic() + self.a.linger
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            await self.sync_once(min(1000, int(left * 1000)))
        if self.client.outgoing_to_device_messages:
            await self.client.send_to_device_messages()

    async def run(self):
        await self.login()
        # One sync first: picks up a pending invite and the one-time key counts.
        await self.sync_once(0)
        await self.join()
        emit({"ready": True, "device_id": self.client.device_id})
        await self.wait_for_expected()
        emit({"received": self.received.body, "sender": self.received.sender})
        event_id = await self.send_reply()
        emit({"sent": event_id})
        await self.linger()

    async def close(self):
        c = self.client
        try:
            if c.access_token:
                r = await asyncio.wait_for(c.logout(), 10)
                log.info("logged out: %s", type(r).__name__)
        except Exception as e:
            log.warning("logout failed: %r", e)
        finally:
            await c.close()


async def amain(args):
    with tempfile.TemporaryDirectory(prefix="nio-peer-store-") as store:
        peer = Peer(args, store)
        # SIGTERM/SIGINT (e.g. the test giving up): log out and clean up all the same.
        loop, task = asyncio.get_running_loop(), asyncio.current_task()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, task.cancel)
        try:
            # Backstop in case a request hangs past its own timeouts.
            await asyncio.wait_for(peer.run(), args.timeout + args.linger + 60)
            return 0
        except PeerError as e:
            log.error("%s", e)
            emit({"error": str(e)})
        except asyncio.CancelledError:
            task.uncancel()
            log.error("terminated by a signal")
            emit({"error": "terminated by a signal"})
        except asyncio.TimeoutError:
            emit({"error": f"timed out (hard limit {args.timeout + args.linger + 60:g}s)"})
        except Exception as e:
            log.exception("unexpected failure")
            emit({"error": f"{type(e).__name__}: {e}"})
        finally:
            await peer.close()
        return 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--homeserver", required=True)
    ap.add_argument("--user", required=True, help="localpart or full MXID")
    ap.add_argument("--password", required=True)
    ap.add_argument("--room", required=True, help="room id to join (invite expected)")
    ap.add_argument("--expect", required=True, help="body of the message to wait for")
    ap.add_argument("--reply", required=True, help="body of the encrypted reply")
    ap.add_argument("--timeout", type=float, default=90, help="seconds until the reply is sent (default 90)")
    ap.add_argument("--settle", type=float, default=1,
                    help="seconds to keep syncing after joining, before 'ready' (default 1)")
    ap.add_argument("--linger", type=float, default=5, help="seconds to keep syncing after the reply (default 5)")
    ap.add_argument("--verbose", action="store_true", help="debug logging (nio included) on stderr")
    args = ap.parse_args()

    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s nio_peer %(levelname)s %(name)s: %(message)s",
    )
    log.setLevel(logging.DEBUG if args.verbose else logging.INFO)
    if not nio.crypto.ENCRYPTION_ENABLED:
        emit({"error": "matrix-nio has no end-to-end encryption (libolm bindings missing)"})
        return 1
    return asyncio.run(amain(args))


if __name__ == "__main__":
    sys.exit(main())
