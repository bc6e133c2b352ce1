#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# End-to-end (issue 11, hostile cost parameters): real OVMF under QEMU (TCG).  A LUKS2
# volume that cryptsetup made gets a second keyslot for the owner's passphrase; its first
# keyslot is then edited (tests/oracle/luks2_edit.py) to PBKDF2 iterations of 2^31-1,
# hours of work, and kept first in cryptsetup's order.  The driver, timing with the TSC
# calibrated against the firmware's Stall, must print on the console that keyslot 0 is
# skipped with its estimate, unlock with keyslot 1, and the shell must read the file.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init kdf_limit
W=$E2E_WORK
drv="$E2E_TOP/build/LuksDxe.efi"
[ -f "$drv" ] || e2e_bail "build LuksDxe.efi first (make)"

token="luksdxe-$(e2e_rand_hex)"
printf '%s\r\n' "$token" >"$W/token.txt"
printf 'owner %s' "$RANDOM" >"$W/pass"
uuid=$(cat /proc/sys/kernel/random/uuid)
e2e_luks_fat "$W/vol.img" 16 "$W/pass" --uuid "$uuid" -- "$W/token.txt=/token.txt" ||
	e2e_bail "cannot make the LUKS volume"
cryptsetup luksAddKey -q --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file "$W/pass" \
	"$W/vol.img" "$W/pass" || e2e_bail "cannot add keyslot 1"
python3 "$E2E_TOP/tests/oracle/luks2_edit.py" "$W/vol.img" \
	--expr 'j["keyslots"]["0"]["kdf"]["iterations"]=2**31-1' || e2e_bail "cannot edit keyslot 0"
e2e_gpt_disk "$W/disk.img" "$W/vol.img" || e2e_bail "cannot make the GPT disk"
mapfile -t disk < <(e2e_disk "$W/disk.img")

script='load FS0:\LuksDxe.efi
connect -r
map -r
type FS1:\token.txt'
e2e_secret_table "$W/secret.bin" "disk=$W/pass"
run="$W/boot"
e2e_shell_boot "$run" 120 "$script" "$drv=/LuksDxe.efi" -- "${disk[@]}" \
	-fw_cfg "name=opt/luksdxe/secret,file=$W/secret.bin"
e2e_ok $? "boot ran to power-off (the hostile keyslot did not hold the firmware)"
e2e_expect "$run.log" "^LuksDxe: keyslot 0: key derivation would take about [0-9]+ s, above the limit of 120 s: skipped" \
	"the console says keyslot 0 is skipped, with its estimate"
e2e_expect "$run.log" "^LuksDxe: $uuid: unlocked with keyslot 1$" "the owner's keyslot 1 unlocked the volume"
e2e_expect "$run.log" "^$token\$" "the shell typed the file from inside the volume"
e2e_done
