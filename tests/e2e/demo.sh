#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# `make demo`: what a guest owner does with LuksDxe, from nothing to a booted guest, with
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
# Artefacts go to out/demo/ (git-ignored); running it again rebuilds them.
# Environment: DEMO_PBKDF_MEMORY (KiB, default 131072), DEMO_PBKDF_TIME (Argon2 time cost,
# default 4), DEMO_TIMEOUT (seconds per boot, default 400).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/e2e/boot-lib.sh"
out="$top/out/demo"
payload="$top/out/payload"
LUKSTOOL=${LUKSTOOL:-$top/build/lukstool}
DRIVER=${LUKSDXE_EFI:-$top/build/LuksDxe.efi}
MEMORY=${DEMO_PBKDF_MEMORY:-131072}
TCOST=${DEMO_PBKDF_TIME:-4}
TIMEOUT=${DEMO_TIMEOUT:-400}
export E2E_MEM=1024   # room for the Argon2 memory next to the firmware and the kernel
t_demo=$SECONDS
N=0

if [ -t 1 ]; then B=$'\033[1m' R=$'\033[0m'; else B= R=; fi
step() { N=$1; shift; printf '\n%s== step %s/6: %s%s\n' "$B" "$N" "$*" "$R"; }
say() { echo "demo: $*"; }
fail() { echo "demo: step $N failed: $*" >&2; exit 1; }
show() { echo "  \$ $*"; } # prints a command before running it

[ -x "$LUKSTOOL" ] && [ -f "$DRIVER" ] || { N=0; fail "build/lukstool or build/LuksDxe.efi missing (run make)"; }
mkdir -p "$out"

step 1 "Linux payload (kernel from Debian's linux-image-amd64, busybox initramfs, unified kernel image)"
show bash tests/e2e/mkpayload.sh out/payload
bash "$top/tests/e2e/mkpayload.sh" "$payload" || fail "could not build the payload (see above)"
MARKER=$(cat "$payload/marker")
say "the initramfs prints: $MARKER"

step 2 "encrypted-only boot disk with lukstool mkdisk"
rm -rf "$out/boot-root"
mkdir -p "$out/boot-root/EFI/BOOT"
cp "$payload/BOOTX64.EFI" "$out/boot-root/EFI/BOOT/BOOTX64.EFI"
say "boot tree: out/demo/boot-root/EFI/BOOT/BOOTX64.EFI (the removable-media default path)"
( umask 077; head -c 32 /dev/urandom | base64 | tr -d '=\n' >"$out/passphrase" ) ||
	fail "cannot write the passphrase"
say "new random passphrase in out/demo/passphrase (mode 0600)"
show build/lukstool mkdisk --force --key-file out/demo/passphrase --from out/demo/boot-root \
	--pbkdf argon2id --pbkdf-memory "$MEMORY" --pbkdf-force-iterations "$TCOST" -o out/demo/disk.img
"$LUKSTOOL" mkdisk --force --key-file "$out/passphrase" --from "$out/boot-root" \
	--pbkdf argon2id --pbkdf-memory "$MEMORY" --pbkdf-force-iterations "$TCOST" \
	-o "$out/disk.img" | tee "$out/mkdisk.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || fail "lukstool mkdisk failed"
UUID=$(sed -n 's/^mkdisk: LUKS UUID //p' "$out/mkdisk.log")
[ -n "$UUID" ] || fail "mkdisk printed no UUID"
show cryptsetup luksDump '<partition 1 of out/demo/disk.img>'
if sgdisk -v "$out/disk.img" >/dev/null 2>&1; then
	say "(check with independent tools: sgdisk finds the GPT valid; cryptsetup says:)"
	dd if="$out/disk.img" of="$out/partition.img" bs=1M skip=1 status=none &&
		cryptsetup luksDump "$out/partition.img" 2>/dev/null | sed -n '/^UUID/p;/^Data segments/,/sector:/p;/PBKDF/p;/Time cost/p;/Memory/p' | sed 's/^/    /'
	rm -f "$out/partition.img"
fi

step 3 "the secret with lukstool mksecret"
show build/lukstool mksecret --force --volume "$UUID" --key-file out/demo/passphrase -o out/demo/secret.bin
"$LUKSTOOL" mksecret --force --volume "$UUID" --key-file "$out/passphrase" -o "$out/secret.bin" ||
	fail "lukstool mksecret failed"
say "in a confidential VM this table is injected at launch (sev-inject-launch-secret);"
say "here QEMU passes it through fw_cfg: -fw_cfg name=opt/luksdxe/secret,file=out/demo/secret.bin"

step 4 "LuksDxe in the OVMF driver list (first boot: the UEFI shell runs bcfg driver add)"
bl_driver_disk "$out/drivers.img" "$DRIVER" || fail "cannot make the driver disk"
say "driver disk out/demo/drivers.img (plaintext FAT): \\EFI\\LuksDxe\\LuksDxe.efi and startup.nsh:"
_bl_startup_nsh | sed -n '/bcfg driver add/s/^/    /p'
say "booting OVMF once with a fresh copy of its variable store (out/demo/vars.fd)..."
t=$SECONDS
bl_install_driver "$out/vars.fd" "$out/drivers.img" 120 ||
	{ tail -20 "$out/vars.install.log" >&2; fail "the shell did not register the driver (log: out/demo/vars.install.log)"; }
grep -E 'Variable: Driver0000|Desc|DevPath' "$out/vars.install.log" | sed 's/^/    /'
say "Driver0000 and DriverOrder are in out/demo/vars.fd ($((SECONDS - t)) s)"

step 5 "boot: OVMF + LuksDxe from the driver list + secret via fw_cfg -> Linux from the encrypted volume"
mapfile -t args < <(bl_disk "$out/drivers.img" "$BL_DRIVER_SLOT"; bl_disk "$out/disk.img" "$BL_DISK_SLOT" 1)
show "$E2E_QEMU -machine q35 -cpu max -accel tcg -m $E2E_MEM -nodefaults -serial stdio" \
	"-drive if=pflash,...OVMF_CODE_4M.fd -drive if=pflash,...out/demo/vars.fd ${args[*]}" \
	"-fw_cfg name=opt/luksdxe/secret,file=out/demo/secret.bin"
say "console (times are seconds since QEMU started):"
BL_LIVE=1 bl_qemu "$out/boot" "$TIMEOUT" "$out/vars.fd" "${args[@]}" \
	-fw_cfg "name=opt/luksdxe/secret,file=$out/secret.bin" 2>&1
rc=$?

step 6 "summary"
t_unlock=$(bl_when "$out/boot" "^LuksDxe: $UUID: unlocked with keyslot")
t_loader=$(bl_when "$out/boot" "^BdsDxe: starting ")
t_kernel=$(bl_when "$out/boot" "^EFI stub: ")
t_marker=$(bl_when "$out/boot" "^$MARKER")
[ "$rc" -eq 124 ] && fail "the VM did not finish within ${TIMEOUT}s (log: out/demo/boot.log)"
[ -n "$t_unlock" ] || fail "LuksDxe did not unlock the volume: $(grep -m1 "^LuksDxe: $UUID" "$out/boot.log" || echo 'no driver message') (log: out/demo/boot.log)"
[ -n "$t_marker" ] || fail "Linux did not reach the marker (log: out/demo/boot.log)"
printf 'demo: OK: firmware start 0.0 s, unlock done %s s, OS loader started %s s, kernel started %s s, marker seen %s s (argon2id %s MiB, t=%s; TCG; whole demo %d s)\n' \
	"$t_unlock" "${t_loader:-?}" "${t_kernel:-?}" "$t_marker" $((MEMORY / 1024)) "$TCOST" $((SECONDS - t_demo))
