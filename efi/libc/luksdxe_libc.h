/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Binding of the freestanding C runtime (efi/libc) to the firmware.  The driver calls
 * luksdxe_libc_init() first thing in its entry point, and
 * luksdxe_libc_exit_boot_services() from its ExitBootServices notification: after that,
 * allocation fails and free() only wipes. */
#ifndef LUKSDXE_LIBC_H
#define LUKSDXE_LIBC_H

#include <efi.h>

void luksdxe_libc_init(EFI_BOOT_SERVICES *bs);
void luksdxe_libc_exit_boot_services(void);

#endif
