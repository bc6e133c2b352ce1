/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The firmware environment (env.h): system table, boot services, the core's allocator. */
#include <string.h>
#include "env.h"

EFI_SYSTEM_TABLE *luksdxe_st;
EFI_BOOT_SERVICES *luksdxe_bs;
EFI_GUID luksdxe_vendor_guid = LUKSDXE_VENDOR_GUID;

static int boot_services_gone; /* set at ExitBootServices: no more allocation */

void luksdxe_env_init(EFI_SYSTEM_TABLE *st)
{
	luksdxe_st = st;
	luksdxe_bs = st->BootServices;
	boot_services_gone = 0;
}

void luksdxe_env_exit_boot_services(void)
{
	boot_services_gone = 1;
}

static void append_text(char *out, size_t cap, size_t *n, const char *s)
{
	while (*s && *n + 1 < cap)
		out[(*n)++] = *s++;
	out[*n] = 0;
}

void luksdxe_env_path_text(const EFI_DEVICE_PATH_PROTOCOL *dp, char *out, size_t cap, size_t *n)
{
	static EFI_GUID guid_dp_text = EFI_DEVICE_PATH_TO_TEXT_PROTOCOL_GUID;
	EFI_DEVICE_PATH_TO_TEXT_PROTOCOL *tt = NULL;
	if (!cap)
		return;
	if (!dp) {
		append_text(out, cap, n, "(no device path)");
		return;
	}
	if (luksdxe_bs->LocateProtocol &&
	    luksdxe_bs->LocateProtocol(&guid_dp_text, NULL, (void **)&tt) == EFI_SUCCESS && tt) {
		CHAR16 *t = tt->ConvertDevicePathToText((EFI_DEVICE_PATH_PROTOCOL *)dp, FALSE, FALSE);
		if (t) {
			for (size_t i = 0; t[i] && *n + 1 < cap; i++)
				out[(*n)++] = t[i] < 0x7f && t[i] >= 0x20 ? (char)t[i] : '?';
			out[*n] = 0;
			luksdxe_bs->FreePool(t);
			return;
		}
	}
	append_text(out, cap, n, "(device path not shown: no DevicePathToText)");
}

/* Large blocks (Argon2 memory) come from pages, small ones from the pool; free() receives
 * the size, so it knows which, and wipes the whole block first. */
#define PAGES_FROM (64u * 1024)

static void *core_alloc(void *ctx, size_t size)
{
	(void)ctx;
	if (boot_services_gone)
		return NULL;
	if (size == 0)
		size = 1;
	void *p = NULL;
	if (size >= PAGES_FROM) {
		EFI_PHYSICAL_ADDRESS a = 0;
		if (luksdxe_bs->AllocatePages(AllocateAnyPages, EfiBootServicesData,
					      EFI_SIZE_TO_PAGES(size), &a) != EFI_SUCCESS)
			return NULL;
		p = (void *)(uintptr_t)a;
	} else if (luksdxe_bs->AllocatePool(EfiBootServicesData, size, &p) != EFI_SUCCESS) {
		return NULL;
	}
	if (p)
		memset(p, 0, size);
	return p;
}

static void core_free(void *ctx, void *p, size_t size)
{
	(void)ctx;
	if (!p)
		return;
	if (size == 0)
		size = 1;
	ld_wipe(p, size);
	/* After ExitBootServices memory services are gone: wiping is all we may do. */
	if (boot_services_gone)
		return;
	if (size >= PAGES_FROM)
		luksdxe_bs->FreePages((EFI_PHYSICAL_ADDRESS)(uintptr_t)p, EFI_SIZE_TO_PAGES(size));
	else
		luksdxe_bs->FreePool(p);
}

const ld_alloc luksdxe_alloc = { core_alloc, core_free, NULL };
