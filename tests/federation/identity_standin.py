#!/usr/bin/env python3
"""STAND-IN for Tchap's identity server (its sydent fork, not packaged), plus
the HTTPS front door of the test/demo federation. NOT a real identity server.

  identity_standin.py CONFIG.json

One process, two listeners (loopback only):
  * HTTPS on 127.0.0.1:443 (self-signed), routed by path and Host header:
      /.well-known/matrix/server|client for the three homeserver names: the
        delegation Synapse needs to federate with port-less server names (what
        the reverse proxies in front of Tchap's servers do);
      everything else: the identity API below (Host id.tchap.localhost: what
        the homeservers and the room-access-rules module call).
  * plain HTTP on a loopback port: the same identity API, for the client.

Identity API:
  GET  /_matrix/identity/api/v1/info?medium=email&address=A   Tchap's extension:
       {"hs": server for A, "invited": bool}; an email bound to an account
       answers that account's server (and today's mapping in "new_hs" when it
       differs). Mapping: the servers' email_domains (exact or sub-domain),
       anything else -> the externals' server.
  GET  /_matrix/identity/v2, /_matrix/identity/api/v1            {}
  POST /_matrix/identity/v2/account/register   OpenID token -> {"token"}; the
       token is checked against the homeserver's federation
       /_matrix/federation/v1/openid/userinfo.
  GET  /_matrix/identity/v2/account, POST .../account/logout
  GET|POST /_matrix/identity/v2/terms           no policies
  GET  /_matrix/identity/v2/hash_details, POST /_matrix/identity/v2/lookup
       ("none": resolved through the homeservers' admin API; "sha256": resolved
       for the emails this stand-in has already seen)
  POST /_matrix/identity/v2/store-invite        records a pending invite, mails
       the invitee through the SMTP sink, answers token/public_keys/display_name
  GET  /_matrix/identity/{v2,api/v1}/pubkey/ed25519:0, .../pubkey/isvalid,
       .../pubkey/ephemeral/isvalid
  GET  /_tchap_standin/invites                  (test helper) pending invites

What "bound" means here: the email is a 3PID of an account on one of the
homeservers (looked up with an admin user "identity-standin", user type
"support" so it stays out of the user directory, registered through each
server's registration shared secret). Real Tchap: sydent keeps the bindings,
the homeservers bind at registration, and sydent sends /3pid/onbind to turn a
pending email invite into a Matrix invite; the stand-in does not do onbind.

Config (written by federation.sh): {"bind", "https_port", "http_port",
"id_server_name", "cert", "key", "state_dir", "smtp_port", "identity_url",
"servers": [{"server_name", "client_url", "federation_port",
"shared_secret_file", "external", "email_domains"}]}
"""
import base64
import hashlib
import hmac
import json
import os
import secrets
import smtplib
import ssl
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import signedjson.key

_NO_PROXY = urllib.request.ProxyHandler({})
_INSECURE = ssl.create_default_context()
_INSECURE.check_hostname = False
_INSECURE.verify_mode = ssl.CERT_NONE
_OPENER = urllib.request.build_opener(_NO_PROXY, urllib.request.HTTPSHandler(context=_INSECURE))
ADMIN_USER = "identity-standin"


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def http_json(method, url, body=None, token=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with _OPENER.open(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        try:
            return e.code, json.loads(e.read() or b"{}")
        except ValueError:
            return e.code, {}


class ApiError(Exception):
    def __init__(self, status, errcode, error):
        super().__init__(error)
        self.status, self.body = status, {"errcode": errcode, "error": error}


class State:
    """Everything the stand-in remembers, persisted in state_dir/state.json."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.lock = threading.Lock()
        self.dir = cfg["state_dir"]
        os.makedirs(self.dir, exist_ok=True)
        key_path = os.path.join(self.dir, "signing.key")
        if not os.path.exists(key_path):
            with open(key_path, "w") as f:
                signedjson.key.write_signing_keys(f, [signedjson.key.generate_signing_key("0")])
        with open(key_path) as f:
            self.signing_key = signedjson.key.read_signing_keys(f)[0]
        self.public_key = signedjson.key.encode_verify_key_base64(
            signedjson.key.get_verify_key(self.signing_key))
        self.path = os.path.join(self.dir, "state.json")
        try:
            with open(self.path) as f:
                saved = json.load(f)
        except (OSError, ValueError):
            saved = {}
        self.tokens = saved.get("tokens", {})          # id access token -> user_id
        self.invites = saved.get("invites", [])        # pending 3PID invites
        self.seen = set(saved.get("seen", []))         # emails met (for sha256 lookups)
        self.pepper = saved.get("pepper") or secrets.token_urlsafe(12)
        self.admin_password = saved.get("admin_password") or secrets.token_urlsafe(18)
        self.admin_tokens = {}                         # server_name -> admin access token
        self.save()

    def save(self):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"tokens": self.tokens, "invites": self.invites, "seen": sorted(self.seen),
                       "pepper": self.pepper, "admin_password": self.admin_password}, f, indent=1)
        os.replace(tmp, self.path)

    # --- homeservers -------------------------------------------------------
    def server(self, name):
        for s in self.cfg["servers"]:
            if s["server_name"] == name:
                return s
        return None

    def server_for_domain(self, domain):
        domain = domain.lower()
        for s in self.cfg["servers"]:
            for d in s.get("email_domains", []):
                if domain == d or domain.endswith("." + d):
                    return s["server_name"]
        for s in self.cfg["servers"]:
            if s.get("external"):
                return s["server_name"]
        return self.cfg["servers"][-1]["server_name"]

    def _admin_token(self, s):
        name = s["server_name"]
        if name in self.admin_tokens:
            return self.admin_tokens[name]
        hs = s["client_url"].rstrip("/")
        with open(s["shared_secret_file"]) as f:
            secret = f.read().strip()
        st, r = http_json("GET", hs + "/_synapse/admin/v1/register")
        if st != 200:
            raise OSError("nonce from %s: %s %s" % (name, st, r))
        nonce = r["nonce"]
        mac = hmac.new(secret.encode(), digestmod=hashlib.sha1)
        mac.update("\x00".join([nonce, ADMIN_USER, self.admin_password, "admin", "support"]).encode())
        st, r = http_json("POST", hs + "/_synapse/admin/v1/register", {
            "nonce": nonce, "username": ADMIN_USER, "password": self.admin_password,
            "admin": True, "user_type": "support", "mac": mac.hexdigest(),
            "displayname": "Identity stand-in"})
        if st != 200 and r.get("errcode") == "M_USER_IN_USE":
            st, r = http_json("POST", hs + "/_matrix/client/v3/login", {
                "type": "m.login.password", "identifier": {"type": "m.id.user", "user": ADMIN_USER},
                "password": self.admin_password})
        if st != 200:
            raise OSError("admin user on %s: %s %s" % (name, st, r))
        self.admin_tokens[name] = r["access_token"]
        return r["access_token"]

    def bound_user(self, address):
        """(server_name, user_id) of the account the email is bound to, or None."""
        for s in self.cfg["servers"]:
            try:
                token = self._admin_token(s)
                st, r = http_json("GET", "%s/_synapse/admin/v1/threepid/email/users/%s" % (
                    s["client_url"].rstrip("/"), urllib.parse.quote(address, safe="")), token=token)
            except (OSError, ValueError) as e:
                log("lookup on %s failed: %s" % (s["server_name"], e))
                continue
            if st == 401:
                self.admin_tokens.pop(s["server_name"], None)
            if st == 200 and r.get("user_id"):
                return s["server_name"], r["user_id"]
        return None

    # --- identity API ----------------------------------------------------------
    def info(self, address):
        address = address.strip().lower()
        if "@" not in address:
            raise ApiError(400, "M_INVALID_PARAM", "address must be an email")
        with self.lock:
            self.seen.add(address)
            invited = any(i["address"] == address for i in self.invites)
        today = self.server_for_domain(address.rsplit("@", 1)[1])
        bound = self.bound_user(address)
        res = {"hs": bound[0] if bound else today, "invited": invited}
        if bound and bound[0] != today:
            res["new_hs"] = today
        return res

    def register_token(self, body):
        name = body.get("matrix_server_name")
        openid = body.get("access_token")
        s = self.server(name)
        if not s or not openid:
            raise ApiError(401, "M_UNAUTHORIZED", "unknown homeserver or missing OpenID token")
        url = "https://127.0.0.1:%d/_matrix/federation/v1/openid/userinfo?access_token=%s" % (
            s["federation_port"], urllib.parse.quote(openid, safe=""))
        try:
            st, r = http_json("GET", url)
        except OSError as e:
            raise ApiError(500, "M_UNKNOWN", "homeserver unreachable: %s" % e)
        user_id = r.get("sub") if st == 200 else None
        if not user_id or not user_id.endswith(":" + name):
            raise ApiError(401, "M_UNAUTHORIZED", "OpenID token refused by %s" % name)
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = user_id
            self.save()
        return {"token": token, "access_token": token}

    def auth(self, token):
        with self.lock:
            user = self.tokens.get(token or "")
        if not user:
            raise ApiError(401, "M_UNAUTHORIZED", "missing or unknown identity access token")
        return user

    def lookup(self, body):
        algo, pepper = body.get("algorithm"), body.get("pepper")
        if pepper != self.pepper:
            raise ApiError(400, "M_INVALID_PEPPER", "unknown or invalid pepper")
        addresses = body.get("addresses") or []
        mappings = {}
        if algo == "none":
            for a in addresses:
                parts = a.rsplit(" ", 1)
                if len(parts) == 2 and parts[1] == "email":
                    b = self.bound_user(parts[0].lower())
                    if b:
                        mappings[a] = b[1]
        elif algo == "sha256":
            with self.lock:
                seen = list(self.seen)
            wanted = set(addresses)
            for email in seen:
                h = base64.urlsafe_b64encode(hashlib.sha256(
                    ("%s email %s" % (email, self.pepper)).encode()).digest()).decode().rstrip("=")
                if h in wanted:
                    b = self.bound_user(email)
                    if b:
                        mappings[h] = b[1]
        else:
            raise ApiError(400, "M_INVALID_PARAM", "unsupported algorithm")
        return {"mappings": mappings}

    def store_invite(self, user, body):
        if body.get("medium") != "email" or "@" not in str(body.get("address", "")):
            raise ApiError(400, "M_UNRECOGNIZED", "only email invites are supported")
        address = body["address"].strip().lower()
        if not body.get("room_id") or not body.get("sender"):
            raise ApiError(400, "M_MISSING_PARAMS", "room_id and sender are required")
        token = secrets.token_urlsafe(24)
        local, domain = address.rsplit("@", 1)
        display = "%s...@%s" % (local[:3], domain)
        inv = {"token": token, "address": address, "room_id": body["room_id"],
               "sender": body["sender"], "sender_display_name": body.get("sender_display_name"),
               "room_name": body.get("room_name"), "stored_by": user, "ts": int(time.time() * 1000)}
        with self.lock:
            self.invites.append(inv)
            self.seen.add(address)
            self.save()
        self.mail_invite(inv)
        base = "https://%s/_matrix/identity/v2" % self.cfg["id_server_name"]
        keys = [{"public_key": self.public_key, "key_validity_url": base + "/pubkey/isvalid"}]
        return {"token": token, "public_keys": keys, "public_key": self.public_key,
                "display_name": display}

    def mail_invite(self, inv):
        port = self.cfg.get("smtp_port")
        if not port:
            return
        msg = EmailMessage()
        msg["From"] = "Tchap <ne-pas-repondre@tchap.localhost>"
        msg["To"] = inv["address"]
        msg["Subject"] = "%s vous invite sur Tchap" % (inv.get("sender_display_name") or inv["sender"])
        msg.set_content(
            "%s vous a invité(e) dans le salon « %s » sur Tchap.\n\n"
            "Créez votre compte avec cette adresse pour rejoindre la conversation.\n"
            "(Courriel envoyé par le remplaçant du serveur d'identité, federation de test.)\n"
            "room_id: %s\ntoken: %s\n" % (
                inv.get("sender_display_name") or inv["sender"], inv.get("room_name") or inv["room_id"],
                inv["room_id"], inv["token"]))
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=5) as s:
                s.send_message(msg)
        except OSError as e:
            log("invite mail not sent: %s" % e)


def make_handler(state, https):
    cfg = state.cfg
    names = {s["server_name"]: s for s in cfg["servers"]}

    class Handler(BaseHTTPRequestHandler):
        server_version = "tchap-identity-standin"

        def log_message(self, fmt, *args):
            log("%s %s" % ("https" if https else "http", fmt % args))

        def send_json(self, status, obj):
            raw = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type")
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.end_headers()
            self.wfile.write(raw)

        def do_OPTIONS(self):
            self.send_json(200, {})

        def body(self):
            n = int(self.headers.get("Content-Length") or 0)
            if not n:
                return {}
            try:
                obj = json.loads(self.rfile.read(n))
            except ValueError:
                raise ApiError(400, "M_NOT_JSON", "body is not JSON")
            if not isinstance(obj, dict):
                raise ApiError(400, "M_BAD_JSON", "body must be an object")
            return obj

        def token(self, query):
            h = self.headers.get("Authorization", "")
            if h.startswith("Bearer "):
                return h[7:].strip()
            return (query.get("access_token") or [None])[0]

        def do_GET(self):
            self.route("GET")

        def do_POST(self):
            self.route("POST")

        def route(self, method):
            url = urllib.parse.urlsplit(self.path)
            path, query = url.path.rstrip("/") or "/", urllib.parse.parse_qs(url.query)
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
            try:
                self.send_json(200, self.answer(method, path, query, host))
            except ApiError as e:
                self.send_json(e.status, e.body)
            except Exception as e:  # keep serving; show the error to the caller
                log("error on %s %s: %r" % (method, self.path, e))
                self.send_json(500, {"errcode": "M_UNKNOWN", "error": repr(e)})

        def answer(self, method, path, query, host):
            if path.startswith("/.well-known/matrix/"):
                s = names.get(host)
                if not https or not s:
                    raise ApiError(404, "M_NOT_FOUND", "no well-known for host %r" % host)
                if path.endswith("/server"):
                    return {"m.server": "%s:%d" % (s["server_name"], s["federation_port"])}
                if path.endswith("/client"):
                    return {"m.homeserver": {"base_url": s["client_url"]},
                            "m.identity_server": {"base_url": cfg["identity_url"]}}
                raise ApiError(404, "M_NOT_FOUND", "unknown well-known")
            v1, v2 = "/_matrix/identity/api/v1", "/_matrix/identity/v2"
            if path in (v1, v2):
                return {}
            if path == v1 + "/info":
                if (query.get("medium") or [""])[0] != "email":
                    raise ApiError(400, "M_INVALID_PARAM", "medium must be email")
                return state.info((query.get("address") or [""])[0])
            if path == v2 + "/terms":
                return {"policies": {}} if method == "GET" else {}
            if path == v2 + "/account/register" and method == "POST":
                return state.register_token(self.body())
            for base in (v1, v2):
                if path == base + "/pubkey/ed25519:0":
                    return {"public_key": state.public_key}
                if path == base + "/pubkey/isvalid":
                    return {"valid": (query.get("public_key") or [""])[0] == state.public_key}
                if path == base + "/pubkey/ephemeral/isvalid":
                    return {"valid": False}
            if path == "/_tchap_standin/invites":
                with state.lock:
                    return {"invites": list(state.invites)}
            if not path.startswith(v2):
                raise ApiError(404, "M_UNRECOGNIZED", "unknown endpoint")
            user = state.auth(self.token(query))
            if path == v2 + "/account":
                return {"user_id": user}
            if path == v2 + "/account/logout" and method == "POST":
                with state.lock:
                    state.tokens.pop(self.token(query), None)
                    state.save()
                return {}
            if path == v2 + "/hash_details":
                return {"algorithms": ["none", "sha256"], "lookup_pepper": state.pepper}
            if path == v2 + "/lookup" and method == "POST":
                return state.lookup(self.body())
            if path == v2 + "/store-invite" and method == "POST":
                return state.store_invite(user, self.body())
            raise ApiError(404, "M_UNRECOGNIZED", "unknown endpoint")

    return Handler


class TLSServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, addr, handler, ctx):
        self.ctx = ctx
        super().__init__(addr, handler)

    def finish_request(self, request, client_address):
        # TLS handshake in the worker thread, so a slow client cannot stall accept().
        request.settimeout(30)
        try:
            request = self.ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        super().finish_request(request, client_address)


class PlainServer(ThreadingHTTPServer):
    daemon_threads = True


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    state = State(cfg)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cfg["cert"], cfg["key"])
    bind = cfg.get("bind", "127.0.0.1")
    https = TLSServer((bind, cfg["https_port"]), make_handler(state, True), ctx)
    plain = PlainServer((bind, cfg["http_port"]), make_handler(state, False))
    threading.Thread(target=https.serve_forever, daemon=True).start()
    log("identity stand-in: https://%s:%d (%s + well-known), http://%s:%d" % (
        bind, cfg["https_port"], cfg["id_server_name"], bind, cfg["http_port"]))
    plain.serve_forever()


if __name__ == "__main__":
    main()
