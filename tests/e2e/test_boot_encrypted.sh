#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# End to end (issue 5): real OVMF under QEMU (TCG) boots Linux from LUKS2 volumes made by
# `lukstool mkdisk`, with LuksDxe loaded from the firmware's driver list (Driver0000 and
# DriverOrder, written once by the UEFI shell's `bcfg driver add`) and the secret table from
# `lukstool mksecret` passed through fw_cfg.  No manual step; every boot is bounded.
#
#   boot 1  disk A (4096-byte sectors, argon2id) + disk B (512-byte sectors, pbkdf2), each
#           with its own per-UUID passphrase and a wrong generic one: both unlock with
#           their own entry, Linux boots from A to the initramfs marker, no shell involved
#   boot 2  disk B alone: Linux boots from the 512-byte-sector PBKDF2 volume
#   boot 3  A with a wrong per-UUID secret, B with no secret at all: clear messages, both
#           stay locked, nothing boots from them, the firmware falls through to the shell
#           (whose startup script powers off): no hang
# Tiny KDF costs keep each unlock short.
set -u
. "$(dirname "$0")/boot-lib.sh"
e2e_init boot_encrypted
W=$E2E_WORK
LUKSTOOL=${LUKSTOOL:-$E2E_TOP/build/lukstool}
DRIVER=${LUKSDXE_EFI:-$E2E_TOP/build/LuksDxe.efi}
[ -x "$LUKSTOOL" ] && [ -f "$DRIVER" ] || e2e_bail "build/lukstool or build/LuksDxe.efi missing (run make)"

payload="$E2E_TOP/out/payload"
bash "$E2E_TOP/tests/e2e/mkpayload.sh" "$payload" >"$W/mkpayload.log" 2>&1 ||
	{ sed 's/^/# /' "$W/mkpayload.log"; e2e_bail "cannot build the Linux payload"; }
MARKER=$(cat "$payload/marker")

# Boot content: the unified kernel image at the removable-media default path, plus a
# per-run nonce file.
mkdir -p "$W/root/EFI/BOOT"
cp "$payload/BOOTX64.EFI" "$W/root/EFI/BOOT/BOOTX64.EFI"
echo "nonce $RANDOM$RANDOM" >"$W/root/nonce.txt"

printf 'passphrase A %s' "$RANDOM$RANDOM" >"$W/keyA"
printf 'passphrase B %s' "$RANDOM$RANDOM" >"$W/keyB"
printf 'not the passphrase of anything' >"$W/wrong"
mk() { # NAME ARGS...: mkdisk; prints the UUID
	local name=$1; shift
	"$LUKSTOOL" mkdisk --force --from "$W/root" -o "$W/$name.img" "$@" >"$W/$name.mkdisk" 2>&1 ||
		{ sed 's/^/# /' "$W/$name.mkdisk" >&2; return 1; }
	sed -n 's/^mkdisk: LUKS UUID //p' "$W/$name.mkdisk"
}
UA=$(mk A --key-file "$W/keyA" --sector-size 4096 --pbkdf argon2id --pbkdf-memory 64 \
	--pbkdf-parallel 1 --pbkdf-force-iterations 4) && [ -n "$UA" ] || e2e_bail "mkdisk A failed"
UB=$(mk B --key-file "$W/keyB" --sector-size 512 --pbkdf pbkdf2 --pbkdf-force-iterations 1000) &&
	[ -n "$UB" ] || e2e_bail "mkdisk B failed"

"$LUKSTOOL" mksecret -o "$W/good.bin" --key-file "$W/wrong" \
	--volume "$UA" --key-file "$W/keyA" --volume "$UB" --key-file "$W/keyB" >/dev/null &&
	"$LUKSTOOL" mksecret -o "$W/bad.bin" --volume "$UA" --key-file "$W/wrong" >/dev/null ||
	e2e_bail "mksecret failed"

bl_driver_disk "$W/drivers.img" "$DRIVER" || e2e_bail "cannot make the driver disk"
bl_install_driver "$W/vars.fd" "$W/drivers.img" 60
e2e_ok $? "first boot: the UEFI shell registered LuksDxe as Driver0000 (bcfg driver add)"

# OVMF connects only the disks in QEMU's boot order, so both carry a bootindex.
slotA=0x6 slotB=0x7
# ---- boot 1 ---------------------------------------------------------------------------
mapfile -t args < <(bl_disk "$W/drivers.img" "$BL_DRIVER_SLOT"; bl_disk "$W/A.img" $slotA 1;
	bl_disk "$W/B.img" $slotB 2)
bl_qemu "$W/boot1" 150 "$W/vars.fd" "${args[@]}" -fw_cfg "name=opt/luksdxe/secret,file=$W/good.bin"
e2e_ok $? "boot 1: the VM ran to its end by itself (Linux powered it off)"
e2e_expect "$W/boot1.log" "^LuksDxe: $UA: unlocked with keyslot 0" \
	"boot 1: volume A (4096-byte sectors, argon2id) unlocked with its per-UUID secret"
e2e_expect "$W/boot1.log" "^LuksDxe: $UB: unlocked with keyslot 0" \
	"boot 1: volume B (512-byte sectors, pbkdf2) unlocked with its per-UUID secret"
e2e_expect "$W/boot1.log" "^LuksDxe: $UA: deriving key \(secret from fw_cfg" \
	"boot 1: the secret came from fw_cfg"
e2e_reject "$W/boot1.log" "UEFI Interactive Shell" "boot 1: no shell and no manual step"
e2e_expect "$W/boot1.log" "^BdsDxe: starting .*Pci\($slotA,0x0\)" \
	"boot 1: the boot manager started the loader from disk A"
e2e_expect "$W/boot1.log" "^EFI stub: " "boot 1: the Linux EFI stub ran"
e2e_expect "$W/boot1.log" "^$MARKER" "boot 1: Linux reached the initramfs marker"

# ---- boot 2 ---------------------------------------------------------------------------
mapfile -t args < <(bl_disk "$W/drivers.img" "$BL_DRIVER_SLOT"; bl_disk "$W/B.img" $slotB 1)
bl_qemu "$W/boot2" 150 "$W/vars.fd" "${args[@]}" -fw_cfg "name=opt/luksdxe/secret,file=$W/good.bin"
e2e_ok $? "boot 2: the VM ran to its end by itself"
e2e_expect "$W/boot2.log" "^LuksDxe: $UB: unlocked with keyslot 0" "boot 2: volume B unlocked"
e2e_expect "$W/boot2.log" "^BdsDxe: starting .*Pci\($slotB,0x0\)" \
	"boot 2: the boot manager started the loader from disk B"
e2e_expect "$W/boot2.log" "^$MARKER" "boot 2: Linux booted from the 512-byte-sector PBKDF2 volume"

# ---- boot 3 ---------------------------------------------------------------------------
mapfile -t args < <(bl_disk "$W/drivers.img" "$BL_DRIVER_SLOT"; bl_disk "$W/A.img" $slotA 1;
	bl_disk "$W/B.img" $slotB 2)
start=$SECONDS
bl_qemu "$W/boot3" 150 "$W/vars.fd" "${args[@]}" -fw_cfg "name=opt/luksdxe/secret,file=$W/bad.bin"
rc=$?
e2e_ok $rc "boot 3 (wrong secret): the VM did not hang; it ended by itself in $((SECONDS - start)) s"
e2e_expect "$W/boot3.log" "^LuksDxe: $UA: wrong secret: no keyslot accepts it; the volume stays locked" \
	"boot 3: a clear 'wrong secret' message for volume A"
e2e_expect "$W/boot3.log" "^LuksDxe: $UB: no secret for this volume; it stays locked" \
	"boot 3: a clear 'no secret' message for volume B"
e2e_reject "$W/boot3.log" "unlocked with keyslot" "boot 3: nothing was unlocked"
e2e_reject "$W/boot3.log" "^EFI stub: |$MARKER" "boot 3: Linux did not boot"
e2e_expect "$W/boot3.log" "driver-disk: the shell was reached" \
	"boot 3: the firmware fell through to the shell, which powered off"

grep -hE '^[0-9.]+ (LuksDxe: .*unlocked|EFI stub: |'"$MARKER"')' "$W"/boot[12].ts | sed 's/^/# t=/'
e2e_done
