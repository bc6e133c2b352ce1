/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Test-only EFI application: plays the part of OVMF's AmdSev SecretDxe for the end-to-end
 * test of the confidential-computing provider.  It copies the secret GUID table that the
 * test passes as fw_cfg file opt/luksdxe/test-cc-table into reserved memory (as SecretPei
 * reserves the launch secret page) and installs the configuration table
 * adf956ad-e98c-484c-ae11-b51c7d336447 -> { UINT64 Base; UINT64 Size; }. */
#include <string.h>
#include <efi.h>
#include "console.h"
#include "base/common.h"
#include "fwcfg.h"
#include "libc/luksdxe_libc.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

static EFI_GUID cc_guid = { 0xadf956ad, 0xe98c, 0x484c, { 0xae, 0x11, 0xb5, 0x1c, 0x7d, 0x33, 0x64, 0x47 } };

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_BOOT_SERVICES *bs = st->BootServices;
	uint16_t sel;
	uint32_t size;
	(void)image;
	luksdxe_libc_init(bs);
	luksdxe_con_init(st);
	if (luksdxe_fwcfg_find_file("opt/luksdxe/test-cc-table", &sel, &size) != LD_OK || !size ||
	    size > 4096) {
		luksdxe_con_printf("cc_install: no fw_cfg opt/luksdxe/test-cc-table\n");
		return EFI_NOT_FOUND;
	}
	/* One reserved page for the area, as OVMF reserves the launch secret page; the
	 * location structure lives in pool memory like SecretDxe's. */
	EFI_PHYSICAL_ADDRESS area = 0;
	UINT64 *loc = NULL;
	if (bs->AllocatePages(AllocateAnyPages, EfiReservedMemoryType, 1, &area) != EFI_SUCCESS ||
	    bs->AllocatePool(EfiRuntimeServicesData, 2 * sizeof(UINT64), (void **)&loc) != EFI_SUCCESS) {
		luksdxe_con_printf("cc_install: out of memory\n");
		return EFI_OUT_OF_RESOURCES;
	}
	memset((void *)(uintptr_t)area, 0, 4096);
	luksdxe_fwcfg_read_item(sel, (void *)(uintptr_t)area, size);
	loc[0] = area;
	loc[1] = 4096;
	EFI_STATUS s = bs->InstallConfigurationTable(&cc_guid, loc);
	luksdxe_con_printf("cc_install: secret area of %u bytes installed: %s\n", size,
			   s == EFI_SUCCESS ? "ok" : "failed");
	return s;
}
