#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Every AES-XTS path this CPU runs (LUKSDXE_CPU=portable|aesni|vaes256|vaes512), against
# data that cryptsetup's own reencrypt code encrypted: AES-128/256-XTS (256/512-bit
# keys), sector sizes 512 and 4096, LUKS2 with a detached header.  A path the CPU (or
# OS) lacks is reported as "not run" on a comment line and counts as nothing.
. "$(dirname "$0")/luks_lib.sh"

head -c 3M /dev/urandom >plain
printf 'xts paths %s' "$RANDOM" >pw

paths=()
for p in portable aesni vaes256 vaes512; do
	# lukstool refuses a forced path the CPU cannot run, before doing anything else.
	LUKSDXE_CPU=$p "$LT" dump /dev/null >/dev/null 2>"err.$p"
	if grep -q "cannot run that path" "err.$p"; then
		echo "# path $p: not run (this CPU or OS lacks it)"
	else
		paths+=("$p")
	fi
done

while read -r bits ss; do
	name="aes-xts-plain64-$bits-$ss"
	cp plain "d.$name"
	# shellcheck disable=SC2086
	if ! cryptsetup reencrypt -q --encrypt --type luks2 --header "h.$name" \
		--cipher aes-xts-plain64 --key-size "$bits" --sector-size "$ss" $PB \
		--key-file pw "d.$name" >/dev/null 2>&1; then
		not_ok "$name: cryptsetup reencrypt --encrypt failed"
		continue
	fi
	for p in "${paths[@]}"; do
		rm -f "o.$name"
		LUKSDXE_CPU=$p "$LT" decrypt --header "h.$name" --key-file pw "d.$name" "o.$name" \
			>/dev/null 2>"e.$name"
		if [ -f "o.$name" ] && cmp -s "o.$name" plain; then
			ok "$name, path $p: lukstool decrypts what cryptsetup encrypted"
		else
			not_ok "$name, path $p: plaintext differs"
			sed 's/^/# /' "e.$name" | head -3
		fi
	done
done <<'LIST'
256 512
256 4096
512 512
512 4096
LIST
finish
