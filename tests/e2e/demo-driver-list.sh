#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# `make demo-driver-list`: the weak mode, LuksDxe from stock OVMF's driver list (`make demo`
# boots the firmware image instead; tests/e2e/demo.sh), from nothing to a booted guest, with
# the project's own tools and no root-only facility (no dm-crypt, no loop mounts):
#   1. a Linux payload: Debian's kernel (downloaded, not installed), a busybox initramfs
#      whose /init prints a marker and powers off, both in a unified kernel image
#   2. an encrypted-only boot disk: `lukstool mkdisk` puts the UKI at \EFI\BOOT\BOOTX64.EFI
#      on a FAT file system inside a LUKS2 volume (argon2id)
#   3. the secret: `lukstool mksecret` makes the secret table with the volume's passphrase
#   4. the driver in the OVMF driver list: a first boot runs the UEFI shell's
#      `bcfg driver add` from a small plaintext driver disk (Driver0000 + DriverOrder)
#   5. the real boot: OVMF loads LuksDxe, which unlocks the volume with the secret from
#      fw_cfg; the boot manager starts the UKI from the unlocked volume; Linux runs to the
#      marker
#   6. a summary line with timings
# Artefacts go to out/demo-driver-list/ (git-ignored); running it again rebuilds them.
# Environment: as tests/e2e/demo-lib.sh says.
set -u
DEMO_NAME=demo-driver-list DEMO_STEPS=6
. "$(dirname "$0")/demo-lib.sh"
DRIVER=${LUKSDXE_EFI:-$top/build/LuksDxe.efi}
[ -f "$DRIVER" ] || fail "build/LuksDxe.efi missing (run make)"

step 1 "Linux payload (kernel from Debian's linux-image-amd64, busybox initramfs, unified kernel image)"
demo_payload

step 2 "encrypted-only boot disk with lukstool mkdisk"
demo_disk

step 3 "the secret with lukstool mksecret"
show build/lukstool mksecret --force --volume "$UUID" --key-file out/demo-driver-list/passphrase -o out/demo-driver-list/secret.bin
"$LUKSTOOL" mksecret --force --volume "$UUID" --key-file "$out/passphrase" -o "$out/secret.bin" ||
	fail "lukstool mksecret failed"
say "in a confidential VM this table is injected at launch (sev-inject-launch-secret);"
say "here QEMU passes it through fw_cfg: -fw_cfg name=opt/luksdxe/secret,file=out/demo-driver-list/secret.bin"

step 4 "LuksDxe in the OVMF driver list (first boot: the UEFI shell runs bcfg driver add)"
bl_driver_disk "$out/drivers.img" "$DRIVER" || fail "cannot make the driver disk"
say "driver disk out/demo-driver-list/drivers.img (plaintext FAT): \\EFI\\LuksDxe\\LuksDxe.efi and startup.nsh:"
_bl_startup_nsh | sed -n '/bcfg driver add/s/^/    /p'
say "booting OVMF once with a fresh copy of its variable store (out/demo-driver-list/vars.fd)..."
t=$SECONDS
bl_install_driver "$out/vars.fd" "$out/drivers.img" 120 ||
	{ tail -20 "$out/vars.install.log" >&2; fail "the shell did not register the driver (log: out/demo-driver-list/vars.install.log)"; }
grep -E 'Variable: Driver0000|Desc|DevPath' "$out/vars.install.log" | sed 's/^/    /'
say "Driver0000 and DriverOrder are in out/demo-driver-list/vars.fd ($((SECONDS - t)) s)"

step 5 "boot: OVMF + LuksDxe from the driver list + secret via fw_cfg -> Linux from the encrypted volume"
mapfile -t args < <(bl_disk "$out/drivers.img" "$BL_DRIVER_SLOT"; bl_disk "$out/disk.img" "$BL_DISK_SLOT" 1)
show "$E2E_QEMU -machine q35 -cpu max -accel tcg -m $E2E_MEM -nodefaults -serial stdio" \
	"-drive if=pflash,...OVMF_CODE_4M.fd -drive if=pflash,...out/demo-driver-list/vars.fd ${args[*]}" \
	"-fw_cfg name=opt/luksdxe/secret,file=out/demo-driver-list/secret.bin"
say "console (times are seconds since QEMU started):"
BL_LIVE=1 bl_qemu "$out/boot" "$TIMEOUT" "$out/vars.fd" "${args[@]}" \
	-fw_cfg "name=opt/luksdxe/secret,file=$out/secret.bin" 2>&1
rc=$?

step 6 "summary"
t_unlock=$(bl_when "$out/boot" "^LuksDxe: $UUID: unlocked with keyslot")
t_loader=$(bl_when "$out/boot" "^BdsDxe: starting ")
t_kernel=$(bl_when "$out/boot" "^EFI stub: ")
t_marker=$(bl_when "$out/boot" "^$MARKER")
[ "$rc" -eq 124 ] && fail "the VM did not finish within ${TIMEOUT}s (log: out/demo-driver-list/boot.log)"
[ -n "$t_unlock" ] || fail "LuksDxe did not unlock the volume: $(grep -m1 "^LuksDxe: $UUID" "$out/boot.log" || echo 'no driver message') (log: out/demo-driver-list/boot.log)"
[ -n "$t_marker" ] || fail "Linux did not reach the marker (log: out/demo-driver-list/boot.log)"
printf 'demo: OK: firmware start 0.0 s, unlock done %s s, OS loader started %s s, kernel started %s s, marker seen %s s (argon2id %s MiB, t=%s; TCG; whole demo %d s)\n' \
	"$t_unlock" "${t_loader:-?}" "${t_kernel:-?}" "$t_marker" $((MEMORY / 1024)) "$TCOST" $((SECONDS - t_demo))
