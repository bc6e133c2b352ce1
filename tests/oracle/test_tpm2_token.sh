#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# systemd-tpm2 tokens unsealed by tpm/ (through lukstool tpm2-unlock) against a real
# software TPM: cryptsetup formats each image, Debian's systemd-cryptenroll enrols it on
# swtpm, and the volume key lukstool opens is compared with the one cryptsetup dumps with
# the passphrase.  Traps handled: swtpm's dictionary-attack lockout (set to 1000 tries),
# sessions leaked by enrolment (flushed), one swtpm per state directory (each case runs
# on its own copy of the enrolment TPM's state; startup-clear resets the PCRs, so a case
# extends PCR 15 again before unlocking).
. "$(dirname "$0")/luks_lib.sh"

for tool in swtpm tpm2_pcrextend tpm2_flushcontext tpm2_dictionarylockout tpm2_getcap \
	systemd-cryptenroll; do
	if ! command -v "$tool" >/dev/null; then
		not_ok "$tool is installed (scripts/install-deps.sh)"
		finish
	fi
done

# start_tpm DIR: an swtpm on DIR/state, command socket DIR/sock, control socket
# DIR/sock.ctrl (where the swtpm TCTI looks for it), started (startup-clear).
start_tpm() {
	local d=$1 i
	swtpm socket --tpm2 --tpmstate "dir=$d/state" \
		--server "type=unixio,path=$d/sock" --ctrl "type=unixio,path=$d/sock.ctrl" \
		--flags not-need-init,startup-clear --daemon --pid "file=$d/pid" \
		--log "file=$d/swtpm.log" || return 1
	for i in $(seq 50); do [ -S "$d/sock" ] && return 0; sleep 0.1; done
	return 1
}
stop_tpm() {
	local d=$1 pid
	pid=$(cat "$d/pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null
	while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
	rm -f "$d/pid"
}
tcti() { echo "swtpm:path=$1/sock"; }
cleanup_all() { for d in "$T"/tpm-*; do [ -d "$d" ] && stop_tpm "$d"; done; rm -rf "$T"; }
trap cleanup_all EXIT

PCR15_A=$(printf 'LuksDxe PCR 15 known value' | sha256sum | cut -c1-64)
PCR15_B=$(printf 'some other value' | sha256sum | cut -c1-64)

# The enrolment TPM
E="$T/tpm-enrol"
mkdir -p "$E/state"
check "swtpm starts" start_tpm "$E"
check "dictionary-attack lockout set to 1000 tries" \
	tpm2_dictionarylockout -T "$(tcti "$E")" --setup-parameters --max-tries=1000 \
	--recovery-time=1 --lockout-recovery-time=1
check "PCR 15 extended to a known value before enrolment" \
	tpm2_pcrextend -T "$(tcti "$E")" "15:sha256=$PCR15_A"

printf 'owner passphrase' >pw
printf '4321' >pin
printf '9999' >badpin
# mkimg NAME: a fresh LUKS2 image with the owner passphrase in keyslot 0
mkimg() {
	truncate -s 24M "$1" &&
	# shellcheck disable=SC2086
	cryptsetup luksFormat -q --type luks2 $PB --key-file pw "$1"
}
# enrol NAME ARGS...: systemd-cryptenroll on the enrolment TPM, then its sessions flushed
enrol() {
	local img=$1; shift
	PASSWORD="owner passphrase" NEWPIN=4321 systemd-cryptenroll \
		--tpm2-device="$(tcti "$E")" "$@" "$img" >"$img.enrol.log" 2>&1 || return 1
	tpm2_flushcontext -T "$(tcti "$E")" -t >/dev/null 2>&1
	tpm2_flushcontext -T "$(tcti "$E")" -l >/dev/null 2>&1
	tpm2_flushcontext -T "$(tcti "$E")" -s >/dev/null 2>&1
	return 0
}
ref_vk() {
	cryptsetup luksDump --dump-volume-key --batch-mode --key-file pw "$1" 2>/dev/null |
		sed -n '/MK dump:/,$p' | sed 's/MK dump://' | tr -d ' \t\n'
}

for c in nopcr pcr15 pin other; do mkimg "$c.img"; done
check "enrol a PCR-less token" enrol nopcr.img --tpm2-pcrs=
check "enrol a token bound to PCR 15" enrol pcr15.img --tpm2-pcrs=15
check "enrol a PIN token bound to PCR 15" enrol pin.img --tpm2-pcrs=15 --tpm2-with-pin=yes
check "enrol a token for another-keyslot case" enrol other.img --tpm2-pcrs=
stop_tpm "$E"

# tokens as systemd 252 wrote them
tok() { cryptsetup token export --token-id 0 "$1"; }
check "systemd 252 wrote tpm2-pcrs [15] and tpm2-pin true" \
	sh -c "tok() { cryptsetup token export --token-id 0 \"\$1\"; }; \
	       tok pin.img | jq -e '.\"tpm2-pcrs\" == [15] and .\"tpm2-pin\" == true'"

# case NAME [PCR15-VALUE]: a copy of the enrolment state in its own swtpm, PCR 15
# extended as asked; $TC is its TCTI and directory.
case_tpm() {
	local d="$T/tpm-$1"
	rm -rf "$d"; mkdir -p "$d"
	cp -a "$E/state" "$d/state"
	start_tpm "$d" || return 1
	TC=$d
	[ -z "${2:-}" ] || tpm2_pcrextend -T "$(tcti "$d")" "15:sha256=$2" >/dev/null
}
# no_handles: nothing left loaded in the case's TPM (every handle flushed)
no_handles() {
	local n
	n=$(for k in handles-transient handles-loaded-session handles-saved-session; do
		tpm2_getcap -T "$(tcti "$TC")" "$k"; done | grep -c 0x)
	[ "$n" = 0 ]
}
unlock() { "$LT" tpm2-unlock --tpm "$TC/sock" --print-volume-key "$@"; }
same_key() { # same_key IMG [ARGS]: lukstool's volume key equals cryptsetup's
	local img=$1; shift
	[ "$(unlock "$@" "$img" 2>"$T/err" | tail -n 1)" = "$(ref_vk "$img")" ]
}

case_tpm nopcr
check "PCR-less token: the volume key equals cryptsetup's" same_key nopcr.img
check "PCR-less token: every handle flushed afterwards" no_handles
stop_tpm "$TC"

case_tpm pcr15 "$PCR15_A"
check "PCR 15 token, PCR 15 as enrolled: the volume key equals cryptsetup's" same_key pcr15.img
stop_tpm "$TC"

case_tpm pcrchanged "$PCR15_B"
rc 4 "PCR 15 changed: refused" unlock pcr15.img
check "PCR 15 changed: the line names the token's PCRs" \
	grep -q "policy failure: the token is bound to sha256 PCRs 15," "$T/err"
check "PCR 15 changed: nothing unlocked" sh -c "! grep -q unlocked '$T/out'"
check "PCR 15 changed: every handle flushed" no_handles
stop_tpm "$TC"

case_tpm pcr15none
rc 4 "PCR 15 not extended at all (reset value): refused" unlock pcr15.img
stop_tpm "$TC"

case_tpm pin "$PCR15_A"
rc 4 "PIN token without a PIN: skipped" unlock pin.img
check "PIN token without a PIN: says it needs one" grep -q "needs a PIN" "$T/err"
rc 4 "PIN token with a wrong PIN: refused" unlock --pin-file badpin pin.img
check "PIN token with a wrong PIN: says so" grep -q "wrong PIN" "$T/err"
check "PIN token with the PIN: the volume key equals cryptsetup's" \
	same_key pin.img --pin-file pin
check "PIN token: every handle flushed" no_handles
stop_tpm "$TC"

# Edited tokens: the token exported, changed, imported in place of the original.
# retoken IMG NEW-IMG JQ-FILTER
retoken() {
	cp "$1" "$2" && tok "$1" | jq -c "$3" >"$2.tok" &&
	cryptsetup token remove --token-id 0 "$2" &&
	cryptsetup token import --token-id 0 --json-file "$2.tok" "$2"
}
# flip one base64 character inside the TPM2B_PRIVATE part of the blob
tamper='."tpm2-blob" |= (.[0:40] + (if .[40:41] == "A" then "B" else "A" end) + .[41:])'
check "tampered blob token imported" retoken nopcr.img tampered.img "$tamper"
case_tpm tampered
rc 4 "tampered blob: refused" unlock tampered.img
check "tampered blob: the TPM's refusal is named" grep -q "TPM2 Load failed" "$T/err"
check "tampered blob: every handle flushed" no_handles
stop_tpm "$TC"

printf 'second passphrase' >pw2
# shellcheck disable=SC2086
check "other.img gets keyslot 2" cryptsetup luksAddKey -q $PB --key-file pw --new-key-slot 2 \
	other.img pw2
check "token moved to keyslot 2 (its secret opens keyslot 1)" \
	retoken other.img moved.img '.keyslots = ["2"]'
case_tpm other
rc 4 "token for another keyslot: refused (its secret is tried on keyslot 2 only)" \
	unlock moved.img
check "token for another keyslot: the line says the keyslot refuses it" \
	grep -q "does not open its keyslot" "$T/err"
check "the unmoved token still opens its own keyslot" same_key other.img
stop_tpm "$TC"

check "token of a later systemd (tpm2_srk) imported" \
	retoken nopcr.img srk.img '. + {"tpm2_srk": "AAAA"}'
# cryptsetup's systemd token plugin refuses to import this one: edit the JSON area itself
cp nopcr.img badhash.img
check "token with a short tpm2-policy-hash written" $EDIT badhash.img \
	--expr 't = j["tokens"]["0"]; t["tpm2-policy-hash"] = t["tpm2-policy-hash"][1:]'
case_tpm edited
rc 4 "tpm2_srk token: refused" unlock srk.img
check "tpm2_srk token: reported unsupported" grep -q "token unsupported: .*tpm2_srk" "$T/err"
rc 4 "short policy hash: refused" unlock badhash.img
check "short policy hash: reported invalid" grep -q "token invalid: tpm2-policy-hash" "$T/err"
stop_tpm "$TC"

# The primary key templates: the name of the primary that tpm/'s CreatePrimary made (in
# the transcript LUKSTOOL_TPM2_TRACE records) equals the name tpm2-tools' tpm2_createprimary
# gives for systemd's template (owner hierarchy, SHA-256, restricted decryption key,
# AES-128-CFB, no scheme; ECC NIST P-256 or RSA-2048).  Systemd 252 enrols ECC on swtpm,
# so the RSA case is a token edited to "rsa": its Load fails, its primary is compared.
primary_name() { # the name in the first response (CreatePrimary) of a transcript
	python3 - "$1" <<'PY'
import sys
r = next(bytes.fromhex(l[2:].strip()) for l in open(sys.argv[1]) if l.startswith('< '))
i = 18  # header, handle, parameterSize
def skip(i): return i + 2 + int.from_bytes(r[i:i + 2], 'big')
i = skip(skip(skip(i))) + 6        # outPublic, creationData, creationHash, ticket tag+hierarchy
i = skip(i)                        # ticket digest
n = int.from_bytes(r[i:i + 2], 'big')
print(r[i + 2:i + 2 + n].hex())
PY
}
tools_name() { # tools_name ALG
	tpm2_createprimary -T "$(tcti "$TC")" -C o -g sha256 -G "$1:null:aes128cfb" \
		-a 'restricted|decrypt|fixedtpm|fixedparent|sensitivedataorigin|userwithauth' \
		-c "$T/primary.ctx" >/dev/null 2>&1 &&
	tpm2_readpublic -T "$(tcti "$TC")" -c "$T/primary.ctx" | sed -n 's/^name: //p'
	tpm2_flushcontext -T "$(tcti "$TC")" -t >/dev/null 2>&1
}
check "token edited to an RSA primary" retoken nopcr.img rsa.img '."tpm2-primary-alg" = "rsa"'
case_tpm templates
LUKSTOOL_TPM2_TRACE="$T/ecc.trace" unlock nopcr.img >/dev/null 2>&1
LUKSTOOL_TPM2_TRACE="$T/rsa.trace" unlock rsa.img >/dev/null 2>"$T/err"
check "RSA primary: the ECC-sealed blob does not load under it (refused)" \
	grep -q "TPM2 Load failed" "$T/err"
ecc_ours=$(primary_name "$T/ecc.trace") rsa_ours=$(primary_name "$T/rsa.trace")
ecc_tools=$(tools_name ecc256) rsa_tools=$(tools_name rsa2048)
check "ECC P-256 primary: the same name as tpm2_createprimary's ($ecc_tools)" \
	test -n "$ecc_ours" -a "$ecc_ours" = "$ecc_tools"
check "RSA-2048 primary: the same name as tpm2_createprimary's ($rsa_tools)" \
	test -n "$rsa_ours" -a "$rsa_ours" = "$rsa_tools"
stop_tpm "$TC"

rc 2 "no TPM at the path: an I/O error" "$LT" tpm2-unlock --tpm "$T/no-such-tpm" nopcr.img
mkimg plain.img
case_tpm plain
rc 4 "a volume without a systemd-tpm2 token" unlock plain.img
check "no token: says so" grep -q "no systemd-tpm2 token" "$T/err"
stop_tpm "$TC"
finish
