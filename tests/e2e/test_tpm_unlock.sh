#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# End to end (issue 18): Debian's stock OVMF (OVMF_CODE_4M.fd, Tcg2Dxe built in) under QEMU
# with a software TPM (swtpm, -tpmdev emulator), LuksDxe from the driver list, and LUKS2
# volumes whose only way in is a systemd-tpm2 token that Debian's systemd-cryptenroll 252
# enrolled on the same swtpm state.  No fw_cfg secret, no prompt.
#   nopcr    a PCR-less token: unlocked, its per-run file read by the shell
#   pcr15    bound to PCR 15 as it is at boot (never extended, all zeros): unlocked
#   pcr15x   bound to PCR 15 after it was extended at enrolment: refused, the line names
#            PCR 15, the volume stays locked
#   pcr7     bound to PCR 7 (Secure Boot policy): a first boot prints the firmware's event
#            log; its PCR 7 events (tpm2_eventlog) are extended into the enrolment TPM,
#            which must then hold the PCR 7 the firmware's TPM reported; enrolled there,
#            the token unlocks in the second boot
#   tampered a copy of the PCR-less token with one base64 character of its private part
#            changed: the TPM refuses to load it, the volume stays locked
#   moved    a copy of the PCR-less token pointing at another keyslot (2, another
#            passphrase): the unsealed secret is tried there only, refused, stays locked
# The pcr15 disk comes first: each unlocked volume is measured into PCR 15, so a token
# bound to PCR 15 as at boot unseals only before any other volume was unlocked.
# Measurement: the shell runs evlog.efi (from an unlocked volume: the load policy admits
# nothing else), which prints the TPM's raw answer to TPM2_PCR_Read (sha256 PCR 15) and
# the firmware's TCG2 event log; tpm2_eventlog replays the log, and the extends of the
# lines LuksDxe printed are replayed with sha256sum: all three agree.  (tpm2_pcrread on
# the swtpm after the boot was tried and is not possible here: swtpm ends with QEMU's
# channel, and its control socket takes one client, QEMU, while the guest runs.)
# Traps: swtpm's dictionary-attack lockout (set to 1000 tries before enrolment), sessions
# left by enrolment (flushed), one swtpm per state directory (the enrolment swtpm is
# stopped before QEMU's starts on the same state).
set -u
. "$(dirname "$0")/lib.sh"
e2e_init tpm_unlock
W=$E2E_WORK
drv=${LUKSDXE_EFI:-$E2E_TOP/build/LuksDxe.efi}
evlog=$E2E_TOP/build/e2e-apps/evlog.efi
[ -f "$drv" ] && [ -f "$evlog" ] || e2e_bail "build/LuksDxe.efi or evlog.efi missing (make test-bins)"
for t in swtpm tpm2_pcrextend tpm2_flushcontext tpm2_dictionarylockout systemd-cryptenroll \
	tpm2_pcrread tpm2_eventlog; do
	command -v "$t" >/dev/null || e2e_bail "$t missing (scripts/install-deps.sh)"
done

. "$(dirname "$0")/swtpm-lib.sh"

# ---- enrolment on the host --------------------------------------------------------
mkdir -p "$W/state"
swtpm_start "$W/enrol.pid" --server "type=unixio,path=$W/enrol.sock" \
	--ctrl "type=unixio,path=$W/enrol.sock.ctrl" --flags not-need-init,startup-clear \
	--log "file=$W/swtpm-enrol.log" || e2e_bail "swtpm does not start"
TCTI="swtpm:path=$W/enrol.sock"
tpm2_dictionarylockout -T "$TCTI" --setup-parameters --max-tries=1000 --recovery-time=1 \
	--lockout-recovery-time=1 >/dev/null 2>&1
e2e_ok $? "dictionary-attack lockout set to 1000 tries"

declare -A U
for v in nopcr pcr15 pcr15x pcr7 tampered moved; do
	printf 'luksdxe-tpm-%s-%s\r\n' "$v" "$(e2e_rand_hex)" >"$W/$v.txt"
	printf 'owner passphrase %s' "$RANDOM$RANDOM" >"$W/$v.pass"
	U[$v]=$(cat /proc/sys/kernel/random/uuid)
	e2e_luks_fat "$W/$v.vol" 24 "$W/$v.pass" --uuid "${U[$v]}" -- "$W/$v.txt=/token.txt" \
		"$evlog=/evlog.efi" ||
		e2e_bail "cannot make the $v volume"
done
enrol() { # enrol VOLUME PCRS
	PASSWORD=$(cat "$W/$1.pass") systemd-cryptenroll --tpm2-device="$TCTI" \
		--tpm2-pcrs="$2" "$W/$1.vol" >"$W/$1.enrol.log" 2>&1 || return 1
	tpm2_flushcontext -T "$TCTI" -t >/dev/null 2>&1
	tpm2_flushcontext -T "$TCTI" -l >/dev/null 2>&1
	tpm2_flushcontext -T "$TCTI" -s >/dev/null 2>&1
}
enrol nopcr ""
e2e_ok $? "systemd-cryptenroll enrolled a PCR-less token"
enrol pcr15 15
e2e_ok $? "systemd-cryptenroll enrolled a token bound to PCR 15 (all zeros, as at boot)"
tpm2_pcrextend -T "$TCTI" "15:sha256=$(printf 'enrolment-time value' | sha256sum | cut -c1-64)" &&
	enrol pcr15x 15
e2e_ok $? "systemd-cryptenroll enrolled a token bound to PCR 15 after extending it"
enrol tampered "" && enrol moved ""
e2e_ok $? "systemd-cryptenroll enrolled two more PCR-less tokens (to be edited)"
swtpm_stop "$W/enrol.pid"
# retoken VOLUME JQ: token 0 exported, edited, imported in its place
retoken() {
	cryptsetup token export --token-id 0 "$W/$1.vol" | jq -c "$2" >"$W/$1.tok" &&
		cryptsetup token remove --token-id 0 "$W/$1.vol" &&
		cryptsetup token import --token-id 0 --json-file "$W/$1.tok" "$W/$1.vol"
}
retoken tampered '."tpm2-blob" |= (.[0:40] + (if .[40:41] == "A" then "B" else "A" end) + .[41:])'
e2e_ok $? "the tampered token replaced the enrolled one"
printf 'second passphrase %s' "$RANDOM" >"$W/moved.pass2"
# shellcheck disable=SC2086
cryptsetup luksAddKey -q --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file "$W/moved.pass" \
	--new-key-slot 2 "$W/moved.vol" "$W/moved.pass2" && retoken moved '.keyslots = ["2"]'
e2e_ok $? "the moved token points at keyslot 2"

# ---- PCR 7 as the firmware leaves it ------------------------------------------------
# A first boot (no LuksDxe, so no load policy) runs evlog.efi from its boot disk.
# pcr_values LOG: the sha256 PCR 7 and 15 values in the TPM's PCR_Read answer (TPM 2.0
# Part 3, 22.4: header 10, pcrUpdateCounter 4, pcrSelectionOut 10, count 4, then TPM2Bs)
pcr_values() {
	sed -n 's/^pcr-read: //p' "$1" | tr -d '\n' | python3 -c 'import sys
r = bytes.fromhex(sys.stdin.read().strip())
ok = len(r) == 96 and r[6:10] == bytes(4) and r[24:28] == bytes([0, 0, 0, 2])
print(r[30:62].hex() + " " + r[64:96].hex() if ok and r[28:30] == r[62:64] == bytes([0, 32]) else "")'
}
# log_bin LOG OUT: the hex event log lines back to bytes
log_bin() { sed -n '/^evlog-begin/,/^evlog-end/p' "$1" | sed -n 's/^evlog: //p' | xxd -r -p >"$2"; }
TPMDEV=(-chardev "socket,id=chrtpm,path=$W/qemu-tpm.sock" -tpmdev emulator,id=tpm0,chardev=chrtpm
	-device tpm-tis,tpmdev=tpm0)
swtpm_start "$W/qemu1.pid" --ctrl "type=unixio,path=$W/qemu-tpm.sock" \
	--log "file=$W/swtpm-qemu1.log" || e2e_bail "swtpm (for QEMU) does not start"
e2e_shell_boot "$W/pre" 120 'FS0:\evlog.efi' "$evlog=/evlog.efi" -- "${TPMDEV[@]}"
e2e_ok $? "first boot: the shell printed the event log and the PCRs, and powered off"
swtpm_stop "$W/qemu1.pid"
read -r pcr7_fw _ < <(pcr_values "$W/pre.log")
log_bin "$W/pre.log" "$W/pre.bin"
tpm2_eventlog "$W/pre.bin" >"$W/pre.yaml" 2>/dev/null
# the sha256 digests of the PCR 7 events, in log order (EV_NO_ACTION extends nothing)
python3 - "$W/pre.yaml" >"$W/pcr7.digests" <<'PY'
import sys
pcr = typ = alg = None
for line in open(sys.argv[1]):
    k, _, v = line.strip().lstrip('- ').partition(': ')
    if k == 'PCRIndex': pcr = int(v)
    elif k == 'EventType': typ = v
    elif k == 'AlgorithmId': alg = v
    elif k == 'Digest' and alg == 'sha256' and pcr == 7 and typ != 'EV_NO_ACTION':
        print(v.strip('"'))
PY
swtpm_start "$W/enrol.pid" --server "type=unixio,path=$W/enrol.sock" \
	--ctrl "type=unixio,path=$W/enrol.sock.ctrl" --flags not-need-init,startup-clear \
	--log "file=$W/swtpm-enrol.log" || e2e_bail "swtpm does not start"
while read -r d; do tpm2_pcrextend -T "$TCTI" "7:sha256=$d" || break; done <"$W/pcr7.digests"
pcr7_host=$(tpm2_pcrread -T "$TCTI" sha256:7 | sed -n 's/^ *7 *: *0x//p' | tr 'A-F' 'a-f')
[ -n "$pcr7_fw" ] && [ "$pcr7_host" = "$pcr7_fw" ]
e2e_ok $? "PCR 7 events of the log ($(wc -l <"$W/pcr7.digests")) replayed on the enrolment TPM give the firmware's PCR 7 ($pcr7_fw)"
enrol pcr7 7
e2e_ok $? "systemd-cryptenroll enrolled a token bound to PCR 7"
swtpm_stop "$W/enrol.pid"

for v in nopcr pcr15 pcr15x pcr7 tampered moved; do
	e2e_gpt_disk "$W/$v.img" "$W/$v.vol" || e2e_bail "cannot make the $v disk"
done

# ---- the boot -----------------------------------------------------------------------
swtpm_start "$W/qemu.pid" --ctrl "type=unixio,path=$W/qemu-tpm.sock" \
	--log "file=$W/swtpm-qemu.log" || e2e_bail "swtpm (for QEMU) does not start"
mapfile -t d1 < <(e2e_disk "$W/pcr15.img")
mapfile -t d2 < <(e2e_disk "$W/nopcr.img")
mapfile -t d3 < <(e2e_disk "$W/pcr15x.img")
mapfile -t d4 < <(e2e_disk "$W/pcr7.img")
mapfile -t d5 < <(e2e_disk "$W/tampered.img")
mapfile -t d6 < <(e2e_disk "$W/moved.img")
# First pass: register the driver and reset; second pass (driver loaded by the boot
# manager, TPM reset with the machine): type each unlocked volume's file.
script='if exist FS1:\token.txt then
  type FS1:\token.txt
  type FS2:\token.txt
  type FS3:\token.txt
  type FS4:\token.txt
  FS1:\evlog.efi
  reset -s
endif
bcfg driver add 0 FS0:\LuksDxe.efi "LuksDxe"
reset'
run="$W/boot"
e2e_shell_boot "$run" 300 "$script" "$drv=/LuksDxe.efi" -- "${d1[@]}" "${d2[@]}" "${d3[@]}" "${d4[@]}" "${d5[@]}" "${d6[@]}" \
	"${TPMDEV[@]}"
e2e_ok $? "QEMU ran both boots and powered off by itself"
sed -n '/^Shell> reset$/,$p' "$run.log" >"$run.second.log"
e2e_expect "$run.second.log" "^LuksDxe: ${U[nopcr]}: TPM2 token 0: unsealed; keyslot opened" \
	"PCR-less token: unsealed through EFI_TCG2_PROTOCOL"
e2e_expect "$run.second.log" "^LuksDxe: ${U[nopcr]}: unlocked with keyslot 1$" \
	"PCR-less token: the volume unlocked with the token's keyslot"
e2e_expect "$run.second.log" "^LuksDxe: ${U[pcr15]}: unlocked with keyslot 1$" \
	"PCR 15 token: the volume unlocked"
e2e_expect "$run.second.log" "^LuksDxe: ${U[pcr7]}: unlocked with keyslot 1$" \
	"PCR 7 token: the volume unlocked"
e2e_expect "$run.log" "^$(tr -d '\r' <"$W/pcr7.txt")\$" "the shell read the PCR 7 volume's file"
e2e_expect "$run.second.log" "^LuksDxe: ${U[pcr15x]}: TPM2 token 0: TPM2 policy failure: the token is bound to sha256 PCRs 15," \
	"PCR 15 changed since enrolment: refused, the line names PCR 15"
e2e_expect "$run.second.log" "^LuksDxe: ${U[pcr15x]}: no secret for this volume; it stays locked" \
	"PCR 15 changed: the volume stays locked"
e2e_reject "$run.second.log" "^LuksDxe: ${U[pcr15x]}: unlocked" "PCR 15 changed: not unlocked"
e2e_expect "$run.second.log" "^LuksDxe: ${U[tampered]}: TPM2 token 0: TPM2 Load failed: TPM rc 0x[0-9a-f]+: the TPM refuses the sealed object" \
	"tampered blob: the TPM's refusal is named"
e2e_expect "$run.second.log" "^LuksDxe: ${U[tampered]}: no secret for this volume; it stays locked" \
	"tampered blob: the volume stays locked"
e2e_expect "$run.second.log" "^LuksDxe: ${U[moved]}: TPM2 token 0: the unsealed secret does not open its keyslot" \
	"token for another keyslot: its secret is refused by keyslot 2"
e2e_expect "$run.second.log" "^LuksDxe: ${U[moved]}: no secret for this volume; it stays locked" \
	"token for another keyslot: the volume stays locked (keyslot 1 is not tried)"
e2e_reject "$run.second.log" "^LuksDxe: (${U[tampered]}|${U[moved]}): (unlocked|measured)" \
	"neither edited-token volume was unlocked or measured"
e2e_expect "$run.log" "^$(cat "$W/nopcr.txt" | tr -d '\r')\$" "the shell read the PCR-less volume's file"
e2e_expect "$run.log" "^$(cat "$W/pcr15.txt" | tr -d '\r')\$" "the shell read the PCR 15 volume's file"
e2e_reject "$run.log" "^$(cat "$W/pcr15x.txt" | tr -d '\r')\$" "the refused volume's file was not read"

# ---- the measurements ---------------------------------------------------------------
e2e_expect "$run.second.log" "^LuksDxe: ${U[pcr15]}: measured into PCR 15: luksdxe-volume-v1 uuid=${U[pcr15]} header-sha256=[0-9a-f]{64} source=tpm2 keyslot=1 verity-root=none$" \
	"the PCR 15 volume was measured, naming its UUID and the TPM as its source"
e2e_expect "$run.second.log" "^LuksDxe: ${U[nopcr]}: measured into PCR 15: luksdxe-volume-v1 uuid=${U[nopcr]} " \
	"the PCR-less volume was measured"
e2e_reject "$run.second.log" "^LuksDxe: ${U[pcr15x]}: measured" "the locked volume was not measured"
# the header digest against sha256sum over the enrolled header (its primary copy)
hsize=$((16#$(od -An -tx1 -j8 -N8 "$W/nopcr.vol" | tr -d ' \n')))
want=$(head -c "$hsize" "$W/nopcr.vol" | sha256sum | cut -c1-64)
e2e_expect "$run.second.log" "uuid=${U[nopcr]} header-sha256=$want " \
	"the event's header digest is sha256sum's of the header copy in use"
# The TPM's own answer to TPM2_PCR_Read (sha256 PCR 15) after the unlocks (pcr_values).
read -r _ pcr_read < <(pcr_values "$run.second.log")
[ -n "$pcr_read" ]
e2e_ok $? "the TPM answered TPM2_PCR_Read for sha256 PCR 15 ($pcr_read)"
log_bin "$run.second.log" "$W/eventlog.bin"
[ -s "$W/eventlog.bin" ]
e2e_ok $? "evlog.efi printed the firmware's event log ($(stat -c %s "$W/eventlog.bin") bytes)"
tpm2_eventlog "$W/eventlog.bin" >"$W/eventlog.yaml" 2>"$W/eventlog.err"
e2e_ok $? "tpm2_eventlog parsed the log"
log_pcr=$(awk '/^pcrs:/ { p = 1 } p && /sha256:/ { s = 1; next } s && /^ *15 *:/ { print; exit }' \
	"$W/eventlog.yaml" | sed 's/.*0x//' | tr 'A-F' 'a-f')
[ -n "$log_pcr" ] && [ "$log_pcr" = "$pcr_read" ]
e2e_ok $? "tpm2_eventlog's replay of PCR 15 equals the TPM's value ($log_pcr)"
n_tag=$(grep -c 'EventType: EV_EVENT_TAG' "$W/eventlog.yaml")
[ "$n_tag" -ge 2 ]
e2e_ok $? "the log holds the EV_EVENT_TAG events ($n_tag)"
# replay of the printed lines: PCR = SHA-256(PCR || SHA-256(line)), from zeros
pcr=$(printf '%064d' 0)
while IFS= read -r line; do
	d=$(printf '%s' "$line" | sha256sum | cut -c1-64)
	pcr=$(printf '%s%s' "$pcr" "$d" | xxd -r -p | sha256sum | cut -c1-64)
done < <(sed -n 's/^LuksDxe: [^ ]*: measured into PCR 15: //p' "$run.second.log")
[ "$pcr" = "$pcr_read" ]
e2e_ok $? "the extends of the measured lines, replayed with sha256sum, give PCR 15"
e2e_done
