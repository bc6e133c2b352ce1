/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Test-only EFI application stored on an ENCRYPTED volume by the firmware-image tests: a
 * boot loader that tries to load \EFI\BOOT\BOOTX64.EFI from every other file system (by
 * device path, as a loader would) and prints what LoadImage says for each:
 *     loadother: <path text>: <status>
 * The load policy must refuse every file system that is not on an unlocked volume. */
#include <efi.h>
#include <string.h>
#include "console.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

static EFI_GUID g_fs = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
static EFI_GUID g_dp = EFI_DEVICE_PATH_PROTOCOL_GUID;
static EFI_GUID g_li = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static EFI_GUID g_text = EFI_DEVICE_PATH_TO_TEXT_PROTOCOL_GUID;
static const CHAR16 file[] = u"\\EFI\\BOOT\\BOOTX64.EFI";

static const char *status_name(EFI_STATUS s)
{
	switch (s) {
	case EFI_SUCCESS: return "EFI_SUCCESS";
	case EFI_ACCESS_DENIED: return "EFI_ACCESS_DENIED";
	case EFI_SECURITY_VIOLATION: return "EFI_SECURITY_VIOLATION";
	case EFI_NOT_FOUND: return "EFI_NOT_FOUND";
	default: return "other error";
	}
}

static UINTN dp_size(const UINT8 *p) /* up to and including the end node */
{
	UINTN n = 0;
	for (unsigned k = 0; k < 64; k++) {
		UINTN len = p[n + 2] | (UINTN)p[n + 3] << 8;
		if (len < 4)
			return 0;
		n += len;
		if (p[n - len] == 0x7f && p[n - len + 1] == 0xff)
			return n;
	}
	return 0;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_BOOT_SERVICES *bs = st->BootServices;
	EFI_LOADED_IMAGE_PROTOCOL *li;
	EFI_DEVICE_PATH_TO_TEXT_PROTOCOL *tt = NULL;
	UINTN n = 0;
	EFI_HANDLE *h = NULL;
	static UINT8 path[1024];

	luksdxe_con_init(st);
	bs->LocateProtocol(&g_text, NULL, (void **)&tt);
	if (bs->HandleProtocol(image, &g_li, (void **)&li) != EFI_SUCCESS ||
	    bs->LocateHandleBuffer(ByProtocol, &g_fs, NULL, &n, &h) != EFI_SUCCESS)
		return EFI_NOT_FOUND;
	luksdxe_con_printf("loadother: %u file systems\n", (unsigned)n);
	for (UINTN i = 0; i < n; i++) {
		EFI_DEVICE_PATH_PROTOCOL *dp;
		if (h[i] == li->DeviceHandle ||
		    bs->HandleProtocol(h[i], &g_dp, (void **)&dp) != EFI_SUCCESS)
			continue;
		UINTN sz = dp_size((const UINT8 *)dp);
		if (sz < 4 || sz - 4 + 4 + sizeof(file) + 4 > sizeof(path))
			continue;
		/* The file system's path, a file-path node, an end node. */
		memcpy(path, dp, sz - 4);
		UINT8 *f = path + sz - 4;
		UINTN flen = 4 + sizeof(file);
		f[0] = 0x04; f[1] = 0x04; f[2] = (UINT8)flen; f[3] = (UINT8)(flen >> 8);
		memcpy(f + 4, file, sizeof(file));
		f += flen;
		f[0] = 0x7f; f[1] = 0xff; f[2] = 4; f[3] = 0;
		char text[200];
		UINTN t = 0;
		CHAR16 *s = tt ? tt->ConvertDevicePathToText((EFI_DEVICE_PATH_PROTOCOL *)path, FALSE, FALSE) : NULL;
		for (; s && s[t] && t + 1 < sizeof(text); t++)
			text[t] = s[t] >= 0x20 && s[t] < 0x7f ? (char)s[t] : '?';
		text[t] = 0;
		if (s)
			bs->FreePool(s);
		EFI_HANDLE child = NULL;
		EFI_STATUS r = bs->LoadImage(FALSE, image, (EFI_DEVICE_PATH_PROTOCOL *)path, NULL, 0, &child);
		luksdxe_con_printf("loadother: %s: %s\n", text, status_name(r));
		if (r == EFI_SUCCESS) {
			bs->StartImage(child, NULL, NULL);
			bs->UnloadImage(child);
		}
	}
	bs->FreePool(h);
	luksdxe_con_printf("loadother: done\n");
	return EFI_SUCCESS;
}
