#!/usr/bin/env bash
# `make bench-boot`: firmware start to OS loader start, LuksDxe against GRUB, on the same
# machine in one run, unlocking the same LUKS2 volume and starting the same unified kernel
# image from it.
#
#   volume   `lukstool mkdisk`: GPT, LUKS2 aes-xts-plain64 512-bit, 4096-byte sectors,
#            PBKDF2-SHA256 keyslot (GRUB 2.06 has no Argon2), holding the UKI at
#            \EFI\BOOT\BOOTX64.EFI and, for GRUB, the same kernel and initramfs as files
#   LuksDxe  OVMF loads the driver from its driver list (Driver0000, set up beforehand and
#            not timed), the secret comes through fw_cfg, the boot manager starts the UKI
#            from the unlocked volume
#   image    the firmware image build/ovmf/OVMF-LuksDxe.fd (LuksDxe built in, no variable
#            store); the secret is put into its confidential-computing secret area by
#            QEMU's loader, as on SEV
#   GRUB     Debian's grub-efi-amd64-bin, a standalone image (grub-mkstandalone) on a plain
#            FAT disk: cryptomount, then linux + initrd from the unlocked volume (GRUB cannot
#            chainload an EFI image from a crypto disk: it has no EFI device path); the
#            passphrase is typed on the serial console the moment GRUB asks for it
#
# All runs are timed from QEMU's start to the Linux kernel's first console line ("Linux
# version", the same kernel with the same command line in both), i.e. to the point where
# the loader has read the kernel from the encrypted volume and handed over; the time to the
# initramfs marker is shown too.  QEMU is TCG-only here, so absolute figures are those of
# an emulated CPU; the ratio is the figure of merit.
# Environment: BENCH_ITER (PBKDF2 iterations, default 200000).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/e2e/boot-lib.sh"
out="$top/out/bench-boot"
LUKSTOOL=${LUKSTOOL:-$top/build/lukstool}
DRIVER=${LUKSDXE_EFI:-$top/build/LuksDxe.efi}
ITER=${BENCH_ITER:-200000}
SECS=${BENCH_TIMEOUT:-600}
die() { echo "bench-boot: $*" >&2; exit 1; }
say() { echo "bench-boot: $*"; }
FW=${LUKSDXE_FD:-$top/build/ovmf/OVMF-LuksDxe.fd}
[ -x "$LUKSTOOL" ] && [ -f "$DRIVER" ] || die "build/lukstool or build/LuksDxe.efi missing (run make)"
[ -f "$FW" ] || die "$FW missing (run make ovmf)"
command -v grub-mkstandalone >/dev/null || die "grub-mkstandalone missing (Debian package grub-efi-amd64-bin)"
rm -rf "$out"; mkdir -p "$out"

bash "$top/tests/e2e/mkpayload.sh" "$top/out/payload" >"$out/mkpayload.log" 2>&1 ||
	{ cat "$out/mkpayload.log" >&2; die "cannot build the Linux payload"; }
MARKER=$(cat "$top/out/payload/marker")

# The volume.
mkdir -p "$out/root/EFI/BOOT"
cp "$top/out/payload/BOOTX64.EFI" "$out/root/EFI/BOOT/BOOTX64.EFI"
cp "$top/out/payload/vmlinuz" "$top/out/payload/initrd.cpio.gz" "$out/root/"
head -c 24 /dev/urandom | base64 | tr -d '=+/\n' >"$out/passphrase"
say "making the volume: PBKDF2-SHA256, $ITER iterations, 4096-byte sectors"
"$LUKSTOOL" mkdisk --key-file "$out/passphrase" --from "$out/root" -o "$out/disk.img" \
	--pbkdf pbkdf2 --hash sha256 --pbkdf-force-iterations "$ITER" >"$out/mkdisk.log" ||
	{ cat "$out/mkdisk.log" >&2; die "mkdisk failed"; }
UUID=$(sed -n 's/^mkdisk: LUKS UUID //p' "$out/mkdisk.log")
"$LUKSTOOL" mksecret --volume "$UUID" --passphrase-file "$out/passphrase" -o "$out/secret.bin" >/dev/null ||
	die "mksecret failed"

# GRUB: standalone EFI image with the LUKS2 modules and a config that unlocks and chainloads.
cat >"$out/grub.cfg" <<CFG
set timeout=0
insmod part_gpt
insmod cryptodisk
insmod luks2
insmod gcry_rijndael
insmod gcry_sha256
insmod pbkdf2
insmod fat
insmod linux
echo "bench-grub: cryptomount"
cryptomount -a
echo "bench-grub: loading the kernel and the initramfs"
linux (crypto0)/vmlinuz $(cat "$top/out/payload/cmdline")
initrd (crypto0)/initrd.cpio.gz
boot
echo "bench-grub: boot failed"
CFG
grub-mkstandalone -O x86_64-efi -o "$out/grubx64.efi" \
	--modules="part_gpt cryptodisk luks2 gcry_rijndael gcry_sha256 pbkdf2 fat linux" \
	"boot/grub/grub.cfg=$out/grub.cfg" || die "grub-mkstandalone failed"
rm -f "$out/grub-esp.img"
mkfs.vfat -C -n GRUBESP "$out/grub-esp.img" 16384 >/dev/null &&
	mmd -i "$out/grub-esp.img" ::/EFI ::/EFI/BOOT &&
	mcopy -i "$out/grub-esp.img" "$out/grubx64.efi" ::/EFI/BOOT/BOOTX64.EFI || die "cannot make GRUB's ESP"

# LuksDxe: driver disk and Driver0000 (setup boot, not timed).
bl_driver_disk "$out/drivers.img" "$DRIVER" || die "cannot make the driver disk"
bl_install_driver "$out/vars-luksdxe.fd" "$out/drivers.img" 120 || die "driver registration failed"

say "run 1/3: LuksDxe from the driver list (timeout ${SECS}s)"
mapfile -t args < <(bl_disk "$out/drivers.img" "$BL_DRIVER_SLOT"; bl_disk "$out/disk.img" "$BL_DISK_SLOT" 1)
bl_qemu "$out/luksdxe" "$SECS" "$out/vars-luksdxe.fd" "${args[@]}" \
	-fw_cfg "name=opt/luksdxe/secret,file=$out/secret.bin"
l_unlock=$(bl_when "$out/luksdxe" "^LuksDxe: $UUID: unlocked")
l_os=$(bl_when "$out/luksdxe" "^LuksDxe: loading .*BOOTX64.EFI")
l_stub=$(bl_when "$out/luksdxe" "^EFI stub: ")
l_loader=$(bl_when "$out/luksdxe" "Linux version ")
l_marker=$(bl_when "$out/luksdxe" "^$MARKER")
[ -n "$l_loader" ] || { tail -20 "$out/luksdxe.log" >&2; die "LuksDxe run did not reach the kernel"; }

say "run 2/3: the firmware image $(basename "$FW") (timeout ${SECS}s)"
read -r area _ < <(python3 "$top/tests/e2e/ovmf_secret_area.py" "$FW") || die "no secret area in $FW"
mapfile -t args < <(bl_disk "$out/disk.img" "$BL_DISK_SLOT")
E2E_OVMF_CODE=$FW bl_qemu "$out/image" "$SECS" none "${args[@]}" \
	-device "loader,file=$out/secret.bin,addr=$area,force-raw=on"
i_unlock=$(bl_when "$out/image" "^LuksDxe: $UUID: unlocked")
i_os=$(bl_when "$out/image" "^LuksDxe: loading .*BOOTX64.EFI")
i_stub=$(bl_when "$out/image" "^EFI stub: ")
i_loader=$(bl_when "$out/image" "Linux version ")
i_marker=$(bl_when "$out/image" "^$MARKER")
[ -n "$i_loader" ] || { tail -20 "$out/image.log" >&2; die "firmware image run did not reach the kernel"; }

say "run 3/3: GRUB $(dpkg-query -W -f='${Version}' grub-efi-amd64-bin 2>/dev/null) (timeout ${SECS}s)"
cp "$E2E_OVMF_VARS" "$out/vars-grub.fd"
mapfile -t args < <(bl_disk "$out/grub-esp.img" "$BL_DRIVER_SLOT" 1; bl_disk "$out/disk.img" "$BL_DISK_SLOT" 2)
BL_TYPE_WHEN="Enter passphrase" BL_TYPE_TEXT="$(cat "$out/passphrase")" \
	bl_qemu "$out/grub" "$SECS" "$out/vars-grub.fd" "${args[@]}"
g_prompt=$(bl_when "$out/grub" "Enter passphrase")
g_opened=$(bl_when "$out/grub" "^Slot .* opened")
g_loader=$(bl_when "$out/grub" "Linux version ")
g_marker=$(bl_when "$out/grub" "^$MARKER")
[ -n "$g_loader" ] || { tail -20 "$out/grub.log" >&2; die "GRUB run did not reach the kernel"; }

ratio=$(awk -v g="$g_loader" -v l="$l_loader" 'BEGIN { printf "%.2f", g / l }')
iratio=$(awk -v g="$g_loader" -v l="$i_loader" 'BEGIN { printf "%.2f", g / l }')
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
echo
say "$(date -u +%Y-%m-%d), $(nproc) vCPU $cpu, QEMU TCG, OVMF $(dpkg-query -W -f='${Version}' ovmf 2>/dev/null)"
say "volume: LUKS2 aes-xts-plain64/512-bit, 4096-byte sectors, PBKDF2-SHA256 $ITER iterations; payload $(stat -c %s "$out/root/EFI/BOOT/BOOTX64.EFI") bytes UKI"
printf 'bench-boot: LuksDxe: unlocked %7s s, OS loader %7s s, EFI stub %7s s, kernel started %7s s, marker %7s s\n' \
	"$l_unlock" "${l_os:-?}" "${l_stub:-?}" "$l_loader" "${l_marker:-?}"
printf 'bench-boot: image:   unlocked %7s s, OS loader %7s s, EFI stub %7s s, kernel started %7s s, marker %7s s\n' \
	"$i_unlock" "${i_os:-?}" "${i_stub:-?}" "$i_loader" "${i_marker:-?}"
printf 'bench-boot: GRUB:    prompt   %7s s, unlocked %7s s, kernel started %7s s, marker %7s s\n' \
	"${g_prompt:-?}" "${g_opened:-?}" "$g_loader" "${g_marker:-?}"
say "firmware start to kernel start (loader done): LuksDxe $l_loader s, GRUB $g_loader s, GRUB/LuksDxe = $ratio"
say "firmware start to kernel start: firmware image $i_loader s, GRUB/image = $iratio"
