#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Smoke test for `lukstool bench` (no oracle: it measures this machine).  With tiny sizes
# it must run, exit 0 and print every figure it promises as a positive number: PBKDF2 for
# the four hashes, Argon2i and Argon2id (one thread, and one thread per lane), the KDF
# code path in use (LUKSDXE_KDF_CPU forces one), and each cipher row (mode x key size x
# sector size) with positive encryption and decryption rates.  Selectors narrow the output; bad
# input gives the documented exit status.
. "$(dirname "$0")/luks_lib.sh"   # ok/not_ok/check/rc/finish, $LT, private dir $T
[ -x "$LT" ] || { echo "Bail out! $LT missing (run make)"; exit 1; }
work=$T
fast=(--time 5 --buffer-size 16384 --pbkdf-memory 8192 --pbkdf-parallel 2 -t 1)

# t DESC: ok/not ok from the status of the command just run
t() { if [ $? -eq 0 ]; then ok "$1"; else not_ok "$1"; fi; }
# count_pos FILE REGEX FIELD...: lines matching REGEX whose given fields are all numbers > 0
count_pos() {
	local f=$1 re=$2; shift 2
	awk -v re="$re" -v fields="$*" '
		$0 ~ re { n = split(fields, fs, " "); good = 1
			  for (i = 1; i <= n; i++) { v = $fs[i]; if (v !~ /^[0-9]+(\.[0-9]+)?$/ || v + 0 <= 0) good = 0 }
			  c += good }
		END { print c + 0 }' "$f"
}

"$LT" bench "${fast[@]}" >"$work/all.out" 2>"$work/all.err"
t "bench with tiny sizes exits 0"
for h in sha1 sha256 sha512 ripemd160; do
	c=$(count_pos "$work/all.out" "^PBKDF2-$h " 2)
	[ "$c" = 1 ]; t "PBKDF2-$h: one positive iterations-per-second figure"
done
for a in argon2i argon2id; do
	c=$(count_pos "$work/all.out" "^$a .* s for t=1, m=8192 KiB, p=2, 256-bit key, 1 thread\$" 2)
	[ "$c" = 1 ]; t "$a: one positive one-thread time at the requested cost (t=1, m=8192, p=2)"
	c=$(count_pos "$work/all.out" "^$a .* s for t=1, m=8192 KiB, p=2, 256-bit key, 2 threads " 2)
	[ "$c" = 1 ]; t "$a: one positive time with the 2 lanes on 2 threads"
done
grep -Eq '^# KDF code path: [a-z0-9+]+$' "$work/all.out"; t "the KDF code path in use is shown"
# LUKSDXE_KDF_CPU forces a path: portable always exists; an unknown name is refused.
LUKSDXE_KDF_CPU=portable "$LT" bench --pbkdf pbkdf2 --hash sha256 --time 5 >"$work/port.out" 2>&1
[ $? -eq 0 ] && grep -q '^# KDF code path: portable$' "$work/port.out" &&
	[ "$(count_pos "$work/port.out" "^PBKDF2-sha256 " 2)" = 1 ]
t "LUKSDXE_KDF_CPU=portable: runs on the portable path and says so"
LUKSDXE_KDF_CPU=mmx "$LT" bench --pbkdf pbkdf2 >"$work/mmx.out" 2>"$work/mmx.err"
[ $? -eq 1 ] && grep -q LUKSDXE_KDF_CPU "$work/mmx.err" && ! grep -q PBKDF2 "$work/mmx.out"
t "LUKSDXE_KDF_CPU with an unknown path: usage error, nothing measured"
# rows: SPEC KEYBITS SECTOR ENC MiB/s DEC MiB/s
rows=$(count_pos "$work/all.out" "^ *aes-[a-z0-9:-]+ +[0-9]+ +(512|4096) " 4 6)
[ "$rows" = 24 ]; t "24 cipher rows (4 modes x 3 key sizes x 2 sector sizes) with positive rates (got $rows)"
for spec in aes-ecb-null aes-cbc-essiv:sha256 aes-cbc-plain64 aes-xts-plain64; do
	c=$(count_pos "$work/all.out" "^ *$spec " 4 6)
	[ "$c" = 6 ]; t "$spec measured at 3 key sizes x 2 sector sizes"
done
c=$(awk '$1 == "aes-xts-plain64" { print $2 }' "$work/all.out" | sort -un | tr '\n' ' ')
[ "$c" = "256 384 512 " ]; t "XTS key sizes count both halves (256 384 512)"
[ ! -s "$work/all.err" ]; t "nothing on standard error"

"$LT" bench --cipher aes-cbc-essiv:sha256 --key-size 256 --sector-size 4096 \
	--time 5 --buffer-size 16384 >"$work/one.out" 2>&1
r=$?
c=$(count_pos "$work/one.out" "^ *aes-cbc-essiv:sha256 +256 +4096 " 4 6)
[ $r -eq 0 ] && [ "$c" = 1 ] && ! grep -q -e PBKDF2 -e argon2 "$work/one.out"
t "--cipher/--key-size/--sector-size measure exactly that one row, no KDF"

"$LT" bench --cipher aes-xts-plain64 --time 5 --buffer-size 8192 >"$work/xts.out" 2>&1
r=$?
c=$(count_pos "$work/xts.out" "^ *aes-xts-plain64 +(256|384|512) +(512|4096) " 4 6)
[ $r -eq 0 ] && [ "$c" = 6 ]; t "--cipher alone measures its 3 key sizes at both sector sizes"

"$LT" bench --pbkdf pbkdf2 --hash sha512 --time 5 >"$work/kdf.out" 2>&1
r=$?
[ $r -eq 0 ] && [ "$(count_pos "$work/kdf.out" "^PBKDF2-sha512 " 2)" = 1 ] &&
	[ "$(grep -c -e '^PBKDF2' -e '^argon2' -e MiB/s "$work/kdf.out")" = 1 ]
t "--pbkdf pbkdf2 --hash sha512 measures only PBKDF2-SHA512"

"$LT" bench --pbkdf argon2id --pbkdf-memory 1024 -t 2 >"$work/a2.out" 2>&1
r=$?
[ $r -eq 0 ] && [ "$(count_pos "$work/a2.out" "^argon2id .* t=2, m=1024 KiB, p=1, 256-bit key, 1 thread" 2)" = 1 ] &&
	[ "$(grep -c -e '^PBKDF2' -e '^argon2' -e MiB/s "$work/a2.out")" = 1 ]
t "--pbkdf argon2id measures only Argon2id, default one lane"

"$LT" bench --cipher serpent-xts-plain64 >"$work/bad.out" 2>"$work/bad.err"
r=$?
[ $r -eq 5 ] && grep -q serpent "$work/bad.err" && ! grep -q MiB/s "$work/bad.out"
t "an unsupported cipher: status 5, message names it, nothing measured"
"$LT" bench --cipher aes-xts-plain64 --key-size 128 >/dev/null 2>&1
[ $? -eq 5 ]; t "a key size the cipher cannot take: status 5"
"$LT" bench --cipher aes-xts >/dev/null 2>&1
[ $? -eq 1 ]; t "a malformed cipher specification: usage error"
for bad in "--buffer-size 1000" "--sector-size 1000" "--pbkdf scrypt" "--hash md5" \
	   "--pbkdf-memory 0" "-t 0" "--pbkdf-parallel 4 --pbkdf-memory 16" "--bogus" "extra"; do
	# shellcheck disable=SC2086
	"$LT" bench $bad >/dev/null 2>&1
	[ $? -eq 1 ]; t "usage error: $bad"
done
"$LT" bench --help >"$work/help.out" 2>&1
[ $? -eq 0 ] && grep -q -- --pbkdf-memory "$work/help.out"; t "--help prints the options, status 0"
"$LT" --help | grep -q "lukstool bench"; t "lukstool --help lists bench"

finish
