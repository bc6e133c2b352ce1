#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Captures real UEFI device paths from Debian's stock OVMF for the load-policy unit tests:
# writes tests/unit/data/ovmf-paths.txt (committed; this script is how to regenerate it,
# `bash tests/e2e/capture-paths.sh` after `make build/LuksDxe.efi build/e2e-apps/dpdump.efi`).
#
# One QEMU boot (TCG) with every kind of medium the policy must tell apart:
#   - the shell's boot disk FS0 (virtio, plaintext FAT: startup.nsh, LuksDxe.efi, dpdump.efi);
#   - a GPT disk (virtio) with two LUKS2 partitions made by cryptsetup: partition 1 holds a
#     FAT file system directly (and dpdump.efi), partition 2 a GPT disk of its own whose
#     first partition is FAT - so that a partition inside an unlocked volume shows;
#     the secret comes through fw_cfg (opt/luksdxe/secret, disk-passphrase entry);
#   - a second plaintext FAT disk (virtio);
#   - a USB stick (qemu-xhci + usb-storage, FAT);
#   - a CD-ROM (AHCI) holding an ISO with an El Torito EFI boot image (xorriso), if xorriso
#     is installed;
#   - a virtio-net NIC with QEMU's iPXE EFI option ROM, on a user-mode network with no
#     route out (restrict=on): the ROM's loaded image and the network LoadFile handles.
# LUKSDXE_EFI=FILE uses another driver build than build/LuksDxe.efi (the header says so).
# The shell connects everything, runs FS0:\dpdump.efi, loads FS0:\LuksDxe.efi, connects
# again (LuksDxe binds to the LUKS partitions), then runs
# dpdump.efi again from inside the unlocked volume (once LuksDxe is loaded its policy
# refuses images from plaintext disks).  The second run's lines are the fixture, one
#     dpdump: KIND HEX TEXT
# per firmware volume (fv), file system (fs), block device (blk), LoadFile handle
# (loadfile) and loaded image (image); HEX is the whole path with its end node.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init capture_paths
W=$E2E_WORK
drv=${LUKSDXE_EFI:-$E2E_TOP/build/LuksDxe.efi}
dpdump="$E2E_TOP/build/e2e-apps/dpdump.efi"
rom=/usr/lib/ipxe/qemu/efi-virtio.rom
out=${1:-$E2E_TOP/tests/unit/data/ovmf-paths.txt}
[ -f "$drv" ] && [ -f "$dpdump" ] || e2e_bail "make build/LuksDxe.efi build/e2e-apps/dpdump.efi first"
[ -f "$rom" ] || e2e_bail "$rom missing (qemu-system-x86 ships it)"
command -v sgdisk >/dev/null && command -v cryptsetup >/dev/null || e2e_bail "missing sgdisk or cryptsetup"

printf 'capture paths %s' "$(e2e_rand_hex)" >"$W/pass"
echo marker >"$W/marker.txt"

# LUKS partition 1: FAT directly on the volume, holding dpdump.efi.
e2e_luks_fat "$W/vol1.img" 12 "$W/pass" -- "$dpdump=/capture/dpdump.efi" "$W/marker.txt=/marker.txt" ||
	e2e_bail "cannot make LUKS volume 1"
# LUKS partition 2: a GPT disk inside the volume, one FAT partition.  The GPT is made for
# the first 10 MiB, the part whose plaintext survives encryption (see e2e_luks_fat).
e2e_mkfat "$W/inner.fat" 4 "$W/marker.txt=/inner.txt" || e2e_bail "cannot make the inner FAT"
truncate -s 10M "$W/vol2.img"
sgdisk -n 1:2048:+8192 -t 1:0700 "$W/vol2.img" >/dev/null || e2e_bail "sgdisk (inner) failed"
dd if="$W/inner.fat" of="$W/vol2.img" bs=512 seek=2048 conv=notrunc status=none
truncate -s 12M "$W/vol2.img"
# cryptsetup (blkid) refuses to encrypt over a partition table; blkid needs the protective
# MBR's 55 AA signature to see a GPT, EDK2's PartitionDxe only its 0xEE entry (the capture
# shows whether it found the partition): clear the signature.
printf '\0\0' | dd of="$W/vol2.img" bs=1 seek=510 conv=notrunc status=none
cryptsetup reencrypt --encrypt --type luks2 --reduce-device-size 2M --batch-mode \
	--key-file "$W/pass" --pbkdf pbkdf2 --pbkdf-force-iterations 1000 "$W/vol2.img" >/dev/null 2>&1 ||
	e2e_bail "cannot encrypt LUKS volume 2"
# The outer GPT disk with both volumes.
s1=$(($(stat -c %s "$W/vol1.img") / 512))
s2=$(($(stat -c %s "$W/vol2.img") / 512))
truncate -s $(((2048 + s1 + s2 + 2048) * 512)) "$W/luks.img"
sgdisk -n "1:2048:+$s1" -t 1:8309 -n "2:$((2048 + s1)):+$s2" -t 2:8309 "$W/luks.img" >/dev/null ||
	e2e_bail "sgdisk failed"
dd if="$W/vol1.img" of="$W/luks.img" bs=512 seek=2048 conv=notrunc status=none
dd if="$W/vol2.img" of="$W/luks.img" bs=512 seek=$((2048 + s1)) conv=notrunc status=none
e2e_secret_table "$W/secret.bin" "disk=$W/pass"

e2e_mkfat "$W/plain.img" 4 "$W/marker.txt=/plain.txt" || e2e_bail "cannot make the plaintext disk"
e2e_mkfat "$W/usb.img" 4 "$W/marker.txt=/usb.txt" || e2e_bail "cannot make the USB stick"
args=()
mapfile -t d < <(e2e_disk "$W/luks.img"); args+=("${d[@]}")
mapfile -t d < <(e2e_disk "$W/plain.img"); args+=("${d[@]}")
args+=(-device qemu-xhci,id=xhci -drive "if=none,id=usbstick,format=raw,file=$W/usb.img"
	-device usb-storage,bus=xhci.0,drive=usbstick)
args+=(-netdev user,id=n0,restrict=on -device "virtio-net-pci,netdev=n0,romfile=$rom")
if command -v xorriso >/dev/null; then
	# El Torito: a FAT image (no BOOTX64.EFI, so the boot manager does not boot it) as the
	# no-emulation EFI boot image of an ISO 9660 disc.
	mkdir -p "$W/iso"
	e2e_mkfat "$W/iso/efiboot.img" 2 "$W/marker.txt=/cd.txt" || e2e_bail "cannot make the El Torito image"
	xorriso -as mkisofs -quiet -o "$W/cd.iso" -e efiboot.img -no-emul-boot "$W/iso" >/dev/null 2>&1 ||
		e2e_bail "xorriso failed"
	args+=(-drive "if=none,id=cd0,media=cdrom,readonly=on,format=raw,file=$W/cd.iso"
		-device ide-cd,drive=cd0,bus=ide.2)
else
	echo "# xorriso not installed: no CD-ROM path in the capture (scripts/install-deps.sh installs it)"
fi

script='echo capture: before
connect -r
map -r
FS0:\dpdump.efi
load FS0:\LuksDxe.efi
connect -r
map -r
echo capture: after
for %i in 0 1 2 3 4 5 6 7 8 9 A B C D E F
  if exist FS%i:\capture\dpdump.efi then
    FS%i:\capture\dpdump.efi
  endif
endfor'
run="$W/run"
# The boot disk as e2e_shell_boot makes it, but with bootindex=0: QEMU then hands OVMF a
# boot order, and OVMF keeps only the matched option (this disk, nothing to boot on it)
# and its built-in shell - no PXE/HTTP boot attempts before the shell.
printf '%s\n' "$script" 'reset -s' | sed 's/$/\r/' >"$run.startup.nsh"
e2e_mkfat "$run.boot.img" 8 "$run.startup.nsh=/startup.nsh" "$drv=/LuksDxe.efi" "$dpdump=/dpdump.efi" ||
	e2e_bail "cannot make the boot disk"
e2e_qemu "$run" 240 -drive "if=none,id=boot,format=raw,file=$run.boot.img" \
	-device virtio-blk-pci,drive=boot,bootindex=0 "${args[@]}" \
	-fw_cfg "name=opt/luksdxe/secret,file=$W/secret.bin"
rc=$?
[ $rc -eq 0 ] || e2e_bail "QEMU did not power off by itself (status $rc); see $run.log"
after=$(sed -n '/^capture: after$/,$p' "$run.log" | grep -E '^dpdump: (fv|fs|blk|loadfile|image|end)( |$)')
echo "$after" | grep -q '^dpdump: end$' || e2e_bail "the second dpdump run did not finish; see $run.log"
echo "$after" | grep -q 'VenMedia(CDD7A9B4-36D8-45EB-90F4-66FBD8CDA3E5' ||
	e2e_bail "no unlocked LuksDxe child in the capture; see $run.log"
mkdir -p "$(dirname "$out")"
{
	echo "# Device paths captured from Debian's OVMF ($(basename "$E2E_OVMF_CODE"), package ovmf"
	echo "# $(dpkg-query -W -f='${Version}' ovmf 2>/dev/null)) under QEMU $("$E2E_QEMU" --version | head -1 | sed 's/^QEMU emulator version //')."
	echo "# Generated by tests/e2e/capture-paths.sh (regenerate with: bash tests/e2e/capture-paths.sh);"
	echo "# do not edit by hand.  Media: shell boot disk (FS0, plaintext), a GPT disk with two"
	echo "# LUKS2 partitions unlocked by LuksDxe (the second holding a GPT of its own), a second"
	echo "# plaintext disk, a USB stick, a CD-ROM with an El Torito EFI image, a virtio-net NIC"
	echo "# with QEMU's iPXE option ROM.  Lines: dpdump: KIND HEX TEXT (HEX includes the end node)."
	[ -n "${LUKSDXE_EFI:-}" ] &&
		echo "# LuksDxe: $(basename "$drv"), sha256 $(sha256sum <"$drv" | cut -c1-16)... (LUKSDXE_EFI, not build/LuksDxe.efi)"
	echo "$after" | grep -v '^dpdump: end$'
} >"$out"
echo "capture-paths: wrote $out ($(grep -c '^dpdump:' "$out") paths)"
