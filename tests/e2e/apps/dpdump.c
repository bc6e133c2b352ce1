/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Test-only EFI application: prints the device path of every firmware volume, file
 * system, block device, LoadFile handle and loaded image, one line each:
 *     dpdump: KIND HEX TEXT
 * The policy unit tests (tests/unit/test_policy.c) judge paths captured with it from a
 * real OVMF boot (tests/e2e/capture-paths.sh writes tests/unit/data/ovmf-paths.txt). */
#include <efi.h>
#include "console.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

static EFI_GUID g_dp = EFI_DEVICE_PATH_PROTOCOL_GUID;
static EFI_GUID g_text = EFI_DEVICE_PATH_TO_TEXT_PROTOCOL_GUID;
static EFI_GUID g_fv2 = { 0x220e73b6, 0x6bdb, 0x4413, { 0x84, 0x05, 0xb9, 0x74, 0xb1, 0x08, 0x61, 0x9a } };
static EFI_GUID g_fs = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
static EFI_GUID g_blk = EFI_BLOCK_IO_PROTOCOL_GUID;
static EFI_GUID g_lf = EFI_LOAD_FILE_PROTOCOL_GUID;
static EFI_GUID g_lidp = { 0xbc62157e, 0x3e33, 0x4fec, { 0x99, 0x20, 0x2d, 0x3b, 0x36, 0xd7, 0x50, 0xdf } };

static void dump(EFI_BOOT_SERVICES *bs, EFI_DEVICE_PATH_TO_TEXT_PROTOCOL *tt, const char *kind,
		 EFI_GUID *proto, EFI_GUID *path_proto)
{
	UINTN n = 0;
	EFI_HANDLE *h = NULL;
	if (bs->LocateHandleBuffer(ByProtocol, proto, NULL, &n, &h) != EFI_SUCCESS)
		return;
	for (UINTN i = 0; i < n; i++) {
		EFI_DEVICE_PATH_PROTOCOL *dp;
		if (bs->HandleProtocol(h[i], path_proto, (void **)&dp) != EFI_SUCCESS || !dp)
			continue;
		static const char hexd[] = "0123456789abcdef";
		char hex[1024];
		UINTN x = 0;
		const UINT8 *p = (const UINT8 *)dp;
		for (unsigned k = 0; k < 64; k++) { /* node count bound */
			UINTN len = p[2] | (UINTN)p[3] << 8;
			if (len < 4 || x + 2 * len >= sizeof(hex))
				break;
			for (UINTN j = 0; j < len; j++) {
				hex[x++] = hexd[p[j] >> 4];
				hex[x++] = hexd[p[j] & 15];
			}
			if (p[0] == 0x7f && p[1] == 0xff)
				break;
			p += len;
		}
		hex[x] = 0;
		luksdxe_con_printf("dpdump: %s %s", kind, hex);
		char text[240];
		UINTN t = 0;
		CHAR16 *s = tt ? tt->ConvertDevicePathToText(dp, FALSE, FALSE) : NULL;
		for (; s && s[t] && t + 1 < sizeof(text); t++)
			text[t] = s[t] >= 0x20 && s[t] < 0x7f ? (char)s[t] : '?';
		text[t] = 0;
		if (s)
			bs->FreePool(s);
		luksdxe_con_printf(" %s\n", text);
	}
	bs->FreePool(h);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	(void)image;
	EFI_BOOT_SERVICES *bs = st->BootServices;
	EFI_DEVICE_PATH_TO_TEXT_PROTOCOL *tt = NULL;
	luksdxe_con_init(st);
	bs->LocateProtocol(&g_text, NULL, (void **)&tt);
	dump(bs, tt, "fv", &g_fv2, &g_dp);
	dump(bs, tt, "fs", &g_fs, &g_dp);
	dump(bs, tt, "blk", &g_blk, &g_dp);
	dump(bs, tt, "loadfile", &g_lf, &g_dp);
	dump(bs, tt, "image", &g_lidp, &g_lidp);
	luksdxe_con_printf("dpdump: end\n");
	return EFI_SUCCESS;
}
