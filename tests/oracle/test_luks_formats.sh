#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# lukstool against volumes that cryptsetup makes at test time: every supported cipher,
# key size, sector size and KDF; LUKS2 and LUKS1; attached and detached headers.
# Oracles: the volume key cryptsetup dumps, plaintext that cryptsetup's own reencrypt
# code encrypted, and sectors decrypted independently with OpenSSL.
. "$(dirname "$0")/luks_lib.sh"

head -c 1M /dev/urandom >plain
printf 'correct horse' >pw

# Data path: cryptsetup reencrypt --encrypt writes the ciphertext, header detached.
while read -r name cipher bits ss kdf; do
	cp plain "d.$name"
	kdfopts=$PB
	case $kdf in
	argon2*) kdfopts="--pbkdf $kdf $A2" ;;
	*) kdfopts="$PB --hash $kdf" ;;
	esac
	# shellcheck disable=SC2086
	if ! cryptsetup reencrypt -q --encrypt --type luks2 --header "h.$name" --cipher "$cipher" \
		--key-size "$bits" --sector-size "$ss" $kdfopts --key-file pw "d.$name" >/dev/null 2>&1; then
		not_ok "$name: cryptsetup reencrypt --encrypt failed"
		continue
	fi
	vk=$(cs_vk "h.$name" pw --header "h.$name")
	got=$(lt_vk --header "h.$name" --key-file pw "d.$name")
	if [ -n "$vk" ] && [ "$vk" = "$got" ]; then ok "$name: volume key matches cryptsetup"
	else not_ok "$name: volume key '$got' != cryptsetup '$vk'"; fi
	rc 0 "$name: decrypt" "$LT" decrypt --header "h.$name" --key-file pw "d.$name" "o.$name"
	check "$name: plaintext equals what cryptsetup encrypted" cmp "o.$name" plain
	# OpenSSL: first two and last sector, IVs in 512-byte units (no iv_large_sectors)
	per=$((ss / 512)) last=$(( (1048576 / ss) - 1 ))
	$OSSL "$cipher" "$vk" "$ss" 0 "$per" "d.$name" 0 2 >"x.$name" 2>/dev/null
	$OSSL "$cipher" "$vk" "$ss" $((last * per)) "$per" "d.$name" $((last * ss)) 1 >>"x.$name" 2>/dev/null
	{ head -c $((2 * ss)) plain; tail -c "$ss" plain; } >"y.$name"
	check "$name: OpenSSL decrypts the same sectors" cmp "x.$name" "y.$name"
	"$LT" dump --header "h.$name" "d.$name" >"dump.$name" 2>&1
	check "$name: dump shows cipher and sector size" \
		grep -q -e "cipher: $cipher\$" "dump.$name"
	check "$name: dump sector size" grep -q "sector: $ss \[bytes\]" "dump.$name"
	# byte-range reads through the same path: a partial decrypt via stdout
	"$LT" decrypt --header "h.$name" --key-file - "d.$name" - <pw 2>/dev/null | cmp -s - plain &&
		ok "$name: --key-file - and OUTPUT - work" || not_ok "$name: stdin key / stdout output"
done <<'LIST'
xts256-s512-sha256 aes-xts-plain64 256 512 sha256
xts512-s4096-argon2id aes-xts-plain64 512 4096 argon2id
essiv-s512-sha1 aes-cbc-essiv:sha256 256 512 sha1
cbc64-s2048-argon2i aes-cbc-plain64 256 2048 argon2i
xtsplain-s1024-sha512 aes-xts-plain 512 1024 sha512
xts256-s4096-ripemd160 aes-xts-plain64 256 4096 ripemd160
LIST

# iv_tweak: re-sealed metadata moves the IV origin; OpenSSL says what the sectors must be.
for name in xts256-s512-sha256 xts512-s4096-argon2id; do
	[ -f "h.$name" ] || continue
	cp "h.$name" "ht.$name"
	$EDIT "ht.$name" --expr 'j["segments"]["0"]["iv_tweak"]="64"'
	ss=$(awk '/sector:/{print $2}' "dump.$name")
	per=$((ss / 512))
	vk=$(cs_vk "h.$name" pw --header "h.$name")
	"$LT" decrypt --header "ht.$name" --key-file pw "d.$name" "ot.$name" 2>/dev/null
	$OSSL aes-xts-plain64 "$vk" "$ss" 64 "$per" "d.$name" 0 2 >"xt.$name" 2>/dev/null
	check "$name: iv_tweak 64 shifts the IVs as OpenSSL computes" \
		cmp "xt.$name" <(head -c $((2 * ss)) "ot.$name")
done

# Attached headers made by luksFormat: every KDF and hash, LUKS2 and LUKS1.
while read -r name type opts; do
	truncate -s 20M "i.$name"
	# shellcheck disable=SC2086
	if ! cryptsetup luksFormat -q --type "$type" $opts --key-file pw "i.$name" >/dev/null 2>&1; then
		not_ok "$name: cryptsetup luksFormat failed"
		continue
	fi
	vk=$(cs_vk "i.$name" pw)
	got=$(lt_vk --key-file pw "i.$name")
	if [ -n "$vk" ] && [ "$vk" = "$got" ]; then ok "$name: volume key matches cryptsetup"
	else not_ok "$name: volume key '$got' != cryptsetup '$vk'"; fi
	rc 0 "$name: dump" "$LT" dump "i.$name"
	uuid=$(cryptsetup luksUUID "i.$name")
	check "$name: dump shows cryptsetup's UUID" grep -q "UUID:[[:space:]]*$uuid" "$T/out"
done <<LIST
l2-default luks2 --pbkdf-force-iterations 4 --pbkdf-memory 32768
l2-pbkdf2-sha1 luks2 $PB --hash sha1
l2-pbkdf2-sha256 luks2 $PB --hash sha256
l2-pbkdf2-sha512 luks2 $PB --hash sha512
l2-pbkdf2-ripemd160 luks2 $PB --hash ripemd160
l2-argon2i luks2 --pbkdf argon2i $A2
l2-argon2id luks2 --pbkdf argon2id $A2
l2-essiv luks2 $PB --cipher aes-cbc-essiv:sha256 --key-size 256
l2-benbi luks2 $PB --cipher aes-cbc-benbi --key-size 128
l2-xts-essiv luks2 $PB --cipher aes-xts-essiv:sha256 --key-size 512
l2-label luks2 $PB --label my-label --subsystem my-subsys
l2-hdr4m luks2 $PB --luks2-metadata-size 4m --luks2-keyslots-size 8m
l2-keyslot-cipher luks2 $PB --keyslot-cipher aes-cbc-essiv:sha256 --keyslot-key-size 256
l2-s4096-xts256 luks2 $PB --sector-size 4096 --key-size 256 --hash sha512
l1-sha1 luks1 $PB --hash sha1
l1-sha256 luks1 $PB --hash sha256
l1-sha512 luks1 $PB --hash sha512
l1-ripemd160 luks1 $PB --hash ripemd160
l1-essiv luks1 $PB --hash sha256 --cipher aes-cbc-essiv:sha256 --key-size 256
LIST

check "label shown" grep -q "Label:[[:space:]]*my-label" <("$LT" dump i.l2-label)
check "subsystem shown" grep -q "Subsystem:[[:space:]]*my-subsys" <("$LT" dump i.l2-label)

# LUKS1 data: sectors encrypted by OpenSSL with cryptsetup's volume key at the payload.
for name in l1-sha256 l1-essiv; do
	[ -f "i.$name" ] || continue
	cipher=$("$LT" dump "i.$name" | awk -F'\t' '/^Cipher name/{n=$2} /^Cipher mode/{m=$2} END{print n "-" m}')
	payload=$("$LT" dump "i.$name" | awk -F'\t' '/^Payload offset/{print $2}')
	vk=$(cs_vk "i.$name" pw)
	head -c 4096 /dev/urandom >p8
	$OSSL -e "$cipher" "$vk" 512 0 1 p8 0 8 >c8
	dd if=c8 of="i.$name" bs=512 seek="$payload" conv=notrunc status=none
	"$LT" decrypt --key-file pw "i.$name" "o.$name" 2>/dev/null
	check "$name: LUKS1 payload decrypts to the OpenSSL-encrypted sectors ($cipher)" \
		cmp p8 <(head -c 4096 "o.$name")
	size=$(stat -c %s "o.$name")
	check "$name: LUKS1 plaintext size is device size minus payload" \
		test "$size" -eq $((20 * 1048576 - payload * 512))
done
finish
