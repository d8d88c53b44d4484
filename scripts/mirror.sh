#!/usr/bin/env bash
# Lays out (or adds to) the mirror an administrator serves to the fleet:
#   scripts/mirror.sh [--notes TEXT] OUT_DIR BASE_URL BUNDLE[=PLATFORM]...
# - latest.json, what the updater reads (tauri-plugin-updater 2's static
#   format): the bundles' version, notes, pub_date, and one platform entry per
#   bundle ("linux-x86_64-deb", "windows-x86_64-msi", plus the bare
#   "linux-x86_64"/"windows-x86_64" when only one bundle has that OS and arch)
#   with its URL under BASE_URL and its minisign signature;
# - each bundle beside its .sig (.deb in pool/, .msi in windows/VERSION/);
# - a signed apt repository of every .deb in pool/ (suite "stable", component
#   "main"), and its public key as tchap-archive-keyring.gpg for signed-by=.
# Publishing again only adds: older versions stay in pool/ (fleets roll back
# by pinning), latest.json only ever moves to a newer (or the same) version,
# and a file already published is never replaced by other content.
# Keys, from the environment:
#   TAURI_SIGNING_PRIVATE_KEY (or _PATH) [+ TAURI_SIGNING_PRIVATE_KEY_PASSWORD]
#     the updater's minisign key, used through `tauri signer sign`;
#   TCHAP_MIRROR_GPG_KEY  the apt signing key's id in gpg's keyring (GNUPGHOME)
#     [+ TCHAP_MIRROR_GPG_PASSPHRASE]; needed when a .deb is published.
# Needs: dpkg-deb, apt-ftparchive (apt-utils), gpg, python3, and msiinfo
# (msitools) for .msi bundles.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TAURI="$ROOT/ui/node_modules/.bin/tauri"
SUITE=stable
COMPONENT=main

die() { echo "mirror: $*" >&2; exit 1; }
NOTES=${TCHAP_MIRROR_NOTES:-}
if [ "${1:-}" = --notes ]; then NOTES=$2; shift 2; fi
[ $# -ge 3 ] || die "usage: $0 [--notes TEXT] OUT_DIR BASE_URL BUNDLE[=PLATFORM]..."
OUT=$1 BASE_URL=${2%/}; shift 2
[[ $BASE_URL =~ ^https?:// ]] || die "the base URL must start with http:// or https:// (got '$BASE_URL')"
[ -n "${TAURI_SIGNING_PRIVATE_KEY:-}${TAURI_SIGNING_PRIVATE_KEY_PATH:-}" ] ||
  die "TAURI_SIGNING_PRIVATE_KEY (or _PATH) is not set: the updater refuses unsigned bundles"
[ -x "$TAURI" ] || die "$TAURI is missing (npm --prefix ui ci)"

# Facts about each bundle, all checked before the mirror is touched.
bundles=() kinds=() versions=() platforms=() dests=()
for arg in "$@"; do
  file=${arg%%=*} platform=
  [ "$file" != "$arg" ] && platform=${arg#*=}
  [ -f "$file" ] || die "no such bundle: $file"
  case "$file" in
    *.deb)
      kind=deb
      version=$(dpkg-deb -f "$file" Version) package=$(dpkg-deb -f "$file" Package) arch=$(dpkg-deb -f "$file" Architecture)
      case "$arch" in amd64) cpu=x86_64 ;; arm64) cpu=aarch64 ;; i386) cpu=i686 ;; armhf) cpu=armv7 ;; *) die "$file: unknown architecture $arch" ;; esac
      : "${platform:=linux-$cpu-deb}"
      # Debian's pool layout and file name, whatever the bundle was called.
      dest="pool/$COMPONENT/${package:0:1}/$package/${package}_${version}_${arch}.deb"
      ;;
    *.msi)
      kind=msi
      command -v msiinfo >/dev/null || die "msiinfo (msitools) is needed to read $file's version"
      version=$(msiinfo export "$file" Property | awk -F'\t' '$1 == "ProductVersion" { print $2 }' | tr -d '\r')
      template=$(msiinfo suminfo "$file" | sed -n 's/^Template: //p')
      case "$template" in x64*|"") cpu=x86_64 ;; Intel*) cpu=i686 ;; Arm64*) cpu=aarch64 ;; *) die "$file: unknown platform $template" ;; esac
      : "${platform:=windows-$cpu-msi}"
      dest="windows/$version/$(basename "$file")"
      ;;
    *) die "$file: only .deb and .msi bundles are published" ;;
  esac
  # The version names folders and URLs: nothing but a version's characters.
  [[ $version =~ ^[0-9][0-9A-Za-z.+~-]*$ ]] || die "$file: no usable version found (got '$version')"
  [ "$version" = "${versions[0]:-$version}" ] || die "$file is version $version, ${bundles[0]} is ${versions[0]}: publish one version at a time"
  for other in "${platforms[@]}"; do
    if [ "$other" = "$platform" ]; then die "two bundles for $platform: name one with BUNDLE=PLATFORM"; fi
  done
  if [ -f "$OUT/$dest" ] && ! cmp -s "$file" "$OUT/$dest"; then
    die "$dest is already published with other content: bump the version instead of replacing a published file"
  fi
  bundles+=("$file") kinds+=("$kind") versions+=("$version") platforms+=("$platform") dests+=("$dest")
done
VERSION=${versions[0]}
if [[ " ${kinds[*]} " == *" deb "* ]] || [ -d "$OUT/pool" ]; then
  [ -n "${TCHAP_MIRROR_GPG_KEY:-}" ] || die "TCHAP_MIRROR_GPG_KEY is not set: apt refuses an unsigned repository"
  gpg --batch --quiet --list-secret-keys "$TCHAP_MIRROR_GPG_KEY" >/dev/null 2>&1 || die "no secret gpg key $TCHAP_MIRROR_GPG_KEY in ${GNUPGHOME:-~/.gnupg}"
fi

# The bundles and their minisign signatures (bound to the version, which an
# updater with requireSignedVersion checks). An existing signature is kept:
# publishing again changes nothing already served.
mkdir -p "$OUT"
for i in "${!bundles[@]}"; do
  dest="$OUT/${dests[$i]}"
  mkdir -p "$(dirname "$dest")"
  if [ ! -f "$dest" ]; then cp "${bundles[$i]}" "$dest.part" && mv "$dest.part" "$dest"; fi
  [ -s "$dest.sig" ] || "$TAURI" signer sign --app-version "$VERSION" "$dest" >/dev/null
  [ -s "$dest.sig" ] || die "signing ${dests[$i]} failed"
done

# latest.json: replaced by a newer version, merged with the same one (a .deb
# and the MSIs published one after the other), left alone for an older one.
python3 - "$OUT" "$BASE_URL" "$VERSION" "$NOTES" "${platforms[*]}" "${dests[@]}" <<'EOF'
import json, os, subprocess, sys, urllib.parse, datetime
out, base, version, notes, platforms, *dests = sys.argv[1:]
platforms = platforms.split()
path = os.path.join(out, "latest.json")
current = json.load(open(path)) if os.path.exists(path) else None
if current:
    older = subprocess.run(["dpkg", "--compare-versions", version, "lt", current["version"]]).returncode == 0
    if older:
        print(f"mirror: {version} added to the mirror; latest.json stays at {current['version']} (updaters never go back)")
        sys.exit(0)
entries = dict(current["platforms"]) if current and current["version"] == version else {}
for platform, dest in zip(platforms, dests):
    entries[platform] = {
        "url": base + "/" + urllib.parse.quote(dest),
        "signature": open(os.path.join(out, dest + ".sig")).read().strip(),
    }
# The updater looks for "{os}-{arch}-{installer}", then "{os}-{arch}" (a
# build that does not know how it was installed): give the bare key to the
# only installer of an OS and arch, never guess between two.
for bare in {p.rsplit("-", 1)[0] for p in entries if p.count("-") == 2}:
    owners = [p for p in entries if p.count("-") == 2 and p.rsplit("-", 1)[0] == bare]
    if len(owners) == 1:
        entries[bare] = entries[owners[0]]
    else:
        entries.pop(bare, None)
latest = {
    "version": version,
    "notes": notes or f"Tchap {version}",
    "pub_date": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    "platforms": dict(sorted(entries.items())),
}
with open(path + ".part", "w") as f:
    json.dump(latest, f, indent=2, ensure_ascii=False)
    f.write("\n")
os.replace(path + ".part", path)
EOF

# The signed apt repository, rebuilt from everything in pool/ and swapped in
# whole, so apt never sees a Release that does not match its Packages.
if [ -d "$OUT/pool" ]; then
  cd "$OUT"
  gpg_sign() { # ARGS... : gpg with the mirror's key (and its passphrase if any)
    if [ -n "${TCHAP_MIRROR_GPG_PASSPHRASE:-}" ]; then
      gpg --batch --quiet --yes --pinentry-mode loopback --passphrase-fd 0 --local-user "$TCHAP_MIRROR_GPG_KEY" "$@" <<<"$TCHAP_MIRROR_GPG_PASSPHRASE"
    else
      gpg --batch --quiet --yes --local-user "$TCHAP_MIRROR_GPG_KEY" "$@"
    fi
  }
  rm -rf dists.new && mkdir -p "dists.new/$SUITE"
  archs=$(find pool -name '*.deb' -exec dpkg-deb -f {} Architecture \; | grep -v '^all$' | sort -u | tr '\n' ' ')
  for arch in $archs; do
    dir="dists.new/$SUITE/$COMPONENT/binary-$arch"
    mkdir -p "$dir"
    apt-ftparchive --arch "$arch" packages pool >"$dir/Packages"
    gzip -9nc "$dir/Packages" >"$dir/Packages.gz"
  done
  apt-ftparchive \
    -o APT::FTPArchive::Release::Origin=Tchap -o APT::FTPArchive::Release::Label=Tchap \
    -o APT::FTPArchive::Release::Suite=$SUITE -o APT::FTPArchive::Release::Codename=$SUITE \
    -o "APT::FTPArchive::Release::Architectures=${archs% }" -o APT::FTPArchive::Release::Components=$COMPONENT \
    -o "APT::FTPArchive::Release::Description=Tchap desktop" \
    release "dists.new/$SUITE" >"dists.new/Release"
  mv dists.new/Release "dists.new/$SUITE/Release"
  gpg_sign --clearsign --output "dists.new/$SUITE/InRelease" "dists.new/$SUITE/Release"
  gpg_sign --armor --detach-sign --output "dists.new/$SUITE/Release.gpg" "dists.new/$SUITE/Release"
  gpg --batch --yes --export "$TCHAP_MIRROR_GPG_KEY" >tchap-archive-keyring.gpg.part
  [ -s tchap-archive-keyring.gpg.part ] || die "gpg exported no public key for $TCHAP_MIRROR_GPG_KEY"
  mv tchap-archive-keyring.gpg.part tchap-archive-keyring.gpg
  rm -rf dists.old
  [ -d dists ] && mv dists dists.old
  mv dists.new dists
  rm -rf dists.old
  cd - >/dev/null
fi

echo "mirror: $VERSION published in $OUT"
echo "  updater endpoint (policy updates.endpoints): $BASE_URL/latest.json"
if [ -d "$OUT/pool" ]; then
  echo "  apt: deb [signed-by=/usr/share/keyrings/tchap-archive-keyring.gpg] $BASE_URL $SUITE $COMPONENT"
  echo "       (install $OUT/tchap-archive-keyring.gpg there)"
fi
