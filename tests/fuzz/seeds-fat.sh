#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Seed corpus for fuzz_fat: FAT12, FAT16 and FAT32 images made by mkfs.vfat and filled by
# mcopy (long names, nested directories, a multi-cluster file).  Flag byte first (0: the
# device is 64 MiB with zeros after the input), then the first part of the image (the
# FATs, the root directory and the first files) without its trailing zero sectors.
set -eu
out=$1
mkdir -p "$out"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/src/EFI/BOOT" "$t/src/A long directory name"
printf 'boot' >"$t/src/EFI/BOOT/BOOTX64.EFI"
head -c 5000 /dev/zero | tr '\0' 'z' >"$t/src/A long directory name/several clusters.txt"
printf 'x' >"$t/src/short.TXT"
export MTOOLS_SKIP_CHECK=1
mk() {
	local name=$1 kib=$2 keep=$3; shift 3
	rm -f "$t/img"
	mkfs.vfat -C "$@" "$t/img" "$kib" >/dev/null 2>&1 || return 0
	mcopy -s -i "$t/img" "$t/src/EFI" "$t/src/A long directory name" "$t/src/short.TXT" ::/ 2>/dev/null || return 0
	head -c "$keep" "$t/img" >"$t/part"
	# Trailing zero sectors are cut: the target reads zeros past the input anyway.
	python3 "$(dirname "$0")/trim-zeros.py" "$t/part" "$out/$name" 512
}
mk fat12 1024 200000 -F 12 -s 1
mk fat16 8192 300000 -F 16 -s 2
mk fat32 40960 1200000 -F 32 -s 1
