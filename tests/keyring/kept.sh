#!/usr/bin/env bash
# The demo's keyring is kept between runs: a secret stored in one run of
# with-keyring.sh with TCHAP_KEYRING_HOME is found by the next one (so a
# second `make demo` restores its session), and a run without it sees nothing.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
HOME_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tchap-kept-keyring-XXXXXX")
trap 'rm -rf "$HOME_DIR"' EXIT
value="demo-$RANDOM$RANDOM"
TCHAP_KEYRING_HOME=$HOME_DIR "$HERE/with-keyring.sh" \
  bash -c "printf %s '$value' | secret-tool store --label=kept service fr.gouv.tchap.kept account demo"
found=$(TCHAP_KEYRING_HOME=$HOME_DIR "$HERE/with-keyring.sh" secret-tool lookup service fr.gouv.tchap.kept account demo || true)
[ "$found" = "$value" ] || { echo "kept.sh: the second run did not find the secret (got '$found')"; exit 1; }
other=$("$HERE/with-keyring.sh" secret-tool lookup service fr.gouv.tchap.kept account demo || true)
[ -z "$other" ] || { echo "kept.sh: a throwaway keyring saw the kept secret"; exit 1; }
[ "$(stat -c %a "$HOME_DIR/password")" = 600 ] || { echo "kept.sh: the keyring password file is not private"; exit 1; }
echo "kept keyring: 1 passed, 0 failed"
