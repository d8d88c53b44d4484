#!/usr/bin/env python3
"""Stdlib helpers for the local Tchap federation (tests/federation/federation.sh).

CLI (the federation file comes from --federation or $TCHAP_FEDERATION):
  fed_admin.py register EMAIL PASSWORD [--server SERVER_NAME] [--admin]
      Registers the account Tchap would create for EMAIL on the server /info
      picks for it (or SERVER_NAME), through the registration shared secret:
      Tchap-style localpart ("prenom.nom-dinum.gouv.fr") and display name
      ("Prenom Nom [Dinum]"), with EMAIL bound to it (so login with the email,
      expiry mails and /info work). Idempotent: an existing account is logged
      in. Prints JSON {user_id, access_token, device_id, server_name,
      client_url, email, displayname}.
  fed_admin.py info EMAIL          the identity stand-in's /info answer
  fed_admin.py admin-token SERVER_NAME   an admin access token on that server

Library: load_federation, server_for_email, register, admin_token, info,
identity_token, wait_mail, expire_account, Client (from matrix_admin.py).
"""
import argparse
import glob
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "synapse"))
sys.path.insert(0, HERE)

from matrix_admin import Client, MatrixError, login, q  # noqa: E402
from matrix_admin import register as shared_secret_register  # noqa: E402
from tchap_names_standin import displayname_for_email, localpart_for_email  # noqa: E402

ADMIN_USER = "fed-admin"   # a "support" user: admin, kept out of the user directory
_admin_tokens = {}


def load_federation(path=None):
    path = path or os.environ.get("TCHAP_FEDERATION")
    if not path:
        raise SystemExit("no federation file: pass --federation or set TCHAP_FEDERATION")
    with open(path) as f:
        fed = json.load(f)
    fed["_path"] = os.path.abspath(path)
    return fed


def server(fed, server_name):
    for s in fed["servers"]:
        if s["server_name"] == server_name:
            return s
    raise KeyError("no server %r in the federation" % server_name)


def server_for_email(fed, email):
    """The server Tchap's /info maps a fresh email to (email_domains, else the externals')."""
    domain = email.strip().lower().rsplit("@", 1)[1]
    for s in fed["servers"]:
        if any(domain == d or domain.endswith("." + d) for d in s["email_domains"]):
            return s
    return next(s for s in fed["servers"] if s["external"])


def _secret(s):
    with open(s["shared_secret_file"]) as f:
        return f.read().strip()


def admin_token(fed, server_name):
    """Access token of the admin user fed-admin on that server (created on first use)."""
    if server_name in _admin_tokens:
        return _admin_tokens[server_name]
    s = server(fed, server_name)
    secret = _secret(s)
    password = hmac.new(secret.encode(), b"fed-admin-password", hashlib.sha256).hexdigest()
    c = Client(s["client_url"])
    path = "/_synapse/admin/v1/register"
    nonce = c.request("GET", path)["nonce"]
    mac = hmac.new(secret.encode(), "\x00".join([nonce, ADMIN_USER, password, "admin", "support"]).encode(),
                   hashlib.sha1).hexdigest()
    try:
        r = c.request("POST", path, {"nonce": nonce, "username": ADMIN_USER, "password": password,
                                     "admin": True, "user_type": "support", "mac": mac,
                                     "displayname": "Federation admin (tests)"})
    except MatrixError as e:
        if e.errcode != "M_USER_IN_USE":
            raise
        r = login(s["client_url"], ADMIN_USER, password)
    _admin_tokens[server_name] = r["access_token"]
    return r["access_token"]


def admin_client(fed, server_name):
    return Client(server(fed, server_name)["client_url"], admin_token(fed, server_name))


def register(fed, email, password, server_name=None, admin=False):
    email = email.strip().lower()
    s = server(fed, server_name) if server_name else server_for_email(fed, email)
    localpart = localpart_for_email(email)
    displayname = displayname_for_email(email)
    r = shared_secret_register(s["client_url"], _secret(s), localpart, password, admin, displayname)
    # Bind the email (admin API): login with the email, expiry mails, /info all need it.
    adm = admin_client(fed, s["server_name"])
    user = adm.request("GET", "/_synapse/admin/v2/users/" + q(r["user_id"]))
    if not any(t.get("medium") == "email" and t.get("address") == email for t in user.get("threepids", [])):
        adm.request("PUT", "/_synapse/admin/v2/users/" + q(r["user_id"]),
                    {"threepids": [{"medium": "email", "address": email}]})
    r.update({"server_name": s["server_name"], "client_url": s["client_url"], "email": email,
              "displayname": displayname})
    return r


def client_for(account):
    return Client(account["client_url"], account["access_token"], account["user_id"])


def identity(fed):
    return Client(fed["identity_url"])


def info(fed, email):
    return identity(fed).request(
        "GET", "/_matrix/identity/api/v1/info?" + urllib.parse.urlencode({"medium": "email", "address": email}))


def identity_token(fed, account):
    """An identity-server access token for the account (OpenID token -> /account/register)."""
    c = client_for(account)
    openid = c.request("POST", "/_matrix/client/v3/user/%s/openid/request_token" % q(account["user_id"]), {})
    return identity(fed).request("POST", "/_matrix/identity/v2/account/register", openid)["token"]


def expire_account(fed, user_id, expiration_ts=None):
    name = user_id.split(":", 1)[1]
    ts = int(time.time() * 1000) - 1000 if expiration_ts is None else expiration_ts
    return admin_client(fed, name).request("POST", "/_synapse/admin/v1/account_validity/validity", {
        "user_id": user_id, "expiration_ts": ts, "enable_renewal_emails": True})


def mails(fed, to=None):
    """Mails kept by the SMTP sink (parsed .json files), oldest first."""
    out = []
    for p in sorted(glob.glob(os.path.join(fed["mail_dir"], "*.json"))):
        with open(p) as f:
            m = json.load(f)
        m["_file"] = p
        if to is None or to.lower() in [a.lower() for a in m.get("envelope_to", [])]:
            out.append(m)
    return out


def wait_mail(fed, to, after=(), timeout=15):
    """First mail to `to` whose file is not in `after` (a list of earlier _file values)."""
    seen = set(after)
    deadline = time.time() + timeout
    while time.time() < deadline:
        for m in mails(fed, to):
            if m["_file"] not in seen:
                return m
        time.sleep(0.1)
    raise TimeoutError("no new mail to %s in %s within %ss" % (to, fed["mail_dir"], timeout))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--federation", help="federation.json (default: $TCHAP_FEDERATION)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("register")
    p.add_argument("email")
    p.add_argument("password")
    p.add_argument("--server", help="server name (default: the one /info gives for the email)")
    p.add_argument("--admin", action="store_true")
    p = sub.add_parser("info")
    p.add_argument("email")
    p = sub.add_parser("admin-token")
    p.add_argument("server_name")
    a = ap.parse_args()
    fed = load_federation(a.federation)
    try:
        if a.cmd == "register":
            r = register(fed, a.email, a.password, a.server, a.admin)
        elif a.cmd == "info":
            r = info(fed, a.email)
        else:
            r = {"access_token": admin_token(fed, a.server_name)}
    except (MatrixError, OSError, KeyError) as e:
        sys.exit("fed_admin.py %s: %s" % (a.cmd, e))
    print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()
