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
CACHE=${TCHAP_CACHE:-$HOME/.cache/tchap}
VENV=$CACHE/nio-venv
PY=$VENV/bin/python
SYSPY=/usr/bin/python3
MARKER=$VENV/.tchap-nio-installed

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

log() { echo "nio-peer.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { sed -n '6,8s/^#   //p' "${BASH_SOURCE[0]}" >&2; exit 2; }

# What the marker must say for the install to count as done.
marker_key() { printf '%s\n' "python=$SYSPY" "apt=${APT_PACKAGES[*]}" "${PINS[@]}" "${CONSTRAINTS[@]}"; }

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

installed() { [ -x "$PY" ] && [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$(marker_key)" ]; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then
    if [ -t 0 ]; then sudo "$@"; else sudo -n "$@"; fi
  else die "need root for: $* (no sudo available)"
  fi
}

system_ready() {
  "$SYSPY" -c 'import olm, ensurepip, venv' >/dev/null 2>&1
}

ensure_system_packages() {
  [ -x "$SYSPY" ] || die "$SYSPY not found (Debian's python3 is required)"
  system_ready && return 0
  command -v apt-get >/dev/null 2>&1 || die "$SYSPY lacks olm/venv and apt-get is not available"
  log "installing ${APT_PACKAGES[*]} with apt-get"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -qq)
  if ! as_root "${apt[@]}" install -y --no-install-recommends "${APT_PACKAGES[@]}" >&2; then
    log "apt-get install failed; refreshing package lists and retrying"
    as_root "${apt[@]}" update >&2
    as_root "${apt[@]}" install -y --no-install-recommends "${APT_PACKAGES[@]}" >&2
  fi
  system_ready || die "$SYSPY still cannot import olm/ensurepip/venv after installing ${APT_PACKAGES[*]}"
}

# The venv is reusable only if it is built on $SYSPY and sees system site-packages.
venv_ok() {
  [ -x "$PY" ] && [ -f "$VENV/pyvenv.cfg" ] &&
    grep -qiE '^include-system-site-packages *= *true' "$VENV/pyvenv.cfg" &&
    [ "$("$PY" -c 'import os, sys; print(os.path.realpath(sys._base_executable))' 2>/dev/null)" = "$(readlink -f "$SYSPY")" ] &&
    "$PY" -m pip --version >/dev/null 2>&1
}

cmd_install() {
  mkdir -p "$CACHE"
  exec 9>"$CACHE/nio-install.lock"
  flock -w 1800 9 || die "timed out waiting for another 'nio-peer.sh install'"
  if installed && system_ready; then
    log "matrix-nio peer already installed in $VENV"; return 0
  fi
  local t0=$SECONDS
  ensure_system_packages
  rm -f "$MARKER"
  if ! venv_ok; then
    rm -rf "$VENV"
    log "creating venv $VENV (--system-site-packages, $SYSPY)"
    "$SYSPY" -m venv --system-site-packages "$VENV" ||
      { rm -rf "$VENV"; die "'$SYSPY -m venv' failed (apt-get install python3-venv)"; }
  fi
  local cons
  cons=$(mktemp "${TMPDIR:-/tmp}/nio-constraints-XXXXXX.txt")
  printf '%s\n' "${CONSTRAINTS[@]}" >"$cons"
  log "installing ${PINS[*]}"
  # python-olm must come from Debian (python3-olm): never let pip build it.
  if ! "$PY" -m pip install --quiet --disable-pip-version-check --no-input \
       --only-binary python-olm -c "$cons" "${PINS[@]}" >&2; then
    rm -f "$cons"; die "pip install failed"
  fi
  rm -f "$cons"
  verify || die "matrix-nio installed but end-to-end encryption is NOT available (see above)"
  marker_key >"$MARKER"
  log "matrix-nio peer installed in $VENV ($((SECONDS - t0)) s)"
}

cmd_python() {
  installed || die "matrix-nio peer not installed in $VENV: run '$0 install'"
  echo "$PY"
}

cmd_run() {
  installed || die "matrix-nio peer not installed in $VENV: run '$0 install'"
  exec "$PY" "$HERE/nio_peer.py" "$@"
}

[ $# -ge 1 ] || usage
cmd=$1; shift
case "$cmd" in
  install) [ $# -eq 0 ] || usage; cmd_install ;;
  python)  [ $# -eq 0 ] || usage; cmd_python ;;
  run)     cmd_run "$@" ;;
  *) usage ;;
esac
