#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# End-to-end (issue 4): LuksDxe loaded from the firmware's driver list.  First boot: the
# shell registers the driver as Driver0000 (bcfg driver add, which also sets DriverOrder)
# and resets.  Second boot (same variable store, same QEMU process): the boot manager
# loads the driver before the shell starts and connects the disks, so the shell finds
# the unlocked file system at start-up without any `load` or `connect`.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init driver_order
W=$E2E_WORK
drv="$E2E_TOP/build/LuksDxe.efi"
[ -f "$drv" ] || e2e_bail "build/LuksDxe.efi missing (run make)"

token="luksdxe-bds-$(e2e_rand_hex)"
printf '%s\r\n' "$token" >"$W/token.txt"
printf 'driver order %s' "$RANDOM$RANDOM" >"$W/pass"
uuid=$(cat /proc/sys/kernel/random/uuid)
e2e_luks_fat "$W/vol.img" 16 "$W/pass" --uuid "$uuid" -- "$W/token.txt=/token.txt" ||
	e2e_bail "cannot make the LUKS volume"
e2e_gpt_disk "$W/disk.img" "$W/vol.img" || e2e_bail "cannot make the GPT disk"
e2e_secret_table "$W/secret.bin" "$uuid=$W/pass"
mapfile -t disk < <(e2e_disk "$W/disk.img")

# Runs twice: registers the driver and resets, then (driver loaded by the boot manager)
# finds the token on FS1 and powers off.
script='if exist FS1:\token.txt then
  type FS1:\token.txt
  reset -s
endif
bcfg driver add 0 FS0:\LuksDxe.efi "LuksDxe"
reset'
run="$W/boot"
e2e_shell_boot "$run" 120 "$script" "$drv=/LuksDxe.efi" -- "${disk[@]}" \
	-fw_cfg "name=opt/luksdxe/secret,file=$W/secret.bin"
e2e_ok $? "QEMU ran both boots and powered off by itself"
e2e_expect "$run.log" "Target = 0000" "the shell registered the driver as Driver0000"
sed -n '/^Shell> reset$/,$p' "$run.log" >"$run.second.log"
e2e_expect "$run.second.log" "^LuksDxe: $uuid: unlocked with keyslot 0$" \
	"after the reset, the boot manager loaded the driver and it unlocked the volume"
e2e_reject "$run.second.log" "^Shell> load" "no shell command loaded the driver"
e2e_expect "$run.log" "FS1: Alias.*" "the shell's start-up mapping includes the unlocked file system"
e2e_expect "$run.log" "^$token\$" "the shell typed the per-run random file"
e2e_done
