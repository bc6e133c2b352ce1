#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# End-to-end (issue 10, firmware part): Debian's stock OVMF under QEMU (TCG).  `lukstool
# mkdisk --fs ext4` makes a GPT disk whose partition is a LUKS2 volume holding an ext4 file
# system (made by mke2fs -d) with a per-run random file, a file with a non-ASCII name in a
# subdirectory, a symlink and an EFI application.  The UEFI shell loads LuksDxe with the
# secret from fw_cfg; the driver's second binding must publish SimpleFileSystem on the
# unlocked volume, so that the shell maps it, `type`s the files (also through the
# symlink and a `..`), lists a directory and starts the application from it (LoadImage
# reads it through EFI_FILE_PROTOCOL).  The plaintext boot disk (FAT) is not touched by it.
# Boot 2: a whole disk that is a LUKS2 volume holding a GPT with an ext2 and an ext4
# partition (made by sgdisk and mke2fs -d): the firmware's PartitionDxe finds them inside
# the unlocked volume, and the driver serves both.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init ext4_shell
W=$E2E_WORK
drv="$E2E_TOP/build/LuksDxe.efi"
hello="$E2E_TOP/build/e2e-apps/hello.efi"
lt="$E2E_TOP/build/lukstool"
[ -f "$drv" ] && [ -f "$hello" ] && [ -x "$lt" ] || e2e_bail "build LuksDxe.efi, lukstool and the e2e apps first (make test-bins)"
command -v mke2fs >/dev/null || e2e_bail "missing tool: mke2fs (e2fsprogs)"

token="luksdxe-ext4-$(e2e_rand_hex)"
src="$W/src"
mkdir -p "$src/EFI/tools" "$src/docs/sub"
printf '%s\r\n' "$token" >"$src/token.txt"
printf 'inner %s\r\n' "$token" >"$src/docs/sub/Ünïcode.txt"
ln -s ../token.txt "$src/docs/link.txt"
cp "$hello" "$src/EFI/tools/hello.efi"
printf 'ext4 e2e %s' "$RANDOM" >"$W/pass"
uuid=$(cat /proc/sys/kernel/random/uuid)
"$lt" mkdisk --fs ext4 --label EXT4E2E --key-file "$W/pass" --from "$src" -o "$W/disk.img" \
	--pbkdf pbkdf2 --pbkdf-force-iterations 1000 --uuid "$uuid" >"$W/mkdisk.log" 2>&1 ||
	e2e_bail "lukstool mkdisk --fs ext4 failed: $(tail -3 "$W/mkdisk.log")"
sum_before=$(sha256sum <"$W/disk.img")
mapfile -t disk < <(e2e_disk "$W/disk.img")
e2e_secret_table "$W/secret.bin" "disk=$W/pass"

# The shell reads a script as UCS-2 when it starts with a byte-order mark: the non-ASCII
# name goes through one (startup.nsh itself is ASCII).
printf 'type FS1:\\docs\\sub\\Ünïcode.txt\r\n' | iconv -f UTF-8 -t UCS-2LE >"$W/uni.body"
{ printf '\377\376'; cat "$W/uni.body"; } >"$W/uni.nsh"

script='load FS0:\LuksDxe.efi
connect -r
map -r
type FS1:\token.txt
FS0:\uni.nsh
type FS1:\docs\link.txt
type FS1:\docs\sub\..\..\token.txt
ls FS1:\docs
vol FS1:
FS1:\EFI\tools\hello.efi'

run="$W/boot"
e2e_shell_boot "$run" 120 "$script" "$drv=/LuksDxe.efi" "$W/uni.nsh=/uni.nsh" -- "${disk[@]}" \
	-fw_cfg "name=opt/luksdxe/secret,file=$W/secret.bin"
e2e_ok $? "boot ran to power-off"
e2e_expect "$run.log" "^LuksDxe: $uuid: unlocked with keyslot 0$" "the driver unlocked the volume"
e2e_expect "$run.log" "^LuksDxe: ext4 file system [0-9a-f-]+ mounted read-only$" \
	"the second binding mounted the ext4 file system inside"
sed -n '/^ *FS1: /{n;p}' "$run.log" >"$W/fs1.path"
e2e_expect "$W/fs1.path" "/HD\(1,GPT,.*\)/VenMedia\(CDD7A9B4-36D8-45EB-90F4-66FBD8CDA3E5,$(echo "$uuid" | tr -d - | tr a-f A-F)\)$" \
	"the shell mapped a file system on the LuksDxe child"
e2e_expect "$run.log" "^$token\$" "the shell typed a file from the ext4 volume"
e2e_expect "$run.log" "^inner $token\$" "... a file with a non-ASCII name in a subdirectory"
[ "$(grep -c "^$token\$" "$run.log")" -ge 3 ]
e2e_ok $? "... the same file through a symlink and through '..'"
e2e_expect "$run.log" "<DIR> .* sub$" "ls lists the subdirectory"
e2e_expect "$run.log" "link.txt$" "ls lists the symlink"
e2e_expect "$run.log" "EXT4E2E" "vol shows the ext4 label"
e2e_expect "$run.log" "^luksdxe-e2e-hello: running from the unlocked volume" \
	"an EFI application stored in the ext4 volume ran"
[ "$sum_before" = "$(sha256sum <"$W/disk.img")" ]
e2e_ok $? "the disk image is unchanged"

# ---- boot 2: partitions inside the volume ----------------------------------------------
# The plaintext: an 18 MiB GPT disk (partition 1 ext2, partition 2 ext4).  cryptsetup
# reencrypt --reduce-device-size 2M keeps the first 18 MiB of a 20 MiB file as the
# plaintext of its data segment (at 1 MiB).  It refuses to encrypt a device whose sector 0
# holds a partition table's protective MBR, so that sector is zeroed for the encryption and
# its ciphertext written afterwards, made by OpenSSL (tests/oracle/ossl_sector.py) with
# the volume key given to cryptsetup.
one="one-$(e2e_rand_hex)" two="two-$(e2e_rand_hex)"
mkdir -p "$W/p1" "$W/p2"
printf '%s\r\n' "$one" >"$W/p1/one.txt"
printf '%s\r\n' "$two" >"$W/p2/two.txt"
truncate -s 18M "$W/parts.img"
sgdisk -n 1:2048:+4M -t 1:8300 -n 2:0:+10M -t 2:8300 "$W/parts.img" >/dev/null ||
	e2e_bail "sgdisk failed"
{ mke2fs -q -F -t ext2 -d "$W/p1" "$W/p1.img" 4M && mke2fs -q -F -t ext4 -d "$W/p2" "$W/p2.img" 10M; } >/dev/null 2>&1 ||
	e2e_bail "mke2fs failed"
dd if="$W/p1.img" of="$W/parts.img" bs=1M seek=1 conv=notrunc status=none
dd if="$W/p2.img" of="$W/parts.img" bs=1M seek=5 conv=notrunc status=none
dd if="$W/parts.img" of="$W/parts.mbr" bs=512 count=1 status=none
dd if=/dev/zero of="$W/parts.img" bs=512 count=1 conv=notrunc status=none
truncate -s 20M "$W/parts.img"
head -c 64 /dev/urandom >"$W/parts.vk"
uuid2=$(cat /proc/sys/kernel/random/uuid)
cryptsetup reencrypt --encrypt --type luks2 --reduce-device-size 2M --batch-mode --uuid "$uuid2" \
	--key-file "$W/pass" --volume-key-file "$W/parts.vk" --cipher aes-xts-plain64 --key-size 512 \
	--sector-size 512 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 "$W/parts.img" >/dev/null 2>&1 ||
	e2e_bail "cryptsetup reencrypt failed"
python3 "$E2E_TOP/tests/oracle/ossl_sector.py" -e aes-xts-plain64 "$(od -An -v -tx1 "$W/parts.vk" | tr -d ' \n')" \
	512 0 1 "$W/parts.mbr" 0 1 >"$W/parts.mbr.enc" && [ "$(stat -c %s "$W/parts.mbr.enc")" = 512 ] ||
	e2e_bail "cannot encrypt the protective MBR"
dd if="$W/parts.mbr.enc" of="$W/parts.img" bs=512 seek=2048 conv=notrunc status=none
mapfile -t disk2 < <(e2e_disk "$W/parts.img")
script2='load FS0:\LuksDxe.efi
connect -r
map -r
type FS1:\one.txt
type FS1:\two.txt
type FS2:\one.txt
type FS2:\two.txt'
run="$W/parts"
e2e_shell_boot "$run" 120 "$script2" "$drv=/LuksDxe.efi" -- "${disk2[@]}" \
	-fw_cfg "name=opt/luksdxe/secret,file=$W/secret.bin"
e2e_ok $? "boot 2 ran to power-off"
e2e_expect "$run.log" "^LuksDxe: $uuid2: unlocked with keyslot 0$" "boot 2: the driver unlocked the whole-disk volume"
e2e_expect "$run.log" "^LuksDxe: ext2 file system [0-9a-f-]+ mounted read-only$" "boot 2: the ext2 partition was mounted"
e2e_expect "$run.log" "^LuksDxe: ext4 file system [0-9a-f-]+ mounted read-only$" "boot 2: the ext4 partition was mounted"
v2=$(echo "$uuid2" | tr -d - | tr a-f A-F)
e2e_expect "$run.log" "VenMedia\(CDD7A9B4-36D8-45EB-90F4-66FBD8CDA3E5,$v2\)/HD\(1,GPT," "boot 2: partition 1 inside the unlocked volume was found"
e2e_expect "$run.log" "VenMedia\(CDD7A9B4-36D8-45EB-90F4-66FBD8CDA3E5,$v2\)/HD\(2,GPT," "boot 2: partition 2 inside the unlocked volume was found"
e2e_expect "$run.log" "^$one\$" "boot 2: a file typed from the ext2 partition"
e2e_expect "$run.log" "^$two\$" "boot 2: a file typed from the ext4 partition"
e2e_done
