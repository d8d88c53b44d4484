#!/usr/bin/env python3
"""Tiny stdlib-only Matrix helpers for the test/demo Synapse (see synapse.sh).

CLI:
  matrix_admin.py health   --homeserver URL
  matrix_admin.py register --homeserver URL --shared-secret-file PATH USER PASSWORD
                           [--admin] [--displayname NAME]
  matrix_admin.py check    --homeserver URL --shared-secret-file PATH

Also imported by scripts/demo-seed.py (Client, register, login).
"""
import argparse
import hashlib
import hmac
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

# Never route loopback traffic through an HTTP proxy set in the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_txn = 0


class MatrixError(Exception):
    def __init__(self, method, path, status, body):
        self.status = status
        self.body = body
        self.errcode = body.get("errcode") if isinstance(body, dict) else None
        super().__init__(f"{method} {path} -> HTTP {status}: {body}")


class Client:
    def __init__(self, homeserver, access_token=None, user_id=None):
        self.hs = homeserver.rstrip("/")
        self.token = access_token
        self.user_id = user_id

    def request(self, method, path, body=None, timeout=30):
        data = None if body is None else json.dumps(body).encode()
        for _attempt in range(20):
            req = urllib.request.Request(self.hs + path, data=data, method=method)
            req.add_header("Content-Type", "application/json")
            if self.token:
                req.add_header("Authorization", "Bearer " + self.token)
            try:
                with _OPENER.open(req, timeout=timeout) as resp:
                    raw = resp.read()
                    return json.loads(raw) if raw else {}
            except urllib.error.HTTPError as e:
                raw = e.read()
                try:
                    parsed = json.loads(raw)
                except ValueError:
                    parsed = raw.decode(errors="replace")
                err = MatrixError(method, path, e.code, parsed)
                if e.code == 429:  # rate limited despite the relaxed config: honour retry_after_ms
                    time.sleep(min((parsed.get("retry_after_ms") or 1000) / 1000, 10))
                    continue
                raise err from None
        raise err

    # --- small conveniences used by demo-seed.py ---
    def put_state_or_event(self, room_id, path_tail, content):
        return self.request("PUT", f"/_matrix/client/v3/rooms/{q(room_id)}/{path_tail}", content)

    def send_text(self, room_id, body):
        global _txn
        _txn += 1
        txn = f"{time.time_ns()}.{_txn}"
        return self.put_state_or_event(
            room_id, f"send/m.room.message/{txn}", {"msgtype": "m.text", "body": body}
        )["event_id"]

    def join(self, room_id):
        return self.request("POST", f"/_matrix/client/v3/join/{q(room_id)}", {})

    def invite(self, room_id, user_id):
        body = {"user_id": user_id}
        return self.request("POST", f"/_matrix/client/v3/rooms/{q(room_id)}/invite", body)

    def get_account_data(self, typ):
        try:
            return self.request(
                "GET", f"/_matrix/client/v3/user/{q(self.user_id)}/account_data/{q(typ)}"
            )
        except MatrixError as e:
            if e.status == 404:
                return None
            raise

    def set_account_data(self, typ, content):
        return self.request(
            "PUT", f"/_matrix/client/v3/user/{q(self.user_id)}/account_data/{q(typ)}", content
        )

    def set_displayname(self, name):
        path = f"/_matrix/client/v3/profile/{q(self.user_id)}/displayname"
        if self.request("GET", path).get("displayname") != name:
            self.request("PUT", path, {"displayname": name})

    def logout(self):
        self.request("POST", "/_matrix/client/v3/logout", {})
        self.token = None


def q(s):
    return urllib.parse.quote(s, safe="")


def login(homeserver, user, password):
    c = Client(homeserver)
    r = c.request("POST", "/_matrix/client/v3/login", {
        "type": "m.login.password",
        "identifier": {"type": "m.id.user", "user": user},
        "password": password,
        "initial_device_display_name": "tchap-test-tools",
    })
    return {"user_id": r["user_id"], "access_token": r["access_token"], "device_id": r["device_id"]}


def register(homeserver, shared_secret, user, password, admin=False, displayname=None):
    """Shared-secret registration (/_synapse/admin/v1/register); falls back to
    a password login when the user already exists. Returns user_id/access_token/device_id."""
    c = Client(homeserver)
    path = "/_synapse/admin/v1/register"
    nonce = c.request("GET", path)["nonce"]
    # HMAC-SHA1 over nonce, user, password and admin flag joined by NULs (no trailing NUL).
    parts = (nonce, user, password, "admin" if admin else "notadmin")
    mac = hmac.new(shared_secret.encode(), "\x00".join(parts).encode(), hashlib.sha1)
    body = {"nonce": nonce, "username": user, "password": password, "admin": admin,
            "mac": mac.hexdigest()}
    if displayname:
        body["displayname"] = displayname
    try:
        r = c.request("POST", path, body)
        return {"user_id": r["user_id"], "access_token": r["access_token"], "device_id": r["device_id"]}
    except MatrixError as e:
        if e.errcode != "M_USER_IN_USE":
            raise
    r = login(homeserver, user, password)
    if displayname:
        Client(homeserver, r["access_token"], r["user_id"]).set_displayname(displayname)
    return r


def health(homeserver):
    try:
        with _OPENER.open(homeserver.rstrip("/") + "/health", timeout=2) as resp:
            return resp.status == 200 and resp.read().strip() == b"OK"
    except (OSError, urllib.error.URLError):
        return False


def check(homeserver, shared_secret):
    """Smoke test: versions, registration, and simplified sliding sync (MSC4186)."""
    c = Client(homeserver)
    versions = c.request("GET", "/_matrix/client/versions")
    print("versions:", ", ".join(versions["versions"][-3:]), "...")
    print("unstable org.matrix.simplified_msc3575:",
          versions.get("unstable_features", {}).get("org.matrix.simplified_msc3575"))
    u = register(homeserver, shared_secret, "selftest", "selftest-password")
    c = Client(homeserver, u["access_token"], u["user_id"])
    # Synapse 1.163 rejects a list without "required_state" (400 M_MISSING_PARAM);
    # matrix-sdk always sends it.
    body = {"lists": {"all": {"ranges": [[0, 10]], "timeline_limit": 1,
                              "required_state": [["m.room.name", ""]]}}}
    r = c.request("POST", "/_matrix/client/unstable/org.matrix.simplified_msc3575/sync", body)
    print("sliding sync: 200, pos =", r.get("pos"), "lists =", list(r.get("lists", {})))
    c.logout()
    print("check OK")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("health", "register", "check"):
        p = sub.add_parser(name)
        p.add_argument("--homeserver", required=True)
        if name != "health":
            p.add_argument("--shared-secret-file", required=True)
        if name == "register":
            p.add_argument("user")
            p.add_argument("password")
            p.add_argument("--admin", action="store_true")
            p.add_argument("--displayname")
    a = ap.parse_args()
    if a.cmd == "health":
        sys.exit(0 if health(a.homeserver) else 1)
    with open(a.shared_secret_file) as f:
        secret = f.read().strip()
    try:
        if a.cmd == "register":
            print(json.dumps(register(a.homeserver, secret, a.user, a.password, a.admin, a.displayname)))
        else:
            check(a.homeserver, secret)
    except (MatrixError, OSError) as e:
        sys.exit(f"matrix_admin.py {a.cmd}: {e}")


if __name__ == "__main__":
    main()
