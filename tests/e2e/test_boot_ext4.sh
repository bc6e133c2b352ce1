#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# End to end (issue 10, boot): Debian's stock OVMF under QEMU (TCG) boots Linux from an
# ext4 file system inside a LUKS2 volume, with no FAT anywhere on the encrypted disk.
# LuksDxe comes from the firmware's driver list (Driver0000, written once by the shell's
# `bcfg driver add`), the secret through fw_cfg; `lukstool mkdisk --fs ext4` makes the
# disks (ext4 by mke2fs -d).  The firmware's boot manager must find \EFI\BOOT\BOOTX64.EFI
# through the driver's read-only SimpleFileSystem on the unlocked volume and start it:
#   boot 1  that file is a unified kernel image; Linux runs to the initramfs marker
#   boot 2  that file is Debian's systemd-boot, which reads loader/loader.conf and a Boot
#           Loader Specification type #1 entry (loader/entries/*.conf: kernel, initrd,
#           options) from the same ext4 volume, then loads the kernel and the initrd from
#           it; Linux runs to the marker with the entry's command line
set -u
. "$(dirname "$0")/boot-lib.sh"
e2e_init boot_ext4
W=$E2E_WORK
LUKSTOOL=${LUKSTOOL:-$E2E_TOP/build/lukstool}
DRIVER=${LUKSDXE_EFI:-$E2E_TOP/build/LuksDxe.efi}
[ -x "$LUKSTOOL" ] && [ -f "$DRIVER" ] || e2e_bail "build/lukstool or build/LuksDxe.efi missing (run make)"
command -v mke2fs >/dev/null || e2e_bail "missing tool: mke2fs (e2fsprogs)"

payload="$E2E_TOP/out/payload"
bash "$E2E_TOP/tests/e2e/mkpayload.sh" "$payload" >"$W/mkpayload.log" 2>&1 ||
	{ sed 's/^/# /' "$W/mkpayload.log"; e2e_bail "cannot build the Linux payload"; }
MARKER=$(cat "$payload/marker")

mkdir -p "$W/root/EFI/BOOT"
cp "$payload/BOOTX64.EFI" "$W/root/EFI/BOOT/BOOTX64.EFI"
printf 'ext4 boot passphrase %s' "$RANDOM$RANDOM" >"$W/key"
"$LUKSTOOL" mkdisk --force --fs ext4 --from "$W/root" -o "$W/disk.img" --key-file "$W/key" \
	--sector-size 4096 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 >"$W/mkdisk.log" 2>&1 ||
	{ sed 's/^/# /' "$W/mkdisk.log"; e2e_bail "mkdisk --fs ext4 failed"; }
U=$(sed -n 's/^mkdisk: LUKS UUID //p' "$W/mkdisk.log")
[ -n "$U" ] || e2e_bail "mkdisk printed no UUID"
"$LUKSTOOL" mksecret -o "$W/secret.bin" --volume "$U" --key-file "$W/key" >/dev/null ||
	e2e_bail "mksecret failed"
sum_before=$(sha256sum <"$W/disk.img")

bl_driver_disk "$W/drivers.img" "$DRIVER" || e2e_bail "cannot make the driver disk"
bl_install_driver "$W/vars.fd" "$W/drivers.img" 60
e2e_ok $? "first boot: the UEFI shell registered LuksDxe as Driver0000 (bcfg driver add)"

mapfile -t args < <(bl_disk "$W/drivers.img" "$BL_DRIVER_SLOT"; bl_disk "$W/disk.img" "$BL_DISK_SLOT" 1)
bl_qemu "$W/boot" 180 "$W/vars.fd" "${args[@]}" -fw_cfg "name=opt/luksdxe/secret,file=$W/secret.bin"
e2e_ok $? "the VM ran to its end by itself (Linux powered it off)"
e2e_expect "$W/boot.log" "^LuksDxe: $U: unlocked with keyslot 0" "the volume unlocked"
e2e_expect "$W/boot.log" "^LuksDxe: ext4 file system [0-9a-f-]+ mounted read-only" \
	"the driver mounted the ext4 file system inside it"
e2e_reject "$W/boot.log" "UEFI Interactive Shell" "no shell and no manual step"
e2e_expect "$W/boot.log" "^LuksDxe: loading PciRoot\(0x0\)/Pci\($BL_DISK_SLOT,0x0\)/HD\(1,GPT,.*\)/VenMedia\(CDD7A9B4-36D8-45EB-90F4-66FBD8CDA3E5,$(echo "$U" | tr -d - | tr a-f A-F)\)/.EFI.BOOT.BOOTX64.EFI: volume $U" \
	"the boot manager expanded the disk's boot option to \\EFI\\BOOT\\BOOTX64.EFI on the unlocked ext4 volume"
e2e_expect "$W/boot.log" "^BdsDxe: starting .*Pci\($BL_DISK_SLOT,0x0\)" "... and started it"
e2e_expect "$W/boot.log" "^EFI stub: " "the Linux EFI stub ran"
e2e_expect "$W/boot.log" "^$MARKER" "Linux reached the initramfs marker"
[ "$sum_before" = "$(sha256sum <"$W/disk.img")" ]
e2e_ok $? "the encrypted disk is unchanged"

# ---- boot 2: systemd-boot and a type #1 entry --------------------------------------
SDBOOT=/usr/lib/systemd/boot/efi/systemd-bootx64.efi
[ -f "$SDBOOT" ] || e2e_bail "$SDBOOT missing (Debian package systemd-boot-efi)"
tag="bls-$(e2e_rand_hex)"
mkdir -p "$W/bls/EFI/BOOT" "$W/bls/loader/entries" "$W/bls/linux"
cp "$SDBOOT" "$W/bls/EFI/BOOT/BOOTX64.EFI"
cp "$payload/vmlinuz" "$W/bls/linux/vmlinuz"
cp "$payload/initrd.cpio.gz" "$W/bls/linux/initrd.cpio.gz"
printf 'timeout 0\ndefault luksdxe-ext4.conf\n' >"$W/bls/loader/loader.conf"
printf 'title LuksDxe ext4\nlinux /linux/vmlinuz\ninitrd /linux/initrd.cpio.gz\noptions %s luksdxe.tag=%s\n' \
	"$(cat "$payload/cmdline")" "$tag" >"$W/bls/loader/entries/luksdxe-ext4.conf"
"$LUKSTOOL" mkdisk --force --fs ext4 --from "$W/bls" -o "$W/bls.img" --key-file "$W/key" \
	--sector-size 4096 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 >"$W/bls.mkdisk" 2>&1 ||
	{ sed 's/^/# /' "$W/bls.mkdisk"; e2e_bail "mkdisk --fs ext4 (systemd-boot) failed"; }
UB=$(sed -n 's/^mkdisk: LUKS UUID //p' "$W/bls.mkdisk")
"$LUKSTOOL" mksecret -o "$W/bls-secret.bin" --volume "$UB" --key-file "$W/key" >/dev/null ||
	e2e_bail "mksecret failed"
mapfile -t args < <(bl_disk "$W/drivers.img" "$BL_DRIVER_SLOT"; bl_disk "$W/bls.img" "$BL_DISK_SLOT" 1)
bl_qemu "$W/boot2" 180 "$W/vars.fd" "${args[@]}" -fw_cfg "name=opt/luksdxe/secret,file=$W/bls-secret.bin"
e2e_ok $? "boot 2: the VM ran to its end by itself"
e2e_expect "$W/boot2.log" "^LuksDxe: $UB: unlocked with keyslot 0" "boot 2: the volume unlocked"
e2e_expect "$W/boot2.log" "^LuksDxe: loading .*VenMedia\(CDD7A9B4-36D8-45EB-90F4-66FBD8CDA3E5,$(echo "$UB" | tr -d - | tr a-f A-F)\)/.EFI.BOOT.BOOTX64.EFI: volume $UB" \
	"boot 2: the boot manager started systemd-boot from the ext4 volume"
e2e_expect "$W/boot2.log" "^LuksDxe: loading .*VenMedia\(CDD7A9B4-36D8-45EB-90F4-66FBD8CDA3E5,[0-9A-F]+\)/.linux.vmlinuz: volume $UB" \
	"boot 2: systemd-boot loaded the kernel named by the type #1 entry from the ext4 volume"
e2e_expect "$W/boot2.log" "Kernel command line: .*luksdxe.tag=$tag" \
	"boot 2: Linux runs with the entry's options (so systemd-boot read the entry)"
e2e_expect "$W/boot2.log" "^$MARKER" "boot 2: Linux reached the initramfs marker (the initrd came from ext4)"
e2e_done
