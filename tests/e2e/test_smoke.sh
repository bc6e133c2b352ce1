#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause-Patent
# Smoke test (issue 2): real OVMF under QEMU loads build/LuksDxe.efi from the UEFI shell;
# the driver prints its version and stays resident (the shell reports Success).
set -u
. "$(dirname "$0")/lib.sh"
e2e_init smoke

drv="$E2E_TOP/build/LuksDxe.efi"
[ -f "$drv" ] || e2e_bail "build/LuksDxe.efi missing (run make)"
version=$(sed -n 's/^#define LUKSDXE_VERSION "\(.*\)"/\1/p' "$E2E_TOP/efi/luksdxe.h")

run="$E2E_WORK/load"
e2e_shell_boot "$run" 60 'load FS0:\LuksDxe.efi
drivers' "$drv=/LuksDxe.efi"
e2e_ok $? "QEMU ran the shell script and powered off by itself"
e2e_expect "$run.log" "^LuksDxe ${version//./\\.}: loaded" "the driver printed its version ($version)"
e2e_expect "$run.log" "Image 'FS0:\\\\LuksDxe.efi' loaded at .* - Success" \
	"the shell loaded the driver and it stayed resident"
e2e_expect "$run.log" " 00000010 . - - .* LuksDxe LUKS volume driver ${version//./\\.} .*LuksDxe\.efi" \
	"the shell lists it as a driver (binding version 0x10), named through ComponentName2"
e2e_done
