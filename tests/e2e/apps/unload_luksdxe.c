/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Test-only EFI boot-service driver: finds the loaded LuksDxe by its ComponentName2 driver
 * name and unloads it with UnloadImage, as `unload` in the shell would (the shell needs the
 * handle number, which changes between boots).  The firmware then runs the driver's
 * Unload, which must stop every volume under the partition and FAT drivers above it.
 *
 * Started after LuksDxe, this image runs inside LuksDxe's StartImage wrapper (its load
 * policy), so LuksDxe refuses to go while it runs: its code is on the stack.  So it tries
 * once at once (refused), and once from a timer event (refused too: an event notification
 * runs above TPL_APPLICATION and may have interrupted a use of the driver - the shell's
 * `load` connects all handles after starting this image, and the DXE core's
 * ConnectController holds LuksDxe's driver binding while it runs).  It stays resident and
 * adds the shell command `unload_luksdxe` (EFI_SHELL_DYNAMIC_COMMAND_PROTOCOL), which the
 * shell calls directly at TPL_APPLICATION, outside any StartImage: that unload succeeds. */
#include <efi.h>
#include "console.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

static EFI_GUID guid_binding = EFI_DRIVER_BINDING_PROTOCOL_GUID;
static EFI_GUID guid_name2 = EFI_COMPONENT_NAME2_PROTOCOL_GUID;

static int starts_with(const CHAR16 *s, const char *prefix)
{
	for (; *prefix; prefix++, s++)
		if (*s != (CHAR16)*prefix)
			return 0;
	return 1;
}

static EFI_BOOT_SERVICES *bs;

static EFI_STATUS unload_luksdxe(const char *when)
{
	EFI_HANDLE *h = NULL;
	UINTN n = 0;
	if (bs->LocateHandleBuffer(ByProtocol, &guid_binding, NULL, &n, &h) != EFI_SUCCESS)
		return EFI_NOT_FOUND;
	EFI_STATUS result = EFI_NOT_FOUND;
	for (UINTN i = 0; i < n; i++) {
		EFI_COMPONENT_NAME2_PROTOCOL *cn;
		EFI_DRIVER_BINDING_PROTOCOL *b;
		CHAR16 *name;
		if (bs->HandleProtocol(h[i], &guid_name2, (void **)&cn) != EFI_SUCCESS ||
		    cn->GetDriverName(cn, (CHAR8 *)"en", &name) != EFI_SUCCESS ||
		    !starts_with(name, "LuksDxe ") ||
		    bs->HandleProtocol(h[i], &guid_binding, (void **)&b) != EFI_SUCCESS)
			continue;
		result = bs->UnloadImage(b->ImageHandle);
		luksdxe_con_printf("unload_luksdxe: UnloadImage %s: %s\n", when,
				   result == EFI_SUCCESS ? "unloaded"
				   : result == EFI_ACCESS_DENIED ? "access denied" : "failed");
		break;
	}
	if (result == EFI_NOT_FOUND)
		luksdxe_con_printf("unload_luksdxe: LuksDxe not found\n");
	bs->FreePool(h);
	return result;
}

static VOID EFIAPI later(EFI_EVENT ev, VOID *ctx)
{
	(void)ctx;
	bs->CloseEvent(ev);
	unload_luksdxe("from a timer");
}

/* EFI_SHELL_DYNAMIC_COMMAND_PROTOCOL (UEFI Shell 2.2, section 2.4); gnu-efi has no
 * definition.  The shell's parameters and protocol are not used. */
typedef struct dyn_cmd dyn_cmd;
struct dyn_cmd {
	const CHAR16 *CommandName;
	UINTN(EFIAPI *Handler)(dyn_cmd *This, EFI_SYSTEM_TABLE *st, VOID *params, VOID *shell);
	CHAR16 *(EFIAPI *GetHelp)(dyn_cmd *This, const CHAR8 *lang);
};
static EFI_GUID guid_dyn_cmd = { 0x3c7200e9, 0x005f, 0x4ea4,
				 { 0x87, 0xde, 0xa3, 0xdf, 0xac, 0x8a, 0x27, 0xc3 } };

static UINTN EFIAPI cmd_handler(dyn_cmd *This, EFI_SYSTEM_TABLE *st, VOID *params, VOID *shell)
{
	(void)This;
	(void)st;
	(void)params;
	(void)shell;
	return unload_luksdxe("from a shell command") == EFI_SUCCESS ? 0 : 1; /* SHELL_SUCCESS, ... */
}

static CHAR16 *EFIAPI cmd_help(dyn_cmd *This, const CHAR8 *lang)
{
	(void)This;
	(void)lang;
	return NULL; /* no help: the shell says so */
}

static dyn_cmd command = { u"unload_luksdxe", cmd_handler, cmd_help };

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_EVENT ev;
	EFI_HANDLE h = NULL;
	(void)image;
	bs = st->BootServices;
	luksdxe_con_init(st);
	unload_luksdxe("while started under the policy");
	if (bs->CreateEvent(EVT_TIMER | EVT_NOTIFY_SIGNAL, TPL_CALLBACK, later, NULL, &ev) != EFI_SUCCESS ||
	    bs->SetTimer(ev, TimerRelative, 2000000) != EFI_SUCCESS) /* 200 ms */
		return EFI_OUT_OF_RESOURCES;
	if (bs->InstallProtocolInterface(&h, &guid_dyn_cmd, EFI_NATIVE_INTERFACE, &command) != EFI_SUCCESS) {
		bs->CloseEvent(ev); /* the image goes when this returns an error */
		return EFI_OUT_OF_RESOURCES;
	}
	return EFI_SUCCESS; /* a driver: stays resident for the timer and the command */
}
