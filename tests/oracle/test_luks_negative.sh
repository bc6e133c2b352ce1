#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Damaged, truncated and hostile LUKS headers.  Every binary header field is corrupted in
# turn (one copy: must still open; both: exit 3); hostile JSON is re-sealed with valid
# checksums so that only metadata validation can catch it, and cryptsetup itself is the
# oracle that each such header is invalid.  Unsupported features give exit 5.
. "$(dirname "$0")/luks_lib.sh"

printf 'hunter2' >pw
truncate -s 20M base
# shellcheck disable=SC2086
cryptsetup luksFormat -q --type luks2 $PB --key-file pw base
# shellcheck disable=SC2086
cryptsetup luksAddKey -q $PB --key-file pw base pw
printf '{"type":"t","keyslots":["0"]}' >tok.json
cryptsetup token import --json-file tok.json base
hdr=$(python3 -c 'import struct,sys; print(struct.unpack(">Q", open(sys.argv[1],"rb").read(16)[8:16])[0])' base)

poke() { # poke FILE OFFSET: flip the bits of one byte
	python3 - "$1" "$2" <<'PY'
import sys
with open(sys.argv[1], 'r+b') as f:
    o = int(sys.argv[2]); f.seek(o); b = f.read(1); f.seek(o); f.write(bytes([b[0] ^ 0xff]))
PY
}

# field offset name (LUKS2 binary header)
fields="0:magic 6:version 15:hdr_size 23:seqid 24:label 72:checksum_alg 104:salt 168:uuid
208:subsystem 263:hdr_offset 300:padding 448:checksum 4096:json 8000:json_padding"
for f in $fields; do
	off=${f%%:*} name=${f#*:}
	cp base one; poke one "$off"
	rc 0 "primary $name corrupted: opens from the secondary" "$LT" unlock --key-file pw one
	check "primary $name corrupted: dump reports the primary BAD" \
		grep -q "primary BAD" <("$LT" dump one 2>/dev/null)
	cp base sec; poke sec $((hdr + off))
	rc 0 "secondary $name corrupted: opens from the primary" "$LT" unlock --key-file pw sec
	cp base two; poke two "$off"; poke two $((hdr + off))
	rc 3 "both $name corrupted: rejected" "$LT" unlock --key-file pw two
	check "both $name corrupted: reason on stderr" grep -q "LUKS2 header" "$T/err"
	cryptsetup luksDump two >/dev/null 2>&1
	check "both $name corrupted: cryptsetup also refuses" test $? -ne 0
done

# primary wiped entirely: the secondary is found by scanning the allowed offsets
cp base wiped; dd if=/dev/zero of=wiped bs=4096 count=1 conv=notrunc status=none
rc 0 "primary wiped: secondary found by scan" "$LT" unlock --key-file pw wiped
# a bigger header (64 KiB): the secondary lives at 64 KiB
truncate -s 20M big
# shellcheck disable=SC2086
cryptsetup luksFormat -q --type luks2 $PB --luks2-metadata-size 64k --key-file pw big
dd if=/dev/zero of=big bs=4096 count=1 conv=notrunc status=none
rc 0 "64 KiB header, primary wiped: secondary found at 64 KiB" "$LT" unlock --key-file pw big

# sequence ids: the copy with the higher seqid wins when both are valid
cp base seq
$EDIT seq --copy secondary --expr 'j["keyslots"]["1"]["priority"]=0'
python3 - seq "$hdr" <<'PY'
import struct, sys
with open(sys.argv[1], 'r+b') as f:
    off = int(sys.argv[2]); f.seek(off + 16); s = struct.unpack('>Q', f.read(8))[0]
    f.seek(off + 16); f.write(struct.pack('>Q', s + 1))
PY
$EDIT seq --copy secondary --reseal
check "higher seqid secondary is used" grep -q "using secondary" <("$LT" dump seq)
check "... and its metadata (slot 1 ignored)" \
	grep -q "Priority:   ignore" <("$LT" dump seq)

# truncated images: the verdict of cryptsetup, with exit 3 for every refusal
for size in 0 511 4095 16384 20000 32768 1048576 16777216; do
	cp base tr; truncate -s "$size" tr
	cryptsetup luksDump tr >/dev/null 2>&1 && want=0 || want=3
	rc "$want" "truncated to $size bytes: same verdict as cryptsetup (exit $want)" "$LT" dump tr
done
cp base tr; truncate -s 1048576 tr
rc 3 "truncated inside the keyslots area: unlock refused" "$LT" unlock --key-file pw tr
head -c 1M /dev/zero >zeros; rc 3 "zero file: not LUKS" "$LT" unlock --key-file pw zeros

# hostile JSON, re-sealed: cryptsetup must refuse each, and so must we (exit 3)
hostile() { # hostile DESC (--expr PY | --raw TEXT)
	local d=$1; shift
	cp base h
	if ! $EDIT h "$@" 2>/dev/null; then not_ok "$d: could not build"; return; fi
	cryptsetup luksDump h >/dev/null 2>&1
	if [ $? -eq 0 ]; then not_ok "$d: cryptsetup accepts it (bad test)"; return; fi
	rc 3 "hostile JSON: $d" "$LT" dump h
}
# json-c (cryptsetup's parser) allows 32 levels of nesting: root, tokens, "0", then arrays
cp base d32
$EDIT d32 --expr "j['tokens']['0']['x']=json.loads('['*29 + ']'*29)"
check "nesting depth 32: cryptsetup accepts it" cryptsetup luksDump d32
rc 0 "nesting depth 32: accepted as cryptsetup does" "$LT" dump d32
hostile "nesting depth 33" --expr "j['tokens']['0']['x']=json.loads('['*30 + ']'*30)"
deep=$(python3 -c 'print("["*40 + "]"*40)')
hostile "nesting 40 deep" --expr "j['tokens']['0']['x']=json.loads('$deep')"
hostile "key_size beyond 64 bits" --expr 'j["keyslots"]["0"]["key_size"]=99999999999999999999'
hostile "key_size negative" --expr 'j["keyslots"]["0"]["key_size"]=-64'
hostile "key_size as a float" --expr 'j["keyslots"]["0"]["key_size"]=64.5'
hostile "area offset beyond 2^64" --expr 'j["keyslots"]["0"]["area"]["offset"]="18446744073709551616"'
hostile "keyslot areas overlap" --expr 'j["keyslots"]["1"]["area"]["offset"]=j["keyslots"]["0"]["area"]["offset"]'
hostile "keyslot area beyond the keyslots area" --expr 'j["keyslots"]["0"]["area"]["offset"]="16777216"'
hostile "keyslot area inside the header" --expr 'j["keyslots"]["0"]["area"]["offset"]="4096"'
hostile "keyslot area size overflows" --expr 'j["keyslots"]["0"]["area"]["size"]="18446744073709551615"'
hostile "segment inside the keyslots area" --expr 'j["segments"]["0"]["offset"]="65536"'
hostile "segment offset not numeric" --expr 'j["segments"]["0"]["offset"]="0x100"'
hostile "segment size zero" --expr 'j["segments"]["0"]["size"]="0"'
hostile "segment size not sector aligned" --expr 'j["segments"]["0"]["size"]="1536"'
hostile "sector_size not a multiple of 512" --expr 'j["segments"]["0"]["sector_size"]=1000'
hostile "iv_tweak negative" --expr 'j["segments"]["0"]["iv_tweak"]="-1"'
hostile "no segments" --expr 'j["segments"]={}; j["digests"]["0"]["segments"]=[]'
hostile "second dynamic segment overlaps" --expr 'j["segments"]["1"]=dict(j["segments"]["0"]); j["digests"]["0"]["segments"].append("1")'
hostile "json_size differs from the binary header" --expr 'j["config"]["json_size"]="28672"'
hostile "keyslots_size not 4 KiB aligned" --expr 'j["config"]["keyslots_size"]="16744449"'
hostile "keyslots_size beyond the data offset" --expr 'j["config"]["keyslots_size"]="33554432"'
hostile "digest names a missing keyslot" --expr 'j["digests"]["0"]["keyslots"].append("7")'
hostile "digest names a missing segment" --expr 'j["digests"]["0"]["segments"].append("3")'
hostile "token names a missing keyslot" --expr 'j["tokens"]["0"]["keyslots"]=["9"]'
hostile "keyslot without digest" --expr 'j["digests"]["0"]["keyslots"].remove("1")'
hostile "keyslot id not a number" --expr 'j["keyslots"]["x"]=j["keyslots"].pop("1"); j["digests"]["0"]["keyslots"].remove("1")'
hostile "keyslot without type" --expr 'del j["keyslots"]["0"]["type"]'
hostile "af type unknown" --expr 'j["keyslots"]["0"]["af"]["type"]="luks3"'
hostile "area type unknown" --expr 'j["keyslots"]["0"]["area"]["type"]="sparse"'
hostile "missing config" --expr 'del j["config"]'
hostile "missing digests" --expr 'del j["digests"]'
hostile "keyslots is an array" --expr 'j["keyslots"]=[]'
hostile "requirements not an object" --expr 'j["config"]["requirements"]=["x"]'
hostile "config flags not strings" --expr 'j["config"]["flags"]=[1]'
hostile "truncated JSON" --raw '{"keyslots":{'
hostile "root is an array" --raw '[]'
hostile "bytes after the JSON object" --raw '{"keyslots":{},"tokens":{},"segments":{},"digests":{},"config":{}}x'

# Base64 text that is not base64: refused as soon as the header is read (stricter than
# cryptsetup, which reads such a header and fails later; see the README).
unusable() { # DESC PY
	cp base m
	if ! $EDIT m --expr "$2" 2>/dev/null; then not_ok "$1: could not build"; return; fi
	rc 3 "not base64: $1" "$LT" dump m
	rc 3 "not base64: $1: unlock refuses too" "$LT" unlock --key-file pw m
}
unusable "digest salt not base64" 'j["digests"]["0"]["salt"]="!!!!"'
unusable "digest value with stray bits after the padding" 'j["digests"]["0"]["digest"]="AB=="'
unusable "keyslot salt not base64" 'j["keyslots"]["0"]["kdf"]["salt"]="abc"'

# A digest that no key can match (a value of the wrong length, a missing field): the header
# is valid, as cryptsetup says (dump shows it), and unlock refuses at once with the reason
# (exit 4), with the right passphrase too.  Never what cryptsetup 2.6.1 does: for a value
# of the wrong length its PBKDF2_digest_verify returns success without comparing anything,
# so it opens such a volume with ANY passphrase.
nomatch() { # DESC PY
	cp base m
	if ! $EDIT m --expr "$2" 2>/dev/null; then not_ok "$1: could not build"; return; fi
	check "no key can match: $1: cryptsetup reads the header" cryptsetup luksDump m
	rc 0 "no key can match: $1: dump shows it" "$LT" dump m
	check "no key can match: $1: dump says why" grep -q "Unusable:.*no key can match" "$T/out"
	rc 4 "no key can match: $1: unlock refuses the right passphrase" "$LT" unlock --key-file pw m
	check "no key can match: $1: with the reason" grep -q "no key can match" "$T/err"
}
nomatch "digest of 8 bytes" 'j["digests"]["0"]["digest"]="AAAAAAAAAAA="'
nomatch "digest of 31 bytes for sha256" 'j["digests"]["0"]["digest"]="A"*40+"AA=="'
nomatch "digest value a number" 'j["digests"]["0"]["digest"]=5'
nomatch "digest without hash" 'del j["digests"]["0"]["hash"]'
nomatch "digest iterations zero" 'j["digests"]["0"]["iterations"]=0'
cp base m; $EDIT m --expr 'j["digests"]["0"]["digest"]="AAAAAAAAAAA="'
printf 'not the passphrase' >wrongpw
check "digest of 8 bytes: cryptsetup 2.6.1 opens it with a wrong passphrase (why we differ)" \
	cryptsetup open --test-passphrase --key-file wrongpw m

# Salts of other lengths than cryptsetup writes (32 bytes), with everything that depends
# on them re-derived (luks2_resalt.py): valid volumes another writer could have made.
vk=$(cs_vk base pw)
for len in 16 20 64; do
	cp base s
	python3 "$top/tests/oracle/luks2_resalt.py" s --volume-key "$vk" --digest 0 --salt-len $len
	check "digest salt of $len bytes: cryptsetup reads the header" cryptsetup luksDump s
	rc 0 "digest salt of $len bytes: opens" "$LT" unlock --key-file pw s
	rc 4 "digest salt of $len bytes: a wrong passphrase does not" "$LT" unlock --key-file wrongpw s
done
for len in 8 16 64 128; do
	cp base s
	python3 "$top/tests/oracle/luks2_resalt.py" s --passphrase-file pw --keyslot 0 --salt-len $len
	check "keyslot salt of $len bytes: cryptsetup reads the header" cryptsetup luksDump s
	rc 0 "keyslot salt of $len bytes: keyslot 0 opens" "$LT" unlock --key-slot 0 --key-file pw s
	check "keyslot salt of $len bytes: with the volume key" \
		test "$(lt_vk --key-slot 0 --key-file pw s)" = "$vk"
	rc 4 "keyslot salt of $len bytes: a wrong passphrase does not" "$LT" unlock --key-slot 0 --key-file wrongpw s
done
cp base s
python3 "$top/tests/oracle/luks2_resalt.py" s --passphrase-file pw --keyslot 0 --salt-len 129
rc 0 "keyslot salt of 129 bytes: header read" "$LT" dump s
rc 5 "keyslot salt of 129 bytes: keyslot 0 unsupported" "$LT" unlock --key-slot 0 --key-file pw s
check "... naming the salt" grep -q "salt longer than 128 bytes" "$T/err"
rc 0 "keyslot salt of 129 bytes: keyslot 1 still opens" "$LT" unlock --key-file pw s
cp base s
python3 "$top/tests/oracle/luks2_resalt.py" s --volume-key "$vk" --digest 0 --salt-len 129
rc 0 "digest salt of 129 bytes: header read" "$LT" dump s
rc 5 "digest salt of 129 bytes: unsupported" "$LT" unlock --key-file pw s
check "... naming the salt" grep -q "digest salt longer than 128 bytes" "$T/err"

# Keyslot priority as cryptsetup reads it (json-c's json_object_get_int, never validated):
# the slot cryptsetup tries first is the one that opens, with both tools.
for pv in '"2"' '2.7' 'true' '"x"' '7' '99999999999'; do
	cp base p; $EDIT p --expr "j['keyslots']['1']['priority']=json.loads('$pv')"
	want=$(cryptsetup -v open --test-passphrase --key-file pw p 2>&1 | grep -o "Key slot [0-9]")
	got=$("$LT" unlock --key-file pw p 2>/dev/null | grep -o "Key slot [0-9]")
	check "keyslot 1 priority $pv: $want opens, as with cryptsetup" test -n "$want" -a "$got" = "$want"
done

# "Leftover" parameters of the other KDF (cryptsetup's repair drops them) and blanks
# after the JSON object (json-c consumes them): both valid for cryptsetup and for us.
compatible() { # DESC (--expr PY | --raw TEXT)
	local d=$1; shift
	cp base c
	if ! $EDIT c "$@" 2>/dev/null; then not_ok "$d: could not build"; return; fi
	check "$d: cryptsetup reads it" cryptsetup luksDump c
	check "$d: cryptsetup opens it" cryptsetup open --test-passphrase --key-file pw c
	rc 0 "$d: opens" "$LT" unlock --key-file pw c
}
compatible "pbkdf2 keyslot with argon2 leftovers" --expr 'j["keyslots"]["0"]["kdf"].update(time=4, memory=1024, cpus=1); j["keyslots"]["1"]["kdf"].update(time=4, memory=1024, cpus=1)'
cp base a2; cryptsetup luksKillSlot -q --key-file pw a2 1
# shellcheck disable=SC2086
cryptsetup luksAddKey -q --pbkdf argon2id $A2 --key-file pw a2 pw
cp a2 c; $EDIT c --expr 'j["keyslots"]["1"]["kdf"].update(hash="sha256", iterations=1000)'
check "argon2 keyslot with pbkdf2 leftovers: cryptsetup opens it" \
	cryptsetup open --test-passphrase --key-slot 1 --key-file pw c
rc 0 "argon2 keyslot with pbkdf2 leftovers: opens" "$LT" unlock --key-slot 1 --key-file pw c
compatible "pbkdf2 digest with argon2 leftovers" --expr 'j["digests"]["0"].update(time=4, memory=1024, cpus=1)'
json=$(dd if=base bs=4096 skip=1 count=3 status=none | tr -d '\0')
# json-c writes '/' as "\/"; any escape may stand for a plain character
esc=$(printf '%s' "$json" | sed -e 's,/,\\/,g' -e 's/"sha256"/"sha\\u0032\\u00356"/g' \
	-e 's/"type":"luks2"/"typ\\u0065":"luks2"/g')
compatible "escaped characters in JSON strings and keys" --raw "$esc"
compatible "blanks after the JSON object" --raw "$json
	  "
compatible "config sizes with a sign and blanks (strtoull)" --expr 'j["config"]["json_size"]=" +"+j["config"]["json_size"]; j["config"]["keyslots_size"]="+"+j["config"]["keyslots_size"]'
hostile "keyslot id with a leading zero" --expr 'j["keyslots"]["01"]=j["keyslots"].pop("1"); j["digests"]["0"]["keyslots"]=["0","01"]'
hostile "sign in a segment offset" --expr 'j["segments"]["0"]["offset"]="+"+j["segments"]["0"]["offset"]'
hostile "blank in a keyslot area size" --expr 'j["keyslots"]["1"]["area"]["size"]=" "+j["keyslots"]["1"]["area"]["size"]'
hostile "config keyslots_size -4096 (strtoull: 2^64-4096)" --expr 'j["config"]["keyslots_size"]="-4096"'
compatible "leading zeros in numeric strings" --expr 'j["segments"]["0"]["offset"]="0"+j["segments"]["0"]["offset"]'

unsupported() { # DESC PY
	cp base u
	$EDIT u --expr "$2"
	rc 0 "$1: dump still works" "$LT" dump u
	rc 5 "$1: unlock says unsupported" "$LT" unlock --key-file pw u
	check "$1: cryptsetup also reads it as a valid header" cryptsetup luksDump u
}
unsupported "unknown mandatory requirement" 'j["config"]["requirements"]={"mandatory":["future-feature"]}'
unsupported "integrity segment" 'j["segments"]["0"]["integrity"]={"type":"hmac(sha256)","journal_encryption":"none","journal_integrity":"none"}'
unsupported "unknown KDF" 'j["keyslots"]["0"]["kdf"]={"type":"scrypt","salt":"x"}; j["keyslots"]["1"]["kdf"]={"type":"scrypt","salt":"x"}'
cp base u; $EDIT u --expr 'j["segments"]["0"]["encryption"]="serpent-xts-plain64"'
rc 5 "cipher unknown to us: unsupported" "$LT" unlock --key-file pw u
cp base u; $EDIT u --expr 'j["keyslots"]["0"]["area"]["encryption"]="camellia-xts-plain64"; j["keyslots"]["1"]["area"]["encryption"]="camellia-xts-plain64"'
rc 5 "keyslot cipher unknown to us: unsupported" "$LT" unlock --key-file pw u

# Well-formed volumes that use what we do not implement: exit 5, the message names it.
for spec in "luks1 --hash whirlpool:whirlpool" "luks2 --hash whirlpool:whirlpool"; do
	opts=${spec%%:*} word=${spec#*:}
	rm -f uf; truncate -s 4M uf
	# shellcheck disable=SC2086
	if ! cryptsetup luksFormat -q --type $opts $PB --key-file pw uf >/dev/null 2>&1; then
		not_ok "cryptsetup luksFormat --type $opts failed"; continue
	fi
	check "--type $opts: cryptsetup opens it" cryptsetup open --test-passphrase --key-file pw uf
	rc 0 "--type $opts: dump works" "$LT" dump uf
	rc 5 "--type $opts: unlock says unsupported" "$LT" unlock --key-file pw uf
	check "--type $opts: the message names $word" grep -q "$word" "$T/err"
done
# ciphers the kernel here cannot run for cryptsetup: named in the header instead (LUKS1
# cipher-name field; LUKS2 segment and keyslot encryption)
rm -f uf; truncate -s 4M uf
# shellcheck disable=SC2086
cryptsetup luksFormat -q --type luks1 $PB --key-file pw uf
for c in serpent twofish; do
	cp uf uc; printf '%s\0' "$c" | dd of=uc bs=1 seek=8 conv=notrunc status=none
	check "LUKS1 $c: cryptsetup reads the header" cryptsetup luksDump uc
	rc 0 "LUKS1 $c: dump works" "$LT" dump uc
	rc 5 "LUKS1 $c: unlock says unsupported" "$LT" unlock --key-file pw uc
	check "LUKS1 $c: the message names $c" grep -q "$c" "$T/err"
	cp base uc; $EDIT uc --expr "for k in ('0','1'): j['keyslots'][k]['area']['encryption']='$c-xts-plain64'
j['segments']['0']['encryption']='$c-xts-plain64'"
	check "LUKS2 $c: cryptsetup reads the header" cryptsetup luksDump uc
	rc 5 "LUKS2 $c: unlock says unsupported" "$LT" unlock --key-file pw uc
	check "LUKS2 $c: the message names $c" grep -q "$c" "$T/err"
done

# A damaged LUKS2 header copy on a device that also carries another signature: cryptsetup
# (blkid) refuses to recover from the other copy until the device is repaired; so do we.
# blkid -p is the oracle that the signature we wrote is one.
foreign() { # DESC OFFSET HEXBYTES...
	local d=$1 off=$2; shift 2
	cp base f
	dd if=/dev/zero of=f bs=4096 count=1 conv=notrunc status=none
	python3 - f "$off" "$@" <<'PY'
import sys, zlib, struct
with open(sys.argv[1], 'r+b') as f:
    off = int(sys.argv[2])
    for part in sys.argv[3:]:
        if part == 'lvmcrc':  # LVM's CRC-32: seed 0xf597a6cf, no final inversion
            f.seek(off + 20); rest = f.read(492)
            crc = ~zlib.crc32(rest, ~0xf597a6cf & 0xffffffff) & 0xffffffff
            f.seek(off + 16); f.write(struct.pack('<I', crc)); continue
        at, hexbytes = part.split(':')
        f.seek(off + int(at)); f.write(bytes.fromhex(hexbytes))
PY
	local type
	type=$(blkid -p -n nocrypto_LUKS -o value -s TYPE f 2>/dev/null)
	check "$d: blkid sees $type" test -n "$type" -a "$type" != crypto_LUKS
	cryptsetup luksDump f >/dev/null 2>&1
	check "$d: cryptsetup refuses the ambiguous device" test $? -ne 0
	rc 3 "$d: refused" "$LT" unlock --key-file pw f
	check "$d: the message says why" grep -q "ambiguous" "$T/err"
}
# LVM2 label in sector 1: "LABELONE", its sector number, crc, offset to the PV header
# (32), "LVM2 001", then the PV header (its 32-character id)
pvid=$(printf 'x%.0s' {1..32} | xxd -p | tr -d '\n')
foreign "LVM2 PV label over the primary header" 512 "0:4c4142454c4f4e45" "8:0100000000000000" \
	"20:20000000" "24:4c564d3220303031" "32:$pvid" lvmcrc
# the first 4 KiB of a real ext4 file system (mke2fs), written over the primary header
rm -f e4; truncate -s 8M e4; mke2fs -q -F -t ext4 e4 >/dev/null 2>&1
e4hex=$(dd if=e4 bs=1024 skip=1 count=1 status=none | xxd -p | tr -d '\n')
foreign "ext4 superblock over the primary header" 1024 "0:$e4hex"
cp base f; dd if=/dev/zero of=f bs=4096 count=1 conv=notrunc status=none
rc 0 "primary wiped, no other signature: still opens from the secondary" "$LT" unlock --key-file pw f

# A LUKS2 segment that starts beyond the end of the device: the header reads (dump, and
# cryptsetup's luksDump), but there is no data to publish (cryptsetup: device too small).
cp base sb; $EDIT sb --expr 'j["segments"]["0"]["offset"]="104857600"'
check "segment beyond the device: cryptsetup reads the header" cryptsetup luksDump sb
rc 0 "segment beyond the device: dump works" "$LT" dump sb
rc 3 "segment beyond the device: unlock refused" "$LT" unlock --key-file pw sb
check "... with the reason" grep -q "smaller than the data segment" "$T/err"

# reencryption in progress (cryptsetup's own offline --init-only)
head -c 1M /dev/urandom >rd
# shellcheck disable=SC2086
if cryptsetup reencrypt -q --encrypt --init-only --type luks2 --header rh $PB --key-file pw rd >/dev/null 2>&1; then
	rc 0 "reencryption in progress: dump works" "$LT" dump --header rh rd
	rc 5 "reencryption in progress: unlock unsupported" "$LT" unlock --header rh --key-file pw rd
	# the same with the requirement flag and a backup segment flag written with escapes
	cp rh rh2
	rj=$(dd if=rh bs=4096 skip=1 count=3 status=none | tr -d '\0' |
		sed -e 's/"online-reencrypt/"online\\u002dreencrypt/' -e 's/"backup-/"backup\\u002d/g')
	$EDIT rh2 --raw "$rj"
	check "escaped requirement flag: cryptsetup reads it" cryptsetup luksDump --header rh2 rd
	rc 0 "escaped requirement flag: dump works" "$LT" dump --header rh2 rd
	rc 5 "escaped requirement flag: unlock unsupported" "$LT" unlock --header rh2 --key-file pw rd
else
	not_ok "cryptsetup reencrypt --init-only failed"
fi

# LUKS1: damaged fields
truncate -s 4M l1
# shellcheck disable=SC2086
cryptsetup luksFormat -q --type luks1 $PB --key-file pw l1
rc 0 "LUKS1 opens" "$LT" unlock --key-file pw l1
# (iteration counts are not flipped: a huge count is a valid, very slow header)
for f in 0:magic 6:version 8:cipher_name 40:cipher_mode 72:hash 104:payload_offset 108:key_bytes \
	112:mk_digest 132:mk_salt 168:uuid 208:slot0_active 216:slot0_salt 248:slot0_offset 252:slot0_stripes; do
	off=${f%%:*} name=${f#*:}
	cp l1 l1b; poke l1b "$off"
	if [ "$name" = payload_offset ]; then
		# the key still opens (cryptsetup --test-passphrase does not look at the data), but
		# the payload now starts beyond the device: no data to publish
		rc 0 "LUKS1 payload offset beyond the device: dump works" "$LT" dump l1b
		rc 3 "LUKS1 payload offset beyond the device: unlock refused" "$LT" unlock --key-file pw l1b
		check "... with the reason" grep -q "smaller than the data segment" "$T/err"
		continue
	fi
	cryptsetup open --test-passphrase --key-file pw l1b >/dev/null 2>&1 && want=0 || want=x
	"$LT" unlock --key-file pw l1b >/dev/null 2>"$T/err"; got=$?
	if [ "$want" = 0 ] && [ "$got" = 0 ]; then ok "LUKS1 $name damaged: both open"
	elif [ "$want" != 0 ] && [ "$got" -ge 3 ] && [ "$got" -le 5 ]; then ok "LUKS1 $name damaged: refused (exit $got) as cryptsetup does"
	else not_ok "LUKS1 $name damaged: exit $got, cryptsetup ${want}"; fi
done
# zero iterations: cryptsetup reads the header and opens nothing; so do we (the header is
# valid, dump shows the slot or digest "Unusable")
for f in 164:digest 212:slot0; do
	cp l1 l1z; printf '\0\0\0\0' | dd of=l1z bs=1 seek="${f%%:*}" conv=notrunc status=none
	check "LUKS1 ${f#*:} iterations 0: cryptsetup reads the header" cryptsetup luksDump l1z
	rc 0 "LUKS1 ${f#*:} iterations 0: dump works" "$LT" dump l1z
	check "LUKS1 ${f#*:} iterations 0: dump says Unusable" grep -q "Unusable:" "$T/out"
	cryptsetup open --test-passphrase --key-file pw l1z >/dev/null 2>&1
	check "LUKS1 ${f#*:} iterations 0: cryptsetup does not open it" test $? -ne 0
	"$LT" unlock --key-file pw l1z >/dev/null 2>"$T/err"
	check "LUKS1 ${f#*:} iterations 0: neither do we" test $? -ne 0
done
cp l1 l1t; truncate -s 100000 l1t
rc 3 "LUKS1 truncated inside the key material" "$LT" unlock --key-file pw l1t
cryptsetup luksDump l1t >/dev/null 2>&1
check "LUKS1 truncated inside the key material: cryptsetup refuses the header" test $? -ne 0
rc 3 "LUKS1 truncated inside the key material: header refused (dump)" "$LT" dump l1t
check "... device too small" grep -q "too small" "$T/err"
finish
