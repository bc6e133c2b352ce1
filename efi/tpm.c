/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The TPM secret source: systemd-tpm2 tokens unsealed by tpm/ through the firmware's
 * EFI_TCG2_PROTOCOL.SubmitCommand.  Asked by driver.c after the confidential-computing
 * secret area (which, when the firmware publishes one, is the only source) and before
 * fw_cfg and the console, which the host controls.  A PIN token is tried only in the
 * LUKSDXE_PROMPT build, with the PIN typed at the console; otherwise it is skipped with a
 * line.  The TPM's responses are untrusted: tpm/ checks them. */
#include <string.h>

#include "console.h"
#include "tpm.h"
#include "tpm/tpm2.h"

static EFI_GUID guid_tcg2 = LUKSDXE_TCG2_GUID;
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

void luksdxe_tpm_measure(luksdxe_dev *d, const char *source, int slot,
			 const ld_verity_params *verity)
{
	struct {
		UINT32 size;
		UINT32 header_size;
		UINT16 header_version;
		UINT32 pcr;
		UINT32 type;
		UINT32 tag_id;
		UINT32 tag_size;
		char text[LD_TPM2_EVENT_MAX];
	} __attribute__((packed)) ev;
	luksdxe_tcg2 *p = tcg2();
	size_t len = 0;
	EFI_STATUS st;
	int r;

	if (!p || !p->HashLogExtendEvent || !d->vol)
		return;
	memset(&ev, 0, sizeof(ev));
	r = ld_tpm2_volume_event(d->vol, &d->bdev, &luksdxe_alloc, source, slot,
				 verity ? verity->root_hash : NULL,
				 verity ? ld_hash_size(verity->hash) : 0, ev.text, sizeof(ev.text),
				 &len);
	if (r != LD_OK) {
		luksdxe_con_printf("LuksDxe: %s: cannot build the measurement (%s); not measured\n",
				   d->info.uuid, ld_strerror(r));
		return;
	}
	ev.header_size = 14;
	ev.header_version = 1;
	ev.pcr = LUKSDXE_MEASURE_PCR;
	ev.type = LUKSDXE_EV_EVENT_TAG;
	ev.tag_id = LUKSDXE_EVENT_TAG;
	ev.tag_size = (UINT32)len;
	ev.size = (UINT32)(4 + 14 + 8 + len);
	st = p->HashLogExtendEvent(p, 0, (EFI_PHYSICAL_ADDRESS)(uintptr_t)ev.text, len, &ev);
	if (st != EFI_SUCCESS)
		luksdxe_con_printf("LuksDxe: %s: measuring into PCR %d failed (status 0x%lx)\n",
				   d->info.uuid, LUKSDXE_MEASURE_PCR, (unsigned long)st);
	else
		luksdxe_con_printf("LuksDxe: %s: measured into PCR %d: %s\n", d->info.uuid,
				   LUKSDXE_MEASURE_PCR, ev.text);
}
