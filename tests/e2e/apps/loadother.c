/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Test-only EFI application stored on an ENCRYPTED volume by the firmware-image tests: a
 * boot loader that tries to load \EFI\BOOT\BOOTX64.EFI from every other file system (by
 * device path, as a loader would) and prints what LoadImage says for each:
 *     loadother: <path text>: <status>
 * The load policy must refuse every file system that is not on an unlocked volume.  Once
 * isolation hides them (issue 20) there is none left to try; then it hands the bytes of its
 * own file to LoadImage from memory, under device paths that a loader passing on bytes it
 * read from a plaintext disk could give, and prints what LoadImage says for each:
 *     loadother: buffer under <path text>: <status>
 * The load policy must refuse them all (only systemd-stub's own hand-over path is admitted,
 * and that one is not tried here). */
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

/* Its own \EFI\BOOT\BOOTX64.EFI, read through its volume's file system. */
static UINTN read_self(EFI_BOOT_SERVICES *bs, EFI_LOADED_IMAGE_PROTOCOL *li, void *buf, UINTN cap)
{
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_FILE_PROTOCOL *root, *f;
	UINTN n = cap;
	if (bs->HandleProtocol(li->DeviceHandle, &g_fs, (void **)&fs) != EFI_SUCCESS ||
	    fs->OpenVolume(fs, &root) != EFI_SUCCESS)
		return 0;
	if (root->Open(root, &f, (CHAR16 *)file, EFI_FILE_MODE_READ, 0) != EFI_SUCCESS)
		return 0;
	if (f->Read(f, &n, buf) != EFI_SUCCESS)
		n = 0;
	f->Close(f);
	root->Close(root);
	return n;
}

static void buffer_loads(EFI_BOOT_SERVICES *bs, EFI_HANDLE image, EFI_LOADED_IMAGE_PROTOCOL *li,
			 EFI_DEVICE_PATH_TO_TEXT_PROTOCOL *tt)
{
	UINT8 *bytes = NULL;
	UINTN cap = 1 << 20;
	/* PciRoot(0x0)/Pci(0x5,0x0)/\EFI\BOOT\BOOTX64.EFI: the plaintext disk of the tests. */
	static UINT8 disk[12 + 6 + 4 + sizeof(file) + 4] = {
		0x02, 0x01, 0x0c, 0x00, 0xd0, 0x41, 0x03, 0x0a, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x01, 0x06, 0x00, 0x00, 0x05 };
	/* VenMedia(a GUID nobody uses) */
	static UINT8 vendor[24] = { 0x04, 0x03, 0x14, 0x00, 0x6c, 0x75, 0x6b, 0x73, 0x64, 0x78,
				    0x65, 0x2d, 0x74, 0x65, 0x73, 0x74, 0x2d, 0x6f, 0x6e, 0x6c,
				    0x7f, 0xff, 0x04, 0x00 };
	UINT8 *f = disk + 18;
	UINTN flen = 4 + sizeof(file);
	f[0] = 0x04; f[1] = 0x04; f[2] = (UINT8)flen; f[3] = (UINT8)(flen >> 8);
	memcpy(f + 4, file, sizeof(file));
	f += flen;
	f[0] = 0x7f; f[1] = 0xff; f[2] = 4; f[3] = 0;
	if (bs->AllocatePool(EfiLoaderData, cap, (void **)&bytes) != EFI_SUCCESS)
		return;
	UINTN n = read_self(bs, li, bytes, cap);
	if (!n) {
		bs->FreePool(bytes);
		luksdxe_con_printf("loadother: cannot read its own file\n");
		return;
	}
	EFI_DEVICE_PATH_PROTOCOL *paths[] = { (EFI_DEVICE_PATH_PROTOCOL *)disk,
					      (EFI_DEVICE_PATH_PROTOCOL *)vendor, NULL };
	for (unsigned i = 0; i < 3; i++) {
		char text[200];
		UINTN t = 0;
		CHAR16 *s = tt && paths[i] ? tt->ConvertDevicePathToText(paths[i], FALSE, FALSE) : NULL;
		for (; s && s[t] && t + 1 < sizeof(text); t++)
			text[t] = s[t] >= 0x20 && s[t] < 0x7f ? (char)s[t] : '?';
		text[t] = 0;
		if (s)
			bs->FreePool(s);
		EFI_HANDLE child = NULL;
		EFI_STATUS r = bs->LoadImage(FALSE, image, paths[i], bytes, n, &child);
		luksdxe_con_printf("loadother: buffer under %s: %s\n", paths[i] ? text : "(no path)",
				   status_name(r));
		if (r == EFI_SUCCESS)
			bs->UnloadImage(child); /* never started */
	}
	bs->FreePool(bytes);
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
	buffer_loads(bs, image, li, tt);
	luksdxe_con_printf("loadother: done\n");
	return EFI_SUCCESS;
}
