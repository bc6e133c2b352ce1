/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Test-only EFI application: hands a firmware volume file to the DXE core, so that the
 * firmware's own dispatcher loads the drivers inside it, as it does for OVMF's DXEFV.
 *
 *   fvload FS0:\luksdxe.fv
 *
 * Reads the file (through the UEFI shell's protocols, so any shell path works) into
 * EfiBootServicesData pages, finds the DXE Services Table (PI specification, volume 2)
 * in the configuration table, calls ProcessFirmwareVolume and then Dispatch, and
 * prints one line per step with its EFI_STATUS.  The pages are never freed: the DXE
 * core's memory-mapped firmware volume block reads the volume in place for as long as
 * the firmware runs (EDK2 FwVolBlock/FwVol do not copy a memory-mapped volume). */
#include <efi.h>
#include "console.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

/* DXE_SERVICES_TABLE_GUID and the table's signature "DXE_SERV" (PI vol. 2, 4.1). */
static EFI_GUID dxe_services_guid = { 0x05ad34ba, 0x6f02, 0x4214,
				      { 0x95, 0x2e, 0x4d, 0xa0, 0x39, 0x8e, 0x2b, 0xb9 } };
#define DXE_SERVICES_SIGNATURE 0x565245535f455844ULL

/* EFI_DXE_SERVICES up to ProcessFirmwareVolume: the table header, the seven GCD memory
 * services (AddMemorySpace, AllocateMemorySpace, FreeMemorySpace, RemoveMemorySpace,
 * GetMemorySpaceDescriptor, SetMemorySpaceAttributes, GetMemorySpaceMap), the six GCD
 * I/O services (AddIoSpace, AllocateIoSpace, FreeIoSpace, RemoveIoSpace,
 * GetIoSpaceDescriptor, GetIoSpaceMap), then the dispatcher services Dispatch,
 * Schedule, Trust, ProcessFirmwareVolume (and SetMemorySpaceCapabilities, not used). */
typedef struct {
	EFI_TABLE_HEADER Hdr;
	void *gcd_memory[7];
	void *gcd_io[6];
	EFI_STATUS(EFIAPI *Dispatch)(void);
	void *Schedule;
	void *Trust;
	EFI_STATUS(EFIAPI *ProcessFirmwareVolume)(const void *FirmwareVolumeHeader, UINTN Size,
						  EFI_HANDLE *FirmwareVolumeHandle);
} dxe_services;

static EFI_GUID shell_guid = EFI_SHELL_PROTOCOL_GUID;
static EFI_GUID shell_params_guid = EFI_SHELL_PARAMETERS_PROTOCOL_GUID;

/* A volume header alone is 72 bytes; 16 MiB is far above any test volume. */
#define FV_MIN_SIZE 72
#define FV_MAX_SIZE (16u << 20)

static const char *status_name(EFI_STATUS s)
{
	switch (s) {
	case EFI_SUCCESS: return "Success";
	case EFI_LOAD_ERROR: return "Load Error";
	case EFI_INVALID_PARAMETER: return "Invalid Parameter";
	case EFI_UNSUPPORTED: return "Unsupported";
	case EFI_BUFFER_TOO_SMALL: return "Buffer Too Small";
	case EFI_OUT_OF_RESOURCES: return "Out of Resources";
	case EFI_VOLUME_CORRUPTED: return "Volume Corrupted";
	case EFI_NOT_FOUND: return "Not Found";
	case EFI_ACCESS_DENIED: return "Access Denied";
	case EFI_ALREADY_STARTED: return "Already Started";
	case EFI_SECURITY_VIOLATION: return "Security Violation";
	default: return "other";
	}
}

static void report(const char *step, EFI_STATUS s)
{
	luksdxe_con_printf("fvload: %s: %s (status 0x%lx)\n", step, status_name(s), (unsigned long)s);
}

/* The path for the messages: ASCII, '?' for anything else, bounded. */
static void path_ascii(const CHAR16 *p, char *out, UINTN cap)
{
	UINTN i = 0;
	for (; p[i] && i + 1 < cap; i++)
		out[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	out[i] = 0;
}

static EFI_STATUS read_volume(EFI_BOOT_SERVICES *bs, const CHAR16 *path,
			      EFI_PHYSICAL_ADDRESS *buf, UINTN *size)
{
	EFI_SHELL_PROTOCOL *shell;
	SHELL_FILE_HANDLE fh;
	UINT64 fsize = 0;
	EFI_STATUS s = bs->LocateProtocol(&shell_guid, NULL, (void **)&shell);
	if (s != EFI_SUCCESS) {
		report("no UEFI shell protocol", s);
		return s;
	}
	s = shell->OpenFileByName(path, &fh, EFI_FILE_MODE_READ);
	if (s != EFI_SUCCESS) {
		report("open", s);
		return s;
	}
	s = shell->GetFileSize(fh, &fsize);
	if (s == EFI_SUCCESS && (fsize < FV_MIN_SIZE || fsize > FV_MAX_SIZE))
		s = EFI_BAD_BUFFER_SIZE;
	UINTN pages = (UINTN)((fsize + 4095) / 4096);
	if (s == EFI_SUCCESS)
		/* Page allocations are 4 KiB aligned, above any volume alignment that the
		 * DXE core checks here (OVMF's volumes ask for 16 bytes). */
		s = bs->AllocatePages(AllocateAnyPages, EfiBootServicesData, pages, buf);
	UINTN got = (UINTN)fsize;
	if (s == EFI_SUCCESS) {
		s = shell->ReadFile(fh, &got, (void *)(UINTN)*buf);
		if (s == EFI_SUCCESS && got != fsize)
			s = EFI_END_OF_FILE;
		if (s != EFI_SUCCESS)
			bs->FreePages(*buf, pages);
	}
	shell->CloseFile(fh);
	if (s != EFI_SUCCESS) {
		report("read", s);
		return s;
	}
	*size = (UINTN)fsize;
	return EFI_SUCCESS;
}

static int guid_eq(const EFI_GUID *a, const EFI_GUID *b)
{
	const UINT8 *x = (const UINT8 *)a, *y = (const UINT8 *)b;
	for (UINTN i = 0; i < sizeof(EFI_GUID); i++)
		if (x[i] != y[i])
			return 0;
	return 1;
}

static dxe_services *find_dxe_services(EFI_SYSTEM_TABLE *st)
{
	for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];
		if (!guid_eq(&t->VendorGuid, &dxe_services_guid))
			continue;
		dxe_services *ds = t->VendorTable;
		/* Trust the function pointers only in a table that says what it is and is
		 * long enough to hold them. */
		if (!ds || ds->Hdr.Signature != DXE_SERVICES_SIGNATURE ||
		    ds->Hdr.HeaderSize < sizeof(*ds)) {
			luksdxe_con_printf("fvload: DXE Services Table has a bad header\n");
			return NULL;
		}
		return ds;
	}
	luksdxe_con_printf("fvload: no DXE Services Table in the configuration table\n");
	return NULL;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_BOOT_SERVICES *bs = st->BootServices;
	EFI_SHELL_PARAMETERS_PROTOCOL *params;
	char shown[96];
	luksdxe_con_init(st);
	if (bs->HandleProtocol(image, &shell_params_guid, (void **)&params) != EFI_SUCCESS ||
	    params->Argc != 2) {
		luksdxe_con_printf("fvload: usage: fvload FILE.fv (run from the UEFI shell)\n");
		return EFI_INVALID_PARAMETER;
	}
	path_ascii(params->Argv[1], shown, sizeof(shown));

	EFI_PHYSICAL_ADDRESS buf = 0;
	UINTN size = 0;
	EFI_STATUS s = read_volume(bs, params->Argv[1], &buf, &size);
	if (s != EFI_SUCCESS)
		return s;
	luksdxe_con_printf("fvload: read %s: %lu bytes\n", shown, (unsigned long)size);

	dxe_services *ds = find_dxe_services(st);
	if (!ds)
		return EFI_NOT_FOUND;

	/* From here on the buffer is never freed, not even on failure: when only the
	 * header checksum is wrong, EDK2 has already installed a firmware volume block
	 * protocol over the buffer before it finds that no FV2 protocol could be made. */
	EFI_HANDLE fv = NULL;
	s = ds->ProcessFirmwareVolume((const void *)(UINTN)buf, size, &fv);
	report("ProcessFirmwareVolume", s);
	if (s != EFI_SUCCESS)
		return s;
	/* Dispatch: Success when it started at least one driver, Not Found when none was
	 * ready (PI vol. 2, Dispatch()). */
	s = ds->Dispatch();
	report("Dispatch", s);
	return s;
}
