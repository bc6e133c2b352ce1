#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Oracle test for `lukstool sev-secret build` (the SEV LAUNCH_SECRET packet):
#  1. sevctl's published packets, byte for byte (values below, each with its origin);
#  2. the same packets from a table lukstool mksecret wrote (--table);
#  3. OpenSSL recomputes the payload (openssl enc -aes-128-ctr) and the MAC (openssl dgst
#     -hmac) from the SEV API definition of LAUNCH_SECRET, with random keys and IV:
#       header = FLAGS (u32 LE) || IV || HMAC-SHA256(TIK, 0x01 || FLAGS || IV ||
#                GUEST_LENGTH || TRANS_LENGTH (u32 LE) || ciphertext || MEASURE)
#  4. base64 output against coreutils' base64, the random IV, the secret-area limit (the
#     default, --area-size, the area read from the firmware image) and bad input.
. "$(dirname "$0")/tap_lib.sh"
OVMF_IMAGE=${OVMF_IMAGE:-$top/build/ovmf/OVMF-LuksDxe.fd}
tap_workdir sev_secret
[ -x "$LUKSTOOL" ] || bail "$LUKSTOOL missing (run make)"
command -v openssl >/dev/null || bail "openssl missing"
cd "$work" || bail "no $work"
hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }
b64() { base64 -w0 "$1"; }
build() { "$LUKSTOOL" sev-secret build "$@" >out.txt 2>err.txt; }

# ---- 1. sevctl's published vectors ----------------------------------------------------
# Origin: github.com/virtee/sevctl, tests/secretbuild.rs, fn secret_build, commit
# 8b47f3a6b980525f4c1e9804661abbdda459e137 (the file last changed in 516cf4108d19).
# Its inputs are files in tests/data/secret/ (not copied; their bytes are restated here):
#   tek1.bin 52a869b79ab9c13bb6a92b0561619cb3, tik1.bin c6d5a9956133050912b24bbe5c372686,
#   secret1.txt "MY-LUKS-PASSPHRASE" (18 bytes, no newline), secret2.txt "SOME OTHER
#   SECRET" (17 bytes), secret3.txt / secret4.txt 16343 / 16344 '.' bytes;
#   --iv rFR07U3TLH2YnsUj2SVZ7A== (base64), --launch-measure-blob below (base64, 48 bytes).
printf '52a869b79ab9c13bb6a92b0561619cb3' | xxd -r -p >tek1
printf 'c6d5a9956133050912b24bbe5c372686' | xxd -r -p >tik1
printf 'MY-LUKS-PASSPHRASE' >secret1
printf 'SOME OTHER SECRET' >secret2
head -c 16343 /dev/zero | tr '\0' . >secret3
head -c 16344 /dev/zero | tr '\0' . >secret4
blob='TLeA7607lZQntLjRY1/i+sbtdSZ+75zxpz4Px9hzpBLwItF5Q2o4prA++3ZZv9ZS'
iv=$(printf 'rFR07U3TLH2YnsUj2SVZ7A==' | base64 -d | od -An -v -tx1 | tr -d ' \n')
g1=736869e5-84f0-4973-92ec-06879ce3da0b g2=736869e5-aaaa-4973-92ec-06879ce3da0b
g3=23058844-597b-42fb-8259-a0f5d9d495af
std=(--tek tek1 --tik tik1 --launch-measure-blob "$blob" --iv "$iv")
# sevctl's expected header_file / payload_file, base64 (same test, "Full test" and "Test
# multi secret injection").
want1_h='AAAAAKxUdO1N0yx9mJ7FI9klWey8FSzeYQ4X8K71VzNKLU/KQsIsQxLjtbhaPUewqshX5Q=='
want1_p='0U3e5PcXv0UW+H4tSBFKOdCYfKE1+j38Bc2fuO16mYiyI+sWx7INfn+lgYj56GL12yyinDa+lVfCCwD/2w5cPA=='
want2_h='AAAAAKxUdO1N0yx9mJ7FI9klWeyZ3r0dOEKHUOhIRqzGYYvTJgdMtBPL1nK6GD9aGET7Ng=='
want2_p='0U3e5PcXv0UW+H4tSBFKObWYfKE1+j38Bc2fuO16mYiyI+sWx7INfn+lgYj56GL12yyinDa+lVfCC+WWs332lpLNUX1ZI3YK7vYgtys4X+uGxEIlkIQ90v8/w8ZFmQMe'

build --secret "$g1:secret1" "${std[@]}" h1 p1
ok $? "sevctl vector, one secret: builds"
[ "$(b64 h1)" = "$want1_h" ] && [ "$(b64 p1)" = "$want1_p" ]
ok $? "sevctl vector, one secret: header and payload byte for byte"
build --secret "$g1:secret1" --secret "$g2:secret2" "${std[@]}" h2 p2
[ "$(b64 h2)" = "$want2_h" ] && [ "$(b64 p2)" = "$want2_p" ]
ok $? "sevctl vector, two secrets: header and payload byte for byte"
grep -qx "packet-header: $want2_h" out.txt && grep -qx "secret: $want2_p" out.txt &&
	grep -q "\"packet-header\": \"$want2_h\", \"secret\": \"$want2_p\"" out.txt
ok $? "printed base64 and QMP command carry the same packet"
# the blob given as a file, in base64 and in binary, and its MEASURE alone (32 bytes)
printf '%s\n' "$blob" >blob.b64
printf '%s' "$blob" | base64 -d >blob.bin
head -c 32 blob.bin >measure.bin
r=0
for m in blob.b64 blob.bin measure.bin; do
	build --secret "$g1:secret1" --tek tek1 --tik tik1 --launch-measure-blob "$m" --iv "$iv" hm pm &&
		[ "$(b64 hm)" = "$want1_h" ] && [ "$(b64 pm)" = "$want1_p" ] || r=1
done
ok $r "the measurement as a base64 file, a binary blob and a 32-byte MEASURE file"
# sevctl's "maximum secret size and proper padding" case: 16343 and 16344 bytes both give
# a 16384-byte payload (a multiple of 16); sevctl has no area limit, so --area-size 16384.
build --secret "$g3:secret3" "${std[@]}" --area-size 16384 h3 p3 &&
	build --secret "$g3:secret4" "${std[@]}" --area-size 16384 h4 p4 &&
	[ "$(stat -c %s p3)" = 16384 ] && [ "$(stat -c %s p4)" = 16384 ]
ok $? "sevctl padding case: 16343- and 16344-byte secrets give 16384-byte payloads"
head -c 16345 /dev/zero | tr '\0' . >secret5
build --secret "$g3:secret5" "${std[@]}" --area-size 16384 h5 p5
[ $? = 1 ] && grep -q "does not fit the 16384-byte secret area" err.txt && [ ! -e p5 ]
ok $? "one byte more does not fit a 16384-byte area: refused, nothing written"

# ---- 2. the same packets from mksecret's table -----------------------------------------
"$LUKSTOOL" mksecret --entry "$g1:secret1" --entry "$g2:secret2" -o table2 >/dev/null &&
	build --table table2 "${std[@]}" ht pt && [ "$(b64 ht)" = "$want2_h" ] &&
	[ "$(b64 pt)" = "$want2_p" ]
ok $? "--table from lukstool mksecret --entry: sevctl's two-secret packet"

# ---- 3. OpenSSL recomputes payload and MAC from the SEV API definition -----------------
r=0
for i in 1 2 3; do
	head -c 16 /dev/urandom >tek; head -c 16 /dev/urandom >tik; head -c 48 /dev/urandom >mblob
	ivr=$(head -c 16 /dev/urandom | od -An -v -tx1 | tr -d ' \n')
	printf 'passphrase %s %s' "$RANDOM" "$i" >pw
	head -c $((i * 100)) /dev/urandom >raw
	rm -f table
	"$LUKSTOOL" mksecret --key-file pw --entry "$g3:raw" -o table >/dev/null || r=1
	build --table table --tek tek --tik tik --launch-measure-blob mblob --iv "$ivr" ho po || r=1
	# payload: AES-128-CTR under the TEK from the IV
	openssl enc -aes-128-ctr -d -K "$(hex tek)" -iv "$ivr" -in po -out dec || r=1
	cmp -s dec table || { echo "# round $i: payload does not decrypt to the table"; r=1; }
	len=$(stat -c %s table)
	le32=$(printf '%08x' "$len" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')
	{ printf '0100000000%s%s%s' "$ivr" "$le32" "$le32" | xxd -r -p; cat po; head -c 32 mblob; } >msg
	mac=$(openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(hex tik)" -r msg | cut -d' ' -f1)
	[ "$(hex ho)" = "00000000$ivr$mac" ] || { echo "# round $i: header $(hex ho), want 00000000$ivr$mac"; r=1; }
done
ok $r "payload and MAC agree with openssl enc -aes-128-ctr and openssl dgst -hmac (3 random sessions)"

# ---- 4. output forms, IV, limits, refusals ---------------------------------------------
build --table table2 "${std[@]}" --base64-files hb pb && [ "$(cat hb)" = "$want2_h" ] &&
	[ "$(cat pb)" = "$want2_p" ] && [ "$(base64 -d hb | b64 /dev/stdin)" = "$want2_h" ]
ok $? "--base64-files writes the base64 forms virsh domsetlaunchsecstate reads"
# base64 of every length mod 3, against coreutils
r=0
for k in 1 2 3 4 5; do
	head -c $((k * 16 + 5)) /dev/urandom >rk
	build --secret "$g3:rk" "${std[@]}" hk pk || r=1
	[ "$(sed -n 's/^secret: //p' out.txt)" = "$(b64 pk)" ] || r=1
	[ "$(sed -n 's/^packet-header: //p' out.txt)" = "$(b64 hk)" ] || r=1
done
ok $r "printed base64 equals coreutils base64 of the files"
build --table table2 --tek tek1 --tik tik1 --launch-measure-blob "$blob" hr1 pr1 &&
	build --table table2 --tek tek1 --tik tik1 --launch-measure-blob "$blob" hr2 pr2 &&
	! cmp -s hr1 hr2 && ! cmp -s pr1 pr2 &&
	openssl enc -aes-128-ctr -d -K "$(hex tek1)" -iv "$(od -An -v -tx1 -j4 -N16 hr1 | tr -d ' \n')" \
		-in pr1 | cmp -s - table2
ok $? "without --iv: a fresh IV each time, carried in the header, and the payload decrypts with it"
# the default limit: 3072 bytes (OVMF AmdSev's area); header 20 + entry 20 + data
head -c 3032 /dev/urandom >fits
head -c 3033 /dev/urandom >big
build --secret "$g3:fits" "${std[@]}" hf pf && [ "$(stat -c %s pf)" = 3072 ] &&
	grep -q "OVMF AmdSev's default" out.txt
ok $? "a 3072-byte table fits the default 3072-byte area; the output says whose default"
build --secret "$g3:big" "${std[@]}" hb2 pb2
[ $? = 1 ] && grep -q "does not fit the 3072-byte secret area" err.txt
ok $? "a 3073-byte table (3088 padded) does not fit the default area: refused"
if [ -f "$OVMF_IMAGE" ]; then
	# REFERENCES.md: the AmdSev build publishes the area at 0x80C000, 0xC00 bytes; and
	# tests/e2e/ovmf_secret_area.py, a separate Python reader of the footer table, agrees.
	read -r pb ps < <(python3 "$top/tests/e2e/ovmf_secret_area.py" "$OVMF_IMAGE")
	build --table table2 "${std[@]}" --ovmf "$OVMF_IMAGE" ho2 po2 &&
		[ "$pb $ps" = "0x80c000 0xc00" ] &&
		grep -q "secret area $((ps)) bytes at $pb" out.txt && grep -q "\"gpa\": $((pb))" out.txt &&
		[ "$(b64 ho2)" = "$want2_h" ]
	ok $? "--ovmf $(basename "$OVMF_IMAGE"): the area (3072 bytes at 0x80c000, as ovmf_secret_area.py reads it) and the QMP gpa"
	build --secret "$g3:big" "${std[@]}" --ovmf "$OVMF_IMAGE" hb3 pb3
	[ $? = 1 ] && grep -q "does not fit the 3072-byte" err.txt
	ok $? "--ovmf: a table larger than the image's area is refused"
else
	# make check builds the image before the tests: its absence is a failure, not a skip.
	ok 1 "no $OVMF_IMAGE (make ovmf): the area read from the image"
	ok 1 "no $OVMF_IMAGE (make ovmf): a table larger than the image's area"
fi
stock=/usr/share/OVMF/OVMF_CODE_4M.fd
if [ -f $stock ]; then
	build --table table2 "${std[@]}" --ovmf $stock hs ps
	[ $? = 3 ] && grep -q "advertises no secret area" err.txt
	ok $? "--ovmf with Debian's OVMF_CODE_4M.fd (no secret area): refused"
else
	ok 1 "no $stock (Debian's ovmf package, which install-deps.sh installs)"
fi
head -c 4096 /dev/urandom >notfw
build --table table2 "${std[@]}" --ovmf notfw hn pn
[ $? = 3 ] && grep -q "advertises no secret area" err.txt
ok $? "--ovmf with a file that is no firmware image: refused"
r=0
build --table secret1 "${std[@]}" hx px; [ $? = 3 ] && grep -q "not a secret table" err.txt || r=1
head -c 15 /dev/urandom >short
build --table table2 --tek short --tik tik1 --launch-measure-blob "$blob" hx px; [ $? = 1 ] || r=1
build --table table2 --tek tek1 --tik tik1 --launch-measure-blob 'AAAA' hx px; [ $? = 1 ] || r=1
build --table table2 --tek tek1 --tik tik1 --launch-measure-blob "$blob" --iv 00ff hx px; [ $? = 1 ] || r=1
build --table table2 --secret "$g1:secret1" --tek tek1 --tik tik1 --launch-measure-blob "$blob" hx px; [ $? = 1 ] || r=1
build --secret "nope:secret1" --tek tek1 --tik tik1 --launch-measure-blob "$blob" hx px; [ $? = 1 ] || r=1
[ ! -e hx ] && [ ! -e px ] || r=1
ok $r "refused: a non-table, a 15-byte TEK, a short blob, a short IV, --table with --secret, a bad GUID"
# ---- 5. sev-secret open: sevctl's own published packet, checked and decrypted -----------
printf '%s' "$want2_h" >sevctl.h.b64; printf '%s' "$want2_p" >sevctl.p.b64
rm -f opened
"$LUKSTOOL" sev-secret open "${std[@]:0:6}" -o opened sevctl.h.b64 sevctl.p.b64 >out.txt 2>err.txt &&
	cmp -s opened table2 && [ "$(stat -c %a opened)" = 600 ]
ok $? "open: sevctl's two-secret packet (base64) passes the MAC and decrypts to mksecret's table"
base64 -d sevctl.p.b64 >sevctl.p; base64 -d sevctl.h.b64 >sevctl.h
printf '\x01' | dd of=sevctl.p bs=1 seek=40 conv=notrunc status=none
rm -f opened
"$LUKSTOOL" sev-secret open "${std[@]:0:6}" -o opened sevctl.h sevctl.p >out.txt 2>err.txt
[ $? = 4 ] && grep -q "MAC does not match" err.txt && [ ! -e opened ]
ok $? "open: one changed payload byte fails the MAC (exit 4), nothing written"
head -c 48 /dev/urandom >other.blob
"$LUKSTOOL" sev-secret open --tek tek1 --tik tik1 --launch-measure-blob other.blob -o opened \
	sevctl.h.b64 sevctl.p.b64 >out.txt 2>err.txt
[ $? = 4 ] && [ ! -e opened ]
ok $? "open: another launch measurement fails the MAC (exit 4)"
"$LUKSTOOL" sev-secret open --tek tik1 --tik tik1 --launch-measure-blob "$blob" -o opened \
	sevctl.h.b64 sevctl.p.b64 >out.txt 2>err.txt
[ $? = 3 ] && grep -q "no secret table (wrong TEK?)" err.txt && [ ! -e opened ]
ok $? "open: the right TIK with a wrong TEK: MAC matches, payload refused (exit 3)"
"$LUKSTOOL" sev-secret --help | grep -q -- '--launch-measure-blob BLOB' &&
	"$LUKSTOOL" --help | grep -q 'sev-secret build'
ok $? "sev-secret --help and the top-level synopsis"

tap_end
