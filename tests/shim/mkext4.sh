#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Images for tests/unit/test_shim_ext4fs.c, made at test time by e2fsprogs and cryptsetup:
#   src/          the source tree (also the oracle the test compares against)
#   fs.img        `mke2fs -t ext4 -b 1024 -I 256 -d src`, 8 MiB, label "lbl-é4" (plaintext)
#   vol.img       fs.img turned into a LUKS2 volume in place by `cryptsetup reencrypt
#                 --encrypt --reduce-device-size 2M` (its plaintext starts with fs.img)
#   vol.pass      its passphrase
# Usage: mkext4.sh DIR
set -eu
dir=$1
stamp="$dir/.done-v5"
[ -f "$stamp" ] && exit 0
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
[ -f "$stamp" ] && exit 0
rm -rf "$dir"
mkdir -p "$dir/src"
s=$dir/src
export TZ=UTC
printf 'hello from ext4\n' >"$s/hello.txt"
touch -d '2001-02-03 04:05:06' "$s/hello.txt"
printf 'old\n' >"$s/old"                           # before 1970: negative seconds
touch -d '1950-06-15 12:34:56' "$s/old"
printf 'future\n' >"$s/future"                     # after 2038: ext4's extra epoch bits
touch -d '2040-01-02 03:04:05' "$s/future"
head -c 200003 /dev/urandom >"$s/big.bin"        # > 64 KiB, odd size
: >"$s/empty"
mkdir -p "$s/sub/inner" "$s/sub/empty-dir"
printf 'inner file\n' >"$s/sub/inner/file"
printf 'lower\n' >"$s/case"                       # case-sensitive names
printf 'UPPER\n' >"$s/Case"
printf 'accents\n' >"$s/héllo wörld.txt"          # BMP, 2-byte UTF-8
printf 'cjk\n' >"$s/日本語"                        # BMP, 3-byte UTF-8
printf 'astral\n' >"$s/smile-😀"                  # above U+FFFF: not in UCS-2
printf 'bad\n' >"$s/$(printf 'bad-\377-name')"    # not UTF-8
ln -s hello.txt "$s/link"                         # relative symlink
ln -s /sub/inner/file "$s/abslink"                # absolute: from the fs root
ln -s sub "$s/dirlink"
ln -s ../hello.txt "$s/sub/up"
ln -s nowhere "$s/dangling"
ln -s loop2 "$s/loop1"
ln -s loop1 "$s/loop2"
mkdir -p "$s/many"
(cd "$s/many" && seq -f 'f%03g' 1 300 | xargs touch)
mke2fs -q -F -t ext4 -b 1024 -I 256 -L 'lbl-é4' -d "$s" "$dir/fs.img" 8M >/dev/null
# mke2fs -d (1.47.0) stores 32-bit times only; set the epoch bit of "future" with debugfs
# (as tests/oracle/test_ext4.sh does) and check that e2fsprogs now reads 2040.
debugfs -w -R 'sif /future mtime_extra 1' "$dir/fs.img" >/dev/null 2>&1
debugfs -R 'stat /future' "$dir/fs.img" 2>/dev/null | grep -q 'mtime: .* 2040$'
cp "$dir/fs.img" "$dir/vol.img"
truncate -s 10M "$dir/vol.img"
printf 'ext4 shim pass' >"$dir/vol.pass"
cryptsetup reencrypt --encrypt --type luks2 --reduce-device-size 2M \
	--uuid 7e4f3a2b-1c0d-4e5f-8a9b-0c1d2e3f4a5b --batch-mode --key-file "$dir/vol.pass" \
	--pbkdf pbkdf2 --hash sha256 --pbkdf-force-iterations 1000 "$dir/vol.img" >/dev/null 2>&1
touch "$stamp"
