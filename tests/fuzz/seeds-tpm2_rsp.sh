#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Seeds for fuzz_tpm2_rsp: the responses of a real swtpm to whole unseals, recorded in
# tests/unit/data/tpm2/*.trace (see its README), as flags byte + (2-byte length, bytes)*.
set -eu
out=$1
mkdir -p "$out"
dir=$(dirname "$0")/../unit/data/tpm2
for tr in "$dir"/*.trace; do
	name=$(basename "$tr" .trace)
	case $name in pin*) flags=3 ;; *) flags=2 ;; esac
	python3 - "$tr" "$out/seed-$name" "$flags" <<'PY'
import sys
tr, out, flags = sys.argv[1], sys.argv[2], int(sys.argv[3])
b = bytearray([flags])
for line in open(tr):
    if line.startswith('< '):
        r = bytes.fromhex(line[2:].strip())
        b += len(r).to_bytes(2, 'big') + r
open(out, 'wb').write(b)
PY
done
