#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
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
#   volkey   the same volume, run as LuksDxe above, with a volume-key secret record
#            (`lukstool mksecret --image --volume-key`): no keyslot KDF, the key is
#            checked against the volume's digest
#   verity   a third volume made by `lukstool mkdisk --verity` (the file system, then its
#            dm-verity tree, inside the volume), booted by the firmware image twice with a
#            volume-key secret: once with the owner's verity parameters in it (every block the
#            firmware reads is verified) and once without; the ratio is the cost of verity
#   Argon2   a second volume, same payload, argon2id keyslot with 4 lanes (BENCH_ARGON2_KIB
#            KiB, BENCH_ARGON2_T passes), run as LuksDxe above with -smp 1 and with -smp 4
#            (the lanes on the application processors); the driver's own report of the
#            processors it used is shown.  QEMU's vCPUs are host threads: with fewer host
#            cores than vCPUs the 4-vCPU figure says what this host gives, not what 4
#            cores would.
#
# All runs are timed from QEMU's start to the Linux kernel's first console line ("Linux
# version", the same kernel with the same command line in both), i.e. to the point where
# the loader has read the kernel from the encrypted volume and handed over; the time to the
# initramfs marker is shown too.  QEMU is TCG-only here, so absolute figures are those of
# an emulated CPU; the ratio is the figure of merit.
# The LuksDxe rows also show when the key check began (the driver's "deriving key" or
# "checking the volume key" line, first seen on the console: RUN.chunks from boot-lib.sh).
# Environment: BENCH_ITER (PBKDF2 iterations, default 200000), BENCH_ARGON2_KIB (default
# 32768), BENCH_ARGON2_T (default 4, the least libcryptsetup takes), BENCH_RUNS (the runs
# to make, default "luksdxe volkey image grub verity argon2-smp1 argon2-smp4"; the ratios
# are printed for the runs made).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/e2e/boot-lib.sh"
out="$top/out/bench-boot"
LUKSTOOL=${LUKSTOOL:-$top/build/lukstool}
DRIVER=${LUKSDXE_EFI:-$top/build/LuksDxe.efi}
ITER=${BENCH_ITER:-200000}
SECS=${BENCH_TIMEOUT:-600}
A_KIB=${BENCH_ARGON2_KIB:-32768}
A_T=${BENCH_ARGON2_T:-4}
RUNS=" ${BENCH_RUNS:-luksdxe volkey image grub verity argon2-smp1 argon2-smp4} "
want() { [[ $RUNS == *" $1 "* ]]; }
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
"$LUKSTOOL" mksecret --volume "$UUID" --key-file "$out/passphrase" -o "$out/secret.bin" >/dev/null ||
	die "mksecret failed"
"$LUKSTOOL" mksecret --image "$out/disk.img" --key-file "$out/passphrase" --volume-key \
	-o "$out/secret-vk.bin" >/dev/null || die "mksecret --volume-key failed"
if want verity; then
	say "making the verity volume: mkdisk --verity, PBKDF2-SHA256, the same payload"
	"$LUKSTOOL" mkdisk --verity --key-file "$out/passphrase" --from "$out/root" \
		-o "$out/disk-verity.img" --pbkdf pbkdf2 --hash sha256 \
		--pbkdf-force-iterations "$ITER" >"$out/mkdisk-verity.log" ||
		{ cat "$out/mkdisk-verity.log" >&2; die "mkdisk --verity failed"; }
	V_UUID=$(sed -n 's/^mkdisk: LUKS UUID //p' "$out/mkdisk-verity.log")
	read -r -a V_OPTS < <(sed -n 's/^mkdisk: verity options: //p' "$out/mkdisk-verity.log")
	[ ${#V_OPTS[@]} -gt 0 ] || die "mkdisk --verity printed no verity options"
	"$LUKSTOOL" mksecret --image "$out/disk-verity.img" --key-file "$out/passphrase" \
		--volume-key -o "$out/secret-verity-off.bin" >/dev/null || die "mksecret (verity off) failed"
	"$LUKSTOOL" mksecret --image "$out/disk-verity.img" --key-file "$out/passphrase" \
		--volume-key "${V_OPTS[@]}" -o "$out/secret-verity-on.bin" >/dev/null ||
		die "mksecret (verity on) failed"
fi
if want argon2-smp1 || want argon2-smp4; then
	say "making the Argon2 volume: argon2id, 4 lanes, $A_KIB KiB, $A_T passes"
	"$LUKSTOOL" mkdisk --key-file "$out/passphrase" --from "$out/root" -o "$out/disk-argon2.img" \
		--pbkdf argon2id --pbkdf-parallel 4 --pbkdf-memory "$A_KIB" \
		--pbkdf-force-iterations "$A_T" >"$out/mkdisk-argon2.log" ||
		{ cat "$out/mkdisk-argon2.log" >&2; die "mkdisk (argon2) failed"; }
	A_UUID=$(sed -n 's/^mkdisk: LUKS UUID //p' "$out/mkdisk-argon2.log")
	"$LUKSTOOL" mksecret --volume "$A_UUID" --key-file "$out/passphrase" \
		-o "$out/secret-argon2.bin" >/dev/null || die "mksecret (argon2) failed"
fi

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

# First time RUN's console showed a line matching ERE, also as a piece of a line that was
# still being printed (RUN.chunks): the start of the key derivation.
seen() {
	local run=$1 ere=$2 a b
	a=$(bl_when "$run" "$ere")
	b=$(awk -v re="$ere" '{ t = $1; sub(/^[^ ]* /, ""); if ($0 ~ re) { print t; exit } }' "$run.chunks" 2>/dev/null)
	if [ -n "$a" ] && [ -n "$b" ]; then
		awk -v a="$a" -v b="$b" 'BEGIN { print (a < b ? a : b) }'
	else
		echo "$a$b"
	fi
}
declare -A T # T[run.event] = seconds since QEMU started
# LuksDxe from the driver list: luksdxe_run NAME DISK SECRET UUID [QEMU ARGS...]
luksdxe_run() {
	local name=$1 disk=$2 secret=$3 uuid=$4 args
	shift 4
	say "run $name: LuksDxe from the driver list $* (timeout ${SECS}s)"
	mapfile -t args < <(bl_disk "$out/drivers.img" "$BL_DRIVER_SLOT"; bl_disk "$disk" "$BL_DISK_SLOT" 1)
	cp "$out/vars-luksdxe.fd" "$out/vars-run-$name.fd"
	bl_qemu "$out/$name" "$SECS" "$out/vars-run-$name.fd" "${args[@]}" \
		-fw_cfg "name=opt/luksdxe/secret,file=$secret" "$@"
	luksdxe_times "$name" "$uuid"
}
luksdxe_times() {
	local r=$out/$1 uuid=$2
	T[$1.check]=$(seen "$r" "^LuksDxe: $uuid: (deriving|checking)")
	T[$1.unlock]=$(bl_when "$r" "^LuksDxe: $uuid: unlocked")
	T[$1.os]=$(bl_when "$r" "^LuksDxe: loading .*BOOTX64.EFI")
	T[$1.stub]=$(bl_when "$r" "^EFI stub: ")
	T[$1.kernel]=$(bl_when "$r" "Linux version ")
	T[$1.marker]=$(bl_when "$r" "^$MARKER")
	[ -n "${T[$1.kernel]}" ] || { tail -20 "$r.log" >&2; die "run $1 did not reach the kernel"; }
}
row() { # row LABEL RUN
	printf 'bench-boot: %-16s check %7s s, unlocked %7s s, OS loader %7s s, EFI stub %7s s, kernel started %7s s, marker %7s s\n' \
		"$1:" "${T[$2.check]:-?}" "${T[$2.unlock]}" "${T[$2.os]:-?}" "${T[$2.stub]:-?}" "${T[$2.kernel]}" "${T[$2.marker]:-?}"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
span() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# LuksDxe: driver disk and Driver0000 (setup boot, not timed).
if want luksdxe || want volkey || want argon2-smp1 || want argon2-smp4; then
	bl_driver_disk "$out/drivers.img" "$DRIVER" || die "cannot make the driver disk"
	bl_install_driver "$out/vars-luksdxe.fd" "$out/drivers.img" 120 || die "driver registration failed"
fi

want luksdxe && luksdxe_run luksdxe "$out/disk.img" "$out/secret.bin" "$UUID"
want volkey && luksdxe_run volkey "$out/disk.img" "$out/secret-vk.bin" "$UUID"

# The firmware image, the secret in its secret area: image_run NAME DISK SECRET UUID
image_run() {
	local name=$1 disk=$2 secret=$3 uuid=$4 area args
	say "run $name: the firmware image $(basename "$FW") (timeout ${SECS}s)"
	read -r area _ < <(python3 "$top/tests/e2e/ovmf_secret_area.py" "$FW") || die "no secret area in $FW"
	mapfile -t args < <(bl_disk "$disk" "$BL_DISK_SLOT")
	E2E_OVMF_CODE=$FW bl_qemu "$out/$name" "$SECS" none "${args[@]}" \
		-device "loader,file=$secret,addr=$area,force-raw=on"
	luksdxe_times "$name" "$uuid"
}
want image && image_run image "$out/disk.img" "$out/secret.bin" "$UUID"
if want verity; then
	image_run verity-off "$out/disk-verity.img" "$out/secret-verity-off.bin" "$V_UUID"
	image_run verity-on "$out/disk-verity.img" "$out/secret-verity-on.bin" "$V_UUID"
	grep -q "^LuksDxe: $V_UUID: dm-verity root hash matches" "$out/verity-on.log" ||
		die "run verity-on: the driver did not serve the volume through its tree"
	! grep -q "dm-verity" "$out/verity-off.log" || die "run verity-off: the driver used verity"
fi

if want grub; then
	say "run grub: GRUB $(dpkg-query -W -f='${Version}' grub-efi-amd64-bin 2>/dev/null) (timeout ${SECS}s)"
	cp "$E2E_OVMF_VARS" "$out/vars-grub.fd"
	mapfile -t args < <(bl_disk "$out/grub-esp.img" "$BL_DRIVER_SLOT" 1; bl_disk "$out/disk.img" "$BL_DISK_SLOT" 2)
	BL_TYPE_WHEN="Enter passphrase" BL_TYPE_TEXT="$(cat "$out/passphrase")" \
		bl_qemu "$out/grub" "$SECS" "$out/vars-grub.fd" "${args[@]}"
	g_prompt=$(bl_when "$out/grub" "Enter passphrase")
	g_opened=$(bl_when "$out/grub" "^Slot .* opened")
	g_loader=$(bl_when "$out/grub" "Linux version ")
	g_marker=$(bl_when "$out/grub" "^$MARKER")
	[ -n "$g_loader" ] || { tail -20 "$out/grub.log" >&2; die "GRUB run did not reach the kernel"; }
fi

# The Argon2 volume on 1 and on 4 vCPUs (4 first: the driver says what it used).
want argon2-smp4 && luksdxe_run argon2-smp4 "$out/disk-argon2.img" "$out/secret-argon2.bin" "$A_UUID" -smp 4
want argon2-smp1 && luksdxe_run argon2-smp1 "$out/disk-argon2.img" "$out/secret-argon2.bin" "$A_UUID" -smp 1

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
echo
say "$(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) vCPU $cpu, QEMU $("$E2E_QEMU" --version | sed -n '1s/.*version \([^ ]*\).*/\1/p') TCG, OVMF $(dpkg-query -W -f='${Version}' ovmf 2>/dev/null)"
say "volume: LUKS2 aes-xts-plain64/512-bit, 4096-byte sectors, PBKDF2-SHA256 $ITER iterations; payload $(stat -c %s "$out/root/EFI/BOOT/BOOTX64.EFI") bytes UKI"
want luksdxe && row "LuksDxe" luksdxe
want volkey && row "volume key" volkey
want image && row "image" image
want grub && printf 'bench-boot: %-16s prompt %7s s, unlocked %7s s, kernel started %7s s, marker %7s s\n' \
	"GRUB:" "${g_prompt:-?}" "${g_opened:-?}" "$g_loader" "${g_marker:-?}"
# Where the time goes: firmware up to the key check, the check, up to the OS loader, then
# the loader and the kernel's EFI stub (the same kernel, decompressed by its stub in both).
want luksdxe && say "phases, LuksDxe: firmware to key derivation $(span 0 "${T[luksdxe.check]:-0}") s, derivation $(span "${T[luksdxe.check]:-0}" "${T[luksdxe.unlock]}") s, to OS loader $(span "${T[luksdxe.unlock]}" "${T[luksdxe.os]:-0}") s, OS loader to kernel $(span "${T[luksdxe.os]:-0}" "${T[luksdxe.kernel]}") s"
want grub && say "phases, GRUB:    firmware to passphrase prompt $(span 0 "${g_prompt:-0}") s, derivation $(span "${g_prompt:-0}" "${g_opened:-0}") s (typing included), reading and starting the kernel $(span "${g_opened:-0}" "$g_loader") s"
if want luksdxe && want grub; then
	say "firmware start to kernel start (loader done): LuksDxe ${T[luksdxe.kernel]} s, GRUB $g_loader s, GRUB/LuksDxe = $(ratio "$g_loader" "${T[luksdxe.kernel]}")"
	say "key derivation alone: GRUB/LuksDxe = $(ratio "$(span "${g_prompt:-0}" "${g_opened:-0}")" "$(span "${T[luksdxe.check]:-0}" "${T[luksdxe.unlock]}")")"
fi
want image && want grub &&
	say "firmware start to kernel start: firmware image ${T[image.kernel]} s, GRUB $g_loader s, GRUB/image = $(ratio "$g_loader" "${T[image.kernel]}")"
if want volkey; then
	want luksdxe &&
		say "volume-key secret: kernel started ${T[volkey.kernel]} s against ${T[luksdxe.kernel]} s with the passphrase (passphrase/volume key = $(ratio "${T[luksdxe.kernel]}" "${T[volkey.kernel]}")); unlocked ${T[volkey.unlock]} s against ${T[luksdxe.unlock]} s"
	want grub && say "volume-key secret: GRUB/volume key = $(ratio "$g_loader" "${T[volkey.kernel]}")"
	say "volume-key secret: key check $(span "${T[volkey.check]:-0}" "${T[volkey.unlock]}") s (first console line to unlocked); the driver said: $(grep -m1 -o "$UUID: checking the volume key[^:]*" "$out/volkey.log" || echo "no 'checking the volume key' line")"
fi
if want verity; then
	row "verity off" verity-off
	row "verity on" verity-on
	say "verity: firmware start to kernel start $(ratio "${T[verity-on.kernel]}" "${T[verity-off.kernel]}") x without verity (${T[verity-on.kernel]} s against ${T[verity-off.kernel]} s, the same disk and UKI, volume-key secrets); the driver said: $(grep -m1 -o "$V_UUID: dm-verity root hash matches[^;]*" "$out/verity-on.log")"
fi
if want argon2-smp1 && want argon2-smp4; then
	say "Argon2id volume: 4 lanes, $A_KIB KiB, $A_T passes; the host has $(nproc) cores"
	row "argon2 -smp 1" argon2-smp1
	row "argon2 -smp 4" argon2-smp4
	d1=$(span "${T[argon2-smp1.check]:-0}" "${T[argon2-smp1.unlock]}")
	d4=$(span "${T[argon2-smp4.check]:-0}" "${T[argon2-smp4.unlock]}")
	mp=$(grep -E "^LuksDxe: ([0-9]+ processors for Argon2 lanes|Argon2 lanes ran on)" "$out/argon2-smp4.log" | tr '\n' ';')
	say "Argon2id: key derivation (first console line to unlocked) -smp 4 $d4 s, -smp 1 $d1 s, -smp 4/-smp 1 = $(ratio "$d4" "$d1"); kernel started -smp 4 ${T[argon2-smp4.kernel]} s, -smp 1 ${T[argon2-smp1.kernel]} s"
	say "Argon2id -smp 4, the driver says: ${mp:-nothing about processors}"
fi
