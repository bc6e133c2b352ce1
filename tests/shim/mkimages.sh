#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Test images for the shim tests, made by cryptsetup itself (no dm-crypt needed):
# `cryptsetup reencrypt --encrypt --reduce-device-size R FILE` turns a plain file into a
# LUKS2 volume with an attached header in place: the header takes the first R/2 bytes,
# the data segment starts at R/2, and the plaintext of its first (size - R) bytes is the
# file's original first (size - R) bytes (the rest of the segment is undefined).
#
#   vol1.img  LUKS2, pbkdf2-sha256, aes-xts-plain64 512-bit key, 512-byte sectors
#   vol2.img  LUKS2, argon2id, aes-xts-plain64 256-bit key, 4096-byte sectors
#   vol3.img  LUKS1 (cryptsetup convert of a LUKS2 volume: LUKS1 reencryption needs
#             dm-crypt, conversion does not), aes-cbc-essiv:sha256, sha1, reduce 4 MiB
# For each: NAME.plain (original bytes), NAME.key (volume key), NAME.pass (passphrase).
# ctr.img and reenc.img are valid but unsupported; notluks.img is random bytes.  Usage: mkimages.sh DIR
set -eu
dir=$1
stamp="$dir/.done-v5"
[ -f "$stamp" ] && exit 0
# Concurrent test runs in one checkout: one makes the images, the others wait for it.
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
[ -f "$stamp" ] && exit 0
# The directory is ours alone: start from nothing (cryptsetup refuses to re-initialize).
rm -rf "$dir"
mkdir -p "$dir"

mk() { # name uuid pass reduce extra-args...
	local n=$1 uuid=$2 pass=$3 reduce=$4
	shift 4
	head -c 6M /dev/urandom >"$dir/$n.plain"
	cp "$dir/$n.plain" "$dir/$n.img"
	printf '%s' "$pass" >"$dir/$n.pass"
	cryptsetup reencrypt --encrypt --type luks2 --reduce-device-size "$reduce" --uuid "$uuid" \
		--batch-mode --key-file "$dir/$n.pass" "$@" "$dir/$n.img" >/dev/null 2>&1
	cryptsetup luksDump --dump-volume-key --batch-mode --key-file "$dir/$n.pass" \
		--volume-key-file "$dir/$n.key" "$dir/$n.img" >/dev/null
}
mk vol1 3f0b8c62-52a4-4b8e-9a41-6c1d2e3f4a5b "pass-one" 2M \
	--pbkdf pbkdf2 --hash sha256 --pbkdf-force-iterations 1000 --key-size 512
mk vol2 a1b2c3d4-e5f6-4789-8abc-def012345678 "pass-two" 2M \
	--pbkdf argon2id --pbkdf-memory 32 --pbkdf-force-iterations 4 --key-size 256 --sector-size 4096
mk vol3 0d5c8b1e-7f6a-4e3b-9c2d-1a2b3c4d5e6f "pass-three" 4M \
	--pbkdf pbkdf2 --hash sha1 --pbkdf-force-iterations 1000 --cipher aes-cbc-essiv:sha256 --key-size 256
cryptsetup convert --type luks1 --batch-mode "$dir/vol3.img" >/dev/null
# Valid LUKS2 volumes the driver cannot unlock: a cipher mode it does not implement
# (aes-ctr-plain64), and a reencryption in progress (requirement online-reencrypt-v2).
truncate -s 20M "$dir/ctr.img" # sparse; the default LUKS2 data offset is 16 MiB
printf 'pass-four' >"$dir/other.pass"
cryptsetup luksFormat --type luks2 --cipher aes-ctr-plain64 --key-size 256 --pbkdf pbkdf2 \
	--pbkdf-force-iterations 1000 --uuid 5e3f0c1a-9b8d-4c7e-a6f5-0123456789ab --batch-mode \
	--key-file "$dir/other.pass" "$dir/ctr.img" >/dev/null
truncate -s 8M "$dir/reenc.img"
cryptsetup reencrypt --encrypt --init-only --type luks2 --reduce-device-size 2M --pbkdf pbkdf2 \
	--pbkdf-force-iterations 1000 --uuid 6f4a1d2b-0c9e-4d8f-b7a6-123456789abc --batch-mode \
	--key-file "$dir/other.pass" "$dir/reenc.img" >/dev/null 2>&1
head -c 1M /dev/urandom >"$dir/notluks.img"
touch "$stamp"
