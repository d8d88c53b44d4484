#!/usr/bin/env bash
# Runs a command against a throwaway GNOME Keyring (a real Secret Service),
# then stops it:
#   tests/keyring/with-keyring.sh CMD ARGS...
#   dbus-run-session -- tests/keyring/with-keyring.sh CMD ARGS...   (the same)
# The script always starts its own private D-Bus session bus, so it can never
# take over the keyring daemon of a desktop session, and it can be nested.
# The keyring is headless: a fresh "login" collection, default and unlocked
# with a random password, in a temporary folder removed at the end; the bus
# (and so whatever it starts, gcr-prompter included) runs without
# DISPLAY/WAYLAND_DISPLAY and with its XDG data and runtime folders in that
# temporary folder, so an unlock prompt is dismissed at once instead of
# opening a window, and nothing writes to the user's keyrings.
# The command keeps its own environment, plus DBUS_SESSION_BUS_ADDRESS (the
# private bus), GNOME_KEYRING_CONTROL and TCHAP_TEST_KEYRING=1, which the
# keyring tests look for. Its exit status is the script's.
# With TCHAP_KEYRING_HOME=FOLDER the keyring is kept in FOLDER between runs
# (its password in FOLDER/password, readable by the user only): `make demo`
# uses it so that its second run restores the session like a desktop would.
# Needs: gnome-keyring, dbus (dbus-run-session, dbus-send); the tests also
# use secret-tool (libsecret-tools).
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD ARGS..." >&2
  exit 2
fi
for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "with-keyring: $tool is missing (apt-get install gnome-keyring dbus libsecret-tools)" >&2
    exit 1
  fi
done

# The variables the bus gets in place of the command's; saved as "set:VALUE"
# or "unset", and given back to the command.
SWAPPED=(DISPLAY WAYLAND_DISPLAY XDG_DATA_HOME XDG_RUNTIME_DIR)

# First pass: run this script again on a bus of its own.
if [ "${_TCHAP_KEYRING_DIR:-}" = "" ]; then
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/tchap-keyring-XXXXXX")
  # The app may start the document portal, which mounts a FUSE folder in
  # our runtime dir: unmount it (lazily) before removing the folder.
  trap 'fusermount -uz "$DIR/run/doc" 2>/dev/null || true; rm -rf "$DIR" 2>/dev/null || true' EXIT
  mkdir -m 700 "$DIR/data" "$DIR/run"
  DATA="$DIR/data"
  if [ -n "${TCHAP_KEYRING_HOME:-}" ]; then
    mkdir -p -m 700 "$TCHAP_KEYRING_HOME/data"
    DATA=$(cd "$TCHAP_KEYRING_HOME/data" && pwd)
  fi
  saved=()
  for var in "${SWAPPED[@]}"; do
    if [ -n "${!var+x}" ]; then saved+=("_TCHAP_KEYRING_SAVED_$var=set:${!var}"); else saved+=("_TCHAP_KEYRING_SAVED_$var=unset"); fi
  done
  status=0
  env -u DISPLAY -u WAYLAND_DISPLAY "${saved[@]}" _TCHAP_KEYRING_DIR="$DIR" \
    XDG_DATA_HOME="$DATA" XDG_RUNTIME_DIR="$DIR/run" \
    dbus-run-session -- "$0" "$@" || status=$?
  exit $status
fi

# Second pass, on the private bus.
DIR=$_TCHAP_KEYRING_DIR
unset _TCHAP_KEYRING_DIR # so that a command that calls this script gets its own bus
SECRETS=org.freedesktop.secrets
LOGIN=/org/freedesktop/secrets/collection/login
bus_call() { dbus-send --session --print-reply=literal "$@" 2>/dev/null; }
secrets_call() { bus_call --dest=$SECRETS "$@"; }
daemon_pid() {
  bus_call --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetConnectionUnixProcessID \
    string:$SECRETS | awk '{print $2}'
}
stop() {
  local pid
  pid=$(daemon_pid || true)
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    # Not our child, so no `wait`: gone once its bus name is.
    for _ in $(seq 20); do [ -n "$(daemon_pid || true)" ] || break; sleep 0.1; done
  fi
}
trap stop EXIT

# --unlock reads the password on stdin and, as no login keyring exists in
# the fresh folder, creates it with that password and unlocks it. Neither
# --replace nor an inherited GNOME_KEYRING_CONTROL: both would make it take
# over another daemon (a desktop's, or an enclosing run of this script's).
if [ -n "${TCHAP_KEYRING_HOME:-}" ]; then
  if [ ! -s "$TCHAP_KEYRING_HOME/password" ]; then
    (umask 077; od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$TCHAP_KEYRING_HOME/password")
  fi
  password=$(cat "$TCHAP_KEYRING_HOME/password")
else
  password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
fi
control=$(printf '%s' "$password" | env -u GNOME_KEYRING_CONTROL \
  gnome-keyring-daemon --unlock --components=secrets --daemonize 2>/dev/null \
  | sed -n 's/^GNOME_KEYRING_CONTROL=//p')
unset password
export GNOME_KEYRING_CONTROL="${control:-$DIR/run/keyring}"

# Wait until the daemon answers, and check that new items go, without a
# prompt, to the unlocked login collection.
alias=
for _ in $(seq 50); do
  alias=$(secrets_call /org/freedesktop/secrets org.freedesktop.Secret.Service.ReadAlias string:default || true)
  [ -n "$alias" ] && break
  sleep 0.1
done
if [ "$(echo $alias)" != "$LOGIN" ]; then
  secrets_call /org/freedesktop/secrets org.freedesktop.Secret.Service.SetAlias string:default objpath:$LOGIN >/dev/null || true
  alias=$(secrets_call /org/freedesktop/secrets org.freedesktop.Secret.Service.ReadAlias string:default || true)
fi
locked=$(secrets_call $LOGIN org.freedesktop.DBus.Properties.Get \
  string:org.freedesktop.Secret.Collection string:Locked || true)
if [ "$(echo $alias)" != "$LOGIN" ] || [ "$(echo $locked)" != "variant boolean false" ]; then
  echo "with-keyring: the keyring did not start with an unlocked default collection (alias: '$(echo $alias)', locked: '$(echo $locked)')" >&2
  exit 1
fi

# The command's own environment back.
for var in "${SWAPPED[@]}"; do
  saved_var="_TCHAP_KEYRING_SAVED_$var"
  case "${!saved_var:-unset}" in
    set:*) export "$var=${!saved_var#set:}" ;;
    *) unset "$var" ;;
  esac
  unset "$saved_var"
done

export TCHAP_TEST_KEYRING=1
status=0
"$@" || status=$?
exit $status
