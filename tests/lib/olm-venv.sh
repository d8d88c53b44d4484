# Sourced by the test tools that run on Debian's own python with Debian's
# python3-olm (libolm bindings, which pip cannot build here): a venv with
# --system-site-packages, pinned pip packages, a marker saying it is complete.
#
# The caller sets NAME (for messages and the lock), VENV, APT_PACKAGES, PINS,
# CONSTRAINTS and SYSTEM_CHECK (python code that succeeds when Debian's python
# has what the apt packages bring), defines verify (checks the installed
# venv) and calls `olm_venv_install`. PY and MARKER come from here.

SYSPY=/usr/bin/python3
PY=$VENV/bin/python
MARKER=$VENV/.tchap-installed

log() { echo "$NAME: $*" >&2; }
die() { log "error: $*"; exit 1; }

# What the marker must say for the install to count as done.
marker_key() { printf '%s\n' "python=$SYSPY" "apt=${APT_PACKAGES[*]}" "${PINS[@]}" "${CONSTRAINTS[@]}"; }

olm_venv_installed() { [ -x "$PY" ] && [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$(marker_key)" ]; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then
    if [ -t 0 ]; then sudo "$@"; else sudo -n "$@"; fi
  else die "need root for: $* (no sudo available)"
  fi
}

system_ready() { "$SYSPY" -c "$SYSTEM_CHECK" >/dev/null 2>&1; }

ensure_system_packages() {
  [ -x "$SYSPY" ] || die "$SYSPY not found (Debian's python3 is required)"
  system_ready && return 0
  command -v apt-get >/dev/null 2>&1 || die "$SYSPY lacks what ${APT_PACKAGES[*]} bring and apt-get is not available"
  log "installing ${APT_PACKAGES[*]} with apt-get"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -qq)
  if ! as_root "${apt[@]}" install -y --no-install-recommends "${APT_PACKAGES[@]}" >&2; then
    log "apt-get install failed; refreshing package lists and retrying"
    as_root "${apt[@]}" update >&2
    as_root "${apt[@]}" install -y --no-install-recommends "${APT_PACKAGES[@]}" >&2
  fi
  system_ready || die "$SYSPY still lacks what ${APT_PACKAGES[*]} bring after installing them"
}

# The venv is reusable only if it is built on $SYSPY and sees system site-packages.
venv_ok() {
  [ -x "$PY" ] && [ -f "$VENV/pyvenv.cfg" ] &&
    grep -qiE '^include-system-site-packages *= *true' "$VENV/pyvenv.cfg" &&
    [ "$("$PY" -c 'import os, sys; print(os.path.realpath(sys._base_executable))' 2>/dev/null)" = "$(readlink -f "$SYSPY")" ] &&
    "$PY" -m pip --version >/dev/null 2>&1
}

olm_venv_install() {
  local t0=$SECONDS cons
  mkdir -p "$(dirname "$VENV")"
  exec 9>"$VENV.install.lock"
  flock -w 1800 9 || die "timed out waiting for another '$NAME install'"
  if olm_venv_installed && system_ready; then
    log "already installed in $VENV"; return 0
  fi
  ensure_system_packages
  rm -f "$MARKER"
  if ! venv_ok; then
    rm -rf "$VENV"
    log "creating venv $VENV (--system-site-packages, $SYSPY)"
    "$SYSPY" -m venv --system-site-packages "$VENV" ||
      { rm -rf "$VENV"; die "'$SYSPY -m venv' failed (apt-get install python3-venv)"; }
  fi
  cons=$(mktemp "${TMPDIR:-/tmp}/$NAME-constraints-XXXXXX.txt")
  printf '%s\n' "${CONSTRAINTS[@]}" >"$cons"
  log "installing ${PINS[*]}"
  # python-olm must come from Debian (python3-olm): never let pip build it.
  if ! "$PY" -m pip install --quiet --disable-pip-version-check --no-input \
       --only-binary python-olm -c "$cons" "${PINS[@]}" >&2; then
    rm -f "$cons"; die "pip install failed"
  fi
  rm -f "$cons"
  verify || die "installed, but not usable (see above)"
  marker_key >"$MARKER"
  log "installed in $VENV ($((SECONDS - t0)) s)"
}
