#!/usr/bin/env bash
# Builds Tchap's two Windows installers from packaging/windows/tchap.wxs:
#   Tchap-user.msi     per-user, with the updater
#   Tchap-machine.msi  per-machine, built with --no-default-features (no updater)
# Usage: build-msi.sh PROFILE OUT_DIR   (PROFILE: a Cargo profile, `release` for
# the installers to ship, `windows-ci` for the quick build tests/package/msi.sh checks)
# The UI must be built first (`make ui`). On Linux the exe is cross-compiled
# for x86_64-pc-windows-gnu and the MSI made by wixl (msitools); on Windows set
# TARGET=x86_64-pc-windows-msvc and WiX 3's candle/light are used instead.
# SIGN_COMMAND, when set, is run on the exe before packaging and on each MSI.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 PROFILE OUT_DIR" >&2; exit 2; }
PROFILE=$1
OUT=$(mkdir -p "$2" && cd "$2" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TARGET=${TARGET:-x86_64-pc-windows-gnu}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case $PROFILE in dev) PROFILE_DIR=debug ;; *) PROFILE_DIR=$PROFILE ;; esac

conf() { node -p "require(process.argv[1]).$1" "$ROOT/tauri.conf.json"; }
VERSION=$(conf version)
PUBLISHER=$(conf bundle.publisher)
# Windows Installer versions are numbers only (major.minor.build).
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "build-msi: version $VERSION is not major.minor.build" >&2; exit 1; }

sign() { if [ -n "${SIGN_COMMAND:-}" ]; then $SIGN_COMMAND "$1"; fi; }

# What wixl 0.101 leaves out and WiX 3 writes: the French template language,
# the database's codepage (without it the accented texts' encoding is
# undefined), and the same-version upgrade row of AllowSameVersionUpgrades.
fix_wixl_gaps() {
  local msi=$1 upgrade_code package_code secure
  upgrade_code=$(msiinfo export "$msi" Property | awk -F'\t' '$1 == "UpgradeCode" {print $2}')
  secure=$(msiinfo export "$msi" Property | awk -F'\t' '$1 == "SecureCustomProperties" {print $2}')
  package_code=$(msiinfo suminfo "$msi" | sed -n 's/^Revision number (UUID): //p')
  printf '\n\n1252\t_ForceCodepage\n' > "$STAGE/codepage.idt"
  msibuild "$msi" -s "$(msiinfo suminfo "$msi" | sed -n 's/^Subject: //p')" "$PUBLISHER" "x64;1036" "$package_code"
  msibuild "$msi" -i "$STAGE/codepage.idt" \
    -q "INSERT INTO \`Upgrade\` (\`UpgradeCode\`, \`VersionMin\`, \`VersionMax\`, \`Attributes\`, \`ActionProperty\`) VALUES ('$upgrade_code', '$VERSION', '$VERSION', 769, 'WIX_SAME_VERSION_UPGRADE_DETECTED')" \
    -q "UPDATE \`Property\` SET \`Value\` = '$secure;WIX_SAME_VERSION_UPGRADE_DETECTED' WHERE \`Property\` = 'SecureCustomProperties'"
}

for VARIANT in user machine; do
  FEATURES=()
  [ "$VARIANT" = machine ] && FEATURES=(--no-default-features)
  echo "build-msi: $VARIANT: cargo build --profile $PROFILE --target $TARGET ${FEATURES[*]}"
  (cd "$ROOT" && cargo build -p tchap-desktop --locked --target "$TARGET" --profile "$PROFILE" "${FEATURES[@]}")

  # Both variants build to the same exe path: stage this one's files apart.
  STAGE=$OUT/stage-$VARIANT
  rm -rf "$STAGE" && mkdir -p "$STAGE"
  BUILT=$TARGET_DIR/$TARGET/$PROFILE_DIR
  cp "$BUILT/tchap-desktop.exe" "$ROOT/icons/icon.ico" "$STAGE/"
  sign "$STAGE/tchap-desktop.exe"
  DEFINES=(Variant="$VARIANT" Version="$VERSION" Publisher="$PUBLISHER" ExePath=tchap-desktop.exe IconPath=icon.ico)
  # The mingw build loads the WebView2 loader from a DLL beside the exe (which
  # tauri-build copies there); the MSVC build links it statically
  # (webview2-com-sys picks by target_env).
  if [[ $TARGET == *-gnu ]]; then
    cp "$BUILT/WebView2Loader.dll" "$STAGE/"
    DEFINES+=(LoaderDll=WebView2Loader.dll)
  fi

  MSI=$OUT/Tchap-$VARIANT.msi
  rm -f "$MSI"
  if command -v wixl >/dev/null; then
    # wixl finds files relative to the current folder only; -a x64 because it
    # ignores Package/@Platform.
    WIXL_DEFINES=()
    for define in "${DEFINES[@]}"; do WIXL_DEFINES+=(-D "$define"); done
    # Its two known complaints (the ignored attribute, the non-advertised
    # shortcut) are dropped from its output; anything else is shown.
    (cd "$STAGE" && wixl -a x64 "${WIXL_DEFINES[@]}" -o "$MSI" "$ROOT/packaging/windows/tchap.wxs" 2>wixl.log) \
      || { cat "$STAGE/wixl.log" >&2; exit 1; }
    grep -v -e AllowSameVersionUpgrades -e 'builder.vala:[0-9]*: unimplemented' -e '^$' "$STAGE/wixl.log" >&2 || true
    fix_wixl_gaps "$MSI"
  else
    # ICE38/43/57/64/91 are user-profile rules (HKCU key paths for anything in
    # the Start menu, a RemoveFolder for every profile folder) that the
    # per-machine variant's HKLM key paths and the per-user variant's shared
    # %LOCALAPPDATA%\Programs (never removed) break on purpose; the tables are
    # checked by tests/package/msi.sh.
    (cd "$STAGE" && candle -nologo -arch x64 "${DEFINES[@]/#/-d}" -out tchap.wixobj "$ROOT/packaging/windows/tchap.wxs" \
      && light -nologo -sice:ICE38 -sice:ICE43 -sice:ICE57 -sice:ICE64 -sice:ICE91 -out "$MSI" tchap.wixobj)
  fi
  sign "$MSI"
  echo "build-msi: $MSI"
done
