#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Seeds for fuzz_verity: hash trees veritysetup makes over small random images (sha1,
# sha256, sha512; formats 0 and 1; 512..4096-byte blocks; one data block (no tree) to
# 100; with and without superblock; one device and two), each behind the parameter block
# fuzz_verity.c reads, with veritysetup's root hash and salt, so that every seed opens and
# verifies as made.
set -eu
out=$1
mkdir -p "$out"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

# seed NAME ALG FMT DBS HBS BLOCKS SALT(default|empty|HEX) NOSB(0|1) SAME(0|1) FLAGS [CLAIM]
#   FLAGS: extra bits of the flag byte (32: parameters from the superblock, 64: root from
#   the image, 128: devices padded with zeros); CLAIM: the data_blocks the parameters say
#   (a volume cut short: the tree's padding then holds digests)
seed() {
	local name=$1 alg=$2 fmt=$3 dbs=$4 hbs=$5 n=$6 salt=$7 nosb=$8 same=$9 extra=${10}
	local claim=${11:-$6}
	local off=0 opts=() hashdev
	rm -f "$t/d" "$t/h" "$t/out"
	head -c $((n * dbs)) /dev/urandom >"$t/d"
	case $salt in
	default) ;;
	empty) opts+=(--salt -) ;;
	*) opts+=(--salt "$salt") ;;
	esac
	[ "$nosb" = 1 ] && opts+=(--no-superblock)
	hashdev=$t/h
	if [ "$same" = 1 ]; then
		off=$(((n * dbs + 4095) / 4096 * 4096))
		truncate -s "$off" "$t/d"
		hashdev=$t/d
	fi
	veritysetup format --hash "$alg" --format "$fmt" --data-block-size "$dbs" \
		--hash-block-size "$hbs" --data-blocks "$n" --hash-offset "$off" "${opts[@]}" \
		"$t/d" "$hashdev" >"$t/out"
	python3 - "$out/$name" "$alg" "$fmt" "$dbs" "$hbs" "$claim" "$nosb" "$same" "$extra" "$off" \
		"$t/out" "$t/d" "$t/h" <<'PY'
import struct, sys
(path, alg, fmt, dbs, hbs, n, nosb, same, extra, off, outp, dpath, hpath) = sys.argv[1:]
fields = {}
for line in open(outp):
    if '\t' in line:
        k, v = line.split('\t', 1)
        fields[k.strip()] = v.strip()
root = bytes.fromhex(fields['Root hash:'])
salt = b'' if fields['Salt:'] == '-' else bytes.fromhex(fields['Salt:'])
assert len(salt) < 256
algs = {'sha1': 0, 'sha256': 1, 'sha512': 2}
log2 = lambda x: (int(x) // 512).bit_length() - 1
flags = int(fmt) | algs[alg] << 1 | int(nosb) << 3 | int(same) << 4 | int(extra)
data = open(dpath, 'rb').read()
image = data if same == '1' else data + open(hpath, 'rb').read()
assert int(off) % 512 == 0 and len(data) < 65536
hdr = bytes([flags, log2(dbs) | log2(hbs) << 4]) + struct.pack('<HHBHB', int(n), int(off) // 512,
      len(salt), len(data), 0) + root.ljust(64, b'\0')
open(path, 'wb').write(hdr + salt + image)
PY
}

seed sha256-f1-4k-sep sha256 1 4096 4096 9 default 0 0 0
seed sha256-f1-512-sep-3lv sha256 1 512 512 100 empty 0 0 0
seed sha1-f0-512-same sha1 0 512 512 40 default 0 1 0
seed sha1-f1-1k-nosb sha1 1 1024 1024 20 empty 1 0 0
seed sha512-f0-4k-1blk sha512 0 4096 4096 1 default 0 0 0
seed sha512-f1-512-same-nosb sha512 1 512 512 30 "$(head -c 7 /dev/urandom | xxd -p)" 1 1 0
seed sha256-f0-mixed sha256 0 4096 512 8 default 0 0 32
seed sha1-f1-mixed-root sha1 1 512 4096 60 default 0 0 64
seed sha256-f1-padded sha256 1 1024 1024 12 empty 0 1 128
seed sha256-f1-512-cut sha256 1 512 512 100 default 1 0 0 99
seed sha1-f0-4k-cut sha1 0 4096 4096 10 empty 1 1 0 9
