#!/usr/bin/env python3
"""Smoke check of the local Tchap federation, against the real servers:

  scripts/with-federation.sh python3 tests/federation/check.py

(or with a running one: TCHAP_FEDERATION=DIR/federation.json python3 tests/federation/check.py)
Prints one line per check; exits 1 if any failed. Stdlib only.
"""
import os
import secrets
import sys
import time
import traceback
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fed_admin as fa  # noqa: E402
from fed_admin import Client, MatrixError, q  # noqa: E402

DINUM, INTERIEUR, EXTERNE = ("agent.dinum.tchap.localhost", "agent.interieur.tchap.localhost",
                             "agent.externe.tchap.localhost")
ID_SERVER = "id.tchap.localhost"
RULES = "im.vector.room.access_rules"
PASSWORD = "Tchap-test-2026!"
RUN = secrets.token_hex(3)  # lets the check run twice against the same federation
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

results = []


def check(name):
    def deco(fn):
        t = time.monotonic()
        try:
            detail = fn()
            results.append(True)
            print("ok    %-44s %5.2fs  %s" % (name, time.monotonic() - t, detail or ""), flush=True)
        except Exception as e:  # report and go on with the next check
            results.append(False)
            print("FAIL  %-44s %5.2fs  %s: %s" % (name, time.monotonic() - t, type(e).__name__, e), flush=True)
            if os.environ.get("CHECK_TRACEBACK"):
                traceback.print_exc()
        return fn
    return deco


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


def expect_error(fn, status, errcode=None):
    try:
        fn()
    except MatrixError as e:
        expect(e.status == status and (errcode is None or e.errcode == errcode),
               "expected %s %s, got %s %s" % (status, errcode or "", e.status, e.body))
        return e
    raise AssertionError("expected HTTP %s %s, got success" % (status, errcode or ""))


def get_url(url):
    with _OPENER.open(url, timeout=15) as r:
        return r.status, r.read().decode("utf-8", "replace")


def wait_for_message(c, room_id, body, timeout=15):
    t = time.monotonic()
    while time.monotonic() - t < timeout:
        r = c.request("GET", "/_matrix/client/v3/rooms/%s/messages?dir=b&limit=20" % q(room_id))
        if any(e.get("content", {}).get("body") == body for e in r.get("chunk", [])):
            return time.monotonic() - t
        time.sleep(0.03)
    raise TimeoutError("message %r not seen by %s" % (body, c.user_id))


def join_when_invited(c, room_id, via, timeout=15):
    t = time.monotonic()
    while True:
        try:
            return c.request("POST", "/_matrix/client/v3/join/%s?server_name=%s" % (q(room_id), q(via)), {})
        except MatrixError as e:
            if time.monotonic() - t > timeout or e.status not in (403, 404):
                raise
            time.sleep(0.1)


def rule_of(c, room_id):
    return c.request("GET", "/_matrix/client/v3/rooms/%s/state/%s/" % (q(room_id), RULES))["rule"]


def create_room(c, rule=None, **extra):
    body = {"preset": "private_chat", "creation_content": {"m.federate": True}, **extra}
    if rule:
        body.setdefault("initial_state", []).append({"type": RULES, "state_key": "", "content": {"rule": rule}})
    return c.request("POST", "/_matrix/client/v3/createRoom", body)["room_id"]


def main():
    t_all = time.monotonic()
    fed = fa.load_federation()
    hs = {s["server_name"]: s["client_url"] for s in fed["servers"]}
    ctx = {}

    @check("/info maps email domains to servers")
    def _():
        got = {d: fa.info(fed, "x.y@" + d) for d in ("dinum.gouv.fr", "interieur.gouv.fr", "sub.dinum.gouv.fr",
                                                       "example.com", "gouv.fr")}
        want = {"dinum.gouv.fr": DINUM, "interieur.gouv.fr": INTERIEUR, "sub.dinum.gouv.fr": DINUM,
                "example.com": EXTERNE, "gouv.fr": EXTERNE}
        for d, r in got.items():
            expect(r == {"hs": want[d], "invited": False}, "%s -> %s" % (d, r))
        return ", ".join("%s->%s" % (d, r["hs"].split(".")[1]) for d, r in got.items())

    @check("register agents and an external (names)")
    def _():
        ctx["alice"] = fa.register(fed, "alice.martin.%s@dinum.gouv.fr" % RUN, PASSWORD)
        ctx["chloe"] = fa.register(fed, "chloe.durand.%s@dinum.gouv.fr" % RUN, PASSWORD)
        ctx["bruno"] = fa.register(fed, "bruno.petit.%s@interieur.gouv.fr" % RUN, PASSWORD)
        ctx["denise"] = fa.register(fed, "denise.roux.%s@interieur.gouv.fr" % RUN, PASSWORD)
        ctx["eve"] = fa.register(fed, "eve.dupont.%s@example.com" % RUN, PASSWORD)
        a = ctx["alice"]
        expect(a["user_id"] == "@alice.martin.%s-dinum.gouv.fr:%s" % (RUN, DINUM), a["user_id"])
        prof = fa.client_for(a).request("GET", "/_matrix/client/v3/profile/%s" % q(a["user_id"]))
        expect(prof.get("displayname") == "Alice Martin %s [Dinum]" % RUN.capitalize(), prof)
        expect(ctx["eve"]["server_name"] == EXTERNE, ctx["eve"])
        return "%s %r, %s" % (a["user_id"], prof["displayname"], ctx["eve"]["user_id"])

    @check("/info answers the server of a bound email")
    def _():
        moved = fa.register(fed, "moved.%s@interieur.gouv.fr" % RUN, PASSWORD, server_name=DINUM)
        r = fa.info(fed, moved["email"])
        expect(r.get("hs") == DINUM and r.get("new_hs") == INTERIEUR, r)
        return str(r)

    @check("login with m.id.thirdparty email")
    def _():
        r = Client(hs[DINUM]).request("POST", "/_matrix/client/v3/login", {
            "type": "m.login.password", "password": PASSWORD,
            "identifier": {"type": "m.id.thirdparty", "medium": "email", "address": ctx["alice"]["email"]}})
        expect(r["user_id"] == ctx["alice"]["user_id"], r)
        return r["user_id"]

    @check("password_policy answers the 5 rules")
    def _():
        r = Client(hs[DINUM]).request("GET", "/_matrix/client/r0/password_policy")
        expect(r == {"m.minimum_length": 8, "m.require_digit": True, "m.require_symbol": True,
                     "m.require_lowercase": True, "m.require_uppercase": True}, r)
        return str(r)

    @check("registration: requestToken mail, link, account")
    def _():
        email = "nouveau.venu.%s@dinum.gouv.fr" % RUN
        c = Client(hs[DINUM])
        secret = secrets.token_hex(16)
        before = [m["_file"] for m in fa.mails(fed, email)]
        sid = c.request("POST", "/_matrix/client/v3/register/email/requestToken",
                        {"email": email, "client_secret": secret, "send_attempt": 1})["sid"]
        mail = fa.wait_mail(fed, email, before)
        links = [l for l in mail["links"] if "submit_token" in l or "validate" in l]
        expect(links, "no validation link in %s" % mail["_file"])
        status, _page = get_url(links[0])
        expect(status == 200, status)
        # Weak password refused by the policy, then the real registration.
        expect_error(lambda: c.request("POST", "/_matrix/client/v3/register", {"password": "weak"}), 400)
        e = expect_error(lambda: c.request("POST", "/_matrix/client/v3/register", {"password": PASSWORD}), 401)
        session = e.body["session"]
        r = c.request("POST", "/_matrix/client/v3/register", {
            "password": PASSWORD, "initial_device_display_name": "check.py",
            "auth": {"type": "m.login.email.identity", "session": session,
                     "threepid_creds": {"sid": sid, "client_secret": secret}}})
        want = "@nouveau.venu.%s-dinum.gouv.fr:%s" % (RUN, DINUM)
        expect(r["user_id"] == want, r)
        name = Client(hs[DINUM], r["access_token"]).request(
            "GET", "/_matrix/client/v3/profile/%s/displayname" % q(r["user_id"]))["displayname"]
        expect(name == "Nouveau Venu %s [Dinum]" % RUN.capitalize(), name)
        return "mail %r, %s %r" % (mail["subject"], r["user_id"], name)

    @check("M_THREEPID_DENIED: interieur email on dinum")
    def _():
        e = expect_error(lambda: Client(hs[DINUM]).request(
            "POST", "/_matrix/client/v3/register/email/requestToken",
            {"email": "someone.%s@interieur.gouv.fr" % RUN, "client_secret": "s3cr3t", "send_attempt": 1}),
            403, "M_THREEPID_DENIED")
        return "403 " + e.errcode

    @check("DM dinum<->interieur: rule direct, delivery")
    def _():
        a, b = fa.client_for(ctx["alice"]), fa.client_for(ctx["bruno"])
        room = a.request("POST", "/_matrix/client/v3/createRoom", {
            "preset": "trusted_private_chat", "is_direct": True, "invite": [b.user_id]})["room_id"]
        ctx["dm"] = room
        expect(rule_of(a, room) == "direct", "rule not direct")
        join_when_invited(b, room, DINUM)
        body = "Bonjour Bruno %s" % RUN
        a.send_text(room, body)
        dt = wait_for_message(b, room, body)
        return "%s delivered over federation in %.0f ms" % (room, dt * 1000)

    @check("direct rule refuses a third member")
    def _():
        a = fa.client_for(ctx["alice"])
        e = expect_error(lambda: a.invite(ctx["dm"], ctx["chloe"]["user_id"]), 403)
        return "403 %s" % e.body.get("error", "")

    @check("private restricted room across servers")
    def _():
        a, b = fa.client_for(ctx["alice"]), fa.client_for(ctx["bruno"])
        room = create_room(a, name="Salon privé %s" % RUN)
        ctx["restricted"] = room
        expect(rule_of(a, room) == "restricted", "default rule not restricted")
        a.invite(room, b.user_id)
        join_when_invited(b, room, DINUM)
        body = "Réunion à 14 h %s" % RUN
        b.send_text(room, body)
        dt = wait_for_message(a, room, body)
        return "interieur -> dinum in %.0f ms" % (dt * 1000)

    @check("restricted room refuses an external (module)")
    def _():
        a = fa.client_for(ctx["alice"])
        e = expect_error(lambda: a.invite(ctx["restricted"], ctx["eve"]["user_id"]), 403)
        return "403 %s" % e.body.get("error", "")

    @check("unrestricted room admits an external")
    def _():
        a, e = fa.client_for(ctx["alice"]), fa.client_for(ctx["eve"])
        room = create_room(a, rule="unrestricted", name="Ouvert aux externes %s" % RUN)
        ctx["unrestricted"] = room
        a.invite(room, e.user_id)
        join_when_invited(e, room, DINUM)
        body = "Bienvenue Eve %s" % RUN
        a.send_text(room, body)
        dt = wait_for_message(e, room, body)
        return "eve joined, message in %.0f ms" % (dt * 1000)

    @check("expired account: 403, renewal mail, renew")
    def _():
        c = fa.client_for(ctx["chloe"])
        fa.expire_account(fed, c.user_id)
        e = expect_error(lambda: c.request("GET", "/_matrix/client/v3/account/whoami"), 403,
                         "ORG_MATRIX_EXPIRED_ACCOUNT")
        before = [m["_file"] for m in fa.mails(fed, ctx["chloe"]["email"])]
        c.request("POST", "/_matrix/client/unstable/account_validity/send_mail", {})
        mail = fa.wait_mail(fed, ctx["chloe"]["email"], before)
        links = [l for l in mail["links"] if "account_validity/renew" in l]
        expect(links, "no renewal link in %s" % mail["_file"])
        status, _page = get_url(links[0])
        expect(status == 200, status)
        who = c.request("GET", "/_matrix/client/v3/account/whoami")
        expect(who["user_id"] == c.user_id, who)
        return "%s, mail %r, renewed" % (e.errcode, mail["subject"])

    @check("publicRooms of another server")
    def _():
        b, a = fa.client_for(ctx["bruno"]), fa.client_for(ctx["alice"])
        name = "Forum Intérieur %s" % RUN
        room = b.request("POST", "/_matrix/client/v3/createRoom", {
            "preset": "public_chat", "visibility": "public", "name": name,
            "initial_state": [{"type": "m.room.history_visibility", "state_key": "",
                               "content": {"history_visibility": "shared"}}]})["room_id"]
        t = time.monotonic()
        while True:
            r = a.request("GET", "/_matrix/client/v3/publicRooms?server=%s&limit=50" % INTERIEUR)
            if any(x["room_id"] == room for x in r["chunk"]):
                break
            expect(time.monotonic() - t < 10, "room not listed: %s" % r)
            time.sleep(0.2)
        expect(rule_of(b, room) == "restricted", "forum not restricted")
        # Alice (dinum) joins the forum over federation: dinum now shares a public room with bruno.
        a.request("POST", "/_matrix/client/v3/join/%s?server_name=%s" % (q(room), INTERIEUR), {})
        return "%s listed on %s, seen and joined from dinum" % (room, INTERIEUR)

    @check("user directory on dinum finds interieur users")
    def _():
        # chloe shares no room with bruno, but her server is in a public room with him. Users
        # met only in private rooms enter the directory after Synapse refreshes their profile
        # over federation (USER_DIRECTORY_STALE_REFRESH_TIME, 1 min in 1.163).
        c = fa.client_for(ctx["chloe"])
        def search(term):
            r = c.request("POST", "/_matrix/client/v3/user_directory/search", {"search_term": term, "limit": 10})
            return [u["user_id"] for u in r["results"]]
        t = time.monotonic()
        while True:
            found = search("Bruno Petit %s" % RUN)
            if ctx["bruno"]["user_id"] in found or time.monotonic() - t > 5:
                break
            time.sleep(0.1)
        expect(ctx["bruno"]["user_id"] in found, "bruno not found: %s" % found)
        unknown = search("Denise Roux %s" % RUN)
        note = ("found" if ctx["denise"]["user_id"] in unknown else
                "not found (in no room dinum knows: Synapse does not search other servers)")
        return "bruno found; denise (interieur, no shared room) %s" % note

    @check("email invite: external refused in restricted")
    def _():
        a = fa.client_for(ctx["alice"])
        ctx["id_token"] = fa.identity_token(fed, ctx["alice"])
        e = expect_error(lambda: a.request("POST", "/_matrix/client/v3/rooms/%s/invite" % q(ctx["restricted"]), {
            "id_server": ID_SERVER, "id_access_token": ctx["id_token"], "medium": "email",
            "address": "nouvel.externe.%s@example.com" % RUN}), 403)
        return "403 %s" % e.body.get("error", "")

    @check("email invite: agent accepted in restricted")
    def _():
        a = fa.client_for(ctx["alice"])
        email = "nouvelle.agente.%s@interieur.gouv.fr" % RUN
        a.request("POST", "/_matrix/client/v3/rooms/%s/invite" % q(ctx["restricted"]), {
            "id_server": ID_SERVER, "id_access_token": ctx["id_token"], "medium": "email", "address": email})
        r = fa.info(fed, email)
        expect(r == {"hs": INTERIEUR, "invited": True}, r)
        return str(r)

    @check("email invite: external accepted in unrestricted")
    def _():
        a = fa.client_for(ctx["alice"])
        email = "nouvel.externe.%s@example.com" % RUN
        expect(fa.info(fed, email)["invited"] is False, "already invited?")
        before = [m["_file"] for m in fa.mails(fed, email)]
        a.request("POST", "/_matrix/client/v3/rooms/%s/invite" % q(ctx["unrestricted"]), {
            "id_server": ID_SERVER, "id_access_token": ctx["id_token"], "medium": "email", "address": email})
        state = a.request("GET", "/_matrix/client/v3/rooms/%s/state" % q(ctx["unrestricted"]))
        tpi = [s for s in state if s["type"] == "m.room.third_party_invite"]
        expect(tpi and tpi[0]["content"].get("public_keys"), "no m.room.third_party_invite: %s" % tpi)
        r = fa.info(fed, email)
        expect(r == {"hs": EXTERNE, "invited": True}, r)
        mail = fa.wait_mail(fed, email, before)
        return "%s display_name %r, /info %s, mail %r" % (
            tpi[0]["type"], tpi[0]["content"]["display_name"], r, mail["subject"])

    ok = all(results)
    print("%d passed, %d failed" % (results.count(True), results.count(False)))
    print("check took %.1f s" % (time.monotonic() - t_all))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
