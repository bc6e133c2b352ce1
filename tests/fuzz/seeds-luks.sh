#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Seed corpus for fuzz_luks: real LUKS2/LUKS1 headers (and their first keyslot areas) made
# by cryptsetup at test time.  Each seed is one flag byte (see fuzz_luks.c) + the image
# start.  Passphrase "fuzz" and tiny KDF costs, so the fuzzer also reaches unlock; the
# "-limited" seeds unlock under the cost limit, where any cost the fuzzer writes is estimated.
set -eu
out=$1
mkdir -p "$out"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
printf 'fuzz' >"$t/pw"
PB="--pbkdf pbkdf2 --pbkdf-force-iterations 1000"
seed() { # name bytes flag image
	{ printf "\\x$3"; head -c "$2" "$4"; } >"$out/$1"
}
mk() { # name type bytes options...
	local name=$1 type=$2 bytes=$3
	shift 3
	rm -f "$t/img"
	truncate -s 20M "$t/img"
	cryptsetup luksFormat -q --type "$type" "$@" --key-file "$t/pw" "$t/img" >/dev/null
	seed "$name-raw" "$bytes" 00 "$t/img"
	seed "$name-sealed" "$bytes" 01 "$t/img"
	seed "$name-json" 32768 01 "$t/img"
	seed "$name-limited" "$bytes" 05 "$t/img"
}
# shellcheck disable=SC2086
mk l2-pbkdf2 luks2 163840 $PB --key-size 256
mk l2-argon2id luks2 163840 --pbkdf argon2id --pbkdf-force-iterations 4 --pbkdf-memory 32 --key-size 256
# shellcheck disable=SC2086
mk l2-essiv luks2 163840 $PB --cipher aes-cbc-essiv:sha256 --key-size 256 --sector-size 512 --label fuzz
# shellcheck disable=SC2086
mk l1-sha1 luks1 135168 $PB --hash sha1 --key-size 256
# two keyslots and a token
rm -f "$t/img"; truncate -s 20M "$t/img"
# shellcheck disable=SC2086
cryptsetup luksFormat -q --type luks2 $PB --key-size 256 --key-file "$t/pw" "$t/img" >/dev/null
# shellcheck disable=SC2086
cryptsetup luksAddKey -q $PB --key-file "$t/pw" "$t/img" "$t/pw" >/dev/null
printf '{"type":"x-token","keyslots":["1"],"v":[1,{"a":null}]}' >"$t/tok"
cryptsetup token import --json-file "$t/tok" "$t/img" >/dev/null
seed l2-two-slots-sealed 294912 01 "$t/img"
seed l2-two-slots-json 32768 01 "$t/img"
seed l2-two-slots-limited 294912 05 "$t/img"
# an online reencryption started by cryptsetup (reencrypt keyslot, backup segment,
# online-reencrypt-v2 requirement): opens as a valid header that cannot be unlocked
rm -f "$t/img"; truncate -s 20M "$t/img"
# shellcheck disable=SC2086
cryptsetup luksFormat -q --type luks2 $PB --key-file "$t/pw" "$t/img" >/dev/null
# shellcheck disable=SC2086
cryptsetup reencrypt --init-only -q $PB --key-file "$t/pw" "$t/img" >/dev/null
seed l2-reencrypt-sealed 32768 01 "$t/img"
seed l2-reencrypt-limited 32768 05 "$t/img"
