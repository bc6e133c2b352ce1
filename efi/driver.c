/* LuksDxe entry point. */
#include "luksdxe.h"
#include "console.h"
#include "ld_libc.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	ld_libc_init(st->BootServices);
	ld_con_init(st->ConOut);
	ld_con_printf("LuksDxe " LUKSDXE_VERSION ": loaded\n");
	/* A boot-service driver that returns success stays resident. */
	return EFI_SUCCESS;
}
