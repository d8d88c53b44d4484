#!/usr/bin/env bash
# `make demo`: opens the app signed in to a local Tchap federation (DINUM,
# Intérieur and the externals' server; tests/federation/), seeded with agents
# of both ministries and an external partner (scripts/demo-seed.py).
#
#   scripts/demo.sh APP [ARGS...]        (APP: the debug build of tchap-desktop)
#
# Everything lives in ${TCHAP_CACHE:-~/.cache/tchap}/demo: federation/ (the
# servers, fixed ports: federation.sh --demo) and app/ (+ keyring/) the app's
# data. A second run restarts the same servers and skips the seed, so the
# accounts and the app's session are kept. The federation stops when the app
# exits (Ctrl+C too); the exit status is the app's. Needs root, like the
# federation; only one federation can run on a machine at a time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 APP [ARGS...]" >&2; exit 2; }
FED_SH=$ROOT/tests/federation/federation.sh
LOCK=${TCHAP_FEDERATION_LOCK:-/run/lock/tchap-federation.lock}
DEMO=${TCHAP_CACHE:-$HOME/.cache/tchap}/demo
mkdir -p "$DEMO/federation"
DEMO=$(cd "$DEMO" && pwd)
FED_DIR=$DEMO/federation   # the same spelling federation.sh writes into the lock

# Errors the user can act on, in French then English.
say() { printf 'demo: %s\ndemo: %s\n' "$1" "$2" >&2; }

[ "$(id -u)" = 0 ] || { say "la fédération locale doit être lancée en root (port 443 et /etc/hosts)." \
  "the local federation must run as root (port 443 and /etc/hosts)."; exit 1; }

# One federation per machine: its identity stand-in holds the lock while it runs.
if [ -e "$LOCK" ] && ! flock -n "$LOCK" true; then
  owner=$(cat "$LOCK" 2>/dev/null || true)
  if [ "$owner" != "$FED_DIR" ]; then
    say "une autre fédération Tchap tourne déjà sur cette machine (${owner:-dossier inconnu}), sans doute des tests : réessayez quand elle sera arrêtée." \
      "another Tchap federation is already running on this machine (${owner:-unknown folder}), probably tests: try again once it has stopped."
    exit 1
  fi
  other=$(cat "$DEMO/demo.pid" 2>/dev/null || true)
  if [ -n "$other" ] && [ "$other" != $$ ] && kill -0 "$other" 2>/dev/null &&
     tr '\0' ' ' <"/proc/$other/cmdline" 2>/dev/null | grep -q 'demo\.sh'; then
    say "la démo est déjà ouverte (processus $other)." "the demo is already running (process $other)."
    exit 1
  fi
  # Else: left running by an interrupted demo; federation.sh start reuses it.
fi
echo $$ >"$DEMO/demo.pid"

started=
cleanup() {
  local status=$?
  if [ -n "$started" ]; then "$FED_SH" stop "$FED_DIR" >/dev/null 2>&1 || true; fi
  rm -f "$DEMO/demo.pid"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=1
"$FED_SH" start "$FED_DIR" --demo || {
  say "la fédération de démo n'a pas démarré (journaux dans $FED_DIR)." \
    "the demo federation did not start (logs in $FED_DIR)."
  exit 1
}

# The app's data belongs to the accounts of one federation folder: if that
# folder was made anew (or the data predates the federation demo), the stored
# session points to accounts that no longer exist; put it aside, not away.
fed_id=$(sha256sum "$FED_DIR/dinum/signing.key" | cut -c1-16)
if [ -e "$DEMO/app" ] && [ "$(cat "$DEMO/app.federation" 2>/dev/null || true)" != "$fed_id" ]; then
  old=$DEMO/previous-$(date +%Y%m%d-%H%M%S)
  mkdir -p "$old"
  mv "$DEMO/app" "$old/"
  [ -e "$DEMO/keyring" ] && mv "$DEMO/keyring" "$old/"
  [ -e "$DEMO/synapse" ] && mv "$DEMO/synapse" "$old/"   # the single-server demo of before
  say "anciennes données de l'app mises de côté dans $old (supprimables)." \
    "the app's old data put aside in $old (safe to delete)."
fi
mkdir -p "$DEMO/app"
echo "$fed_id" >"$DEMO/app.federation"

python3 "$ROOT/scripts/demo-seed.py" --federation "$FED_DIR/federation.json" || {
  say "le peuplement de la démo a échoué ; « make clean-demo » repart de zéro." \
    "seeding the demo failed; 'make clean-demo' starts again from scratch."
  exit 1
}
mapfile -t login < <(python3 "$ROOT/scripts/demo-seed.py" --print-login)

status=0
TCHAP_DATA_DIR=$DEMO/app TCHAP_CONFIG=$FED_DIR/federation.json \
  TCHAP_DEMO_USER=${login[0]} TCHAP_DEMO_PASSWORD=${login[1]} \
  "$ROOT/scripts/demo-app.sh" "$@" || status=$?
exit "$status"
