#!/usr/bin/env bash
# Runs a command with a fresh, throwaway Synapse on loopback, then stops it:
#   scripts/with-synapse.sh CMD ARGS...
# The command gets TCHAP_TEST_HOMESERVER and TCHAP_TEST_SHARED_SECRET (a file).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=$(mktemp -d "${TMPDIR:-/tmp}/tchap-synapse-XXXXXX")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Its folder (database, log) goes with it, unless the command failed: then
# the log is kept to read.
stop() {
  local status=$?
  "$ROOT/tests/synapse/synapse.sh" stop "$DIR" >/dev/null 2>&1 || true
  if [ "$status" -eq 0 ]; then rm -rf "$DIR"; else echo "with-synapse.sh: Synapse's folder kept: $DIR" >&2; fi
}
trap stop EXIT
"$ROOT/tests/synapse/synapse.sh" start "$DIR" "$PORT"
export TCHAP_TEST_HOMESERVER="http://127.0.0.1:$PORT"
export TCHAP_TEST_SHARED_SECRET="$DIR/shared_secret"
"$@"
