#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# End-to-end (issue 4): the confidential-computing secret provider in real OVMF.
# A test-only EFI application (tests/e2e/apps/cc_install.c) installs the configuration
# table adf956ad-... -> {Base, Size} over a reserved page holding a secret GUID table,
# as OVMF's AmdSev build does; then LuksDxe is loaded.  The table holds a per-volume
# entry for each of two volumes (the LUKS UUID as an EFI GUID) and a wrong
# disk-passphrase entry, so only the per-UUID lookups open them.  Volume A is a GPT
# partition with Argon2id and 4096-byte sectors; volume B is a whole disk (no partition
# table) with PBKDF2 and 512-byte sectors.  No opt/luksdxe/secret fw_cfg file exists.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init cc_secret
W=$E2E_WORK
drv="$E2E_TOP/build/LuksDxe.efi"
cc="$E2E_TOP/build/e2e-apps/cc_install.efi"
[ -f "$drv" ] && [ -f "$cc" ] || e2e_bail "build LuksDxe.efi and the e2e apps first (make test-bins)"

token="luksdxe-cc-$(e2e_rand_hex)"
printf '%s\r\n' "$token" >"$W/token.txt"
printf 'cc secret %s' "$RANDOM$RANDOM" >"$W/pass"
printf 'not this one' >"$W/wrong"
uuid=$(cat /proc/sys/kernel/random/uuid)
e2e_luks_fat "$W/vol.img" 16 "$W/pass" --uuid "$uuid" --sector-size 4096 \
	--pbkdf argon2id --pbkdf-memory 1024 --pbkdf-force-iterations 4 --pbkdf-parallel 1 -- \
	"$W/token.txt=/token.txt" || e2e_bail "cannot make the LUKS volume"
e2e_gpt_disk "$W/disk.img" "$W/vol.img" || e2e_bail "cannot make the GPT disk"
token_b="luksdxe-ccb-$(e2e_rand_hex)"
mkdir -p "$W/b"
printf '%s\r\n' "$token_b" >"$W/b/token.txt"
printf 'cc secret B %s' "$RANDOM$RANDOM" >"$W/pass_b"
uuid_b=$(cat /proc/sys/kernel/random/uuid)
e2e_luks_fat "$W/vol_b.img" 8 "$W/pass_b" --uuid "$uuid_b" -- "$W/b/token.txt=/token.txt" ||
	e2e_bail "cannot make LUKS volume B"
e2e_secret_table "$W/cc-table.bin" "disk=$W/wrong" "$uuid=$W/pass" "$uuid_b=$W/pass_b"
mapfile -t disk < <(e2e_disk "$W/disk.img"; e2e_disk "$W/vol_b.img")

script='FS0:\cc_install.efi
load FS0:\LuksDxe.efi
connect -r
map -r
type FS1:\token.txt
type FS2:\token.txt'
run="$W/boot"
e2e_shell_boot "$run" 90 "$script" "$drv=/LuksDxe.efi" "$cc=/cc_install.efi" -- "${disk[@]}" \
	-fw_cfg "name=opt/luksdxe/test-cc-table,file=$W/cc-table.bin"
e2e_ok $? "QEMU ran the shell script and powered off by itself"
e2e_expect "$run.log" "^cc_install: secret area of [0-9]+ bytes installed: ok" \
	"the test application installed the confidential-computing secret area"
e2e_expect "$run.log" "^LuksDxe: $uuid: deriving key \(secret from confidential-computing secret area\): " \
	"the driver took the per-volume entry from the secret area"
e2e_expect "$run.log" "^LuksDxe: $uuid: unlocked with keyslot 0$" "the driver unlocked the Argon2id volume"
e2e_expect "$run.log" "^$token\$" "the shell typed the per-run random file from inside the volume"
e2e_expect "$run.log" "^LuksDxe: $uuid_b: deriving key \(secret from confidential-computing secret area\): " \
	"volume B's own per-UUID entry was used"
e2e_expect "$run.log" "^LuksDxe: $uuid_b: unlocked with keyslot 0$" "the whole-disk volume B was unlocked"
e2e_expect "$run.log" "^$token_b\$" "the shell typed volume B's per-run file"
e2e_reject "$run.log" "$(cat "$W/pass")|$(cat "$W/pass_b")" "no passphrase appears on the console"
e2e_done
