#!/usr/bin/env python3
"""Seed a local test Synapse with a small French demo (users, rooms, DMs, messages).

  python scripts/demo-seed.py --homeserver http://127.0.0.1:PORT \
      --shared-secret-file DIR/shared_secret

Run it with the Synapse venv's python (stdlib only). Idempotent: the demo user's
account data `fr.tchap.demo_seeded` marks a finished seed, and a re-run then does
nothing. Rooms are unencrypted. All passwords: tchap-demo-2026.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "synapse"))
from matrix_admin import Client, MatrixError, register  # noqa: E402

PASSWORD = "tchap-demo-2026"
MARKER = "fr.tchap.demo_seeded"
DEMO = ("demo", "Camille Demo (Démo)")
AGENTS = {  # key: (localpart, display name)
    "alice": ("alice.martin", "Alice Martin (DINUM)"),
    "bruno": ("bruno.dupont", "Bruno Dupont (Intérieur)"),
    "chloe": ("chloe.bernard", "Chloé Bernard (Santé)"),
    "david": ("david.lefebvre", "David Lefebvre (Armées)"),
    "emma": ("emma.moreau", "Emma Moreau (Éducation nationale)"),
}

# (name, topic, creator, other members, [(sender, message)]). "demo" is always invited.
ROOMS = [
    ("Cellule de crise", "Coordination interministérielle — crues de la Seine", "alice",
     ["bruno", "david"], [
         ("alice", "Bonjour à tous, la cellule de crise est activée à compter de 9 h."),
         ("bruno", "Bien reçu. La préfecture de police est en alerte orange.\n"
                   "Point de situation toutes les deux heures."),
         ("david", "Les moyens du génie sont prépositionnés à Vincennes."),
         ("demo", "Merci. Je prépare la note de synthèse pour le cabinet."),
         ("alice", "Ordre du jour du point de 11 h :\n"
                   "1. Niveaux des cours d'eau\n2. Évacuations en cours\n3. Communication grand public"),
     ]),
    ("Direction du numérique — équipe", "Échanges de l'équipe produit", "bruno",
     ["alice", "chloe", "emma"], [
         ("bruno", "Salut l'équipe ! Qui est disponible pour la revue de sprint jeudi ?"),
         ("chloe", "Moi, à partir de 14 h."),
         ("emma", "Présente également. J'apporterai les retours des utilisateurs."),
         ("demo", "Je serai là. Pensez à mettre à jour le tableau avant mercredi soir."),
         ("alice", "La nouvelle version de l'application de bureau est en recette 🎉\n"
                   "Merci de remonter les anomalies dans le salon dédié."),
     ]),
    ("Veille réglementaire", "Textes publiés au Journal officiel", "chloe",
     ["alice", "bruno"], [
         ("chloe", "Décret publié ce matin au JO sur l'hébergement des données de santé."),
         ("bruno", "Quelles conséquences pour nos prestataires ?"),
         ("chloe", "Principalement :\n- certification HDS obligatoire\n"
                   "- délai de mise en conformité de 12 mois"),
         ("demo", "Je le diffuse à la direction juridique, merci Chloé."),
     ]),
]
# Pending invite: created by david, demo invited at the end but never joins.
PENDING = ("Projet interministériel", "Lancement du projet commun Armées / Éducation", "david",
           ["emma"], [
               ("david", "Bienvenue dans l'espace projet. Le kick-off aura lieu lundi."),
               ("emma", "Parfait, j'invite les autres participants."),
           ])
# Direct chats: (creator, other, messages)
DMS = [
    ("alice", "demo", [
        ("alice", "Bonjour Camille, as-tu deux minutes pour un point rapide ?"),
        ("demo", "Oui bien sûr, je t'appelle dans 5 minutes."),
        ("alice", "Super, merci !"),
    ]),
    ("demo", "emma", [
        ("demo", "Bonjour Emma, peux-tu me transmettre le compte rendu de la réunion d'hier ?"),
        ("emma", "Le voici en résumé :\n- budget validé\n- calendrier décalé de deux semaines\n"
                 "- prochaine réunion le 12"),
        ("demo", "Merci beaucoup !"),
    ]),
]


def add_direct(client, other_user_id, room_id):
    content = client.get_account_data("m.direct") or {}
    rooms = content.setdefault(other_user_id, [])
    if room_id not in rooms:
        rooms.append(room_id)
    client.set_account_data("m.direct", content)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--homeserver", required=True, help="e.g. http://127.0.0.1:8008")
    ap.add_argument("--shared-secret-file", required=True, help="DIR/shared_secret of synapse.sh")
    a = ap.parse_args()
    with open(a.shared_secret_file) as f:
        secret = f.read().strip()
    hs = a.homeserver

    # Register (or log in) everyone; these sessions are logged out at the end so
    # the demo user's device list stays clean.
    users = {}
    for key, (localpart, name) in [("demo", DEMO)] + list(AGENTS.items()):
        r = register(hs, secret, localpart, PASSWORD, displayname=name)
        users[key] = Client(hs, r["access_token"], r["user_id"])
        if key == "demo" and users["demo"].get_account_data(MARKER):
            print(f"demo already seeded ({MARKER} set on {r['user_id']}): nothing to do")
            users["demo"].logout()
            return
    for key, c in users.items():
        print(f"user {c.user_id} ({key})  password: {PASSWORD}")

    def make_room(name, topic, creator, members, messages, join_demo=True, is_direct=False):
        c = users[creator]
        body = {"preset": "trusted_private_chat" if is_direct else "private_chat",
                "invite": [users[m].user_id for m in members], "is_direct": is_direct}
        if name:
            body.update(name=name, topic=topic)
        room_id = c.request("POST", "/_matrix/client/v3/createRoom", body)["room_id"]
        for m in members:
            if m != "demo" or join_demo:
                users[m].join(room_id)
        for sender, text in messages:
            users[sender].send_text(room_id, text)
        print(f"room {room_id} {name or 'DM'}: {len(messages)} messages, members {[creator] + members}")
        return room_id

    seeded = {}
    for name, topic, creator, members, messages in ROOMS:
        seeded[name] = make_room(name, topic, creator, members + ["demo"], messages)

    name, topic, creator, members, messages = PENDING
    room_id = make_room(name, topic, creator, members, messages)
    users[creator].invite(room_id, users["demo"].user_id)
    seeded[name] = room_id
    print(f"  -> demo invited to {name!r} (invite left pending)")

    for creator, other, messages in DMS:
        room_id = make_room(None, None, creator, [other], messages, is_direct=True)
        # m.direct on both sides so both clients show it as a DM.
        add_direct(users[creator], users[other].user_id, room_id)
        add_direct(users[other], users[creator].user_id, room_id)
        agent = other if creator == "demo" else creator
        seeded["dm:" + users[agent].user_id] = room_id

    users["demo"].set_account_data(MARKER, {"seeded_at_ms": int(time.time() * 1000), "rooms": seeded})
    print(f"marked {users['demo'].user_id} with account data {MARKER}")
    for c in users.values():
        c.logout()
    print("demo seed done")


if __name__ == "__main__":
    try:
        main()
    except (MatrixError, OSError) as e:
        sys.exit(f"demo-seed.py: {e}")
