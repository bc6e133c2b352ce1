#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# End-to-end (issue 9): the driver's AES-XTS paths in real OVMF under QEMU TCG, same
# plaintext on each.  Two LUKS2 volumes that cryptsetup encrypted (AES-256-XTS with
# 512-byte sectors, AES-128-XTS with 4096-byte sectors) each hold a per-run random token
# and a 1 MiB random file; the boot disk (FS0, not encrypted) holds the same file.  Three
# boots with different CPU models:
#   -cpu max          aes, avx, avx2, vaes, no avx512: the driver must enable the AVX
#                     state (OVMF leaves XCR0 = 1) and use vaes256
#   -cpu max,-avx     AES-NI without AVX: aesni
#   -cpu qemu64       no AES-NI: portable
# Each boot must print the path it uses, type both tokens, and find no difference between
# the big file inside each volume and the copy on the boot disk (the shell's `comp`).
#
# vaes256 under -cpu max needs an emulator that computes 256-bit VAES correctly.  QEMU
# 7.2 (Debian 12) does not: its high lane of vaesenc/vaesdec ymm uses the low lane's
# state (measured with tests/e2e/apps/vaes_probe.efi, which compares each lane with the
# 128-bit instruction).  The test runs that probe in the same boot as an independent
# oracle: if the probe finds VAES correct, the driver must use vaes256; if not, the
# driver's known-answer check must reject vaes256 and fall back to aesni with the same
# plaintext, and vaes256 is reported as NOT RUN (a comment, never an "ok").
set -u
. "$(dirname "$0")/lib.sh"
e2e_init xts_paths
W=$E2E_WORK
# The audit-mode driver: this test is about the cipher paths, and its probe application runs
# from the plaintext boot disk after the driver (which enables the AVX state) is loaded; the
# enforcing driver would refuse it (tests/e2e/test_firmware_image.sh covers the policy).
drv="$E2E_TOP/build/LuksDxe-audit.efi"
probe="$E2E_TOP/build/e2e-apps/vaes_probe.efi"
[ -f "$drv" ] && [ -f "$probe" ] || e2e_bail "build LuksDxe.efi and the e2e apps first (make test-bins)"

t512="luksdxe-512-$(e2e_rand_hex)"
t4k="luksdxe-4k-$(e2e_rand_hex)"
printf '%s\r\n' "$t512" >"$W/t512.txt"
printf '%s\r\n' "$t4k" >"$W/t4k.txt"
head -c 1048576 /dev/urandom >"$W/big.bin"
printf 'xts paths %s' "$RANDOM" >"$W/pass"
e2e_luks_fat "$W/v512.img" 12 "$W/pass" --cipher aes-xts-plain64 --key-size 512 \
	--sector-size 512 -- "$W/t512.txt=/t512.txt" "$W/big.bin=/big.bin" ||
	e2e_bail "cannot make the 512-byte-sector volume"
e2e_luks_fat "$W/v4k.img" 12 "$W/pass" --cipher aes-xts-plain64 --key-size 256 \
	--sector-size 4096 -- "$W/t4k.txt=/t4k.txt" "$W/big.bin=/big.bin" ||
	e2e_bail "cannot make the 4096-byte-sector volume"
e2e_gpt_disk "$W/d512.img" "$W/v512.img" || e2e_bail "cannot make a GPT disk"
e2e_gpt_disk "$W/d4k.img" "$W/v4k.img" || e2e_bail "cannot make a GPT disk"
mapfile -t disk1 < <(e2e_disk "$W/d512.img")
mapfile -t disk2 < <(e2e_disk "$W/d4k.img")
e2e_secret_table "$W/secret.bin" "disk=$W/pass"

# Which volume becomes FS1 or FS2 is the shell's choice: try both names.
script='load FS0:\LuksDxe.efi
FS0:\vaes_probe.efi
connect -r
map -r
type FS1:\t512.txt
type FS2:\t512.txt
type FS1:\t4k.txt
type FS2:\t4k.txt
comp FS0:\big.bin FS1:\big.bin
comp FS0:\big.bin FS2:\big.bin'

boot() { # name cpu-model expected-path
	local run="$W/$1" cpu=$2 path=$3
	# lib.sh passes -cpu max; a later -cpu replaces it.
	e2e_shell_boot "$run" 150 "$script" "$drv=/LuksDxe.efi" "$probe=/vaes_probe.efi" \
		"$W/big.bin=/big.bin" -- \
		"${disk1[@]}" "${disk2[@]}" -fw_cfg "name=opt/luksdxe/secret,file=$W/secret.bin" \
		-cpu "$cpu"
	e2e_ok $? "-cpu $cpu: boot ran to power-off"
	e2e_expect "$run.log" "^LuksDxe: AES-XTS path $path( \(XCR0 0x[0-9a-f]+\))?\$" \
		"-cpu $cpu: the driver uses the $path path"
	e2e_expect "$run.log" "^$t512\$" "-cpu $cpu: token of the AES-256, 512 B sector volume"
	e2e_expect "$run.log" "^$t4k\$" "-cpu $cpu: token of the AES-128, 4096 B sector volume"
	local same
	same=$(grep -c 'no differences encountered' "$run.log")
	[ "$same" -eq 2 ]
	e2e_ok $? "-cpu $cpu: 1 MiB file identical in both volumes ($same of 2 compares)"
}

# -cpu max: first the probe alone, to know what to expect of the driver.
e2e_shell_boot "$W/probe" 60 'load FS0:\LuksDxe.efi
FS0:\vaes_probe.efi' "$drv=/LuksDxe.efi" "$probe=/vaes_probe.efi" --
e2e_ok $? "-cpu max: probe boot ran to power-off"
if grep -q '^vaes-probe: 256-bit vaesenc/vaesdec match' "$W/probe.log"; then
	boot max max vaes256
else
	e2e_expect "$W/probe.log" '^vaes-probe: 256-bit vaesenc/vaesdec DIFFER' \
		"-cpu max: the probe ran VAES ymm (after the driver enabled the AVX state)"
	echo "# vaes256: NOT RUN under this QEMU ($("$E2E_QEMU" --version | head -1)):" \
		"its TCG computes 256-bit VAES wrongly (probe above); checking the fallback instead"
	boot max max aesni
	e2e_expect "$W/max.log" "^LuksDxe: AES-XTS path vaes256 failed its known-answer check: not used\$" \
		"-cpu max: the driver's known-answer check rejected the miscomputed vaes256"
fi
e2e_expect "$W/max.log" "^LuksDxe: AES-XTS path [a-z0-9]+ \(XCR0 0x7\)\$" \
	"-cpu max: XCR0 = x87|SSE|AVX after the driver enabled it (OVMF leaves 1)"
boot noavx max,-avx aesni
boot qemu64 qemu64 portable
e2e_done
