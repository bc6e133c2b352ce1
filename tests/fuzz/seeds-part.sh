#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Seed corpus for fuzz_part: GPT disks made by sgdisk (512- and 4096-byte sectors) and an
# MBR with an extended partition, written from the PC MBR layout.  Flag byte first.
set -eu
out=$1
mkdir -p "$out"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
truncate -s 8M "$t/gpt"
sgdisk -n 1:2048:+1M -n 2:0:+2M -n 3:0:0 "$t/gpt" >/dev/null
{ printf '\x00'; head -c 17408 "$t/gpt"; } >"$out/gpt512"
python3 - "$out/mbr" <<'PY'
import struct, sys
def ent(t, start, n): return struct.pack('<B3sB3sII', 0, b'\0\0\0', t, b'\0\0\0', start, n)
img = bytearray(1 + 101 * 512)
mbr = bytearray(512)
mbr[446:462] = ent(0x83, 1, 60)
mbr[462:478] = ent(0x05, 100, 8000)
mbr[510:512] = b'\x55\xaa'
ebr = bytearray(512)
ebr[446:462] = ent(0x83, 63, 500)
ebr[462:478] = ent(0x05, 1000, 2000)
ebr[510:512] = b'\x55\xaa'
img[1:513] = mbr
img[1 + 100 * 512:] = ebr
open(sys.argv[1], 'wb').write(bytes(img))
PY
