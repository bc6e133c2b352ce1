#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# End to end (issue 20): the owner's boot loader sees only the owner's media.  The firmware
# image build/ovmf/OVMF-LuksDxe.fd (enforce mode) under QEMU (TCG), the secret in the secret
# area as in test_verity_boot.sh.  The owner's LUKS2 volume holds a FAT file system (serial
# $FSID) with GRUB 2.06 made by Debian's grub-mkstandalone as \EFI\BOOT\BOOTX64.EFI, the
# Debian kernel and the owner's busybox initramfs (mkpayload.sh).  GRUB's embedded grub.cfg
# finds its root with `search --no-floppy --fs-uuid` (or `--file`) and starts Linux with
# `linux`/`initrd`: GRUB jumps into the kernel through the EFI hand-over entry point, which no
# LoadImage hook sees.  The host's file systems carry the same serial (and the file) with
# the same kernel and an initramfs that prints $HOST_MARKER.
#
#   a   the owner's disk and a plaintext disk first in PCI order (FAT, same serial, the
#       host's initramfs): the owner's kernel boots (this is also the plain boot: isolation
#       leaves the owner's volume as it was)
#   b   the owner's disk with a plaintext partition added to its GPT (FAT, same serial)
#   w   --fs-uuid, the owner's GRUB volume without the file system it searches (a separate
#       /boot volume the host withholds), the host's plaintext disk with that serial
#   fa  --file variant, the file only on the host's plaintext disk
#   fb  --file variant, the file only in the host's partition of the owner's disk
# Each attack that GRUB can fall for is first run with the audit image (isolation only
# logged, nothing hidden): the host's marker appears there, so these cases can fail; with the
# enforcing image the owner's marker appears or nothing boots, the host's never.  In a and
# b GRUB 2.06 happens to find the owner's volume first even without isolation: efidisk.c
# sorts its disks by their last device-path node, higher node types first, so LuksDxe's
# vendor media node comes before every raw disk.  That is GRUB's order, not protection
# (w shows the same search won by the host), so a and b check what isolation does: the
# host's disk or partition is gone and the raw GPT unreadable.
set -u
. "$(dirname "$0")/boot-lib.sh"
e2e_init isolation
W=$E2E_WORK
FW="$E2E_TOP/build/ovmf/OVMF-LuksDxe.fd"
FW_AUDIT="$E2E_TOP/build/ovmf/OVMF-LuksDxe-audit.fd"
for f in "$FW" "$FW_AUDIT"; do
	[ -e "$f" ] || e2e_bail "$f missing (make ovmf)"
done
for t in grub-mkstandalone cryptsetup sgdisk cpio; do
	command -v "$t" >/dev/null || e2e_bail "missing tool: $t (run scripts/install-deps.sh)"
done
[ -d /usr/lib/grub/x86_64-efi ] || e2e_bail "GRUB's x86_64-efi modules missing (grub-efi-amd64-bin)"

read -r AREA_BASE _ < <(python3 "$E2E_TOP/tests/e2e/ovmf_secret_area.py" "$FW") ||
	e2e_bail "the image advertises no secret area"
payload="$E2E_TOP/out/payload"
bash "$E2E_TOP/tests/e2e/mkpayload.sh" "$payload" >"$W/mkpayload.log" 2>&1 ||
	{ sed 's/^/# /' "$W/mkpayload.log"; e2e_bail "cannot build the Linux payload"; }
MARKER=$(cat "$payload/marker")
HOST_MARKER="LUKSDXE-HOST-MARKER: the host's kernel and initramfs ran"
CMDLINE=$(cat "$payload/cmdline")
FSID=4C55-4B53 # the FAT serial both sides use; GRUB's fs-uuid of a FAT is this text
FLAG=/host-only.flag

# ---- the host's initramfs: busybox printing another marker --------------------------
root="$W/host-initramfs"
mkdir -p "$root/bin" "$root/dev" "$root/proc"
cp /bin/busybox "$root/bin/busybox" || e2e_bail "busybox-static missing"
cat >"$root/init" <<INIT
#!/bin/busybox sh
/bin/busybox mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
echo "$HOST_MARKER"
/bin/busybox poweroff -f
INIT
chmod 0755 "$root/init"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9n >"$W/host-initrd.img" ||
	e2e_bail "cannot build the host's initramfs"

# ---- GRUB: grub-mkstandalone with an embedded grub.cfg ---------------------------------
# mkgrub OUT SEARCH-ARGS: GRUB that searches with the arguments, then boots /vmlinuz and
# /initrd.img of the root found (nothing found: says so and halts, so that the VM ends).
mkgrub() {
	cat >"$W/grub-$1.cfg" <<CFG
set timeout=0
search --no-floppy $2 --set=root
echo "grub-e2e: root is (\$root)"
if [ "\$root" = "memdisk" ]; then
  echo "grub-e2e: no root found"
  halt
fi
linux /vmlinuz $CMDLINE
initrd /initrd.img
boot
echo "grub-e2e: boot failed"
halt
CFG
	# part_gpt preloaded, as grub-install does for a GPT boot disk: GRUB then reads the
	# partition tables of every whole disk it finds.
	grub-mkstandalone -O x86_64-efi -o "$W/grub-$1.efi" --locales= --fonts= --themes= \
		--modules="part_gpt part_msdos" \
		--install-modules="normal search search_fs_uuid search_fs_file fat part_gpt part_msdos linux echo halt test" \
		"boot/grub/grub.cfg=$W/grub-$1.cfg" >"$W/grub-$1.log" 2>&1
}
mkgrub uuid "--fs-uuid $FSID" && mkgrub file "--file $FLAG" ||
	{ sed 's/^/# /' "$W"/grub-*.log; e2e_bail "grub-mkstandalone failed"; }
e2e_ok 0 "grub-mkstandalone $(dpkg-query -W -f='${Version}' grub-common 2>/dev/null) made GRUB with search --fs-uuid and search --file"

# ---- disks -----------------------------------------------------------------------------
FAT_MIB=24
E2E_MKFS_ARGS="-i ${FSID/-/}"
# The owner's file systems (one per GRUB) and the host's (same serial, its initramfs, and
# the flag file).
e2e_mkfat "$W/own-uuid.fat" $FAT_MIB "$W/grub-uuid.efi=/EFI/BOOT/BOOTX64.EFI" \
	"$payload/vmlinuz=/vmlinuz" "$payload/initrd.cpio.gz=/initrd.img" &&
	e2e_mkfat "$W/own-file.fat" $FAT_MIB "$W/grub-file.efi=/EFI/BOOT/BOOTX64.EFI" \
		"$payload/vmlinuz=/vmlinuz" "$payload/initrd.cpio.gz=/initrd.img" &&
	E2E_MKFS_ARGS="-i 0E5B0001" e2e_mkfat "$W/own-esp.fat" 8 "$W/grub-uuid.efi=/EFI/BOOT/BOOTX64.EFI" &&
	printf 'host\n' >"$W/flag" &&
	e2e_mkfat "$W/host.fat" 16 "$payload/vmlinuz=/vmlinuz" "$W/host-initrd.img=/initrd.img" \
		"$W/flag=$FLAG" || e2e_bail "cannot make the FAT file systems"
unset E2E_MKFS_ARGS
# The serial as GRUB prints a FAT's UUID (FAT32 keeps it at byte 67, FAT12/16 at 39).
fat_serial() {
	python3 -c 'import sys
d = open(sys.argv[1], "rb").read(512)
o = 67 if d[82:87] == b"FAT32" else 39
print("%04X-%04X" % (int.from_bytes(d[o + 2:o + 4], "little"), int.from_bytes(d[o:o + 2], "little")))' "$1"
}
for f in own-uuid own-file host; do
	[ "$(fat_serial "$W/$f.fat")" = "$FSID" ] || e2e_bail "$f.fat does not carry the serial $FSID"
done
printf 'owner passphrase %s' "$(e2e_rand_hex)" >"$W/key"
U=$(cat /proc/sys/kernel/random/uuid)
for v in uuid file esp; do
	e2e_luks_image "$W/$v.luks" "$W/own-$v.fat" $(($(stat -c %s "$W/own-$v.fat") / 1048576 + 4)) "$W/key" --uuid "$U" \
		--sector-size 512 2>"$W/$v.cryptsetup" ||
		{ sed 's/^/# /' "$W/$v.cryptsetup"; e2e_bail "cannot make $v.luks (cryptsetup reencrypt --encrypt)"; }
done
# gpt OUT LUKS [PLAIN]: a GPT disk, the LUKS volume as partition 1 and, when given, the
# host's plaintext file system as partition 2 (what a host can add: the GPT is plaintext).
gpt() {
	local s1 s2=0
	s1=$(($(stat -c %s "$2") / 512))
	[ $# -lt 3 ] || s2=$(($(stat -c %s "$3") / 512))
	rm -f "$1"
	truncate -s $(((2048 + s1 + s2 + 4096) * 512)) "$1"
	sgdisk -n "1:2048:+$s1" -t 1:8309 "$1" >/dev/null || return 1
	dd if="$2" of="$1" bs=512 seek=2048 conv=notrunc status=none || return 1
	[ $# -lt 3 ] && return 0
	sgdisk -n "2:$((2048 + s1)):+$s2" -t 2:0700 "$1" >/dev/null &&
		dd if="$3" of="$1" bs=512 seek=$((2048 + s1)) conv=notrunc status=none
}
gpt "$W/own-uuid.img" "$W/uuid.luks" && gpt "$W/own-uuid-plus.img" "$W/uuid.luks" "$W/host.fat" &&
	gpt "$W/own-file.img" "$W/file.luks" && gpt "$W/own-file-plus.img" "$W/file.luks" "$W/host.fat" &&
	gpt "$W/own-esp.img" "$W/esp.luks" ||
	e2e_bail "cannot make the GPT disks (sgdisk)"
sgdisk -p "$W/own-uuid-plus.img" 2>/dev/null | grep -q '^ *2 ' 
e2e_ok $? "sgdisk: the host's partition 2 sits in the owner's GPT beside the LUKS partition"
e2e_secret_table "$W/secret.bin" "$U=$W/key" || e2e_bail "cannot write the secret"
# (host.fat three times: case a adds two copies of it, which must stay equal to it)
sums_before=$(cat "$W"/*.img "$W/host.fat" "$W/host.fat" "$W/host.fat" | sha256sum)

# boot RUN IMAGE DISK...: one bounded boot; the first disk at PCI slot 5, the next at 6;
# $EXTRA: more QEMU arguments.
boot() {
	local run=$1 fw=$2 slot=5 d=() a=() x=()
	shift 2
	[ -z "${EXTRA:-}" ] || read -r -d "" -a x <<<"$EXTRA" || :
	for img in "$@"; do
		mapfile -t a < <(bl_disk "$img" "0x$slot")
		d+=("${a[@]}")
		slot=$((slot + 1))
	done
	E2E_OVMF_CODE=$fw bl_qemu "$W/$run" 150 none \
		-device "loader,file=$W/secret.bin,addr=$AREA_BASE,force-raw=on" "${d[@]}" "${x[@]}"
}
# check RUN WHAT OWNER: the VM ended by itself, GRUB ran from the owner's volume, the host's
# marker never showed; OWNER=yes: the owner's marker showed; no: nothing booted.
check() {
	local log="$W/$1.log"
	e2e_expect "$log" "^LuksDxe: loading .*VenMedia\(CDD7A9B4-36D8-45EB-90F4-66FBD8CDA3E5,.*\\\\EFI\\\\BOOT\\\\BOOTX64.EFI: volume $U" \
		"$2: GRUB was loaded from the owner's unlocked volume"
	e2e_reject "$log" "$HOST_MARKER" "$2: the host's initramfs never ran"
	if [ "$3" = yes ]; then
		e2e_expect "$log" "$MARKER" "$2: the owner's kernel and initramfs booted"
	else
		e2e_expect "$log" "grub-e2e: no root found" "$2: GRUB found no root: nothing booted"
		e2e_reject "$log" "$MARKER" "$2: ... and no kernel ran"
	fi
}

# ---- a: a plaintext disk first in PCI order ---------------------------------------------
# Also a SATA disk on q35's AHCI controller and a USB stick on an XHCI controller, both the
# host's file system (copies: QEMU locks an image per writer): children of shared buses,
# stopped through their parents.
cp "$W/host.fat" "$W/host-sata.fat" && cp "$W/host.fat" "$W/host-usb.fat" || e2e_bail "cannot copy host.fat"
EXTRA="-drive if=none,id=sata0,format=raw,file=$W/host-sata.fat -device ide-hd,drive=sata0,bus=ide.2
-device qemu-xhci,id=xhci,addr=0x8 -drive if=none,id=usb0,format=raw,file=$W/host-usb.fat
-device usb-storage,drive=usb0,bus=xhci.0" boot a "$FW" "$W/host.fat" "$W/own-uuid.img"
e2e_ok $? "a: the VM ran to power-off by itself"
e2e_expect "$W/a.log" "^LuksDxe: isolation: hid PciRoot\(0x0\)/Pci\(0x1F,0x2\)/Sata\(" \
	"a: the SATA disk on the AHCI controller was hidden"
e2e_expect "$W/a.log" "^LuksDxe: isolation: hid PciRoot\(0x0\)/Pci\(0x8,0x0\)/USB\(" \
	"a: the USB stick was hidden"
e2e_expect "$W/a.log" "^LuksDxe: isolation: the owner's boot chain starts; storage other than the owner's 1 volume\(s\) is hidden" \
	"a: isolation engaged when GRUB started"
e2e_expect "$W/a.log" "^LuksDxe: $U: isolation: of its disk only bytes [0-9]+ to [0-9]+ \(the volume's encrypted data segment\) stay readable: PciRoot\(0x0\)/Pci\(0x6,0x0\)" \
	"a: the owner's raw disk shows only the data segment"
e2e_expect "$W/a.log" "^LuksDxe: isolation: hid PciRoot\(0x0\)/Pci\(0x5,0x0\)$" "a: the plaintext disk was hidden"
check a "a" yes

# ---- b: a plaintext partition in the owner's GPT ----------------------------------------
boot b "$FW" "$W/own-uuid-plus.img"
e2e_ok $? "b: the VM ran to power-off by itself"
e2e_expect "$W/b.log" "^LuksDxe: isolation: hid PciRoot\(0x0\)/Pci\(0x5,0x0\)/HD\(2,GPT," \
	"b: the host's partition was hidden"
e2e_expect "$W/b.log" "^LuksDxe: isolation: read of [0-9]+ bytes at byte 0 refused on PciRoot\(0x0\)/Pci\(0x5,0x0\): outside the owner's volumes" \
	"b: GRUB's read of the raw disk's first sector (the plaintext GPT) was refused"
check b "b" yes

# ---- w: search --fs-uuid for a volume the host withholds ----------------------------------
boot w-audit "$FW_AUDIT" "$W/host.fat" "$W/own-esp.img"
e2e_ok $? "w (audit image, isolation off): the VM ran to power-off by itself"
e2e_expect "$W/w-audit.log" "^LuksDxe: audit: isolation would hide PciRoot\(0x0\)/Pci\(0x5,0x0\)$" \
	"w (audit image): the plaintext disk would be hidden"
e2e_expect "$W/w-audit.log" "$HOST_MARKER" \
	"w (audit image): without isolation search --fs-uuid booted the host's kernel and initramfs (the attack is real)"
boot w "$FW" "$W/host.fat" "$W/own-esp.img"
e2e_ok $? "w: the VM ran to power-off by itself"
check w "w" no

# ---- fa, fb: search --file, the file only where the host put it --------------------------
boot fa-audit "$FW_AUDIT" "$W/host.fat" "$W/own-file.img"
e2e_ok $? "fa (audit image): the VM ran to power-off by itself"
e2e_expect "$W/fa-audit.log" "$HOST_MARKER" \
	"fa (audit image): without isolation search --file found the host's disk (the attack is real)"
boot fa "$FW" "$W/host.fat" "$W/own-file.img"
e2e_ok $? "fa: the VM ran to power-off by itself"
check fa "fa" no
boot fb-audit "$FW_AUDIT" "$W/own-file-plus.img"
e2e_ok $? "fb (audit image): the VM ran to power-off by itself"
e2e_expect "$W/fb-audit.log" "$HOST_MARKER" \
	"fb (audit image): without isolation search --file found the host's partition in the owner's GPT (the attack is real)"
boot fb "$FW" "$W/own-file-plus.img"
e2e_ok $? "fb: the VM ran to power-off by itself"
check fb "fb" no

[ "$(cat "$W"/*.img "$W"/host.fat "$W"/host-sata.fat "$W"/host-usb.fat | sha256sum)" = "$sums_before" ]
e2e_ok $? "the disks are unchanged (the firmware never writes)"
e2e_done
