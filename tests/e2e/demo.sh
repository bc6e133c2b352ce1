#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# `make demo`: the protected artefact, booted as a guest owner would boot it, from nothing
# to Linux from an encrypted-only disk, with the project's own tools and no root-only
# facility:
#   1. the firmware image build/ovmf/OVMF-LuksDxe.fd (`make ovmf`: OVMF AmdSev with LuksDxe
#      built in, no shell, no variable store): its SHA-256 and the secret area it
#      advertises in its footer table (where an SEV host injects the launch secret)
#   2. a Linux payload: Debian's kernel (downloaded, not installed), a busybox initramfs
#      whose /init prints a marker and powers off, both in a unified kernel image
#   3. an encrypted-only boot disk: `lukstool mkdisk` puts the UKI at \EFI\BOOT\BOOTX64.EFI
#      on a FAT file system inside a LUKS2 volume (argon2id)
#   4. the secret: `lukstool mksecret --image DISK --pin` proves the passphrase on the disk
#      and pins the volume key, so that only this very volume unlocks and boots
#   5. the boot: QEMU's loader writes the secret table into the secret area before the
#      first instruction (what sev-inject-launch-secret does on SEV hardware, after the
#      owner checked the launch measurement); LuksDxe unlocks the volume, the load policy
#      lets only images from it run, the boot manager starts the UKI, Linux reaches the
#      marker and powers off
#   6. what the owner saw, and a summary line with timings
# Artefacts go to out/demo/ (git-ignored); running it again rebuilds them.
# Environment: as tests/e2e/demo-lib.sh says; DEMO_FIRMWARE=IMAGE boots another image.
set -u
DEMO_NAME=demo DEMO_STEPS=6
. "$(dirname "$0")/demo-lib.sh"
FW=${DEMO_FIRMWARE:-$top/build/ovmf/OVMF-LuksDxe.fd}
[ -f "$FW" ] || { N=0; fail "$FW missing (run make ovmf)"; }
rel() { echo "${1#"$top"/}"; }

step 1 "the firmware image $(rel "$FW")"
say "SHA-256 $(sha256sum "$FW" | cut -d' ' -f1) ($(stat -c %s "$FW") bytes);"
say "  the same commit rebuilds these very bytes elsewhere (docs/reproducible.md, make ovmf-repro)"
[ -f "$FW.buildinfo" ] && say "  built from: $(sed -n 's/^commit: //p' "$FW.buildinfo"), tools in $(rel "$FW").buildinfo"
show python3 tests/e2e/ovmf_secret_area.py "$(rel "$FW")"
read -r AREA_BASE AREA_SIZE < <(python3 "$top/tests/e2e/ovmf_secret_area.py" "$FW") ||
	fail "the image advertises no secret area"
say "the image's footer table advertises the secret area at $AREA_BASE, $((AREA_SIZE)) bytes"

step 2 "Linux payload (kernel from Debian's linux-image-amd64, busybox initramfs, unified kernel image)"
demo_payload

step 3 "encrypted-only boot disk with lukstool mkdisk"
demo_disk

step 4 "the secret with lukstool mksecret, pinned to this volume's key"
show build/lukstool mksecret --force --image out/demo/disk.img --key-file out/demo/passphrase --pin -o out/demo/secret.bin
"$LUKSTOOL" mksecret --force --image "$out/disk.img" --key-file "$out/passphrase" --pin \
	-o "$out/secret.bin" || fail "lukstool mksecret failed"
size=$(stat -c %s "$out/secret.bin")
[ "$size" -le $((AREA_SIZE)) ] || fail "the secret table ($size bytes) does not fit the secret area ($((AREA_SIZE)) bytes)"
say "out/demo/secret.bin: $size bytes (the area holds $((AREA_SIZE))); it holds the passphrase and the pin"
say "on SEV hardware the host injects it with QMP sev-inject-launch-secret once the owner has"
say "checked the launch measurement; here QEMU's loader writes it at $AREA_BASE before the"
say "first instruction, the way the tests do (no SEV hardware needed, nothing else changes)"

step 5 "boot: the firmware image + the secret in its secret area -> Linux from the encrypted volume"
mapfile -t args < <(bl_disk "$out/disk.img" "$BL_DISK_SLOT")
show "$E2E_QEMU -machine q35 -cpu max -accel tcg -m $E2E_MEM -nodefaults -display none -no-reboot -serial stdio" \
	"-drive if=pflash,format=raw,unit=0,readonly=on,file=$(rel "$FW")" \
	"-device loader,file=out/demo/secret.bin,addr=$AREA_BASE,force-raw=on ${args[*]//$top\//}"
say "console (times are seconds since QEMU started):"
E2E_OVMF_CODE=$FW BL_LIVE=1 bl_qemu "$out/boot" "$TIMEOUT" none \
	-device "loader,file=$out/secret.bin,addr=$AREA_BASE,force-raw=on" "${args[@]}" 2>&1
rc=$?

step 6 "what the owner saw"
[ "$rc" -eq 124 ] && fail "the VM did not finish within ${TIMEOUT}s (log: out/demo/boot.log)"
seen() { # ERE TEXT: the first console line matching ERE, under TEXT
	local line
	line=$(grep -m1 -E "$1" "$out/boot.log") || return 1
	say "$2"
	echo "    $line"
}
seen "^LuksDxe: load policy active" "the load policy is on: only images from unlocked volumes may run" ||
	fail "the driver did not start its load policy (log: out/demo/boot.log)"
seen "^LuksDxe: $UUID: unlocked" "the volume unlocked with the secret from the secret area, its key matching the pin" ||
	fail "LuksDxe did not unlock the volume: $(grep -m1 "^LuksDxe: $UUID" "$out/boot.log" || echo 'no driver message') (log: out/demo/boot.log)"
seen "^LuksDxe: loading .*BOOTX64.EFI: volume $UUID" "the boot manager started the UKI from the unlocked volume" ||
	fail "the UKI was not loaded from the volume (log: out/demo/boot.log)"
seen "$MARKER" "Linux ran to the initramfs marker and powered off" ||
	fail "Linux did not reach the marker (log: out/demo/boot.log)"
if grep -qE '^LuksDxe: refused' "$out/boot.log"; then
	say "refused by the load policy:"
	grep -E '^LuksDxe: refused' "$out/boot.log" | sed 's/^/    /'
fi
t_unlock=$(bl_when "$out/boot" "^LuksDxe: $UUID: unlocked")
t_loader=$(bl_when "$out/boot" "^LuksDxe: loading .*BOOTX64.EFI")
t_kernel=$(bl_when "$out/boot" "^EFI stub: ")
t_marker=$(bl_when "$out/boot" "^$MARKER")
printf 'demo: OK: firmware image %s booted; firmware start 0.0 s, unlock done %s s, OS loader started %s s, kernel started %s s, marker seen %s s (argon2id %s MiB, t=%s; TCG; whole demo %d s)\n' \
	"$(rel "$FW")" "$t_unlock" "${t_loader:-?}" "${t_kernel:-?}" "$t_marker" $((MEMORY / 1024)) "$TCOST" $((SECONDS - t_demo))
