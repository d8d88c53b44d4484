#!/usr/bin/env bash
# The .deb's whole life on this machine, as a Debian fleet lives it (issue 16):
# the debug .deb (deb.sh's build) is published with scripts/mirror.sh to a
# signed apt repository served on 127.0.0.1 (throwaway GPG and minisign keys),
# then: apt refuses a tampered and an unknown-key repository; apt-get install
# brings the package and its dependencies; the installed app shows its login
# screen under Xvfb and signs in (tests/package/installed.test.mjs); a newer
# build published to the same mirror is applied with `apt-get install
# --only-upgrade` and the app opens signed in; the next one is found by the
# app itself (its policy names the mirror), verified, and installed when the
# user clicks "Redémarrer pour mettre à jour" (a stand-in for polkit's
# password prompt runs dpkg), and the app opens signed in again; remove and
# purge take the package's files and leave the user's data as it was.
# Runs as root (sudo otherwise), against the test Synapse:
#   scripts/with-synapse.sh tests/package/deb-lifecycle.sh
# Whatever happens, the machine is left as it was: apt source, keyring,
# package, packages apt pulled in, apt lists of the test repositories.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
[ -n "${TCHAP_TEST_HOMESERVER:-}" ] || { echo "deb lifecycle: run through scripts/with-synapse.sh" >&2; exit 2; }
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
PACKAGE=tchap
SOURCE=/etc/apt/sources.list.d/tchap-lifecycle-test.list
KEYRING=/etc/apt/keyrings/tchap-lifecycle-test.gpg
fail() { echo "deb lifecycle: FAIL: $*" >&2; exit 1; }
step() { echo "deb lifecycle: $*"; }
# sudo drops the environment: DEBIAN_FRONTEND goes through env.
apt_get() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
installed_version() { dpkg-query -W -f='${db:Status-Abbrev} ${Version}' "$PACKAGE" 2>/dev/null | awk '$1 == "ii" { print $2 }'; }
[ -z "$(installed_version)" ] || fail "$PACKAGE is already installed here: this test will not touch an administrator's install"

# The debug .deb that deb.sh just built, or built the same way.
DEB=$(ls -t "$TARGET"/debug/bundle/deb/*.deb 2>/dev/null | head -1 || true)
if [ -z "$DEB" ] || [ "$TARGET/debug/tchap-desktop" -nt "$DEB" ]; then
  make -C "$ROOT" --no-print-directory deb DEB_FLAGS=--debug >/dev/null
  DEB=$(ls -t "$TARGET"/debug/bundle/deb/*.deb | head -1)
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tchap-deb-lifecycle-XXXXXX")
SERVER_PID=
cleanup() {
  status=$?
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  if [ -n "$(dpkg-query -W -f='${Status}' "$PACKAGE" 2>/dev/null | grep -v 'not-installed' || true)" ]; then
    apt_get purge -y -qq "$PACKAGE" >/dev/null 2>&1 || true
  fi
  # What apt pulled in for the package (noted by apt_install), nothing else.
  [ -s "$WORK/pulled-in" ] && apt_get purge -y -qq $(cat "$WORK/pulled-in") >/dev/null 2>&1
  $SUDO rm -f "$SOURCE" "$KEYRING"
  [ -n "${PORT:-}" ] && $SUDO find /var/lib/apt/lists -maxdepth 2 -name "127.0.0.1:${PORT}_*" -delete 2>/dev/null
  rm -rf "$WORK"
  [ $status = 0 ] || echo "deb lifecycle: failed; the machine was put back as it was" >&2
  exit $status
}
trap cleanup EXIT

# Throwaway keys: the archive's GPG key, an intruder's, and the updater's minisign key.
export GNUPGHOME=$WORK/gnupg
mkdir -m 700 "$GNUPGHOME"
gpg_key() { # NAME: a new signing key, prints its fingerprint
  gpg --batch --quiet --passphrase '' --quick-gen-key "$1 <test@tchap.invalid>" ed25519 sign never 2>/dev/null
  gpg --batch --with-colons --list-secret-keys "$1" 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }'
}
ARCHIVE_KEY=$(gpg_key "Tchap test archive")
INTRUDER_KEY=$(gpg_key "Not the archive")
"$ROOT/ui/node_modules/.bin/tauri" signer generate --ci -w "$WORK/minisign.key" -p '' >/dev/null
export TAURI_SIGNING_PRIVATE_KEY_PATH=$WORK/minisign.key TAURI_SIGNING_PRIVATE_KEY_PASSWORD=

# The newer build: the same files under the next patch version. Repacking
# (rather than a second `tauri build`) keeps the test to what it checks, apt's
# upgrade path and the user's session across it, without recompiling the app.
V1=$(dpkg-deb -f "$DEB" Version)
V2=$(awk -F. -v OFS=. '{ $3 = $3 + 1; print }' <<<"${V1%%[-+~]*}")
mkdir -p "$WORK/newer" && cp "$DEB" "$WORK/newer/v1.deb"
dpkg-deb -R "$DEB" "$WORK/newer/tree"
# Also the same version rebuilt (other bytes), which the mirror must refuse to
# publish over the first. Quick compression: their size is not what is tested.
dpkg-deb --root-owner-group -Zgzip -z1 -b "$WORK/newer/tree" "$WORK/newer/v1-rebuilt.deb" >/dev/null
sed -i "s/^Version: .*/Version: $V2/" "$WORK/newer/tree/DEBIAN/control"
dpkg-deb --root-owner-group -Zgzip -z1 -b "$WORK/newer/tree" "$WORK/newer/v2.deb" >/dev/null
V3=$(awk -F. -v OFS=. '{ $3 = $3 + 1; print }' <<<"$V2")
sed -i "s/^Version: .*/Version: $V3/" "$WORK/newer/tree/DEBIAN/control"
dpkg-deb --root-owner-group -Zgzip -z1 -b "$WORK/newer/tree" "$WORK/newer/v3.deb" >/dev/null
rm -rf "$WORK/newer/tree"

# One static server for the good mirror and the two bad ones.
mkdir -p "$WORK/www"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$WORK/www" >"$WORK/http.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
BASE=http://127.0.0.1:$PORT
publish() { # MIRROR GPG_KEY DEB...
  local mirror=$1 key=$2; shift 2
  TCHAP_MIRROR_GPG_KEY=$key "$ROOT/scripts/mirror.sh" --notes "Essai du cycle de vie" "$WORK/www/$mirror" "$BASE/$mirror" "$@" >/dev/null
}
publish good "$ARCHIVE_KEY" "$WORK/newer/v1.deb"
node "$ROOT/tests/package/minisign-verify.mjs" "$WORK/minisign.key.pub" "$BASE/good/latest.json" linux-x86_64-deb linux-x86_64
# Fleets trust the archive key only for this repository (signed-by=).
$SUDO install -D -m 644 "$WORK/www/good/tchap-archive-keyring.gpg" "$KEYRING"

# apt-get update of our source alone: the test is about this repository, not
# Debian's (whose lists stay as they were, for the dependencies).
use_source() { echo "deb [signed-by=$KEYRING] $BASE/$1 stable main" | $SUDO tee "$SOURCE" >/dev/null; }
update_ours() {
  apt_get update -qq -o Dir::Etc::sourcelist="$SOURCE" -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0
}
packages() { dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' | awk '$1 == "ii" { print $2 }' | sort; }
# Installs, noting which packages came with it so that cleanup removes them
# (and only them: other work on this machine may install packages meanwhile).
apt_install() {
  local before status=0
  before=$(packages)
  apt_get install -y -qq "$@" || status=$?
  comm -13 <(echo "$before") <(packages) | grep -vx "$PACKAGE" >>"$WORK/pulled-in" || true
  return $status
}

step "apt refuses a repository whose Release was altered after signing, and one signed by an unknown key"
cp -a "$WORK/www/good" "$WORK/www/altered"
sed -i 's/^Description: .*/Description: Tchap desktop (altered)/' "$WORK/www/altered/dists/stable/InRelease" "$WORK/www/altered/dists/stable/Release"
publish unknown-key "$INTRUDER_KEY" "$WORK/newer/v1.deb"
for bad in altered unknown-key; do
  use_source "$bad"
  if update_ours >"$WORK/update-$bad.log" 2>&1; then cat "$WORK/update-$bad.log" >&2; fail "apt-get update accepted the $bad repository"; fi
  grep -Eq "BADSIG|NO_PUBKEY|not signed" "$WORK/update-$bad.log" || { cat "$WORK/update-$bad.log" >&2; fail "apt-get update failed on $bad for another reason than its signature"; }
  if apt_install "$PACKAGE" >/dev/null 2>&1; then fail "$PACKAGE installed from the $bad repository"; fi
  [ -z "$(installed_version)" ] || fail "$PACKAGE is installed after the $bad repository"
done

step "apt-get install $PACKAGE $V1 from the signed repository"
use_source good
update_ours
apt_install "$PACKAGE" >/dev/null
[ "$(installed_version)" = "$V1" ] || fail "$PACKAGE $V1 is not installed (got '$(installed_version)')"
for dependency in $(dpkg-query -W -f='${Depends}' "$PACKAGE" | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/ //g' | sort -u); do
  dpkg-query -W -f='${db:Status-Abbrev}' "$dependency" 2>/dev/null | grep -q '^ii' || fail "dependency $dependency is not installed"
done
[ -x /usr/bin/tchap-desktop ] || fail "/usr/bin/tchap-desktop is missing"
DESKTOP=/usr/share/applications/Tchap.desktop
grep -Eq '^MimeType=(.*;)?x-scheme-handler/tchap(;|$)' "$DESKTOP" || fail "the desktop entry does not declare the tchap scheme"
grep -q '^Exec=tchap-desktop %u$' "$DESKTOP" || fail "the desktop entry does not start the installed binary"
grep -q '^Icon=tchap-desktop$' "$DESKTOP" || fail "the desktop entry does not name the installed icons"
# Every PNG icon tauri.conf.json declares is installed, each plain size
# directory holding an image of its size: the sizes desktops ask for, and
# none under a HiDPI (`@2`) directory, which menus at 1x do not look in.
declared=$(python3 -c "import json; print(sum(i.endswith('.png') for i in json.load(open('$ROOT/tauri.conf.json'))['bundle']['icon']))")
icons=(/usr/share/icons/hicolor/*/apps/tchap-desktop.png)
[ ${#icons[@]} -ge "$declared" ] && [ -f "${icons[0]}" ] || fail "${#icons[@]} icons installed, $declared declared"
hidpi=$(find /usr/share/icons/hicolor -mindepth 1 -maxdepth 1 -name '*@2' -printf '%f ')
[ -z "$hidpi" ] || fail "icons installed only for HiDPI: $hidpi"
for size in 16 24 32 48 64 128 256 512; do
  icon=/usr/share/icons/hicolor/${size}x${size}/apps/tchap-desktop.png
  [ -f "$icon" ] || fail "no ${size}x${size} icon"
  file "$icon" | grep -q "PNG image data, $size x $size" || fail "$icon is not $size px"
done

step "the installed app shows its login screen, signs in, quits"
DATA=$WORK/home/data
mkdir -p "$DATA"
run_installed() { # PHASE [VAR=VALUE…]: the app's extra environment
  (cd "$ROOT/tests/e2e"; if [ $# -gt 1 ]; then export "${@:2}"; fi; TCHAP_APP_BINARY=/usr/bin/tchap-desktop TCHAP_PACKAGE_PHASE=$1 TCHAP_PACKAGE_DATA_DIR=$DATA \
    TCHAP_KEYRING_HOME=$WORK/keyring timeout 600 xvfb-run -a -s "-screen 0 1280x800x24" ../keyring/with-keyring.sh \
    node --test --test-concurrency=1 --test-timeout=300000 ../package/installed.test.mjs)
}
run_installed first-launch
[ -n "$(ls -A "$DATA")" ] || fail "the app kept nothing in its data folder"

step "publish $V2 to the same mirror, apt-get install --only-upgrade"
publish good "$ARCHIVE_KEY" "$WORK/newer/v2.deb"
node "$ROOT/tests/package/minisign-verify.mjs" "$WORK/minisign.key.pub" "$BASE/good/latest.json" linux-x86_64-deb
grep -q "\"version\": \"$V2\"" "$WORK/www/good/latest.json" || fail "latest.json does not announce $V2"
# Publishing an older build again adds nothing and moves nothing back.
publish good "$ARCHIVE_KEY" "$WORK/newer/v1.deb"
grep -q "\"version\": \"$V2\"" "$WORK/www/good/latest.json" || fail "republishing $V1 moved latest.json back"
pool_v1=$(sha256sum "$WORK"/www/good/pool/main/t/$PACKAGE/*_${V1}_*.deb)
if publish good "$ARCHIVE_KEY" "$WORK/newer/v1-rebuilt.deb" 2>/dev/null; then fail "the mirror replaced the published $V1 with other content"; fi
[ "$(sha256sum "$WORK"/www/good/pool/main/t/$PACKAGE/*_${V1}_*.deb)" = "$pool_v1" ] || fail "the published $V1 changed"
update_ours
apt-cache madison "$PACKAGE" | grep -q " $V1 " || fail "the repository no longer offers $V1 (fleets pin it to roll back)"
apt_install --only-upgrade "$PACKAGE" >/dev/null
[ "$(installed_version)" = "$V2" ] || fail "$PACKAGE was not upgraded to $V2 (got '$(installed_version)')"

step "the upgraded app opens signed in"
run_installed after-upgrade

step "publish $V3: the app finds it, and installs it when the user restarts it"
publish good "$ARCHIVE_KEY" "$WORK/newer/v3.deb"
echo "{\"updater\": {\"enabled\": true, \"endpoints\": [\"$BASE/good/latest.json\"]}}" >"$WORK/policy.json"
# polkit's prompt, where the agent would type their password, is not on a
# test machine: this stand-in notes the call and runs the command as root.
mkdir -p "$WORK/bin"
printf '#!/bin/sh\necho "$*" >>%q\nexec %s "$@"\n' "$WORK/pkexec.log" "$SUDO" >"$WORK/bin/pkexec"
chmod +x "$WORK/bin/pkexec"
run_installed in-app-update PATH="$WORK/bin:$PATH" TCHAP_POLICY_FILE="$WORK/policy.json" \
  TCHAP_TEST_UPDATER_PUBKEY="$(cat "$WORK/minisign.key.pub")" TCHAP_PACKAGE_EXPECT_VERSION="$V3"
[ "$(installed_version)" = "$V3" ] || fail "the app did not upgrade $PACKAGE to $V3 (got '$(installed_version)')"
grep -q '^dpkg -i .*\.deb$' "$WORK/pkexec.log" || fail "the update was not installed through pkexec + dpkg"
# apt was not asked for it: the download of $V3 in the server's log is the app's.
grep -q "GET /good/pool/main/t/$PACKAGE/${PACKAGE}_${V3}_" "$WORK/http.log" || fail "the app did not download $V3 from the mirror"
run_installed after-upgrade

step "apt-get remove, then purge: the package's files go, the user's data stays"
snapshot() { (cd "$DATA" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
before=$(snapshot)
apt_get remove -y -qq "$PACKAGE" >/dev/null
[ ! -e /usr/bin/tchap-desktop ] || fail "/usr/bin/tchap-desktop is still there after remove"
[ ! -e "$DESKTOP" ] || fail "the desktop entry is still there after remove"
[ "$(snapshot)" = "$before" ] || fail "remove changed the user's data folder"
apt_get purge -y -qq "$PACKAGE" >/dev/null
dpkg-query -W -f='${Status}' "$PACKAGE" 2>/dev/null | grep -q "install ok" && fail "$PACKAGE is still known to dpkg after purge"
[ "$(snapshot)" = "$before" ] || fail "purge changed the user's data folder"
echo "deb lifecycle: $PACKAGE $V1 installed, launched, signed in, upgraded to $V2 by apt and to $V3 by the app itself with the session kept, removed, purged; tampered and unknown-key repositories refused"
