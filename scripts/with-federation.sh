#!/usr/bin/env bash
# Runs a command with a fresh local Tchap federation (three Synapse servers,
# identity stand-in, SMTP sink; see tests/federation/README.md), then stops it:
#   scripts/with-federation.sh CMD ARGS...
# The command gets TCHAP_FEDERATION (DIR/federation.json). Needs root; one
# federation per machine at a time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=$(mktemp -d "${TMPDIR:-/tmp}/tchap-federation-XXXXXX")
# Its folder (databases, logs, mails) goes with it, unless the command failed:
# then it is kept to read.
stop() {
  local status=$?
  "$ROOT/tests/federation/federation.sh" stop "$DIR" >/dev/null 2>&1 || true
  if [ "$status" -eq 0 ]; then rm -rf "$DIR"; else echo "with-federation.sh: the federation's folder kept: $DIR" >&2; fi
}
trap stop EXIT
# Another run's federation (tests in parallel, a demo): wait for it.
TCHAP_FEDERATION_WAIT=${TCHAP_FEDERATION_WAIT:-1800} "$ROOT/tests/federation/federation.sh" start "$DIR"
export TCHAP_FEDERATION="$DIR/federation.json"
"$@"
