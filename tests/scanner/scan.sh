#!/usr/bin/env bash
# The test content scanner's "antivirus": exit 1 (infected) when the file holds
# the EICAR test string, 0 (clean) otherwise, 2 when it cannot read it. The
# string is kept in two halves so that no antivirus on a developer's machine
# flags this script itself.
set -u
[ -r "$1" ] || { echo "cannot read $1" >&2; exit 2; }
first='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR'
second='-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
if grep -qF -- "$first$second" "$1"; then
  echo "EICAR test string found in $1" >&2
  exit 1
fi
exit 0
