/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The firmware environment, the one place every file of efi/ reaches boot services and
 * memory through (as EDK2 drivers reach them through UefiBootServicesTableLib):
 *   luksdxe_st, luksdxe_bs   the system table and boot services, set by luksdxe_env_init
 *   luksdxe_alloc            the portable core's allocator: pool for small blocks, pages for
 *                            large ones (Argon2), zeroed on allocation, wiped on free; it
 *                            refuses to allocate once ExitBootServices has begun
 *   luksdxe_vendor_guid      the project's GUID (the vendor media node of every volume)
 *   luksdxe_env_path_text    a device path as printable ASCII, for console lines */
#ifndef LUKSDXE_ENV_H
#define LUKSDXE_ENV_H

#include <efi.h>
#include "base/common.h"

/* The project's GUID: vendor-defined media device path node of every unlocked volume,
 * followed by the 16 bytes of the LUKS UUID in text order. */
#define LUKSDXE_VENDOR_GUID \
	{ 0xcdd7a9b4, 0x36d8, 0x45eb, { 0x90, 0xf4, 0x66, 0xfb, 0xd8, 0xcd, 0xa3, 0xe5 } }

extern EFI_SYSTEM_TABLE *luksdxe_st;
extern EFI_BOOT_SERVICES *luksdxe_bs;
extern const ld_alloc luksdxe_alloc;
extern EFI_GUID luksdxe_vendor_guid;

/* From efi_main, first: the tables, and the allocator usable again. */
void luksdxe_env_init(EFI_SYSTEM_TABLE *st);
/* At ExitBootServices: the OS owns memory from now on; the allocator refuses, and free()
 * only wipes. */
void luksdxe_env_exit_boot_services(void);
/* Appends dp as text (DevicePathToText, present in every OVMF; else a note saying it is not
 * shown) to out[cap] at *n; out stays NUL-terminated, truncated if need be. */
void luksdxe_env_path_text(const EFI_DEVICE_PATH_PROTOCOL *dp, char *out, size_t cap, size_t *n);

#endif
