/* LuksDxe: internal interfaces of the UEFI driver (efi/ is the only code that knows UEFI). */
#ifndef LUKSDXE_H
#define LUKSDXE_H

#include <efi.h>

#define LUKSDXE_VERSION "0.1.0"

/* gnu-efi's crt0 relocates the image, then calls this with the System V calling
 * convention (so it is deliberately not EFIAPI). */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

#endif
