#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# cryptsetup's own test material as an oracle: the same verdict from lukstool as from
# cryptsetup's tool on every header of cryptsetup 2.6.1's LUKS2 validation suite
# (tests/luks2-validation-test's generators, run on a copy in a temporary directory) and on
# every image of its source package's tests (compatibility images, LUKS1 images, LUKS1 to
# LUKS2 conversion images, metadata-size variants, requirement flags, evil headers, a
# blkid-ambiguous device, file systems that are not LUKS).
#
# Verdicts (cryptsetup cannot `open` here: no dm-crypt):
#   header:  `cryptsetup luksDump` succeeds  <=>  `lukstool dump` exits 0 (else 3)
#   opens:   for every passphrase and key file the suites use, `cryptsetup open
#            --test-passphrase` succeeds  <=>  `lukstool unlock` exits 0.  The one allowed
#            difference: a volume cryptsetup opens with a feature LuksDxe does not
#            implement (README: whirlpool, serpent, twofish, LRW) gets exit 5 naming it;
#            so does one with unknown mandatory requirement flags, which cryptsetup's
#            --test-passphrase verifies but its activation refuses (api-test-2 checks that).
#            Each image is tried with the passphrase its suite uses and with a wrong one.
# cryptsetup's auto-recovery may rewrite an image: it always works on a fresh copy.
. "$(dirname "$0")/luks_lib.sh"

src=$top/third_party/cryptsetup/tests
[ -d "$src/generators" ] || { not_ok "cryptsetup source package not unpacked in third_party/"; finish; }
command -v jq >/dev/null || { not_ok "jq (needed by cryptsetup's generators) is missing"; finish; }
UNIMPLEMENTED='whirlpool|serpent|twofish|lrw|unsupported mandatory requirement'

# The generators hand jq whole NUL-padded JSON areas.  Whether jq skips that padding depends on
# its build (jq 1.6-2.1+deb12u3 reads more than ~4 KiB of NULs as a second value, 0), so the
# generators run with jq-json-area.sh first on their PATH as `jq`: it gives jq each file's text
# before its first NUL, as LUKS2 defines the area.  Checked here before it is relied on.
export LUKSDXE_REAL_JQ
LUKSDXE_REAL_JQ=$(command -v jq)
jq_ver=$(tool_version jq)
mkdir bin
ln -s "$top/tests/oracle/jq-json-area.sh" bin/jq
(printf '{"a":1}'; head -c 16384 /dev/zero) >padded.json
if [ "$(jq -c . padded.json 2>&1)" = '{"a":1}' ]; then
	echo "# $jq_ver reads a NUL-padded 16 KiB area as one value"
else
	echo "# $jq_ver does not read a NUL-padded area as one value: $(jq -c . padded.json 2>&1 | tr '\n' ' ')"
fi
check "jq-json-area.sh gives $jq_ver one value from a NUL-padded area" \
	test "$(bin/jq -c . padded.json)" = '{"a":1}'
rc 5 "jq-json-area.sh keeps jq's exit status (error() in a filter: 5)" \
	bin/jq -c 'if .a != 2 then error("x") else empty end' padded.json
check "jq-json-area.sh keeps jq's --arg" test "$(bin/jq -c --arg k a '.[$k]' padded.json)" = 1

# The suites' passphrases (compat-test2 PWD0..PWD4, PWDW; api-test-2) and key files.
mkdir keys
i=0
for p in compatkey 93R4P4pIqAH8 mymJeD8ivEhE ocMakf3fAcQO Qx3qn46vq0v rUkL4RUryBom blablabl \
	albalbal 'nsdkFI&Y#.sd'; do
	printf '%s' "$p" >keys/pw$i; i=$((i + 1))
done
# compat-test2's KEY1
printf '\x48\xc6\x74\x4f\x41\x4e\x50\xc0\x79\xc2\x2d\x5b\x5f\x68\x84\x17\x9c\x03\x5e\x1b\x4d\x0f\x9a\x75\xb3\x90\x70\x32\x0a\xf8\xae\xc4' >keys/key1

header_verdict() { # NAME IMG
	local name=$1 img=$2 cs lt
	cp "$img" cs.img
	cryptsetup luksDump cs.img >/dev/null 2>&1 && cs=0 || cs=3
	"$LT" dump "$img" >/dev/null 2>"$T/err"; lt=$?
	if [ "$lt" = "$cs" ]; then ok "$name: header verdict $cs, as cryptsetup"
	else not_ok "$name: header: lukstool $lt, cryptsetup $cs"; sed 's/^/# /' "$T/err" | head -3; fi
	return $cs
}

open_verdict() { # NAME IMG KEYFILE...
	local name=$1 img=$2 k cs lt any=0; shift 2
	for k in "$@"; do
		cp "$img" cs.img
		timeout 300 cryptsetup open --test-passphrase --key-file "$k" cs.img >/dev/null 2>&1 && cs=0 || cs=x
		timeout 300 "$LT" unlock --key-file "$k" "$img" >/dev/null 2>"$T/err"; lt=$?
		if [ "$cs" = 0 ] && [ "$lt" = 0 ]; then ok "$name: opens with $(basename "$k"), as with cryptsetup"; any=1
		elif [ "$cs" = 0 ] && [ "$lt" = 5 ] && grep -Eqi "$UNIMPLEMENTED" "$T/err"; then
			ok "$name: cryptsetup opens it with $(basename "$k"); unsupported here: $(head -c 100 "$T/err")"; any=1
		elif [ "$cs" != 0 ] && [ "$lt" != 0 ]; then :
		else not_ok "$name: $(basename "$k"): lukstool exit $lt, cryptsetup ${cs/x/refuses}"
			sed 's/^/# /' "$T/err" | head -3; any=1; fi
	done
	[ "$any" = 1 ] || ok "$name: opens with none of the suites' passphrases, as with cryptsetup"
}

# 1. the LUKS2 validation suite: every generator, on cryptsetup's own valid header
mkdir gen imgs
cp -r "$src/generators/." gen/
xz -dc "$src/luks2_valid_hdr.img.xz" >imgs/luks2_valid_hdr.img
n=0
for g in gen/generate-*.sh; do
	# a failing generator (its generate() or its own check()) is named with its exit status and
	# the last line it wrote to stderr
	(cd gen && PATH="$T/bin:$PATH" bash "./$(basename "$g")" "$T/imgs" \
		"$T/imgs/luks2_valid_hdr.img" >/dev/null 2>"$T/gen.err")
	grc=$?
	[ "$grc" = 0 ] || not_ok "generator $(basename "$g") failed (exit $grc): $(grep -v '^[[:space:]]*$' \
		"$T/gen.err" | tail -n 1)"
	n=$((n + 1))
done
check "ran all $n generators of luks2-validation-test (at least 80)" test "$n" -ge 80
# The generators' own check() still fails through the wrapper: the tokens generator told to
# expect another value than the one it wrote.
mkdir gen-mut imgs-mut
cp -r "$src/generators/." gen-mut/
cp imgs/luks2_valid_hdr.img imgs-mut/
sed -i 's/if \.tokens != 42/if .tokens != 43/' gen-mut/generate-luks2-invalid-tokens.img.sh
if grep -q 'tokens != 43' gen-mut/generate-luks2-invalid-tokens.img.sh; then
	(cd gen-mut && PATH="$T/bin:$PATH" bash ./generate-luks2-invalid-tokens.img.sh "$T/imgs-mut" \
		"$T/imgs-mut/luks2_valid_hdr.img" >/dev/null 2>"$T/gen.err")
	grc=$?
	check "a generator's check() that expects another value fails (exit $grc: $(tail -n 1 "$T/gen.err"))" \
		test "$grc" = 5
else
	not_ok "generate-luks2-invalid-tokens.img.sh no longer checks '.tokens != 42': update this test"
fi
rm -rf gen-mut imgs-mut
for img in imgs/*; do
	header_verdict "validation $(basename "$img")" "$img"
done
# the generated headers keep luks2_valid_hdr.img's (unknown) key: neither tool opens them
for img in imgs/luks2_valid_hdr.img imgs/luks2-argon2-leftover-params.img \
	imgs/luks2-pbkdf2-leftover-params-0.img imgs/luks2-metadata-size-64k.img; do
	open_verdict "validation $(basename "$img")" "$img" keys/pw0 keys/pw1
done

# 2. the images of the source package's tests
mkdir pkg
(cd pkg && for t in luks1-images conversion_imgs luks2_mda_images luks2_header_requirements; do
	tar xJf "$src/$t.tar.xz"; done)
for x in "$src"/*.img.xz "$src"/evil_hdr-*.xz "$src"/valid_header_file.xz; do
	xz -dc "$x" >"pkg/$(basename "$x" .xz)"
done
cp pkg/luks1-images/keyfile1 keys/keyfile1
check "found the source package's images (at least 40)" \
	test "$(find pkg -type f | wc -l)" -ge 40
# the key each suite uses for an image (compat-test, compat-test2, luks1-compat-test,
# api-test-2), then a wrong one
keys_for() {
	case $1 in
	luks1-images/*) echo keys/keyfile1 keys/pw0 ;;
	test_image_*) echo keys/pw4 keys/pw0 ;;
	luks2_header_requirements*|conversion_imgs/*) echo keys/pw6 keys/pw7 keys/pw0 ;;
	*) echo keys/pw0 keys/pw1 keys/key1 ;;
	esac
}
for img in $(find pkg -type f ! -name README ! -name keyfile1 | sort); do
	name=${img#pkg/}
	if header_verdict "$name" "$img"; then
		# shellcheck disable=SC2046
		open_verdict "$name" "$img" $(keys_for "$name")
	fi
done
finish
