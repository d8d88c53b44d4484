#!/usr/bin/env bash
# Install and run a real, throwaway matrix-content-scanner (the antivirus
# proxy Tchap puts in front of every attachment download), loopback only.
#
#   scanner.sh install
#   scanner.sh start DIR PORT HOMESERVER_URL
#   scanner.sh stop  DIR
#
# Its "antivirus" is scan.sh beside this file: it flags the EICAR test string.
# The key pair the clients encrypt for is kept in DIR/keypair.pickle across
# restarts; remove that file before a start to get a new key.
#
# 1.0.8 because 1.1 and later need a git dependency that cannot be fetched
# here. It runs on Debian's python (/usr/bin/python3) and Debian's
# python3-olm (libolm bindings, installed with apt when missing), in a venv
# with --system-site-packages at ${TCHAP_CACHE:-$HOME/.cache/tchap}/scanner-venv.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${TCHAP_CACHE:-$HOME/.cache/tchap}
VENV=$CACHE/scanner-venv
PY=$VENV/bin/python
SYSPY=/usr/bin/python3
MARKER=$VENV/.tchap-scanner-installed

PINS=(
  matrix-content-scanner==1.0.8
  # mautrix's detect_mimetype extra is gone from the mautrix it resolves to:
  # the scanner still imports python-magic (on Debian's libmagic1).
  python-magic==0.4.27
  # mautrix.crypto imports it.
  base58==2.1.1
)
# The scanner's own dependencies, resolved once and pinned for reproducibility.
CONSTRAINTS=(
  aiohappyeyeballs==2.7.1
  aiohttp==3.14.5
  aiosignal==1.4.0
  attrs==26.1.0
  cachetools==8.0.2
  canonicaljson==2.0.0
  frozenlist==1.8.0
  humanfriendly==10.0
  idna==3.20
  jsonschema==4.26.0
  jsonschema-specifications==2025.9.1
  mautrix==0.21.1
  multidict==7.2.1
  propcache==0.5.4
  pycryptodome==4.4.0
  referencing==0.37.0
  rpds-py==2026.9.1
  typing-extensions==4.16.0
  unpaddedbase64==2.1.0
  yarl==1.25.1
)
APT_PACKAGES=(python3-olm python3-venv python3-yaml libmagic1)

log() { echo "scanner.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { sed -n '5,7s/^#   //p' "${BASH_SOURCE[0]}" >&2; exit 2; }

marker_key() { printf '%s\n' "python=$SYSPY" "apt=${APT_PACKAGES[*]}" "${PINS[@]}" "${CONSTRAINTS[@]}"; }
installed() { [ -x "$PY" ] && [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$(marker_key)" ]; }
need_installed() { installed || die "matrix-content-scanner not installed in $VENV: run '$0 install'"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then
    if [ -t 0 ]; then sudo "$@"; else sudo -n "$@"; fi
  else die "need root for: $* (no sudo available)"
  fi
}

system_ready() {
  "$SYSPY" -c 'import olm, yaml, ensurepip, venv, ctypes.util, sys; sys.exit(ctypes.util.find_library("magic") is None)' >/dev/null 2>&1
}

ensure_system_packages() {
  [ -x "$SYSPY" ] || die "$SYSPY not found (Debian's python3 is required)"
  system_ready && return 0
  command -v apt-get >/dev/null 2>&1 || die "$SYSPY lacks olm/yaml/venv/libmagic and apt-get is not available"
  log "installing ${APT_PACKAGES[*]} with apt-get"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -qq)
  if ! as_root "${apt[@]}" install -y --no-install-recommends "${APT_PACKAGES[@]}" >&2; then
    log "apt-get install failed; refreshing package lists and retrying"
    as_root "${apt[@]}" update >&2
    as_root "${apt[@]}" install -y --no-install-recommends "${APT_PACKAGES[@]}" >&2
  fi
  system_ready || die "$SYSPY still cannot use olm/yaml/venv/libmagic after installing ${APT_PACKAGES[*]}"
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
  exec 9>"$CACHE/scanner-install.lock"
  flock -w 1800 9 || die "timed out waiting for another 'scanner.sh install'"
  if installed && system_ready; then
    log "matrix-content-scanner already installed in $VENV"; return 0
  fi
  local t0=$SECONDS cons
  ensure_system_packages
  rm -f "$MARKER"
  if ! venv_ok; then
    rm -rf "$VENV"
    log "creating venv $VENV (--system-site-packages, $SYSPY)"
    "$SYSPY" -m venv --system-site-packages "$VENV" ||
      { rm -rf "$VENV"; die "'$SYSPY -m venv' failed (apt-get install python3-venv)"; }
  fi
  cons=$(mktemp "${TMPDIR:-/tmp}/scanner-constraints-XXXXXX.txt")
  printf '%s\n' "${CONSTRAINTS[@]}" >"$cons"
  log "installing ${PINS[*]}"
  # python-olm must come from Debian (python3-olm): never let pip build it.
  if ! "$PY" -m pip install --quiet --disable-pip-version-check --no-input \
       --only-binary python-olm -c "$cons" "${PINS[@]}" >&2; then
    rm -f "$cons"; die "pip install failed"
  fi
  rm -f "$cons"
  "$PY" -c 'import matrix_content_scanner.mcs, matrix_content_scanner.scanner.scanner' ||
    die "matrix-content-scanner installed but does not import (see above)"
  marker_key >"$MARKER"
  log "matrix-content-scanner installed in $VENV ($((SECONDS - t0)) s)"
}

# Pid of the scanner serving DIR, or nothing.
running_pid() {
  local pid
  pid=$(cat "$1/scanner.pid" 2>/dev/null) || return 0
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
     tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$1/config.yaml"; then
    echo "$pid"
  fi
}

answers() { # PORT
  "$PY" -c 'import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as r: sys.exit(r.status != 200)' \
    "http://127.0.0.1:$1/_matrix/media_proxy/unstable/public_key" 2>/dev/null
}

write_config() { # DIR PORT HOMESERVER_URL
  local d=$1
  # The pickle key is generated once, with the key pair it protects.
  [ -s "$d/pickle_key" ] || (umask 077; "$PY" -c 'import secrets; print(secrets.token_hex(32))' >"$d/pickle_key")
  mkdir -p "$d/scan_tmp"
  cat >"$d/config.yaml" <<EOF
# Generated by tests/scanner/scanner.sh -- test content scanner, NOT for production.
web:
  host: 127.0.0.1
  port: $2
scan:
  script: "$HERE/scan.sh"
  temp_directory: "$d/scan_tmp"
  # What a ministry sends every day; executables and scripts are refused
  # (MCS_MEDIA_NOT_CLEAN, "File type not supported" in 1.0.8).
  allowed_mimetypes:
    - text/plain
    - text/csv
    - application/octet-stream
    - application/pdf
    - application/zip
    - application/msword
    - application/vnd.ms-excel
    - application/vnd.ms-powerpoint
    - application/vnd.oasis.opendocument.text
    - application/vnd.oasis.opendocument.spreadsheet
    - application/vnd.oasis.opendocument.presentation
    - application/vnd.openxmlformats-officedocument.wordprocessingml.document
    - application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
    - application/vnd.openxmlformats-officedocument.presentationml.presentation
    - image/png
    - image/jpeg
    - image/gif
    - image/webp
    - audio/mpeg
    - audio/ogg
    - video/mp4
    - video/webm
download:
  base_homeserver_url: "$3"
crypto:
  pickle_path: "$d/keypair.pickle"
  pickle_key: "$(cat "$d/pickle_key")"
EOF
}

cmd_start() {
  [ $# -eq 3 ] || usage
  local d port=$2 hs=${3%/} pid i
  need_installed
  mkdir -p "$1"; d=$(cd "$1" && pwd)
  if [ -n "$(running_pid "$d")" ]; then
    answers "$port" || die "scanner already running for $d (pid $(running_pid "$d")) but not answering on port $port"
    log "already running for $d on 127.0.0.1:$port"; return 0
  fi
  (: </dev/tcp/127.0.0.1/"$port") 2>/dev/null && die "port $port on 127.0.0.1 is already in use"
  write_config "$d" "$port" "$hs"
  rm -f "$d/scanner.pid"
  # Its own session, so that the caller's Ctrl+C or end does not reach it: stop does.
  setsid "$PY" -m matrix_content_scanner.mcs -c "$d/config.yaml" >>"$d/scanner.log" 2>&1 </dev/null &
  echo $! >"$d/scanner.pid"
  for i in $(seq 1 60); do   # 30 s
    pid=$(running_pid "$d")
    [ -n "$pid" ] || break
    if answers "$port"; then
      log "matrix-content-scanner up: http://127.0.0.1:$port homeserver=$hs pid=$pid dir=$d"
      return 0
    fi
    sleep 0.5
  done
  log "the scanner did not answer on 127.0.0.1:$port; last lines of $d/scanner.log:"
  tail -n 30 "$d/scanner.log" >&2 2>/dev/null || true
  pid=$(running_pid "$d"); [ -n "$pid" ] && kill "$pid" 2>/dev/null
  exit 1
}

cmd_stop() {
  [ $# -eq 1 ] || usage
  local d pid i
  [ -d "$1" ] || { log "no scanner folder $1"; return 0; }
  d=$(cd "$1" && pwd)
  pid=$(running_pid "$d")
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then log "pid $pid ignored SIGTERM, sending SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
    log "stopped the scanner (pid $pid) for $d"
  else
    log "no scanner running for $d"
  fi
  rm -f "$d/scanner.pid"
}

[ $# -ge 1 ] || usage
cmd=$1; shift
case "$cmd" in
  install) [ $# -eq 0 ] || usage; cmd_install ;;
  start|stop) "cmd_$cmd" "$@" ;;
  *) usage ;;
esac
