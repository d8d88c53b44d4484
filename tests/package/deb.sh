#!/usr/bin/env bash
# Builds the .deb with the Tauri CLI (debug profile, to reuse the test build)
# and checks that it was made from the top-level tauri.conf.json: product
# name, section, description, desktop entry (with the link schemes) and binary.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
make -C "$ROOT" --no-print-directory deb DEB_FLAGS=--debug >/dev/null
DEB=$(ls -t "$TARGET"/debug/bundle/deb/*.deb | head -1)
fail() { echo "deb check: $*" >&2; exit 1; }

ar t "$DEB" | grep -qx data.tar.xz || fail "the package is not compressed with xz"
info=$(dpkg-deb -I "$DEB")
conf() { python3 -c "import json,sys; c=json.load(open('$ROOT/tauri.conf.json')); print(eval(sys.argv[1]))" "$1"; }
grep -q "^ Section: $(conf 'c["bundle"]["linux"]["deb"]["section"]')$" <<<"$info" || fail "section not taken from tauri.conf.json"
grep -q "^ Description: $(conf 'c["bundle"]["shortDescription"]')$" <<<"$info" || fail "description not taken from tauri.conf.json"
grep -q "^ Depends: .*libwebkit2gtk-4.1-0" <<<"$info" || fail "missing the webview dependency"
grep -q "^ Depends: .*libayatana-appindicator3-1" <<<"$info" || fail "missing the tray icon's dependency"

files=$(dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./||')
grep -q "^usr/bin/$(conf 'c["mainBinaryName"]')$" <<<"$files" || fail "binary missing"
grep -q "^usr/share/applications/$(conf 'c["productName"]').desktop$" <<<"$files" || fail "desktop entry missing"

extract=$(mktemp -d); trap 'rm -rf "$extract"' EXIT
dpkg-deb -x "$DEB" "$extract"
desktop=$(cat "$extract/usr/share/applications/"*.desktop)
grep -q "^Name=$(conf 'c["productName"]')$" <<<"$desktop" || fail "desktop entry name"
# Links (tchap://, matrix:) open the app: the entry declares the schemes and passes the link on.
for scheme in $(conf '" ".join(c["plugins"]["deep-link"]["desktop"]["schemes"])'); do
  grep -q "^MimeType=.*x-scheme-handler/$scheme\b" <<<"$desktop" || fail "desktop entry does not declare the $scheme: scheme"
done
grep -q "^Exec=.* %u$" <<<"$desktop" || fail "desktop entry does not pass the link to the app (%u)"
echo "deb check: $(basename "$DEB") built from tauri.conf.json"
