#!/usr/bin/env bash
# Installs what building and testing need on Debian 12, only what is missing:
# Debian packages, the UI's and the e2e tests' npm packages (from their
# lockfiles), tauri-driver, the Synapse and content scanner venvs. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential pkg-config curl file libssl-dev libxdo-dev
  # libayatana-appindicator3: the tray icon (the -dev to build, the -1 at run time).
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev libayatana-appindicator3-1 librsvg2-dev libsoup-3.0-dev
  python3-venv xvfb xauth xdotool dbus dbus-x11 webkit2gtk-driver gnome-keyring libsecret-tools openssl
  # WebKitGTK plays <video>/<audio> through GStreamer: base and good (Ogg,
  # Vorbis, Opus, WAV, FLAC, MP3, WebM, MP4's container) come with it; libav
  # decodes H.264 and AAC (MP4, M4A); gl draws video frames. Recommended by
  # WebKitGTK, hence skipped by --no-install-recommends.
  gstreamer1.0-libav gstreamer1.0-gl
  # The forward proxy the network tests send everything through.
  tinyproxy
  # A notification daemon on a private bus for the notification tests.
  python3-dbusmock
  # The tray test's StatusNotifierWatcher and X client (GLib's and X's Python bindings).
  python3-gi libx11-6
  # The fleet's mirror (scripts/mirror.sh): the apt repository's indexes and signatures.
  apt-utils gnupg
  # The Windows installers, cross-built: the mingw toolchain (and its objdump)
  # for the exe, wixl to make the MSIs, msitools'
  # msiinfo/msibuild/msiextract to finish and check them.
  gcc-mingw-w64-x86-64 msitools wixl
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages, exactly as locked; skipped when the lockfile hasn't changed.
for dir in ui tests/e2e; do
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.lock-installed"; then
    echo "install-deps: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.lock-installed)
  fi
done

# The Rust standard library for the Windows cross build.
if ! rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
  echo "install-deps: rustup target add x86_64-pc-windows-gnu"
  rustup target add x86_64-pc-windows-gnu
fi

if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "install-deps: cargo install tauri-driver"
  cargo install tauri-driver --version '^2' --locked --quiet
fi

tests/synapse/synapse.sh install
# The local Tchap federation's extras in the same venv (synapse-room-access-rules, aiosmtpd).
tests/federation/federation.sh install
# The content scanner every attachment download goes through (Debian's python3-olm).
tests/scanner/scanner.sh install
# The independent E2EE peer (matrix-nio on Debian's python3-olm).
tests/e2ee/nio-peer.sh install
