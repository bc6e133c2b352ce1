#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Seed corpus for fuzz_luks_json: the JSON metadata of LUKS2 headers made by cryptsetup
# at test time (luksDump --dump-json-metadata), with several keyslots, a token, a label.
set -eu
out=$1
mkdir -p "$out"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
printf 'fuzz' >"$t/pw"
PB="--pbkdf pbkdf2 --pbkdf-force-iterations 1000"
n=0
for opts in "$PB" "--pbkdf argon2id --pbkdf-force-iterations 4 --pbkdf-memory 32" \
	"$PB --cipher aes-cbc-essiv:sha256 --key-size 256 --sector-size 512"; do
	rm -f "$t/img"
	truncate -s 20M "$t/img"
	# shellcheck disable=SC2086
	cryptsetup luksFormat -q --type luks2 $opts --key-file "$t/pw" "$t/img" >/dev/null
	cryptsetup luksDump --dump-json-metadata "$t/img" | tr -d '\n' >"$out/json$n"
	n=$((n + 1))
done
# shellcheck disable=SC2086
cryptsetup luksAddKey -q $PB --key-file "$t/pw" "$t/img" "$t/pw" >/dev/null
printf '{"type":"x-token","keyslots":["1"],"v":[1,{"a":null}]}' >"$t/tok"
cryptsetup token import --json-file "$t/tok" "$t/img" >/dev/null
cryptsetup config --priority prefer --key-slot 1 "$t/img"
cryptsetup luksDump --dump-json-metadata "$t/img" | tr -d '\n' >"$out/json$n"
# An online reencryption started by cryptsetup itself (reencrypt --init-only works on a
# file): a reencrypt keyslot, a backup segment and the online-reencrypt-v2 requirement.
rm -f "$t/img"
truncate -s 20M "$t/img"
# shellcheck disable=SC2086
cryptsetup luksFormat -q --type luks2 $PB --key-file "$t/pw" "$t/img" >/dev/null
# shellcheck disable=SC2086
cryptsetup reencrypt --init-only -q $PB --key-file "$t/pw" "$t/img" >/dev/null
cryptsetup luksDump --dump-json-metadata "$t/img" | tr -d '\n' >"$out/json-reencrypt"
# Persistent activation flags and an unknown mandatory requirement: cryptsetup writes the
# first only through an active mapping (not here) and the second never, so these two are
# the first seed's text with members added to "config".
sed 's/"config":{/"config":{"flags":["allow-discards","no-read-workqueue"],/' "$out/json0" >"$out/json-flags"
sed 's/"config":{/"config":{"requirements":{"mandatory":["x-future"]},/' "$out/json0" >"$out/json-requirement"
# a changed dump format would leave plain copies: say so rather than seed twice
grep -q '"flags":\["allow-discards"' "$out/json-flags" &&
	grep -q '"mandatory":\["x-future"\]' "$out/json-requirement" ||
	{ echo "seeds-luks_json: no \"config\":{ in cryptsetup's dump" >&2; exit 1; }
