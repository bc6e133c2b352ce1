#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# End-to-end (issue 9): Argon2's lanes on several processors in the firmware.  A LUKS2
# volume with argon2id, 4 lanes; OVMF under QEMU TCG with -smp 4 (QEMU runs the vCPUs on
# host threads): LuksDxe finds EFI_MP_SERVICES_PROTOCOL, says how many processors it may
# use and, after a slice, on how many the lanes ran, and the volume unlocks (a per-run
# random file is read from it).  The same disk with -smp 1: no MP message, same file.
# The two boots' wall times are printed as a comment (this machine's load decides them).
set -u
. "$(dirname "$0")/lib.sh"
e2e_init mp_lanes
W=$E2E_WORK
drv="$E2E_TOP/build/LuksDxe.efi"
[ -f "$drv" ] || e2e_bail "build LuksDxe.efi first (make)"

token="luksdxe-$(e2e_rand_hex)"
printf '%s\r\n' "$token" >"$W/token.txt"
printf 'mp lanes %s' "$RANDOM" >"$W/pass"
uuid=$(cat /proc/sys/kernel/random/uuid)
e2e_luks_fat "$W/vol.img" 16 "$W/pass" --uuid "$uuid" --pbkdf argon2id --pbkdf-memory 32768 \
	--pbkdf-force-iterations 4 --pbkdf-parallel 4 -- "$W/token.txt=/token.txt" ||
	e2e_bail "cannot make the LUKS volume"
e2e_gpt_disk "$W/disk.img" "$W/vol.img" || e2e_bail "cannot make the GPT disk"
mapfile -t disk < <(e2e_disk "$W/disk.img")
e2e_secret_table "$W/secret.bin" "disk=$W/pass"

script='load FS0:\LuksDxe.efi
connect -r
map -r
type FS1:\token.txt'

declare -A secs
for smp in 4 1; do
	run="$W/smp$smp"
	start=$(date +%s%N)
	e2e_shell_boot "$run" 240 "$script" "$drv=/LuksDxe.efi" -- "${disk[@]}" -smp "$smp" \
		-fw_cfg "name=opt/luksdxe/secret,file=$W/secret.bin"
	e2e_ok $? "-smp $smp: boot ran to power-off"
	ms=$((($(date +%s%N) - start) / 1000000))
	secs[$smp]=$((ms / 1000)).$(printf '%03d' $((ms % 1000)))
	e2e_expect "$run.log" "^LuksDxe: $uuid: unlocked with keyslot 0$" "-smp $smp: the volume unlocked"
	e2e_expect "$run.log" "^$token\$" "-smp $smp: the per-run file was read from the volume"
done
e2e_expect "$W/smp4.log" "^LuksDxe: 4 processors for Argon2 lanes$" \
	"-smp 4: the driver found the MP services and 3 application processors"
e2e_expect "$W/smp4.log" "^LuksDxe: Argon2 lanes ran on [234] processors$" \
	"-smp 4: the lanes of a slice ran on more than one processor"
e2e_reject "$W/smp1.log" "processors for Argon2 lanes" "-smp 1: no other processor, no MP message"
echo "# wall time of the whole boot: -smp 4 ${secs[4]} s, -smp 1 ${secs[1]} s (load average $(cut -d' ' -f1 /proc/loadavg))"
e2e_done
