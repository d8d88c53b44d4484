#!/usr/bin/env bash
# Runs a command with a fresh, throwaway content scanner (tests/scanner) in
# front of the test Synapse, then stops it:
#   scripts/with-synapse.sh scripts/with-scanner.sh CMD ARGS...
# Needs TCHAP_TEST_HOMESERVER; the command gets TCHAP_TEST_CONTENT_SCANNER.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
: "${TCHAP_TEST_HOMESERVER:?run it inside scripts/with-synapse.sh}"
DIR=$(mktemp -d "${TMPDIR:-/tmp}/tchap-scanner-XXXXXX")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Its folder (config, key pair, log) goes with it, unless the command failed:
# then the log is kept to read.
stop() {
  local status=$?
  "$ROOT/tests/scanner/scanner.sh" stop "$DIR" >/dev/null 2>&1 || true
  if [ "$status" -eq 0 ]; then rm -rf "$DIR"; else echo "with-scanner.sh: the content scanner's folder kept: $DIR" >&2; fi
}
trap stop EXIT
"$ROOT/tests/scanner/scanner.sh" start "$DIR" "$PORT" "$TCHAP_TEST_HOMESERVER"
export TCHAP_TEST_CONTENT_SCANNER="http://127.0.0.1:$PORT"
"$@"
