/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Test-only EFI application stored inside the encrypted volume by the end-to-end tests:
 * if the shell can start it, the firmware loaded an image through LuksDxe's BlockIo. */
#include <efi.h>
#include "console.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	(void)image;
	luksdxe_con_init(st);
	luksdxe_con_printf("luksdxe-e2e-hello: running from the unlocked volume\n");
	return EFI_SUCCESS;
}
