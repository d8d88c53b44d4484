#!/usr/bin/env bash
# Runs the app for `make demo`: with the desktop's keyring when the session
# has one (GNOME Keyring, KWallet…), else with a throwaway GNOME Keyring, so
# the demo also opens on a bare X session or under Xvfb. That keyring is kept
# beside the demo's data, so a second `make demo` restores the session (the
# same device, already verified) instead of signing in as a new one.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
has_secret_service() {
  [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || return 1
  local names
  names=$(timeout 5 dbus-send --session --dest=org.freedesktop.DBus --type=method_call --print-reply \
    /org/freedesktop/DBus org.freedesktop.DBus.ListNames 2>/dev/null
    timeout 5 dbus-send --session --dest=org.freedesktop.DBus --type=method_call --print-reply \
    /org/freedesktop/DBus org.freedesktop.DBus.ListActivatableNames 2>/dev/null) || true
  grep -q '"org.freedesktop.secrets"' <<<"$names"
}
if has_secret_service; then
  exec "$@"
fi
echo "demo: no keyring on this desktop session; using a throwaway one" >&2
export TCHAP_KEYRING_HOME="${TCHAP_DATA_DIR:?}/../keyring"
exec "$ROOT/tests/keyring/with-keyring.sh" "$@"
