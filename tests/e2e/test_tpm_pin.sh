#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# End to end (issue 18): a systemd-tpm2 token with a PIN, in firmware.  Debian's stock OVMF
# with swtpm (-tpmdev emulator), the LUKSDXE_PROMPT build of the driver
# (build/LuksDxe-prompt.efi) from the driver list; systemd-cryptenroll 252 enrolled the
# token with --tpm2-with-pin on the same swtpm state.  The driver asks for the PIN at the
# console, the test types it (not echoed), the token unseals, the shell reads the volume.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init tpm_pin
W=$E2E_WORK
drv=${LUKSDXE_PROMPT_EFI:-$E2E_TOP/build/LuksDxe-prompt.efi}
[ -f "$drv" ] || e2e_bail "build/LuksDxe-prompt.efi missing (make test-bins)"
for t in swtpm tpm2_flushcontext tpm2_dictionarylockout systemd-cryptenroll; do
	command -v "$t" >/dev/null || e2e_bail "$t missing (scripts/install-deps.sh)"
done
. "$(dirname "$0")/swtpm-lib.sh"

PIN="pin-xyzzy-$(e2e_rand_hex | cut -c1-8)"
mkdir -p "$W/state"
swtpm_start "$W/enrol.pid" --server "type=unixio,path=$W/enrol.sock" \
	--ctrl "type=unixio,path=$W/enrol.sock.ctrl" --flags not-need-init,startup-clear ||
	e2e_bail "swtpm does not start"
TCTI="swtpm:path=$W/enrol.sock"
tpm2_dictionarylockout -T "$TCTI" --setup-parameters --max-tries=1000 --recovery-time=1 \
	--lockout-recovery-time=1 >/dev/null 2>&1
e2e_ok $? "dictionary-attack lockout set to 1000 tries"
printf 'luksdxe-tpm-pin-%s\r\n' "$(e2e_rand_hex)" >"$W/pin.txt"
printf 'owner passphrase %s' "$RANDOM$RANDOM" >"$W/pass"
uuid=$(cat /proc/sys/kernel/random/uuid)
e2e_luks_fat "$W/vol" 24 "$W/pass" --uuid "$uuid" -- "$W/pin.txt=/token.txt" ||
	e2e_bail "cannot make the volume"
PASSWORD=$(cat "$W/pass") NEWPIN=$PIN systemd-cryptenroll --tpm2-device="$TCTI" \
	--tpm2-pcrs= --tpm2-with-pin=yes "$W/vol" >"$W/enrol.log" 2>&1
e2e_ok $? "systemd-cryptenroll enrolled a PIN token"
tpm2_flushcontext -T "$TCTI" -s >/dev/null 2>&1
swtpm_stop "$W/enrol.pid"
e2e_gpt_disk "$W/disk.img" "$W/vol" || e2e_bail "cannot make the disk"

swtpm_start "$W/qemu.pid" --ctrl "type=unixio,path=$W/qemu-tpm.sock" ||
	e2e_bail "swtpm (for QEMU) does not start"
mapfile -t disk < <(e2e_disk "$W/disk.img")
script='if exist FS1:\token.txt then
  type FS1:\token.txt
  reset -s
endif
bcfg driver add 0 FS0:\LuksDxe.efi "LuksDxe"
reset'
run="$W/boot"
E2E_TYPE_WHEN="TPM2 PIN for $uuid: " E2E_TYPE_TEXT=$PIN \
	e2e_shell_boot "$run" 200 "$script" "$drv=/LuksDxe.efi" -- "${disk[@]}" \
	-chardev "socket,id=chrtpm,path=$W/qemu-tpm.sock" -tpmdev emulator,id=tpm0,chardev=chrtpm \
	-device tpm-tis,tpmdev=tpm0
e2e_ok $? "QEMU ran both boots and powered off by itself"
e2e_expect "$run.log" "^LuksDxe: TPM2 PIN for $uuid: " "the driver asked for the token's PIN"
e2e_expect "$run.log" "^LuksDxe: $uuid: TPM2 token 0: unsealed; keyslot opened" \
	"the PIN token unsealed through EFI_TCG2_PROTOCOL"
e2e_expect "$run.log" "^LuksDxe: $uuid: unlocked with keyslot 1$" "the volume unlocked"
e2e_expect "$run.log" "^$(tr -d '\r' <"$W/pin.txt")\$" "the shell read the volume's file"
e2e_reject "$run.log" "pin-xyzzy" "the PIN was not echoed"
e2e_done
