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
# Cases: 4096-byte sectors with argon2id (the defaults), 512-byte sectors with pbkdf2 and
# a given size and UUID; overwrite protection and refusals.  Tiny KDF costs keep it fast.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
LUKSTOOL=${LUKSTOOL:-$top/build/lukstool}
work="$top/build/oracle/mkdisk"
rm -rf "$work"; mkdir -p "$work"
export MTOOLS_SKIP_CHECK=1
. "$top/tests/tool_facts.sh"
n=0 failed=0
ok() { # STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
bail() { echo "Bail out! $*"; exit 1; }
[ -x "$LUKSTOOL" ] || bail "$LUKSTOOL missing (run make)"
for t in cryptsetup sgdisk mcopy fsck.vfat python3; do command -v "$t" >/dev/null || bail "missing $t"; done
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

check_disk() { # NAME DISK UUID SECTOR PBKDF
	local name=$1 disk=$2 uuid=$3 sector=$4 pbkdf=$5
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
	fsck.vfat -n "$d.plain" >"$d.fsck" 2>&1
	ok $? "$name: the plaintext is a clean FAT file system (fsck.vfat -n)"
	rm -rf "$d.out"; mkdir -p "$d.out"
	mcopy -s -n -m -i "$d.plain" '::/*' "$d.out/" 2>"$d.mcopy.err"
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

echo "1..$n"
[ "$failed" -eq 0 ]
