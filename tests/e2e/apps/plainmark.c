/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Test-only EFI application placed on PLAINTEXT media by the firmware-image tests: if
 * its line ever appears on the console, the load policy let a plaintext image run. */
#include <efi.h>
#include "console.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	(void)image;
	luksdxe_con_init(st);
	luksdxe_con_printf("luksdxe-e2e-plaintext-marker: a plaintext image ran\n");
	return EFI_SUCCESS;
}
