/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Test-only EFI application: prints the firmware's TCG2 event log (crypto-agile format,
 * EFI_TCG2_EVENT_LOG_FORMAT_TCG_2) on the console in hex, between "evlog-begin" and
 * "evlog-end" lines, so that the end-to-end test can replay it with an independent
 * parser (tpm2_eventlog); before that, the TPM's raw response to TPM2_PCR_Read of sha256
 * PCRs 7 and 15 ("pcr-read: HEX"), which the test decodes itself.  The log ends after the
 * last entry, whose size is read from its TCG_PCR_EVENT2 fields (TCG PC Client Platform
 * Firmware Profile, 10.2.2). */
#include <efi.h>
#include "console.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

typedef struct tcg2 tcg2;
struct tcg2 {
	void *GetCapability;
	EFI_STATUS (EFIAPI *GetEventLog)(tcg2 *This, UINT32 Format, EFI_PHYSICAL_ADDRESS *Location,
					 EFI_PHYSICAL_ADDRESS *LastEntry, BOOLEAN *Truncated);
	void *HashLogExtendEvent;
	EFI_STATUS (EFIAPI *SubmitCommand)(tcg2 *This, UINT32 InSize, UINT8 *In, UINT32 OutSize,
					   UINT8 *Out);
};

static void hexline(const char *what, const UINT8 *p, UINTN n)
{
	char line[65];
	UINTN o = 0;

	for (UINTN j = 0; j < n && j < 32; j++) {
		line[o++] = "0123456789abcdef"[p[j] >> 4];
		line[o++] = "0123456789abcdef"[p[j] & 15];
	}
	line[o] = 0;
	luksdxe_con_printf("%s%s\n", what, line);
}

static UINT32 le32(const UINT8 *p)
{
	return (UINT32)p[0] | (UINT32)p[1] << 8 | (UINT32)p[2] << 16 | (UINT32)p[3] << 24;
}

static UINTN digest_size(UINT16 alg)
{
	switch (alg) {
	case 0x0004: return 20;
	case 0x000b: case 0x0012: return 32;
	case 0x000c: return 48;
	case 0x000d: return 64;
	default: return 0;
	}
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	static EFI_GUID g = { 0x607f766c, 0x7455, 0x42be, { 0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f } };
	EFI_PHYSICAL_ADDRESS loc = 0, last = 0;
	BOOLEAN trunc = 0;
	tcg2 *t = NULL;
	const UINT8 *p, *e;
	UINT32 n, i;

	(void)image;
	luksdxe_con_init(st);
	if (st->BootServices->LocateProtocol(&g, NULL, (void **)&t) != EFI_SUCCESS || !t ||
	    t->GetEventLog(t, 2, &loc, &last, &trunc) != EFI_SUCCESS || !loc || !last) {
		luksdxe_con_printf("evlog: no TCG2 event log\n");
		return EFI_NOT_FOUND;
	}
	/* TPM2_PCR_Read: one selection, sha256, PCRs 7 and 15 */
	static UINT8 cmd[20] = { 0x80, 0x01, 0, 0, 0, 20, 0, 0, 0x01, 0x7e, 0, 0, 0, 1,
				 0x00, 0x0b, 3, 0x80, 0x80, 0x00 };
	UINT8 rsp[128];
	if (t->SubmitCommand(t, sizeof(cmd), cmd, sizeof(rsp), rsp) == EFI_SUCCESS) {
		UINTN n2 = (UINTN)rsp[2] << 24 | (UINTN)rsp[3] << 16 | (UINTN)rsp[4] << 8 | rsp[5];
		for (UINTN k = 0; k < n2 && k < sizeof(rsp); k += 32)
			hexline("pcr-read: ", rsp + k, n2 - k);
	}
	/* the last entry: PCRIndex, EventType, TPML_DIGEST_VALUES, EventSize, Event */
	e = (const UINT8 *)(UINTN)last;
	n = le32(e + 8);
	e += 12;
	for (i = 0; i < n; i++) {
		UINTN ds = digest_size((UINT16)(e[0] | e[1] << 8));
		if (!ds) {
			luksdxe_con_printf("evlog: unknown digest algorithm\n");
			return EFI_UNSUPPORTED;
		}
		e += 2 + ds;
	}
	e += 4 + le32(e);
	p = (const UINT8 *)(UINTN)loc;
	luksdxe_con_printf("evlog-begin %lu truncated=%d\n", (unsigned long)(e - p), (int)trunc);
	for (UINTN k = 0; p + k < e; k += 32)
		hexline("evlog: ", p + k, (UINTN)(e - p) - k);
	luksdxe_con_printf("evlog-end\n");
	return EFI_SUCCESS;
}
