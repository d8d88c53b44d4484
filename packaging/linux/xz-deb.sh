#!/usr/bin/env bash
# Repacks a .deb made by Tauri (gzip) with xz, as Debian's own packages are:
# the same files, control data and scripts, about a third smaller (the
# binary is most of the package and gzip does poorly on it). dpkg and apt
# read xz natively. Signatures are made afterwards (scripts/mirror.sh), so
# none is broken. Usage: xz-deb.sh PACKAGE.deb
set -euo pipefail
DEB=$1
if ar t "$DEB" | grep -qx 'data.tar.xz'; then exit 0; fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
dpkg-deb -R "$DEB" "$work/root"
# Into a temporary name first: a failed repack leaves the original whole.
dpkg-deb --root-owner-group -Zxz -z6 -b "$work/root" "$work/repacked.deb" >/dev/null
mv "$work/repacked.deb" "$DEB"
