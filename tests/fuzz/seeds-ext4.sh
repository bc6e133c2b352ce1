#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Seed corpus for fuzz_ext4: small ext2/ext3/ext4 images made by e2fsprogs' mke2fs -d
# from a tree with every kind of file the reader handles (inline data, fast and slow
# symlinks, a sparse file, a directory big enough for an htree index, nested dirs), in
# several feature sets.  Images are small (256 KiB) and their trailing zero blocks are cut
# (fuzz_ext4 reads zeros past the input); each seed starts with fuzz_ext4's flag byte 0.
set -eu
out=$1
mkdir -p "$out"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
src=$t/src
mkdir -p "$src/dir/sub" "$src/big"
printf 'tiny\n' >"$src/tiny"
head -c 3000 /dev/zero | tr '\0' 'a' >"$src/dir/medium"
printf 'x' | dd of="$src/sparse" bs=1 seek=70000 conv=notrunc 2>/dev/null
ln -s tiny "$src/link"
ln -s "dir/sub/$(printf 'n%.0s' $(seq 80))" "$src/slowlink"
for i in $(seq 1 90); do : >"$src/big/entry-with-a-longish-name-$i"; done
mk() {
	local name=$1 size=$2; shift 2
	rm -f "$t/img"
	truncate -s "$size" "$t/img"
	mke2fs -q -F -N 128 -L seed -d "$src" "$@" "$t/img" >/dev/null 2>&1 || return 0
	python3 "$(dirname "$0")/trim-zeros.py" "$t/img" "$out/$name" 1024
}
mk ext4-csum 256K -t ext4 -b 1024 -O ^has_journal,metadata_csum,64bit
mk ext4-inline 256K -t ext4 -b 1024 -I 256 -O ^has_journal,inline_data,metadata_csum
mk ext4-nocsum 256K -t ext4 -b 1024 -O ^has_journal,^metadata_csum,^64bit
mk ext3 1200K -t ext3 -b 1024 -J size=1024
mk ext2 256K -t ext2 -b 1024 -I 128
mk ext4-4k 512K -t ext4 -b 4096 -O ^has_journal
