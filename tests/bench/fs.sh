#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# File-system overhead benchmark (part of make bench): a 256 MiB file in an ext4 file
# system (mke2fs -d, 4 KiB blocks, metadata_csum, extents) and in a FAT32 one (mcopy),
# each encrypted by cryptsetup (aes-xts-plain64, 4096-byte sectors, detached header).
# `lukstool bench-fs` reads the file through the reader and the same bytes straight from
# the unlocked volume, where debugfs / the FAT layout says the file lies (the files are
# checked to be contiguous), alternating, and prints the overhead.  BENCH_FS_MIB sets the
# file size.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
LT=${LUKSTOOL:-$top/build/lukstool}
mib=${BENCH_FS_MIB:-256}
t=$(mktemp -d /tmp/bench-fs.XXXXXX)
trap 'rm -rf "$t"' EXIT
cd "$t"
mkdir src
head -c $((mib * 1024 * 1024)) /dev/urandom >src/big.bin
printf 'bench' >key
enc() {
	cryptsetup reencrypt -q --encrypt --type luks2 --header "$1.hdr" --pbkdf pbkdf2 \
		--pbkdf-force-iterations 1000 --key-file key --cipher aes-xts-plain64 --key-size 512 \
		--sector-size 4096 "$1" >/dev/null
}
# ext4: the file's extents from debugfs, which must be one contiguous run
truncate -s $((mib + 64))M e.img
# all metadata at the start and no backup superblocks: the file is one contiguous run
mke2fs -q -F -t ext4 -b 4096 -O ^has_journal,sparse_super2 -E packed_meta_blocks=1,num_backup_sb=0 -d src e.img
start=$(debugfs -R 'stat /big.bin' e.img 2>/dev/null | python3 -c '
import re, sys
runs = re.findall(r"\((\d+)(?:-(\d+))?\):(\d+)(?:-(\d+))?", sys.stdin.read().split("EXTENTS:")[1])
prev = None
for l0, l1, p0, p1 in runs:
    p0 = int(p0)
    if prev is not None and p0 != prev + 1:
        sys.exit("not contiguous")
    prev = int(p1 or p0)
print(int(runs[0][2]) * 4096)')
enc e.img
"$LT" bench-fs --rounds "${BENCH_FS_ROUNDS:-9}" --header e.img.hdr --key-file key --direct-offset "$start" e.img /big.bin
# FAT32: a fresh volume stores the file in consecutive clusters from the first one;
# bench-fs verifies the bytes at that offset before it times anything.
truncate -s $((mib + 300))M f.img  # FAT32 wants at least 65525 clusters
mkfs.vfat -F 32 -S 4096 -s 1 f.img >/dev/null  # 4 KiB sectors and clusters (the encryption sector)
MTOOLS_SKIP_CHECK=1 mcopy -i f.img src/big.bin ::/
start=$(python3 - f.img <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read(512)
bps, spc, rsvd, nfats = struct.unpack_from('<HBHB', b, 11)
fatsz = struct.unpack_from('<I', b, 36)[0]
root = struct.unpack_from('<I', b, 44)[0]
data = (rsvd + nfats * fatsz) * bps
# the root directory takes cluster 2 (root); the file follows at cluster 3
print(data + (3 - 2) * bps * spc)
PY
)
enc f.img
"$LT" bench-fs --rounds "${BENCH_FS_ROUNDS:-9}" --header f.img.hdr --key-file key --direct-offset "$start" f.img /big.bin
