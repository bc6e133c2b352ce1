#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# dm-verity images for the shim tests, made by veritysetup and cryptsetup themselves:
#   vdata.img   1024 random 4096-byte data blocks, then (veritysetup format --hash-offset
#               4 MiB, on the same file) the superblock and the sha256 tree; vdata.root is
#               its root hash in hex, vdata.plain the data alone
#   vluks.img   a LUKS2 volume (pbkdf2, aes-xts-plain64, 4096-byte sectors, passphrase
#               pass-verity, UUID below) whose plaintext starts with vdata.img: cryptsetup
#               reencrypt --encrypt --reduce-device-size 2M, as mkimages.sh does
# Usage: mkverity.sh DIR
set -eu
dir=$1
stamp="$dir/.done-v1"
[ -f "$stamp" ] && exit 0
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
[ -f "$stamp" ] && exit 0
rm -rf "$dir"
mkdir -p "$dir"
salt=5a17e0c4a3b2f1e0d9c8b7a6958473625140302a1b0c9d8e7f60514233241506
head -c 4M /dev/urandom >"$dir/vdata.plain"
cp "$dir/vdata.plain" "$dir/vdata.img"
veritysetup format --hash-offset 4194304 --salt "$salt" "$dir/vdata.img" "$dir/vdata.img" >"$dir/vdata.fmt"
sed -n 's/^Root hash:[[:space:]]*\([0-9a-f]*\)$/\1/p' "$dir/vdata.fmt" >"$dir/vdata.root"
[ "$(wc -c <"$dir/vdata.root")" = 65 ] || { echo "mkverity: no root hash from veritysetup" >&2; exit 1; }
veritysetup verify --hash-offset 4194304 "$dir/vdata.img" "$dir/vdata.img" "$(cat "$dir/vdata.root")"
cp "$dir/vdata.img" "$dir/vluks.img"
truncate -s $(( $(stat -c %s "$dir/vdata.img") + 2 * 1024 * 1024 )) "$dir/vluks.img"
printf 'pass-verity' >"$dir/vluks.pass"
cryptsetup reencrypt --encrypt --type luks2 --reduce-device-size 2M \
	--uuid 7e1a5c3b-2d4f-4a6b-8c9d-0e1f2a3b4c5d --batch-mode --key-file "$dir/vluks.pass" \
	--pbkdf pbkdf2 --pbkdf-force-iterations 1000 --sector-size 4096 "$dir/vluks.img" >/dev/null 2>&1
touch "$stamp"
