#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# The opt-in firmware image build/ovmf/OVMF-LuksDxe-tpm.fd (AmdSev, -D TPM2_ENABLE=TRUE,
# LuksDxe inside; `make ovmf-tpm`) under QEMU TCG with a software TPM (swtpm on a --ctrl
# socket, -tpmdev emulator), as docs/tpm.md describes.  Not part of `make check` (the
# image takes a separate edk2 build); run by `make ovmf-tpm-check`.
#   a  a volume whose passphrase is in the secret area (QEMU's generic loader at the
#      address the image advertises) and whose BOOTX64.EFI is evlog.efi: it unlocks, is
#      measured into PCR 15, and evlog.efi (started by the boot manager) reads the TPM
#      through Tcg2Dxe's EFI_TCG2_PROTOCOL: PCR 15 as the TPM reports it equals the
#      replay of the firmware's event log by tpm2_eventlog
#   b  a volume with only a PCR-less systemd-tpm2 token (systemd-cryptenroll on the same
#      swtpm state): SecretDxe publishes the secret area on every boot, SEV or not, so the
#      area is the only source and the token is never asked: the volume stays locked, in
#      the boot with a secret for (a) and in a boot with no secret at all (empty area)
set -u
. "$(dirname "$0")/boot-lib.sh"
e2e_init ovmf_tpm_check
W=$E2E_WORK
FW="$E2E_TOP/build/ovmf/OVMF-LuksDxe-tpm.fd"
evlog=$E2E_TOP/build/e2e-apps/evlog.efi
[ -f "$FW" ] || e2e_bail "$FW missing (make ovmf-tpm)"
[ -f "$evlog" ] || e2e_bail "$evlog missing (make test-bins)"
for t in swtpm systemd-cryptenroll tpm2_flushcontext tpm2_dictionarylockout tpm2_eventlog; do
	command -v "$t" >/dev/null || e2e_bail "$t missing (scripts/install-deps.sh)"
done
read -r AREA_BASE _ < <(python3 "$E2E_TOP/tests/e2e/ovmf_secret_area.py" "$FW") ||
	e2e_bail "the image advertises no secret area"

. "$(dirname "$0")/swtpm-lib.sh"

# ---- the volumes, the token enrolled on the host ------------------------------------
mkdir -p "$W/state"
UA=$(cat /proc/sys/kernel/random/uuid) UB=$(cat /proc/sys/kernel/random/uuid)
printf 'owner passphrase %s' "$(e2e_rand_hex)" >"$W/a.pass"
printf 'owner passphrase %s' "$(e2e_rand_hex)" >"$W/b.pass"
e2e_luks_fat "$W/a.vol" 24 "$W/a.pass" --uuid "$UA" -- "$evlog=/EFI/BOOT/BOOTX64.EFI" &&
	e2e_luks_fat "$W/b.vol" 24 "$W/b.pass" --uuid "$UB" -- "$evlog=/EFI/BOOT/BOOTX64.EFI" ||
	e2e_bail "cannot make the volumes"
swtpm_start "$W/enrol.pid" --server "type=unixio,path=$W/enrol.sock" \
	--ctrl "type=unixio,path=$W/enrol.sock.ctrl" --flags not-need-init,startup-clear \
	--log "file=$W/swtpm-enrol.log" || e2e_bail "swtpm does not start"
TCTI="swtpm:path=$W/enrol.sock"
tpm2_dictionarylockout -T "$TCTI" --setup-parameters --max-tries=1000 --recovery-time=1 \
	--lockout-recovery-time=1 >/dev/null 2>&1 &&
	PASSWORD=$(cat "$W/b.pass") systemd-cryptenroll --tpm2-device="$TCTI" --tpm2-pcrs= \
		"$W/b.vol" >"$W/b.enrol.log" 2>&1
e2e_ok $? "systemd-cryptenroll enrolled a PCR-less token on volume b"
for f in -t -l -s; do tpm2_flushcontext -T "$TCTI" "$f" >/dev/null 2>&1; done
swtpm_stop "$W/enrol.pid"
e2e_gpt_disk "$W/a.img" "$W/a.vol" && e2e_gpt_disk "$W/b.img" "$W/b.vol" || e2e_bail "cannot make the disks"
e2e_secret_table "$W/secret.bin" "$UA=$W/a.pass" || e2e_bail "cannot write the secret table"

A=(); mapfile -t A < <(bl_disk "$W/a.img" 0x6)
B=(); mapfile -t B < <(bl_disk "$W/b.img" 0x7)
TPMDEV=(-chardev "socket,id=chrtpm,path=$W/qemu-tpm.sock" -tpmdev emulator,id=tpm0,chardev=chrtpm
	-device tpm-tis,tpmdev=tpm0)
tpm_boot() { # RUN SECRET|- QEMU ARGS...: one bounded boot with a fresh swtpm on the state
	local run=$1 secret=$2 loader=()
	shift 2
	[ "$secret" = - ] || loader=(-device "loader,file=$secret,addr=$AREA_BASE,force-raw=on")
	swtpm_start "$W/qemu.pid" --ctrl "type=unixio,path=$W/qemu-tpm.sock" \
		--log "file=$W/swtpm-$(basename "$run").log" || return 1
	E2E_OVMF_CODE=$FW bl_qemu "$run" 180 none "${loader[@]}" "${TPMDEV[@]}" "$@"
	local rc=$?
	swtpm_stop "$W/qemu.pid"
	return $rc
}

# ---- a: secret area, measurement, the TPM through Tcg2Dxe ----------------------------
run="$W/secret"
tpm_boot "$run" "$W/secret.bin" "${B[@]}" "${A[@]}"
e2e_ok $? "a: QEMU ran the image with the TPM to power-off by itself"
e2e_expect "$run.log" "^LuksDxe: $UA: unlocked with keyslot 0" "a: the volume unlocked from the secret area"
e2e_expect "$run.log" "^LuksDxe: $UA: measured into PCR 15: luksdxe-volume-v1 uuid=$UA header-sha256=[0-9a-f]{64} source=cc " \
	"a: LuksDxe measured it into PCR 15 (HashLogExtendEvent of Tcg2Dxe)"
e2e_expect "$run.log" "^evlog-begin" "a: evlog.efi found EFI_TCG2_PROTOCOL and printed the event log"
# the sha256 PCR 15 in the TPM's raw PCR_Read answer (layout: see test_tpm_unlock.sh)
pcr_read=$(sed -n 's/^pcr-read: //p' "$run.log" | tr -d '\n' | python3 -c 'import sys
r = bytes.fromhex(sys.stdin.read().strip())
print(r[64:96].hex() if len(r) == 96 and r[6:10] == bytes(4) and r[62:64] == bytes([0, 32]) else "")')
[ -n "$pcr_read" ] && [ "$pcr_read" != "$(printf '%064d' 0)" ]
e2e_ok $? "a: the TPM answered TPM2_PCR_Read: sha256 PCR 15 = ${pcr_read:-none}"
sed -n '/^evlog-begin/,/^evlog-end/p' "$run.log" | sed -n 's/^evlog: //p' | xxd -r -p >"$W/eventlog.bin"
tpm2_eventlog "$W/eventlog.bin" >"$W/eventlog.yaml" 2>"$W/eventlog.err"
e2e_ok $? "a: tpm2_eventlog parsed the firmware's log ($(stat -c %s "$W/eventlog.bin") bytes)"
log_pcr=$(awk '/^pcrs:/ { p = 1 } p && /sha256:/ { s = 1; next } s && /^ *15 *:/ { print; exit }' \
	"$W/eventlog.yaml" | sed 's/.*0x//' | tr 'A-F' 'a-f')
[ -n "$log_pcr" ] && [ "$log_pcr" = "$pcr_read" ]
e2e_ok $? "a: tpm2_eventlog's replay of PCR 15 equals the TPM's value"
n0=$(awk '/PCRIndex: 0$/ { n++ } END { print n + 0 }' "$W/eventlog.yaml")
[ "$n0" -ge 1 ]
e2e_ok $? "a: the log holds the firmware's own PCR 0 events ($n0): Tcg2Pei/Tcg2Dxe measured the boot"
e2e_expect "$run.log" "^LuksDxe: $UB: no entry in the confidential-computing secret area" \
	"b: the token volume is not looked up in the TPM: the secret area is the only source"
e2e_reject "$run.log" "^LuksDxe: $UB: (TPM2 token|unlocked)" "b: its token was never tried, it stayed locked"

# ---- b alone, no secret injected: SecretDxe still publishes the (empty) area ----------
run="$W/nosecret"
tpm_boot "$run" - "${B[@]}"
e2e_ok $? "b: QEMU ran the image with no secret to power-off by itself"
e2e_expect "$run.log" "^LuksDxe: $UB: no entry in the confidential-computing secret area" \
	"b: with no secret at all the area is still published (empty): only source, the token is not asked"
e2e_reject "$run.log" "^LuksDxe: $UB: (TPM2 token|unlocked)" "b: the token was never tried, the volume stayed locked"
e2e_done
