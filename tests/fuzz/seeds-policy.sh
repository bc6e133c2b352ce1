#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Seeds for fuzz_policy from the device paths captured from OVMF
# (tests/unit/data/ovmf-paths.txt): a context of the captured firmware volume and LuksDxe
# children (blk paths ending in LuksDxe's vendor node), then each captured path, each
# file system/block path + \EFI\BOOT\BOOTX64.EFI, with pins off, on and partial.
# Input layout: see tests/fuzz/fuzz_policy.c.
set -eu
out=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
python3 - "$top/tests/unit/data/ovmf-paths.txt" "$out" <<'PY'
import struct, sys
fixture, out = sys.argv[1], sys.argv[2]
VEN = 'VenMedia(CDD7A9B4-36D8-45EB-90F4-66FBD8CDA3E5,'
paths = []
for line in open(fixture):
    if line.startswith('#'):
        continue
    _, kind, hx, text = line.rstrip('\n').split(' ', 3)
    paths.append((kind, bytes.fromhex(hx), text))
fvs = [b[:-4] for k, b, t in paths if k == 'fv'][:3]
vols = [b[:-4] for k, b, t in paths if k == 'blk' and VEN in t and '/' not in t.split(VEN)[1]][:3]
name = '\\EFI\\BOOT\\BOOTX64.EFI\0'.encode('utf-16-le')
fnode = struct.pack('<BBH', 4, 4, 4 + len(name)) + name
END = b'\x7f\xff\x04\x00'
def ctx(flags):
    b = bytes([len(fvs) | len(vols) << 2 | flags])
    for p in fvs + vols:
        b += struct.pack('<H', len(p)) + p
    return b
n = 0
for flags in (0x00, 0x10, 0x30):  # no pins; pins, none pinned; pins, first pinned
    for k, b, t in paths:
        cands = [b]
        if k in ('fs', 'blk'):
            cands.append(b[:-4] + fnode + END)
        for c in cands:
            open('%s/seed-%04d' % (out, n), 'wb').write(ctx(flags) + c)
            n += 1
# an empty context with the child + file path, and a path cut in its last node
open('%s/seed-empty-ctx' % out, 'wb').write(b'\x00' + vols[0] + fnode + END)
open('%s/seed-cut' % out, 'wb').write(ctx(0) + (vols[0] + fnode + END)[:-6])
PY
