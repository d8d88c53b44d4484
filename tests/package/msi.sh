#!/usr/bin/env bash
# Builds both Windows installers (packaging/windows/build-msi.sh: cross-built
# exe in the windows-ci profile, wixl) and reads their tables with msitools:
# what Windows Installer will do with them — files, registry, upgrades,
# launch conditions, shortcut, install scope. The exe itself cannot run here
# (no Windows; under Wine there is no WebView2).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=$TARGET_DIR/msi-test
"$ROOT/packaging/windows/build-msi.sh" windows-ci "$OUT" >/dev/null
# msiinfo writes a table's binary streams (the Icon table's) to the current folder.
SCRATCH=$(mktemp -d); trap 'rm -rf "$SCRATCH"' EXIT
cd "$SCRATCH"

# Fixed for the life of the product: a new code would install beside the old
# version instead of upgrading it.
declare -A UPGRADE_CODE=([user]='{E0DE16AC-69A7-4480-9330-4FB053F1D41B}' [machine]='{27FEB09F-F8B0-4244-84CD-B1BD1085BD63}')
declare -A REG_ROOT=([user]=1 [machine]=2)   # the Registry table's HKCU, HKLM
VERSION=$(node -p "require('$ROOT/tauri.conf.json').version")
SCHEMES=$(node -p "require('$ROOT/tauri.conf.json').plugins['deep-link'].desktop.schemes.join(' ')")
WEBVIEW2_KEY='Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}'

fail() { echo "msi check ($VARIANT): $*" >&2; exit 1; }
# A table's rows, tab-separated (msiinfo's first three lines are its header).
rows() { msiinfo export "$MSI" "$1" | tail -n +4 | tr -d '\r'; }
# Rows of TABLE matching an awk condition on the fields ($1, $2…); bit(x, b)
# tests a flag (Debian's default awk has no and()).
BIT='function bit(x, b) { return int(x / b) % 2 }'
match() { rows "$1" | awk -F'\t' "$BIT $2"; }
property() { match Property "\$1 == \"$1\" {print \$2}"; }

for VARIANT in user machine; do
  MSI=$OUT/Tchap-$VARIANT.msi
  other=$([ "$VARIANT" = user ] && echo machine || echo user)
  root=${REG_ROOT[$VARIANT]}

  # Product identity, version and language.
  [ "$(property UpgradeCode)" = "${UPGRADE_CODE[$VARIANT]}" ] || fail "UpgradeCode is not the variant's fixed code"
  [ "$(property ProductVersion)" = "$VERSION" ] || fail "ProductVersion is not tauri.conf.json's $VERSION"
  [ "$(property ProductLanguage)" = 1036 ] || fail "ProductLanguage is not French (1036)"
  [ "$(property Manufacturer)" = "$(node -p "require('$ROOT/tauri.conf.json').bundle.publisher")" ] || fail "Manufacturer (the publisher shown) is not tauri.conf.json's"
  suminfo=$(msiinfo suminfo "$MSI")
  grep -q '^Template: x64;1036$' <<<"$suminfo" || fail "summary template is not x64;1036"
  codepage=$(msiinfo export "$MSI" _ForceCodepage | tr -d '\r\0' | awk -F'\t' '$2 == "_ForceCodepage" {print $1}')
  [ "$codepage" = 1252 ] || fail "database codepage is not 1252 (accented texts would be garbled)"

  # The exe (a real x86-64 Windows program) and every non-system DLL it loads.
  exe_key=$(match File '$3 == "tchap-desktop.exe" {print $1}')
  [ -n "$exe_key" ] || fail "tchap-desktop.exe is not in the File table"
  mkdir extract && (cd extract && msiextract "$MSI" >/dev/null)
  exe=$(find extract -name tchap-desktop.exe)
  file -b "$exe" | grep -q '^PE32+ executable.*x86-64' || fail "the packaged exe is not an x86-64 Windows program"
  cmp -s "$exe" "$OUT/stage-$VARIANT/tchap-desktop.exe" || fail "the packaged exe is not this variant's build"
  for dll in $(x86_64-w64-mingw32-objdump -p "$exe" | awk '/DLL Name:/ {print $3}' | sort -fu); do
    name=$(basename "${dll,,}" .dll)
    # Windows' own: API sets, those mingw has an import library for, and the two
    # Rust's std and the windows crates link without one.
    [[ $name == api-ms-win-* || $name == bcryptprimitives || $name == combase ]] && continue
    [ -e "/usr/x86_64-w64-mingw32/lib/lib$name.a" ] && continue
    [ -n "$(match File "tolower(\$3) == \"${dll,,}\"")" ] || fail "the exe loads $dll, which the MSI does not install"
  done
  rm -rf extract
  # Writes to HKLM go to the 64-bit registry view, files to the 64-bit folders.
  [ -z "$(match Component '!bit($4, 256)')" ] || fail "a component is not marked 64-bit"

  # Install scope: per-machine needs ALLUSERS=1 (admin rights, Program Files);
  # per-user needs no elevation (summary word count bit 8) and installs in the profile.
  source_flags=$(sed -n 's/^Source: \([0-9]*\).*/\1/p' <<<"$suminfo")
  installdir_root=$(rows Directory | awk -F'\t' '{parent[$1] = $2} END {d = "INSTALLDIR"; while (parent[parent[d]] != "TARGETDIR") d = parent[d]; print parent[d]}')
  if [ "$VARIANT" = machine ]; then
    [ "$(property ALLUSERS)" = 1 ] || fail "ALLUSERS is not 1"
    (( (source_flags & 8) == 0 )) || fail "summary says no elevation needed for a per-machine install"
    [ "$installdir_root" = ProgramFiles64Folder ] || fail "INSTALLDIR is under $installdir_root, not Program Files"
  else
    [ -z "$(property ALLUSERS)" ] || fail "ALLUSERS is set: the per-user install would ask for admin rights"
    (( (source_flags & 8) == 8 )) || fail "summary does not say the install needs no elevation"
    [ "$installdir_root" = LocalAppDataFolder ] || fail "INSTALLDIR is under $installdir_root, not the user's profile"
  fi

  # The link schemes open the installed exe with the link, under the variant's root only.
  for scheme in $SCHEMES; do
    key="Software\\\\Classes\\\\$scheme"
    [ -n "$(match Registry "\$2 == $root && \$3 == \"$key\" && \$4 == \"URL Protocol\"")" ] || fail "the $scheme: scheme is not declared (URL Protocol)"
    [ -n "$(match Registry "\$2 == $root && \$3 == \"$key\\\\shell\\\\open\\\\command\" && \$5 == \"\\\"[#$exe_key]\\\" \\\"%1\\\"\"")" ] \
      || fail "the $scheme: scheme does not open the exe with the link (\"%1\")"
  done
  [ -z "$(match Registry "\$2 != $root")" ] || fail "registry keys outside the variant's root (${REG_ROOT[$other]})"

  # Upgrades: older and same versions replaced in place (RemoveExistingProducts),
  # a newer one detected and refused with a French message.
  code=${UPGRADE_CODE[$VARIANT]}
  [ -n "$(match Upgrade "\$1 == \"$code\" && \$2 == \"\" && \$3 == \"$VERSION\" && !bit(\$5, 2) && \$7 == \"WIX_UPGRADE_DETECTED\"")" ] || fail "older versions are not upgraded"
  [ -n "$(match Upgrade "\$1 == \"$code\" && \$2 == \"$VERSION\" && \$3 == \"$VERSION\" && bit(\$5, 256) && bit(\$5, 512) && !bit(\$5, 2)")" ] || fail "a rebuild of the same version is not upgraded"
  [ -n "$(match Upgrade "\$1 == \"$code\" && \$2 == \"$VERSION\" && \$3 == \"\" && bit(\$5, 2) && \$7 == \"WIX_DOWNGRADE_DETECTED\"")" ] || fail "newer versions are not detected"
  [ -n "$(match LaunchCondition '$1 == "NOT WIX_DOWNGRADE_DETECTED" && $2 == "Une version plus récente de Tchap est déjà installée."')" ] || fail "a downgrade is not refused with the French message"
  [ -n "$(match InstallExecuteSequence '$1 == "RemoveExistingProducts"')" ] || fail "the older version is never removed"
  for sequence in InstallUISequence InstallExecuteSequence; do
    order=$(rows $sequence | sort -t$'\t' -k3n | awk -F'\t' '{print $1}' | grep -E '^(FindRelatedProducts|AppSearch|LaunchConditions)$' | paste -sd' ')
    [ "$order" = "FindRelatedProducts AppSearch LaunchConditions" ] || fail "$sequence checks the conditions before finding what they test ($order)"
  done

  # The WebView2 runtime: its version looked up in each place it can be, and a
  # French message saying what to install when it is nowhere.
  searched=$(rows RegLocator | K=$WEBVIEW2_KEY awk -F'\t' "$BIT"' $4 == "pv" && bit($5, 2) && bit($5, 16) && index($3, ENVIRON["K"]) {
  print $2 ":" substr($3, 1, length($3) - length(ENVIRON["K"]))}' | LC_ALL=C sort | paste -sd' ')
  expected="2:SOFTWARE\\ 2:SOFTWARE\\WOW6432Node\\"
  [ "$VARIANT" = user ] && expected="1:Software\\ $expected"
  [ "$searched" = "$expected" ] || fail "WebView2 is looked up in [$searched], not [$expected]"
  condition=$(match LaunchCondition '$2 ~ /WebView2/ && $2 ~ /Installez-le/ {print $1}')
  [ -n "$condition" ] || fail "no launch condition with a French WebView2 message"
  [[ $condition == "Installed OR "* ]] || fail "an uninstall would be blocked by a missing WebView2"
  for property in $(rows AppSearch | awk -F'\t' '{print $1}'); do
    grep -q "($property AND $property <> \"0.0.0.0\")" <<<"$condition" || fail "the WebView2 condition ignores $property"
  done

  # A Start-menu shortcut to the exe; the installed programs' icon.
  [ -n "$(match Shortcut "\$2 == \"ProgramMenuFolder\" && \$3 == \"Tchap\" && \$5 == \"[#$exe_key]\"")" ] || fail "no Start-menu shortcut to the exe"
  icon=$(property ARPPRODUCTICON)
  [ -n "$icon" ] && [ -n "$(match Icon "\$1 == \"$icon\"")" ] || fail "no icon in the installed programs"
done

[ "$(MSI=$OUT/Tchap-user.msi property ProductCode)" != "$(MSI=$OUT/Tchap-machine.msi property ProductCode)" ] || { VARIANT=both; fail "the two variants share a ProductCode"; }
echo "msi check: Tchap-user.msi and Tchap-machine.msi ($VERSION) in $OUT"
