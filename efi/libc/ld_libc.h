/* Binding of the freestanding C runtime (efi/libc) to the firmware.  The driver calls
 * ld_libc_init() first thing in its entry point, and ld_libc_exit_boot_services() from its
 * ExitBootServices notification: after that, allocation fails and free() only wipes. */
#ifndef LD_LIBC_H
#define LD_LIBC_H

#include <efi.h>

void ld_libc_init(EFI_BOOT_SERVICES *bs);
void ld_libc_exit_boot_services(void);

#endif
