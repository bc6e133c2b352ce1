#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Oracle test for `lukstool mkdisk`: every property of the disk it makes is checked with
# tools that share no code with LuksDxe:
#   sgdisk -v         the GPT is valid; the partition has the LUKS type
#   cryptsetup        luksDump accepts the partition, the key file unlocks it
#                     (open --test-passphrase), a wrong key does not; luksDump
#                     --dump-volume-key gives the volume key
#   python3 + OpenSSL (the cryptography module) decrypts the data segment with that key
#   fsck.vfat, mtools the plaintext is a clean FAT file system whose files equal DIR's,
#                     byte for byte, names included
#   veritysetup       with --verity: verify accepts the decrypted plaintext with the root
#                     hash and hash offset mkdisk printed, dump shows the parameters it
#                     printed; fsck of the data area alone
# Cases: 4096-byte sectors with argon2id (the defaults), 512-byte sectors with pbkdf2 and
# a given size and UUID, --verity with its defaults (FAT) and with every parameter chosen
# (ext4); overwrite protection and refusals.  Tiny KDF costs keep it fast.
. "$(dirname "$0")/tap_lib.sh"
tap_workdir mkdisk
export MTOOLS_SKIP_CHECK=1
. "$top/tests/tool_facts.sh"
[ -x "$LUKSTOOL" ] || bail "$LUKSTOOL missing (run make)"
for t in cryptsetup veritysetup sgdisk mcopy fsck.vfat e2fsck debugfs python3; do command -v "$t" >/dev/null || bail "missing $t"; done
python3 -c 'import cryptography' 2>/dev/null || bail "python3-cryptography missing"

# The source tree: random binary files (one not a multiple of any sector size), nested
# directories, a dot file, a long name with spaces, an empty file.
src="$work/src"
mkdir -p "$src/EFI/BOOT" "$src/deep/er/still"
head -c 1234567 /dev/urandom >"$src/EFI/BOOT/BOOTX64.EFI"
head -c 4096 /dev/urandom >"$src/deep/er/still/block.bin"
head -c 777 /dev/urandom >"$src/deep/odd size.dat"
echo "run $RANDOM$RANDOM" >"$src/.hidden"
: >"$src/empty"
echo "A long file name with spaces, $RANDOM" >"$src/A long file name with spaces.txt"

printf 'correct horse %s' "$RANDOM$RANDOM" >"$work/key"
printf 'correct horse wrong' >"$work/wrongkey"

# decrypt.py PART OFFSET SECTOR KEYHEX OUT: AES-XTS-plain64 data segment -> plaintext.
# The IV of each SECTOR-byte sector is its offset in the segment in 512-byte units, as 16
# little-endian bytes (LUKS2 does not use dm-crypt's iv_large_sectors); the first checks
# below confirm this against data that cryptsetup's own code encrypted.
cat >"$work/decrypt.py" <<'PY'
import sys
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
part, off, sector, key, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), bytes.fromhex(sys.argv[4]), sys.argv[5]
with open(part, 'rb') as f, open(out, 'wb') as o:
    f.seek(off)
    n = 0
    while True:
        blk = f.read(sector)
        if not blk:
            break
        if len(blk) != sector:
            sys.exit("partial sector at the end of the data segment")
        d = Cipher(algorithms.AES(key), modes.XTS(n.to_bytes(16, 'little'))).decryptor()
        o.write(d.update(blk) + d.finalize())
        n += sector // 512
PY

# The decryptor itself is checked first against cryptsetup's own encryption: offline
# `reencrypt --encrypt` with a detached header and a known volume key.
for sector in 512 4096; do
	head -c $((512 * 1024)) /dev/urandom >"$work/cs$sector.plain"
	cp "$work/cs$sector.plain" "$work/cs$sector.data"
	head -c 64 /dev/urandom >"$work/cs$sector.vk"
	cryptsetup reencrypt --encrypt --type luks2 --header "$work/cs$sector.hdr" --batch-mode \
		--sector-size "$sector" --cipher aes-xts-plain64 --key-size 512 \
		--volume-key-file "$work/cs$sector.vk" --key-file "$work/key" \
		--pbkdf pbkdf2 --pbkdf-force-iterations 1000 "$work/cs$sector.data" >/dev/null 2>&1 &&
		! cmp -s "$work/cs$sector.data" "$work/cs$sector.plain" &&
		python3 "$work/decrypt.py" "$work/cs$sector.data" 0 "$sector" \
			"$(od -An -v -tx1 "$work/cs$sector.vk" | tr -d ' \n')" "$work/cs$sector.dec" &&
		cmp -s "$work/cs$sector.dec" "$work/cs$sector.plain"
	ok $? "oracle: the OpenSSL decryptor reproduces what cryptsetup encrypted ($sector-byte sectors)"
done

check_disk() { # NAME DISK UUID SECTOR PBKDF [FS_BYTES]: leaves the plaintext in $work/NAME.plain
	local name=$1 disk=$2 uuid=$3 sector=$4 pbkdf=$5 fsb=${6:-}
	local d="$work/$name" start end

	sgdisk -v "$disk" >"$d.sgdisk" 2>&1 && grep -q 'No problems found' "$d.sgdisk"
	ok $? "$name: sgdisk finds the GPT valid"
	start=$(sgdisk_sector "$disk" 1 First)
	end=$(sgdisk_sector "$disk" 1 Last)
	sgdisk -i 1 "$disk" | grep -qi 'Partition GUID code: CA7D7CCB-63ED-4C53-861C-1742536059CC'
	ok $? "$name: partition 1 has the Linux LUKS type GUID"
	dd if="$disk" of="$d.part" bs=512 skip="$start" count=$((end - start + 1)) status=none
	cryptsetup luksDump "$d.part" >"$d.dump" 2>&1
	ok $? "$name: cryptsetup luksDump accepts the partition"
	grep -qE "^Version:[[:space:]]+2$" "$d.dump" && grep -qE "^UUID:[[:space:]]+$uuid$" "$d.dump"
	ok $? "$name: LUKS2 with the UUID mkdisk printed ($uuid)"
	grep -qE "^[[:space:]]+sector: $sector \[bytes\]" "$d.dump" && grep -qE "cipher: aes-xts-plain64" "$d.dump"
	ok $? "$name: data segment aes-xts-plain64 with $sector-byte sectors"
	grep -qE "PBKDF:[[:space:]]+$pbkdf$" "$d.dump"
	ok $? "$name: keyslot uses $pbkdf"
	cryptsetup open --test-passphrase --key-file "$work/key" "$d.part" >/dev/null 2>&1
	ok $? "$name: cryptsetup accepts the key file"
	! cryptsetup open --test-passphrase --key-file "$work/wrongkey" "$d.part" >/dev/null 2>&1
	ok $? "$name: cryptsetup rejects a wrong key"
	local vk off
	vk=$(cs_vk "$d.part" "$work/key")
	[ ${#vk} -eq 128 ]
	ok $? "$name: cryptsetup dumps a 512-bit volume key"
	off=$(sed -n 's/^[[:space:]]*offset: \([0-9]*\) \[bytes\]/\1/p' "$d.dump" | head -n1)
	python3 "$work/decrypt.py" "$d.part" "$off" "$sector" "$vk" "$d.plain" 2>"$d.py.err"
	ok $? "$name: OpenSSL decrypts the data segment with the dumped key"
	# with a tree after it, the file system is the first FS_BYTES of the plaintext
	if [ -n "$fsb" ]; then head -c "$fsb" "$d.plain" >"$d.fs"; else ln -sf "$d.plain" "$d.fs"; fi
	fsck.vfat -n "$d.fs" >"$d.fsck" 2>&1
	ok $? "$name: the plaintext is a clean FAT file system (fsck.vfat -n)"
	rm -rf "$d.out"; mkdir -p "$d.out"
	mcopy -s -n -m -i "$d.fs" '::/*' "$d.out/" 2>"$d.mcopy.err"
	diff -r "$src" "$d.out" >"$d.diff" 2>&1
	ok $? "$name: the file system holds DIR's files byte for byte"
	[ -s "$d.diff" ] && head -5 "$d.diff" | sed 's/^/#   /'
	return 0
}

# Case 1: the defaults (argon2id, 4096-byte sectors), tiny KDF cost.
out=$("$LUKSTOOL" mkdisk --key-file "$work/key" --from "$src" -o "$work/a.img" \
	--pbkdf-memory 32 --pbkdf-parallel 1 --pbkdf-force-iterations 4 2>&1)
ok $? "defaults: mkdisk succeeds"
echo "$out" | sed 's/^/# /'
uuid=$(echo "$out" | sed -n 's/^mkdisk: LUKS UUID \([0-9a-f-]\{36\}\)$/\1/p')
[ -n "$uuid" ]
ok $? "defaults: mkdisk prints the LUKS UUID"
check_disk defaults "$work/a.img" "$uuid" 4096 argon2id

# Case 2: 512-byte sectors, PBKDF2, a fixed size and UUID.
fixed=0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0
out=$("$LUKSTOOL" mkdisk --key-file "$work/key" --from "$src" -o "$work/b.img" --size 40M \
	--sector-size 512 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --uuid "$fixed" 2>&1)
ok $? "512/pbkdf2: mkdisk succeeds"
echo "$out" | sed 's/^/# /'
[ "$(stat -c %s "$work/b.img")" -eq $((40 * 1024 * 1024)) ]
ok $? "512/pbkdf2: the disk has the requested size"
echo "$out" | grep -q "^mkdisk: LUKS UUID $fixed$"
ok $? "512/pbkdf2: the requested UUID is used"
check_disk sect512 "$work/b.img" "$fixed" 512 pbkdf2

# ---- --verity: the tree libcryptsetup writes after the file system, all encrypted ------
# vopt NAME: the value of --verity-NAME in $vopts (the options line mkdisk printed)
vopt() { awk -v k="--verity-$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' <<<"$vopts"; }
# vs_field FILE NAME: a field of veritysetup dump output ("Salt:\tHEX")
vs_field() { awk -F'\t' -v k="$2:" '$1 ~ "^" k { gsub(/^[ \t]+|[ \t]+$/, "", $2); print $2 }' "$1"; }
# check_verity NAME DISK: the printed parameters against veritysetup; lukstool verify passes
# on DISK and fails with a ciphertext byte of the data area flipped.  Sets $off, $vroot.
check_verity() {
	local name=$1 disk=$2 d="$work/$1" blocks dbs cstart coff
	vroot=$(echo "$out" | sed -n 's/^mkdisk: verity root hash \([0-9a-f]*\)$/\1/p')
	vopts=$(echo "$out" | sed -n 's/^mkdisk: verity options: //p')
	off=$(vopt hash-offset) blocks=$(vopt data-blocks) dbs=$(vopt data-block-size)
	[ -n "$vroot" ] && [ "$(vopt root-hash)" = "$vroot" ] && [ -n "$off" ] && [ -n "$blocks" ] &&
		[ "$((blocks * dbs))" -eq "$off" ]
	ok $? "$name: mkdisk prints the root hash and options; the data blocks end at the hash offset ($off)"
	veritysetup verify --hash-offset "$off" "$d.plain" "$d.plain" "$vroot" >"$d.vs" 2>&1
	ok $? "$name: veritysetup verify accepts the decrypted plaintext with the printed root hash and offset"
	veritysetup dump --hash-offset "$off" "$d.plain" >"$d.vsdump" 2>&1 &&
		[ "$(vs_field "$d.vsdump" "Hash type")" = "$(vopt format)" ] &&
		[ "$(vs_field "$d.vsdump" "Hash algorithm")" = "$(vopt hash)" ] &&
		[ "$(vs_field "$d.vsdump" "Data blocks")" = "$blocks" ] &&
		[ "$(vs_field "$d.vsdump" "Data block size")" = "$dbs" ] &&
		[ "$(vs_field "$d.vsdump" "Hash block size")" = "$(vopt hash-block-size)" ] &&
		[ "$(vs_field "$d.vsdump" "Salt")" = "$(vopt salt)" ]
	ok $? "$name: veritysetup dump shows the format, hash, block sizes, data blocks and salt printed"
	# shellcheck disable=SC2086 # $vopts is the options line, split as a user would paste it
	"$LUKSTOOL" verify --key-file "$work/key" $vopts "$disk" >"$d.lv" 2>&1
	ok $? "$name: lukstool verify --key-file with the printed options passes"
	# shellcheck disable=SC2086
	"$LUKSTOOL" mksecret --image "$disk" --key-file "$work/key" --pin $vopts -o "$d.secret" >"$d.ms" 2>&1
	ok $? "$name: lukstool mksecret --image takes the printed options"
	cstart=$(sgdisk_sector "$disk" 1 First)
	coff=$(sed -n 's/^[[:space:]]*offset: \([0-9]*\) \[bytes\]/\1/p' "$d.dump" | head -n1)
	cp "$disk" "$d.flip"
	# a byte in the middle of the data area, in the ciphertext, xor 1
	python3 -c 'import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2])); b = f.read(1); f.seek(int(sys.argv[2])); f.write(bytes([b[0] ^ 1]))' \
		"$d.flip" $((cstart * 512 + coff + off / 2 + 123))
	cmp -s "$disk" "$d.flip" && echo "# the flip changed nothing"
	# shellcheck disable=SC2086
	"$LUKSTOOL" verify --key-file "$work/key" $vopts "$d.flip" >"$d.lv" 2>&1
	[ $? -eq 6 ] && grep -q "data block [0-9]* does not verify" "$d.lv"
	ok $? "$name: a ciphertext byte changed in the data area: lukstool verify exits 6 naming the block"
	rm -f "$d.flip"
}

# Case 3: --verity with the defaults (sha256, 4096-byte blocks, format 1, a random salt).
out=$("$LUKSTOOL" mkdisk --verity --key-file "$work/key" --from "$src" -o "$work/v.img" \
	--pbkdf pbkdf2 --pbkdf-force-iterations 1000 2>&1)
ok $? "verity: mkdisk --verity succeeds"
echo "$out" | sed 's/^/# /'
uuid=$(echo "$out" | sed -n 's/^mkdisk: LUKS UUID \([0-9a-f-]\{36\}\)$/\1/p')
vopts=$(echo "$out" | sed -n 's/^mkdisk: verity options: //p')
check_disk verity "$work/v.img" "$uuid" 4096 pbkdf2 "$(vopt hash-offset)"
check_verity verity "$work/v.img"
[ "$(vopt hash)" = sha256 ] && [ "$(vopt format)" = 1 ] && [ "$(vopt data-block-size)" = 4096 ] &&
	[ "$(vopt hash-block-size)" = 4096 ] && [ ${#vroot} -eq 64 ] && [ "$(vopt salt | wc -c)" -eq 65 ]
ok $? "verity: defaults sha256, format 1, 4096-byte blocks, a 32-byte salt"

# Case 4: every parameter chosen, ext4, 512-byte sectors, a fixed size.
salt=00112233445566778899aabbccddeeff0f1e2d3c
out=$("$LUKSTOOL" mkdisk --verity --verity-hash sha512 --verity-format 0 --verity-data-block-size 1024 \
	--verity-hash-block-size 512 --verity-salt "$salt" --fs ext4 --size 48M --sector-size 512 \
	--key-file "$work/key" --from "$src" -o "$work/w.img" --pbkdf pbkdf2 --pbkdf-force-iterations 1000 2>&1)
ok $? "verity, chosen: mkdisk --verity with sha512, format 0, 1024/512-byte blocks, a salt, ext4 succeeds"
echo "$out" | sed 's/^/# /'
[ "$(stat -c %s "$work/w.img")" -eq $((48 * 1024 * 1024)) ]
ok $? "verity, chosen: the disk has the requested size"
d="$work/chosen"
start=$(sgdisk_sector "$work/w.img" 1 First)
end=$(sgdisk_sector "$work/w.img" 1 Last)
dd if="$work/w.img" of="$d.part" bs=512 skip="$start" count=$((end - start + 1)) status=none
cryptsetup luksDump "$d.part" >"$d.dump" 2>&1
python3 "$work/decrypt.py" "$d.part" "$(sed -n 's/^[[:space:]]*offset: \([0-9]*\) \[bytes\]/\1/p' "$d.dump" | head -n1)" \
	512 "$(cs_vk "$d.part" "$work/key")" "$d.plain" 2>/dev/null
ok $? "verity, chosen: OpenSSL decrypts the data segment with cryptsetup's volume key"
vopts=$(echo "$out" | sed -n 's/^mkdisk: verity options: //p')
head -c "$(vopt hash-offset)" "$d.plain" >"$d.fs"
e2fsck -fn "$d.fs" >"$d.fsck" 2>&1
ok $? "verity, chosen: the data area is a clean ext4 file system (e2fsck -fn)"
rm -rf "$d.out"; mkdir -p "$d.out"
debugfs -R "rdump / $d.out" "$d.fs" >/dev/null 2>&1
diff -r -x lost+found "$src" "$d.out" >"$d.diff" 2>&1
ok $? "verity, chosen: the file system holds DIR's files byte for byte (debugfs rdump)"
[ -s "$d.diff" ] && head -5 "$d.diff" | sed 's/^/#   /'
check_verity chosen "$work/w.img"
[ "$(vopt hash)" = sha512 ] && [ "$(vopt format)" = 0 ] && [ "$(vopt data-block-size)" = 1024 ] &&
	[ "$(vopt hash-block-size)" = 512 ] && [ "$(vopt salt)" = "$salt" ] && [ ${#vroot} -eq 128 ]
ok $? "verity, chosen: the options printed are the ones chosen"

"$LUKSTOOL" mkdisk --verity-salt 00 --key-file "$work/key" --from "$src" -o "$work/c.img" >/dev/null 2>"$work/r.err"
[ $? -eq 1 ] && [ ! -e "$work/c.img" ] && grep -q -- "--verity-salt needs --verity" "$work/r.err"
ok $? "--verity-* without --verity is a usage error"
"$LUKSTOOL" mkdisk --verity --verity-root-hash 00 --key-file "$work/key" --from "$src" -o "$work/c.img" \
	>/dev/null 2>"$work/r.err"
[ $? -eq 1 ] && [ ! -e "$work/c.img" ] && grep -q -- "--verity-root-hash is what mkdisk --verity computes" "$work/r.err"
ok $? "--verity-root-hash (computed, not chosen) is refused"
"$LUKSTOOL" mkdisk --verity --verity-data-block-size 8192 --key-file "$work/key" --from "$src" -o "$work/c.img" \
	>/dev/null 2>"$work/r.err"
[ $? -eq 1 ] && [ ! -e "$work/c.img" ] && grep -q "data_block_size" "$work/r.err"
ok $? "a verity block size the reader does not take is refused before any work"

# Overwrite protection: an existing file is left alone unless --force.
sum=$(sha256sum <"$work/b.img")
! "$LUKSTOOL" mkdisk --key-file "$work/key" --from "$src" -o "$work/b.img" \
	--pbkdf pbkdf2 --pbkdf-force-iterations 1000 >/dev/null 2>"$work/refuse.err"
ok $? "an existing output is refused"
[ "$(sha256sum <"$work/b.img")" = "$sum" ] && grep -q 'force' "$work/refuse.err"
ok $? "the existing file is unchanged and the message names --force"
"$LUKSTOOL" mkdisk --force --key-file "$work/key" --from "$src" -o "$work/b.img" \
	--pbkdf pbkdf2 --pbkdf-force-iterations 1000 >/dev/null 2>&1 &&
	[ "$(sha256sum <"$work/b.img")" != "$sum" ]
ok $? "--force overwrites it"
"$LUKSTOOL" mkdisk --key-file "$work/key" --from "$src" -o "$work/c.img" --cipher serpent-xts-plain64 \
	>/dev/null 2>"$work/serpent.err"
[ $? -eq 5 ] && grep -q serpent "$work/serpent.err" && [ ! -e "$work/c.img" ]
ok $? "an unsupported cipher is refused (status 5, message names it, no output)"
"$LUKSTOOL" mkdisk --key-file "$work/key" --from "$src" -o "$work/c.img" --sector-size 1000 >/dev/null 2>&1
[ $? -eq 1 ] && [ ! -e "$work/c.img" ]
ok $? "a bad sector size is a usage error"
: >"$work/emptykey"
"$LUKSTOOL" mkdisk --key-file "$work/emptykey" --from "$src" -o "$work/c.img" >/dev/null 2>&1
[ $? -ne 0 ] && [ ! -e "$work/c.img" ]
ok $? "an empty key file is refused"
! ls -a "$work" | grep -q '^\.lukstool-mkdisk'
ok $? "no scratch files are left behind"

tap_end
