#!/usr/bin/env bash
# Smoke test for `lukstool bench` (no oracle: it measures this machine).  With tiny sizes
# it must run, exit 0 and print every figure it promises as a positive number: PBKDF2 for
# the four hashes, Argon2i and Argon2id, and each cipher row (mode x key size x sector
# size) with positive encryption and decryption rates.  Selectors narrow the output; bad
# input gives the documented exit status.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
LUKSTOOL=${LUKSTOOL:-$top/build/lukstool}
work="$top/build/oracle/bench"
rm -rf "$work"; mkdir -p "$work"
n=0 failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
bail() { echo "Bail out! $*"; exit 1; }
[ -x "$LUKSTOOL" ] || bail "$LUKSTOOL missing (run make)"
fast=(--time 5 --buffer-size 16384 --pbkdf-memory 8192 --pbkdf-parallel 2 -t 1)

# count_pos FILE REGEX FIELD...: lines matching REGEX whose given fields are all numbers > 0
count_pos() {
	local f=$1 re=$2; shift 2
	awk -v re="$re" -v fields="$*" '
		$0 ~ re { n = split(fields, fs, " "); good = 1
			  for (i = 1; i <= n; i++) { v = $fs[i]; if (v !~ /^[0-9]+(\.[0-9]+)?$/ || v + 0 <= 0) good = 0 }
			  c += good }
		END { print c + 0 }' "$f"
}

"$LUKSTOOL" bench "${fast[@]}" >"$work/all.out" 2>"$work/all.err"
ok $? "bench with tiny sizes exits 0"
for h in sha1 sha256 sha512 ripemd160; do
	c=$(count_pos "$work/all.out" "^PBKDF2-$h " 2)
	[ "$c" = 1 ]; ok $? "PBKDF2-$h: one positive iterations-per-second figure"
done
for a in argon2i argon2id; do
	c=$(count_pos "$work/all.out" "^$a .* s for t=1, m=8192 KiB, p=2," 2)
	[ "$c" = 1 ]; ok $? "$a: one positive time at the requested cost (t=1, m=8192, p=2)"
done
# rows: SPEC KEYBITS SECTOR ENC MiB/s DEC MiB/s
rows=$(count_pos "$work/all.out" "^ *aes-[a-z0-9:-]+ +[0-9]+ +(512|4096) " 4 6)
[ "$rows" = 24 ]; ok $? "24 cipher rows (4 modes x 3 key sizes x 2 sector sizes) with positive rates (got $rows)"
for spec in aes-ecb-null aes-cbc-essiv:sha256 aes-cbc-plain64 aes-xts-plain64; do
	c=$(count_pos "$work/all.out" "^ *$spec " 4 6)
	[ "$c" = 6 ]; ok $? "$spec measured at 3 key sizes x 2 sector sizes"
done
c=$(awk '$1 == "aes-xts-plain64" { print $2 }' "$work/all.out" | sort -un | tr '\n' ' ')
[ "$c" = "256 384 512 " ]; ok $? "XTS key sizes count both halves (256 384 512)"
[ ! -s "$work/all.err" ]; ok $? "nothing on standard error"

"$LUKSTOOL" bench --cipher aes-cbc-essiv:sha256 --key-size 256 --sector-size 4096 \
	--time 5 --buffer-size 16384 >"$work/one.out" 2>&1
r=$?
c=$(count_pos "$work/one.out" "^ *aes-cbc-essiv:sha256 +256 +4096 " 4 6)
[ $r -eq 0 ] && [ "$c" = 1 ] && ! grep -q -e PBKDF2 -e argon2 "$work/one.out"
ok $? "--cipher/--key-size/--sector-size measure exactly that one row, no KDF"

"$LUKSTOOL" bench --cipher aes-xts-plain64 --time 5 --buffer-size 8192 >"$work/xts.out" 2>&1
r=$?
c=$(count_pos "$work/xts.out" "^ *aes-xts-plain64 +(256|384|512) +(512|4096) " 4 6)
[ $r -eq 0 ] && [ "$c" = 6 ]; ok $? "--cipher alone measures its 3 key sizes at both sector sizes"

"$LUKSTOOL" bench --pbkdf pbkdf2 --hash sha512 --time 5 >"$work/kdf.out" 2>&1
r=$?
[ $r -eq 0 ] && [ "$(count_pos "$work/kdf.out" "^PBKDF2-sha512 " 2)" = 1 ] &&
	[ "$(grep -c -e '^PBKDF2' -e '^argon2' -e MiB/s "$work/kdf.out")" = 1 ]
ok $? "--pbkdf pbkdf2 --hash sha512 measures only PBKDF2-SHA512"

"$LUKSTOOL" bench --pbkdf argon2id --pbkdf-memory 1024 -t 2 >"$work/a2.out" 2>&1
r=$?
[ $r -eq 0 ] && [ "$(count_pos "$work/a2.out" "^argon2id .* t=2, m=1024 KiB, p=1," 2)" = 1 ] &&
	[ "$(grep -c -e '^PBKDF2' -e '^argon2' -e MiB/s "$work/a2.out")" = 1 ]
ok $? "--pbkdf argon2id measures only Argon2id, default one lane"

"$LUKSTOOL" bench --cipher serpent-xts-plain64 >"$work/bad.out" 2>"$work/bad.err"
r=$?
[ $r -eq 5 ] && grep -q serpent "$work/bad.err" && ! grep -q MiB/s "$work/bad.out"
ok $? "an unsupported cipher: status 5, message names it, nothing measured"
"$LUKSTOOL" bench --cipher aes-xts-plain64 --key-size 128 >/dev/null 2>&1
[ $? -eq 5 ]; ok $? "a key size the cipher cannot take: status 5"
"$LUKSTOOL" bench --cipher aes-xts >/dev/null 2>&1
[ $? -eq 1 ]; ok $? "a malformed cipher specification: usage error"
for bad in "--buffer-size 1000" "--sector-size 1000" "--pbkdf scrypt" "--hash md5" \
	   "--pbkdf-memory 0" "-t 0" "--pbkdf-parallel 4 --pbkdf-memory 16" "--bogus" "extra"; do
	# shellcheck disable=SC2086
	"$LUKSTOOL" bench $bad >/dev/null 2>&1
	[ $? -eq 1 ]; ok $? "usage error: $bad"
done
"$LUKSTOOL" bench --help >"$work/help.out" 2>&1
[ $? -eq 0 ] && grep -q -- --pbkdf-memory "$work/help.out"; ok $? "--help prints the options, status 0"
"$LUKSTOOL" --help | grep -q "lukstool bench"; ok $? "lukstool --help lists bench"

echo "1..$n"
[ "$failed" -eq 0 ]
