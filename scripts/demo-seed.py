#!/usr/bin/env python3
"""Seed the local Tchap federation (tests/federation/) with a small French demo:
agents of two ministries (DINUM, Intérieur) and an external partner, rooms of
each Tchap kind, direct chats, and an invite left pending for the demo agent.

  python3 scripts/demo-seed.py --federation DIR/federation.json
  python3 scripts/demo-seed.py --print-login     (demo email, then password)

Stdlib only (tests/federation/fed_admin.py). Idempotent: the demo agent's
account data `fr.tchap.demo_seeded` marks a finished seed; a re-run then only
checks it. Every account's password: PASSWORD below.

Private rooms and DMs get their messages in clear, then encryption is turned
on: this script has no Olm/Megolm, and Tchap clients classify an unencrypted
room as a forum, so an encrypted room with a clear history shows the right
kind and stays readable. What the demo agent writes from the app is encrypted.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "federation"))
import fed_admin  # noqa: E402
from fed_admin import MatrixError, q  # noqa: E402

PASSWORD = "Tchap-Demo-2026!"   # meets the federation's password policy
MARKER = "fr.tchap.demo_seeded"
RULES = "im.vector.room.access_rules"
ENCRYPTION = {"algorithm": "m.megolm.v1.aes-sha2"}

PEOPLE = {  # key: email (the server, Matrix ID and "Prénom Nom [Ministère]" follow from it)
    "demo": "camille.demo@dinum.gouv.fr",
    "alice": "alice.martin@dinum.gouv.fr",
    "chloe": "chloe.bernard@dinum.gouv.fr",
    "bruno": "bruno.dupont@interieur.gouv.fr",
    "david": "david.lefebvre@interieur.gouv.fr",
    "nina": "nina.partenaire@prestataire.fr",   # an external: the externals' server
}

# kind: "private" (restricted: agents only), "external" (private, open to
# externals: unrestricted) or "forum" (public, in the directory, restricted).
# The creator's server hosts the room; "members" join; "demo" is only a member
# when listed.
ROOMS = [
    {"name": "Cellule de crise", "kind": "private", "creator": "alice",
     "topic": "Coordination interministérielle — crues de la Seine",
     "members": ["bruno", "david", "demo"], "messages": [
         ("alice", "Bonjour à tous, la cellule de crise est activée à compter de 9 h."),
         ("bruno", "Bien reçu. La préfecture de police est en alerte orange.\n"
                   "Point de situation toutes les deux heures."),
         ("david", "Les moyens de la sécurité civile sont prépositionnés à Vincennes."),
         ("demo", "Merci. Je prépare la note de synthèse pour le cabinet."),
         ("alice", "Ordre du jour du point de 11 h :\n"
                   "1. Niveaux des cours d'eau\n2. Évacuations en cours\n3. Communication grand public"),
     ]},
    {"name": "Direction du numérique — équipe", "kind": "private", "creator": "chloe",
     "topic": "Échanges de l'équipe produit",
     "members": ["alice", "demo"], "messages": [
         ("chloe", "Salut l'équipe ! Qui est disponible pour la revue de sprint jeudi ?"),
         ("alice", "Moi, à partir de 14 h. J'apporterai les retours des utilisateurs."),
         ("demo", "Je serai là. Pensez à mettre à jour le tableau avant mercredi soir."),
         ("chloe", "La nouvelle version de l'application de bureau est en recette 🎉\n"
                   "Merci de remonter les anomalies dans le salon dédié."),
     ]},
    {"name": "Veille réglementaire", "kind": "private", "creator": "chloe",
     "topic": "Textes publiés au Journal officiel",
     "members": ["alice", "bruno", "demo"], "messages": [
         ("chloe", "Décret publié ce matin au JO sur l'hébergement des données de santé."),
         ("bruno", "Quelles conséquences pour nos prestataires ?"),
         ("chloe", "Principalement :\n- certification HDS obligatoire\n"
                   "- délai de mise en conformité de 12 mois"),
         ("demo", "Je le diffuse à la direction juridique, merci Chloé."),
     ]},
    {"name": "Projet avec le prestataire", "kind": "external", "creator": "alice",
     "topic": "Refonte du portail des usagers — suivi avec notre prestataire",
     "members": ["nina", "demo"], "messages": [
         ("alice", "Bienvenue Nina ! Ce salon est ouvert aux externes pour suivre le projet."),
         ("nina", "Merci Alice. Je partage la maquette du parcours de connexion d'ici vendredi."),
         ("demo", "Parfait. Pensez à l'accessibilité (RGAA) dès la maquette, s'il vous plaît."),
         ("nina", "C'est noté, l'audit est prévu en fin de sprint."),
     ]},
    {"name": "Forum des agents publics", "kind": "forum", "creator": "chloe", "alias": "forum-agents-publics",
     "topic": "Entraide entre agents sur les outils numériques de l'État",
     "members": ["alice", "demo"], "messages": [
         ("chloe", "Bienvenue sur le forum ! Ici, on s'entraide sur les outils numériques de l'État."),
         ("alice", "Quelqu'un a-t-il un retour sur les visioconférences à plus de 50 participants ?"),
         ("demo", "Cela fonctionne bien ; pensez à activer la salle d'attente."),
     ]},
    # On the Intérieur server, without the demo agent: to find in its directory.
    {"name": "Forum des agents de l'Intérieur", "kind": "forum", "creator": "bruno", "alias": "forum-interieur",
     "topic": "Actualités et entraide des agents du ministère de l'Intérieur",
     "members": ["david"], "messages": [
         ("bruno", "Bienvenue sur le forum des agents du ministère de l'Intérieur."),
         ("david", "Rappel : l'exercice régional de gestion de crise a lieu mardi prochain."),
     ]},
    # The demo agent is invited at the end and never joins: a pending invite.
    {"name": "Projet interministériel", "kind": "private", "creator": "david", "pending_invite": "demo",
     "topic": "Lancement du projet commun DINUM / Intérieur",
     "members": ["bruno"], "messages": [
         ("david", "Bienvenue dans l'espace projet. Le lancement aura lieu lundi."),
         ("bruno", "Parfait, j'invite les autres participants."),
     ]},
]

# Direct chats: (creator, other, messages). The access-rules module gives them the rule "direct".
DMS = [
    ("alice", "demo", [
        ("alice", "Bonjour Camille, as-tu deux minutes pour un point rapide ?"),
        ("demo", "Oui bien sûr, je t'appelle dans 5 minutes."),
        ("alice", "Super, merci !"),
    ]),
    ("demo", "bruno", [
        ("demo", "Bonjour Bruno, peux-tu me transmettre le compte rendu de la réunion d'hier ?"),
        ("bruno", "Le voici en résumé :\n- budget validé\n- calendrier décalé de deux semaines\n"
                  "- prochaine réunion le 12"),
        ("demo", "Merci beaucoup !"),
    ]),
]


def wait_event(client, room_id, event_id, timeout=30):
    """Waits until the event reached the client's server (so messages keep their order
    across servers)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            client.request("GET", f"/_matrix/client/v3/rooms/{q(room_id)}/event/{q(event_id)}")
            return
        except MatrixError as e:
            if e.status != 404 or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def add_direct(client, other_user_id, room_id):
    content = client.get_account_data("m.direct") or {}
    rooms = content.setdefault(other_user_id, [])
    if room_id not in rooms:
        rooms.append(room_id)
    client.set_account_data("m.direct", content)


class Seeder:
    def __init__(self, fed):
        self.fed = fed
        self.users = {}

    def sign_in(self, key):
        # register() logs in an existing account; these sessions are logged out at the end.
        account = fed_admin.register(self.fed, PEOPLE[key], PASSWORD)
        self.users[key] = fed_admin.client_for(account)
        return self.users[key], account

    def post_messages(self, room_id, messages):
        last = None
        for sender, text in messages:
            c = self.users[sender]
            if last:
                wait_event(c, room_id, last)
            last = c.send_text(room_id, text)
        return last

    def create_room(self, spec):
        creator = self.users[spec["creator"]]
        kind = spec["kind"]
        rule = "unrestricted" if kind == "external" else "restricted"
        body = {"name": spec["name"], "topic": spec["topic"],
                "invite": [self.users[m].user_id for m in spec["members"]],
                "creation_content": {"m.federate": True},
                "initial_state": [{"type": RULES, "state_key": "", "content": {"rule": rule}}]}
        if kind == "forum":
            body.update(preset="public_chat", visibility="public", room_alias_name=spec["alias"])
        else:
            body["preset"] = "private_chat"
            body["initial_state"].append({"type": "m.room.history_visibility", "state_key": "",
                                          "content": {"history_visibility": "invited"}})
        room_id = creator.request("POST", "/_matrix/client/v3/createRoom", body)["room_id"]
        for m in spec["members"]:
            self.users[m].join(room_id)   # a remote invitee joins through the inviter's server
        last = self.post_messages(room_id, spec["messages"])
        if kind != "forum":
            creator.put_state_or_event(room_id, "state/m.room.encryption/", ENCRYPTION)
        if spec.get("pending_invite"):
            creator.invite(room_id, self.users[spec["pending_invite"]].user_id)
        # The demo agent's server has the whole history before the app opens.
        if "demo" in spec["members"]:
            wait_event(self.users["demo"], room_id, last)
        print(f"  {kind:8} {spec['name']!r} {room_id}: {len(spec['messages'])} messages, "
              f"members {[spec['creator']] + spec['members']}"
              + (f", {spec['pending_invite']} invited (pending)" if spec.get("pending_invite") else ""))
        return room_id

    def create_dm(self, creator_key, other_key, messages):
        creator, other = self.users[creator_key], self.users[other_key]
        room_id = creator.request("POST", "/_matrix/client/v3/createRoom", {
            "preset": "trusted_private_chat", "is_direct": True, "invite": [other.user_id]})["room_id"]
        other.join(room_id)
        last = self.post_messages(room_id, messages)
        creator.put_state_or_event(room_id, "state/m.room.encryption/", ENCRYPTION)
        wait_event(self.users["demo"], room_id, last)
        # m.direct on both sides, so both clients show it as a direct chat.
        add_direct(creator, other.user_id, room_id)
        add_direct(other, creator.user_id, room_id)
        print(f"  direct   {creator_key} ↔ {other_key} {room_id}: {len(messages)} messages")
        return room_id


def seed(fed):
    s = Seeder(fed)
    demo, _ = s.sign_in("demo")
    done = demo.get_account_data(MARKER)
    if done:
        print(f"demo already seeded ({MARKER} on {demo.user_id}): nothing to do")
        demo.logout()
        return
    for key in PEOPLE:
        if key != "demo":
            s.sign_in(key)
    for key, c in s.users.items():
        print(f"  account  {PEOPLE[key]:34} {c.user_id}")
    seeded = {}
    for spec in ROOMS:
        seeded[spec["name"]] = s.create_room(spec)
    for creator, other, messages in DMS:
        agent = other if creator == "demo" else creator
        seeded["dm:" + s.users[agent].user_id] = s.create_dm(creator, other, messages)
    demo.set_account_data(MARKER, {"seeded_at_ms": int(time.time() * 1000), "rooms": seeded})
    for c in s.users.values():
        c.logout()
    print(f"demo seeded; {demo.user_id} marked with {MARKER}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--federation", help="DIR/federation.json (default: $TCHAP_FEDERATION)")
    ap.add_argument("--print-login", action="store_true", help="print the demo email and password, one a line")
    a = ap.parse_args()
    if a.print_login:
        print(PEOPLE["demo"])
        print(PASSWORD)
        return
    t0 = time.monotonic()
    seed(fed_admin.load_federation(a.federation))
    print(f"demo-seed.py: {time.monotonic() - t0:.1f} s")


if __name__ == "__main__":
    try:
        main()
    except (MatrixError, OSError, KeyError) as e:
        sys.exit(f"demo-seed.py: {e}")
