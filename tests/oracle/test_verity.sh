#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Oracle test for the dm-verity reader (lukstool verify and dump, verity/ in the core)
# against veritysetup (Debian's cryptsetup-bin), which makes every tree here and judges
# every image with its own userspace verify:
#   agreement   lukstool verify exits 0 iff veritysetup verify does, over sha1/sha256/
#               sha512 x formats 0 and 1 x block sizes 512/1024/4096 (equal, and mixed)
#               x 1 and 129 data blocks (20000 for a few) x salt empty / 256 bytes /
#               veritysetup's default x tree on a separate file / on the data file after
#               the data (--hash-offset) x with and without superblock (a subset); each
#               image once as made and once with a data byte flipped (both must refuse)
#   dump        lukstool dump shows what veritysetup dump shows for each superblock
#   LUKS        the same layout made on a plain file, then encrypted in place by
#               cryptsetup (reencrypt --encrypt, detached header): lukstool verify
#               --key-file reads it in the plaintext; a flipped ciphertext byte is refused,
#               and veritysetup refuses the plaintext lukstool decrypt gives for it
#   tampering   a data byte, a leaf / middle / top hash byte, a byte of a hash block's
#               zero padding, the superblock's salt, hash type, algorithm, version and
#               data_blocks, truncated devices, old data or old tree against a new root:
#               refused by both, with lukstool's reason; leaf hash blocks presented as
#               data (a data_blocks that covers the tree) refused by lukstool alone
#               (veritysetup takes data_blocks from the superblock and ignores ours).
. "$(dirname "$0")/luks_lib.sh"

command -v veritysetup >/dev/null || { echo "Bail out! veritysetup missing (Debian's cryptsetup-bin)"; exit 1; }
[ -x "$LT" ] || { echo "Bail out! $LT missing (run make)"; exit 1; }
echo "# $(veritysetup --version)"

printf 'verity oracle %s' "$RANDOM$RANDOM" >key

# flip FILE OFFSET [MASK]: xor one byte (default mask 1)
flip() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1")
	# shellcheck disable=SC2059 # the format is the octal escape of the new byte
	printf "$(printf '\\%03o' $((b ^ ${3:-1})))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
# poke FILE OFFSET HEXBYTES: write bytes
poke() { printf '%s' "$3" | xxd -r -p | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }

# mk ALG FMT DBS HBS BLOCKS SALT PLACE SB: makes data (d) and tree (h, or d at $off),
# sets $root, $salt (hex or -), $off, $vsopts (what veritysetup verify needs besides the
# devices), $ltopts (the same for lukstool), $hashdev (h, or empty for the data file).
mk() {
	local alg=$1 fmt=$2 dbs=$3 hbs=$4 n=$5 s=$6 place=$7 sb=$8 saltopt=() fmtopts=()
	rm -f d h fmt.out
	head -c $((n * dbs)) /dev/urandom >d
	case $s in
	empty) saltopt=(--salt -) ;;
	256) saltopt=(--salt "$(head -c 256 /dev/urandom | xxd -p | tr -d '\n')") ;;
	esac
	off=0
	if [ "$place" = same ]; then
		off=$(((n * dbs + 4095) / 4096 * 4096))
		truncate -s "$off" d
	fi
	fmtopts=(--hash "$alg" --format "$fmt" --data-block-size "$dbs" --hash-block-size "$hbs"
		--data-blocks "$n" --hash-offset "$off")
	[ "$sb" = nosb ] && fmtopts+=(--no-superblock)
	if [ "$place" = same ]; then hashdev=; else hashdev=h; fi
	veritysetup format "${fmtopts[@]}" "${saltopt[@]}" d "${hashdev:-d}" >fmt.out 2>&1 || return 1
	read -r root salt < <(awk -F'\t' '/^Root hash:/ { r = $2 } /^Salt:/ { s = $2 }
		END { print r, s }' fmt.out)
	if [ "$sb" = nosb ]; then
		vsopts=("${fmtopts[@]}" --salt "$salt")
		ltopts=(--verity-no-superblock --verity-hash "$alg" --verity-format "$fmt"
			--verity-data-block-size "$dbs" --verity-hash-block-size "$hbs"
			--verity-data-blocks "$n" --verity-hash-offset "$off" --verity-salt "$salt")
	else
		vsopts=(--hash-offset "$off")
		ltopts=(--verity-hash-offset "$off")
	fi
	[ -n "$root" ]
}
vs_verify() { veritysetup verify "${vsopts[@]}" "$@" >/dev/null 2>&1; }
lt_verify() { "$LT" verify "${ltopts[@]}" --verity-root-hash "$root" "$@" >lt.out 2>lt.err; }

# agree DESC: both verify d (and the tree) as made, and both refuse it with a data byte
# flipped; lukstool's exit status is 6 then (4 for a one-block volume, no tree).
agree() {
	local d=$1 vs lt n dbs=$2 blocks=$3
	vs_verify d ${hashdev:-d} "$root"; vs=$?
	lt_verify d $hashdev; lt=$?
	if [ "$vs" = 0 ] && [ "$lt" = 0 ]; then ok "$d: both verify"; else
		not_ok "$d: veritysetup $vs, lukstool $lt"; sed 's/^/# /' lt.err | head -3; fi
	n=$((RANDOM % blocks))
	flip d $((n * dbs + RANDOM % dbs)) 4
	vs_verify d ${hashdev:-d} "$root"; vs=$?
	lt_verify d $hashdev; lt=$?
	local want=6
	[ "$blocks" = 1 ] && want=4
	if [ "$vs" != 0 ] && [ "$lt" = "$want" ]; then ok "$d, data block $n flipped: both refuse"; else
		not_ok "$d, data block $n flipped: veritysetup $vs, lukstool $lt (want non-zero, $want)"; fi
}

# dump_fields FILE: the fields both dumps show, one "Key=value" a line
dump_fields() {
	awk -F'\t' '/^(UUID|Hash type|Data blocks|Data block size|Hash blocks|Hash block size|Hash algorithm|Salt):/ {
		k = $1; sub(/ +$/, "", k); v = $2; gsub(/^[ \t]+|[ \t]+$/, "", v); print k "=" v }' "$1"
}
# dumps_agree DESC: lukstool dump shows veritysetup dump's fields for the superblock.
dumps_agree() {
	local f=${hashdev:-d} vs lt
	veritysetup dump --hash-offset "$off" "$f" >vs.dump 2>&1
	"$LT" dump --verity-hash-offset "$off" "$f" >lt.dump 2>&1
	vs=$(dump_fields vs.dump) lt=$(dump_fields lt.dump)
	if [ "$vs" = "$lt" ] && [ "$(wc -l <<<"$lt")" = 8 ]; then
		ok "$1: lukstool dump agrees with veritysetup dump"
	else
		not_ok "$1: dumps differ"; diff <(echo "$vs") <(echo "$lt") | sed 's/^/# /' | head -6
	fi
}

# ---- the agreement matrix ---------------------------------------------------------------
sizes="512:512 1024:1024 4096:4096 512:4096 4096:1024"
i=0
for alg in sha1 sha256 sha512; do
	for fmt in 0 1; do
		for bs in $sizes; do
			dbs=${bs%:*} hbs=${bs#*:}
			for n in 1 129; do
				for s in default empty 256; do
					for place in sep same; do
						i=$((i + 1))
						sb=sb
						[ $((i % 5)) = 0 ] && sb=nosb
						desc="$alg format $fmt $dbs/$hbs, $n blocks, salt $s, $place, $sb"
						if ! mk "$alg" "$fmt" "$dbs" "$hbs" "$n" "$s" "$place" "$sb"; then
							not_ok "$desc: veritysetup format failed"; continue
						fi
						[ "$sb" = sb ] && [ "$n" = 129 ] && dumps_agree "$desc"
						agree "$desc" "$dbs" "$n"
					done
				done
			done
		done
	done
done
for c in "sha256 1 4096 4096 default same sb" "sha1 0 512 512 empty sep sb" \
	"sha512 1 1024 1024 256 sep nosb" "sha256 0 4096 512 default same nosb"; do
	read -r alg fmt dbs hbs s place sb <<<"$c"
	desc="$alg format $fmt $dbs/$hbs, 20000 blocks, salt $s, $place, $sb"
	if mk "$alg" "$fmt" "$dbs" "$hbs" 20000 "$s" "$place" "$sb"; then
		agree "$desc" "$dbs" 20000
	else
		not_ok "$desc: veritysetup format failed"
	fi
done

# ---- inside a LUKS2 volume --------------------------------------------------------------
# luks DESC: d (data + tree, same layout) encrypted in place into d.enc with header d.hdr
luks() {
	local desc=$1 dbs=$2 n=$3 vs lt b
	cp d d.enc
	truncate -s $((($(stat -c %s d) + 4095) / 4096 * 4096)) d.enc # whole encryption sectors
	# shellcheck disable=SC2086
	if ! cryptsetup reencrypt -q --encrypt --type luks2 --header d.hdr $PB --key-file key d.enc >/dev/null 2>&1; then
		not_ok "$desc: cryptsetup reencrypt failed"; return
	fi
	vs_verify d ${hashdev:-d} "$root"; vs=$?
	lt_verify --header d.hdr --key-file key d.enc $hashdev; lt=$?
	if [ "$vs" = 0 ] && [ "$lt" = 0 ]; then ok "$desc in LUKS2: both verify"; else
		not_ok "$desc in LUKS2: veritysetup $vs, lukstool $lt"; sed 's/^/# /' lt.err | head -3; fi
	b=$((RANDOM % n))
	flip d.enc $((b * dbs + 17))
	lt_verify --header d.hdr --key-file key d.enc $hashdev; lt=$?
	"$LT" decrypt --header d.hdr --key-file key d.enc d.dec >/dev/null 2>&1
	vs_verify d.dec ${hashdev:-d.dec} "$root"; vs=$?
	# the encryption sector holding that byte decrypts to noise: its first data block fails
	if [ "$vs" != 0 ] && { [ "$lt" = 6 ] && grep -q "data block [0-9]* does not verify" lt.err ||
		{ [ "$n" = 1 ] && [ "$lt" = 4 ]; }; }; then
		ok "$desc in LUKS2, ciphertext of data block $b flipped: both refuse"
	else
		not_ok "$desc in LUKS2, ciphertext of block $b flipped: veritysetup $vs, lukstool $lt"
		sed 's/^/# /' lt.err | head -3
	fi
	rm -f d.enc d.hdr d.dec
}
for c in "sha256 1 4096 4096 default same sb 129" "sha1 0 512 512 empty same sb 129" \
	"sha512 1 1024 4096 256 same sb 129" "sha256 0 4096 1024 default same nosb 129" \
	"sha1 1 4096 4096 256 same sb 1" "sha256 1 512 512 default same sb 20000" \
	"sha512 0 4096 4096 empty sep sb 129"; do
	read -r alg fmt dbs hbs s place sb n <<<"$c"
	desc="$alg format $fmt $dbs/$hbs, $n blocks, salt $s, $place, $sb"
	if mk "$alg" "$fmt" "$dbs" "$hbs" "$n" "$s" "$place" "$sb"; then
		luks "$desc" "$dbs" "$n"
	else
		not_ok "$desc: veritysetup format failed"
	fi
done
# dump of a LUKS volume is unchanged by the verity probe
# shellcheck disable=SC2086 # $PB is several options
mk sha256 1 4096 4096 8 default same sb && cp d d.enc &&
	cryptsetup reencrypt -q --encrypt --type luks2 --header d.hdr $PB --key-file key d.enc >/dev/null 2>&1
rc 0 "dump of a LUKS2 header still shows LUKS" "$LT" dump d.hdr
check "dump of a LUKS2 header: LUKS header information" grep -q "^LUKS header information" "$T/out"
rm -f d.enc d.hdr

# ---- tampering ----------------------------------------------------------------------------
# base: sha256, format 1, 512-byte blocks (16 digests per hash block), 300 data blocks:
# three levels; h holds the superblock (0), the top block (512), 2 middle blocks (1024,
# 1536) and 19 leaf blocks (2048 + 512 * j).
mk sha256 1 512 512 300 default sep sb || not_ok "tampering: veritysetup format failed"
cp d d.orig; cp h h.orig
restore() { cp d.orig d; cp h.orig h; }
# refused DESC WANT REGEX [LUKSTOOL OPTIONS...]: veritysetup refuses, lukstool exits WANT
# with a reason matching REGEX
refused() {
	local desc=$1 want=$2 re=$3 vs lt; shift 3
	vs_verify d h "$root"; vs=$?
	"$LT" verify "${ltopts[@]}" --verity-root-hash "$root" "$@" d h >lt.out 2>lt.err; lt=$?
	if [ "$vs" != 0 ] && [ "$lt" = "$want" ] && grep -Eq "$re" lt.err; then
		ok "$desc: refused by both (lukstool: $(head -1 lt.err | sed 's/^lukstool: [^:]*: //'))"
	else
		not_ok "$desc: veritysetup $vs, lukstool $lt (want non-zero, $want /$re/)"
		sed 's/^/# /' lt.err | head -3
	fi
}
restore
if vs_verify d h "$root" && lt_verify d h; then ok "tampering base: both verify"; else not_ok "tampering base"; fi
flip d $((100 * 512 + 7)); refused "data byte" 6 "data block 100 does not verify"; restore
flip h $((2048 + 5 * 512 + 40)); refused "leaf hash byte" 6 "hash block 8 of the tree does not verify"; restore
flip h $((1536 + 3)); refused "middle-level hash byte" 6 "hash block 2 of the tree does not verify"; restore
flip h $((512 + 7)); refused "top hash block byte" 4 "root hash does not match"; restore
flip h $((2048 + 18 * 512 + 12 * 32 + 5)); refused "zero padding of the last leaf block" 6 "hash block 21"; restore
poke h $((2048 + 18 * 512 + 511)) 01
refused "last byte of the last leaf block" 6 "hash block 21"; restore
flip h 90; refused "superblock salt" 4 "root hash does not match"
refused "superblock salt, --verity-salt given" 3 "superblock: salt disagrees" --verity-salt "$salt"; restore
poke h 12 00; refused "superblock hash type" 4 "root hash does not match"
refused "superblock hash type, --verity-format 1 given" 3 "superblock: hash_type disagrees" --verity-format 1; restore
poke h 32 "$(printf sha512 | xxd -p)"; refused "superblock algorithm sha512" 1 "128 hex digits"
refused "superblock algorithm, --verity-hash sha256 given" 3 "superblock: algorithm disagrees" --verity-hash sha256; restore
poke h 32 "$(printf 'sha384' | xxd -p)"; refused "superblock algorithm sha384" 5 "sha384.*not supported"; restore
poke h 8 02; refused "superblock version 2" 5 "version 2 is not supported"; restore
poke h 72 "$(printf '%02x' 43)01"; refused "superblock data_blocks 299" 6 "non-zero padding"; restore
poke h 72 "$(printf '%02x' 45)01"; refused "superblock data_blocks 301" 3 "data device is smaller"
refused "superblock data_blocks 301, --verity-data-blocks 300 given" 3 "superblock: data_blocks disagrees" --verity-data-blocks 300; restore
truncate -s -1 d; refused "data device one byte short" 3 "data device is smaller"; restore
truncate -s -1 h; refused "hash device one byte short" 3 "hash device is smaller"; restore
truncate -s 511 h; refused "hash device shorter than its superblock" 3 "no verity superblock"; restore

# old data and old tree against a new root; old data with the new tree
cp d dA; cp h hA; rootA=$root
head -c 512 /dev/urandom | dd of=d bs=512 seek=200 conv=notrunc status=none
rm -f h
veritysetup format --salt "$salt" --data-block-size 512 --hash-block-size 512 d h >fmt.out 2>&1
rootB=$(awk -F'\t' '/^Root hash:/ { print $2 }' fmt.out)
cp d dB; cp h hB
root=$rootB
if vs_verify dB hB "$rootB" && lt_verify dB hB; then ok "new version: both verify"; else not_ok "new version"; fi
cp dA d; cp hA h; refused "old data and old tree against the new root" 4 "root hash does not match"
cp dA d; cp hB h; refused "old data with the new tree" 6 "data block 200 does not verify"
root=$rootA
cp dB d; cp hA h; refused "new data with the old tree and root" 6 "data block 200 does not verify"

# leaf hash blocks presented as data: one file, data then tree; a data_blocks that covers
# the tree is refused (veritysetup takes data_blocks from the superblock: no verdict)
mk sha256 1 512 512 300 default same sb || not_ok "same-device base: veritysetup format failed"
all=$(( ($(stat -c %s d)) / 512 ))
rc 0 "same device: lukstool verifies it" "$LT" verify "${ltopts[@]}" --verity-root-hash "$root" d
rc 3 "data_blocks covering the tree: refused, disagrees with the superblock" \
	"$LT" verify "${ltopts[@]}" --verity-root-hash "$root" --verity-data-blocks "$all" d
check "... reason names data_blocks" grep -q "superblock: data_blocks disagrees" "$T/err"
nosb=(--verity-no-superblock --verity-salt "$salt" --verity-data-block-size 512
	--verity-hash-block-size 512 --verity-hash-offset $((off + 4096)))
rc 3 "without a superblock, data_blocks covering the tree: refused, overlap" \
	"$LT" verify "${nosb[@]}" --verity-data-blocks "$all" --verity-root-hash "$root" d
check "... reason says overlap" grep -q "overlap" "$T/err"
finish
