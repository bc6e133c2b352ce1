/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The TPM secret source: systemd-tpm2 tokens unsealed by tpm/ through the firmware's
 * EFI_TCG2_PROTOCOL.SubmitCommand.  Asked by driver.c after the confidential-computing
 * secret area (which, when the firmware publishes one, is the only source) and before
 * fw_cfg and the console, which the host controls.  A PIN token is tried only in the
 * LUKSDXE_PROMPT build, with the PIN typed at the console; otherwise it is skipped with a
 * line.  The TPM's responses are untrusted: tpm/ checks them.
 * Also the measurement of each unlocked volume, into PCR 15 through the TPM and, where the
 * firmware has EFI_CC_MEASUREMENT_PROTOCOL (TDX), into the matching CC register. */
#include <string.h>

#include "console.h"
#include "tpm.h"
#include "tpm/tpm2.h"

static EFI_GUID guid_tcg2 = LUKSDXE_TCG2_GUID;
static EFI_GUID guid_cc = LUKSDXE_CC_MEASUREMENT_GUID;
static luksdxe_tcg2 *tcg2(void); /* the protocol, NULL without a TPM (or in a shim without
				   * LocateProtocol) */

/* SubmitCommand returns no length: the response header's size field gives it, checked
 * against the buffer. */
static int submit(void *ctx, const uint8_t *cmd, size_t cmdlen, uint8_t *resp, size_t cap,
		  size_t *resplen)
{
	luksdxe_tcg2 *p = ctx;
	size_t size;

	if (cmdlen > 0xffffffffu || cap > 0xffffffffu || cap < 10)
		return LD_ERR_IO;
	memset(resp, 0, 10);
	if (p->SubmitCommand(p, (UINT32)cmdlen, (UINT8 *)(uintptr_t)cmd, (UINT32)cap, resp) !=
	    EFI_SUCCESS)
		return LD_ERR_IO;
	size = (size_t)resp[2] << 24 | (size_t)resp[3] << 16 | (size_t)resp[4] << 8 | resp[5];
	if (size < 10 || size > cap)
		return LD_ERR_IO;
	*resplen = size;
	return LD_OK;
}

static void wait_ms(void *ctx, unsigned ms)
{
	(void)ctx;
	luksdxe_bs->Stall((UINTN)ms * 1000u);
}

static void notice(void *ctx, const char *line)
{
	luksdxe_con_printf("LuksDxe: %s: %s\n", (const char *)ctx, line);
}

static int get_pin(void *ctx, int token, uint8_t *buf, size_t cap, size_t *len)
{
	(void)token;
	luksdxe_con_printf("LuksDxe: TPM2 PIN for %s: ", (const char *)ctx);
	return luksdxe_prompt_line(buf, cap, len);
}

int luksdxe_tpm_unlock(luksdxe_dev *d, int *slot)
{
	luksdxe_tcg2 *p = tcg2();
	char err[160]; /* each token's reason was said by notice() */
	int r;

	if (!p || !p->SubmitCommand)
		return LD_ERR_NOTFOUND;
	ld_tpm2 t = { submit, wait_ms, p };
	ld_tpm2_unlock_ops ops = { notice, luksdxe_opt_prompt ? get_pin : NULL, NULL,
				   d->info.uuid };
	r = ld_tpm2_unlock(d->vol, &d->bdev, &luksdxe_alloc, &t, &ops, slot, err, sizeof(err));
	if (r != LD_OK && r != LD_ERR_NOTFOUND)
		luksdxe_con_printf("LuksDxe: %s: the TPM did not unlock it; other sources are "
				   "asked\n", d->info.uuid);
	return r;
}

static luksdxe_tcg2 *tcg2(void)
{
	luksdxe_tcg2 *p = NULL;

	if (luksdxe_bs->LocateProtocol == NULL ||
	    luksdxe_bs->LocateProtocol(&guid_tcg2, NULL, (void **)&p) != EFI_SUCCESS)
		return NULL;
	return p;
}

/* EFI_CC_MEASUREMENT_PROTOCOL, NULL where the firmware has none (not a TDX guest) */
static luksdxe_cc_measurement *cc_measurement(void)
{
	luksdxe_cc_measurement *p = NULL;

	if (luksdxe_bs->LocateProtocol == NULL ||
	    luksdxe_bs->LocateProtocol(&guid_cc, NULL, (void **)&p) != EFI_SUCCESS)
		return NULL;
	return p;
}

/* The same event to the CC measurement register that stands for PCR 15 (UEFI 2.10,
 * 38.4.1: RTMR[2] on TDX); only the index field differs from the TCG2 record. */
static void measure_cc(luksdxe_dev *d, luksdxe_cc_measurement *p, const char *line,
		       size_t len)
{
	uint8_t ev[LD_TPM2_EVENT_RECORD_HDR + LD_TPM2_EVENT_MAX];
	UINT32 mr = 0;
	size_t evlen;
	EFI_STATUS st;

	st = p->MapPcrToMrIndex(p, LUKSDXE_MEASURE_PCR, &mr);
	if (st != EFI_SUCCESS) {
		luksdxe_con_printf("LuksDxe: %s: the CC measurement protocol maps no register for "
				   "PCR %d (status 0x%lx); not measured there\n", d->info.uuid,
				   LUKSDXE_MEASURE_PCR, (unsigned long)st);
		return;
	}
	if (ld_tpm2_event_record(mr, LUKSDXE_EV_EVENT_TAG, LUKSDXE_EVENT_TAG, line, len, ev,
				 sizeof(ev), &evlen) != LD_OK)
		return; /* cannot happen: len < LD_TPM2_EVENT_MAX */
	st = p->HashLogExtendEvent(p, 0, (EFI_PHYSICAL_ADDRESS)(uintptr_t)line, len, ev);
	if (st != EFI_SUCCESS)
		luksdxe_con_printf("LuksDxe: %s: measuring into CC MR %u (PCR %d) failed "
				   "(status 0x%lx)\n", d->info.uuid, (unsigned)mr,
				   LUKSDXE_MEASURE_PCR, (unsigned long)st);
	else
		luksdxe_con_printf("LuksDxe: %s: measured into CC MR %u (PCR %d)\n", d->info.uuid,
				   (unsigned)mr, LUKSDXE_MEASURE_PCR);
}

void luksdxe_tpm_measure(luksdxe_dev *d, const char *source, int slot,
			 const ld_verity_params *verity)
{
	uint8_t ev[LD_TPM2_EVENT_RECORD_HDR + LD_TPM2_EVENT_MAX];
	char line[LD_TPM2_EVENT_MAX];
	luksdxe_tcg2 *p = tcg2();
	luksdxe_cc_measurement *cc = cc_measurement();
	size_t len = 0, evlen;
	EFI_STATUS st;
	int r;

	if (p && !p->HashLogExtendEvent)
		p = NULL;
	if (cc && (!cc->HashLogExtendEvent || !cc->MapPcrToMrIndex))
		cc = NULL;
	if ((!p && !cc) || !d->vol)
		return;
	r = ld_tpm2_volume_event(d->vol, &d->bdev, &luksdxe_alloc, source, slot,
				 verity ? verity->root_hash : NULL,
				 verity ? ld_hash_size(verity->hash) : 0, line, sizeof(line), &len);
	if (r == LD_OK)
		r = ld_tpm2_event_record(LUKSDXE_MEASURE_PCR, LUKSDXE_EV_EVENT_TAG,
					 LUKSDXE_EVENT_TAG, line, len, ev, sizeof(ev), &evlen);
	if (r != LD_OK) {
		luksdxe_con_printf("LuksDxe: %s: cannot build the measurement (%s); not measured\n",
				   d->info.uuid, ld_strerror(r));
		return;
	}
	if (p) {
		st = p->HashLogExtendEvent(p, 0, (EFI_PHYSICAL_ADDRESS)(uintptr_t)line, len, ev);
		if (st != EFI_SUCCESS)
			luksdxe_con_printf("LuksDxe: %s: measuring into PCR %d failed (status "
					   "0x%lx)\n", d->info.uuid, LUKSDXE_MEASURE_PCR,
					   (unsigned long)st);
		else
			luksdxe_con_printf("LuksDxe: %s: measured into PCR %d: %s\n", d->info.uuid,
					   LUKSDXE_MEASURE_PCR, line);
	}
	if (cc)
		measure_cc(d, cc, line, len);
}
