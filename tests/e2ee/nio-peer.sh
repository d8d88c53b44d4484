#!/usr/bin/env bash
# An independent end-to-end-encryption peer for the integration tests:
# matrix-nio (Python) on libolm, i.e. a crypto stack that shares no code with
# matrix-rust-sdk. See nio_peer.py beside this file for what the peer does.
#
#   nio-peer.sh install          idempotent; fast (marker file) when already done
#   nio-peer.sh python           prints the venv's python (fails if not installed)
#   nio-peer.sh run ARGS...      exec nio_peer.py ARGS... with the venv's python
#
# Uses Debian's own python (/usr/bin/python3) and Debian's python3-olm (libolm
# bindings; installed with apt when missing), in a venv with
# --system-site-packages at ${TCHAP_CACHE:-$HOME/.cache/tchap}/nio-venv.
# matrix-nio is installed WITHOUT its [e2e] extra, so pip never tries to build
# python-olm from source; the extra's other dependencies are pinned below.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NAME=nio-peer.sh
VENV=${TCHAP_CACHE:-$HOME/.cache/tchap}/nio-venv

# matrix-nio and its [e2e] extra minus python-olm (which comes from Debian).
PINS=(
  matrix-nio==0.25.2
  atomicwrites==1.4.1
  cachetools==5.5.2
  peewee==3.19.0
)
# matrix-nio's own dependencies, resolved once and pinned for reproducibility.
CONSTRAINTS=(
  aiofiles==24.1.0
  aiohappyeyeballs==2.7.1
  aiohttp==3.14.5
  aiohttp-socks==0.12.0
  aiosignal==1.4.0
  attrs==26.1.0
  frozenlist==1.8.0
  h11==0.16.0
  h2==4.4.1
  hpack==4.2.0
  hyperframe==6.1.0
  idna==3.20
  jsonschema==4.26.0
  jsonschema-specifications==2025.9.1
  multidict==7.2.1
  propcache==0.5.4
  pycryptodome==3.24.1
  python-socks==3.2.1
  referencing==0.37.0
  rpds-py==2026.9.1
  typing-extensions==4.16.0
  unpaddedbase64==2.1.0
  yarl==1.25.1
)
APT_PACKAGES=(python3-olm python3-venv)
SYSTEM_CHECK='import olm, ensurepip, venv'
VERIFY_PY='
import sys
from importlib.metadata import version
import olm
import nio
import nio.crypto
if not nio.crypto.ENCRYPTION_ENABLED:
    sys.exit("nio.crypto.ENCRYPTION_ENABLED is False (libolm bindings not usable)")
client = nio.AsyncClient("http://127.0.0.1:1", "@probe:localhost")
if not client.config.encryption_enabled:
    sys.exit("nio.AsyncClient has encryption disabled")
print("matrix-nio", version("matrix-nio"), "python-olm", version("python-olm"), "from", olm.__file__, file=sys.stderr)
'

verify() { "$PY" -c "$VERIFY_PY"; }

# shellcheck source=../lib/olm-venv.sh
. "$HERE/../lib/olm-venv.sh"

usage() { sed -n '6,8s/^#   //p' "${BASH_SOURCE[0]}" >&2; exit 2; }

cmd_python() {
  olm_venv_installed || die "matrix-nio peer not installed in $VENV: run '$0 install'"
  echo "$PY"
}

cmd_run() {
  olm_venv_installed || die "matrix-nio peer not installed in $VENV: run '$0 install'"
  exec "$PY" "$HERE/nio_peer.py" "$@"
}

[ $# -ge 1 ] || usage
cmd=$1; shift
case "$cmd" in
  install) [ $# -eq 0 ] || usage; olm_venv_install ;;
  python)  [ $# -eq 0 ] || usage; cmd_python ;;
  run)     cmd_run "$@" ;;
  *) usage ;;
esac
