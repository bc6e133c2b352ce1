/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Secret providers, asked in this order:
 *  1. the confidential-computing secret area (EFI configuration table adf956ad-...);
 *  (then the TPM's systemd-tpm2 tokens, tpm.c, which driver.c asks itself: they unlock
 *  rather than hand over a secret;)
 *  2. QEMU fw_cfg file opt/luksdxe/secret, in the same GUID-table format;
 *  3. the console prompt, only if built with LUKSDXE_PROMPT=1 (in a confidential VM the
 *     console belongs to the host).
 * When the firmware publishes a secret area, the VM is a confidential one and the area
 * is the only provider asked: fw_cfg and the console belong to the host, which could
 * otherwise swap in a volume of its own together with that volume's passphrase.
 * Tables are untrusted: a malformed one is reported and ignored.  The secret is copied
 * into driver memory; the copy (and any fw_cfg buffer) is wiped when released. */
#include <string.h>
#include "base/endian.h"
#include "luksdxe.h"
#include "console.h"
#include "fwcfg.h"

int luksdxe_opt_prompt = LUKSDXE_PROMPT;
int luksdxe_opt_wipe_cc = LUKSDXE_WIPE_CC_SECRET;

#define FWCFG_SECRET_FILE "opt/luksdxe/secret"
/* A launch secret page is 4 KiB in practice; refuse absurd sizes before allocating. */
#define SECRET_AREA_MAX (1u << 20)
#define PROMPT_MAX 512

const char *luksdxe_source_name(luksdxe_source src)
{
	switch (src) {
	case LUKSDXE_SRC_CC: return "confidential-computing secret area";
	case LUKSDXE_SRC_FWCFG: return "fw_cfg " FWCFG_SECRET_FILE;
	case LUKSDXE_SRC_PROMPT: return "console";
	case LUKSDXE_SRC_TPM: return "TPM2 token";
	default: return "none";
	}
}

const char *luksdxe_source_tag(luksdxe_source src)
{
	switch (src) {
	case LUKSDXE_SRC_CC: return "cc";
	case LUKSDXE_SRC_FWCFG: return "fwcfg";
	case LUKSDXE_SRC_PROMPT: return "console";
	case LUKSDXE_SRC_TPM: return "tpm2";
	default: return "none";
	}
}

static int take_copy(luksdxe_secret *s, const uint8_t *p, size_t n)
{
	s->data = luksdxe_alloc.alloc(luksdxe_alloc.ctx, n);
	if (!s->data)
		return LD_ERR_NOMEM;
	memcpy(s->data, p, n);
	s->len = s->cap = n;
	return LD_OK;
}

/* Returns LD_OK (secret taken), LD_ERR_NOTFOUND (look elsewhere) or LD_ERR_NOMEM. */
static int from_table(uint8_t *area, size_t size, const uint8_t guid[16], const char *what,
		      luksdxe_secret *s)
{
	ld_secret_ref ref;
	char err[80];
	int r = ld_secret_table_find(area, size, guid, &ref, err, sizeof(err));
	if (r == LD_ERR_INVALID) {
		luksdxe_con_printf("LuksDxe: %s: %s; ignored\n", what, err);
		return LD_ERR_NOTFOUND;
	}
	if (r != LD_OK)
		return LD_ERR_NOTFOUND;
	r = take_copy(s, area + ref.data_offset, ref.data_len);
	if (r != LD_OK)
		return r;
	s->generic = ref.generic;
	s->cc_ref = ref;
	return LD_OK;
}

/* The secret area the firmware publishes: 1 with *area and *size set, 0 if there is none,
 * -1 if there is one but its location is unusable (then *area is NULL). */
static int cc_area(uint8_t **area, size_t *size, int quiet)
{
	EFI_SYSTEM_TABLE *st = luksdxe_st;
	*area = NULL;
	*size = 0;
	for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];
		if (memcmp(&t->VendorGuid, ld_secret_area_cfg_guid, 16) != 0)
			continue;
		/* { UINT64 Base; UINT64 Size; } as OVMF's SecretDxe publishes it. */
		const uint8_t *loc = t->VendorTable;
		if (!loc)
			return -1;
		uint64_t base = ld_le64(loc), len = ld_le64(loc + 8);
		if (!base || len > SECRET_AREA_MAX || base > UINTPTR_MAX - len) {
			if (!quiet)
				luksdxe_con_printf("LuksDxe: confidential-computing secret area: bad location; ignored\n");
			return -1;
		}
		*area = (uint8_t *)(uintptr_t)base;
		*size = (size_t)len;
		return 1;
	}
	return 0;
}

/* *present is set if the firmware publishes a secret area at all. */
static int from_cc_area(const uint8_t guid[16], luksdxe_secret *s, int *present)
{
	uint8_t *area;
	size_t size;
	int found = cc_area(&area, &size, 0);
	*present = found != 0;
	if (found <= 0)
		return LD_ERR_NOTFOUND;
	int r = from_table(area, size, guid, "confidential-computing secret table", s);
	if (r == LD_OK) {
		s->source = LUKSDXE_SRC_CC;
		s->cc_area = area;
		s->cc_size = size;
	}
	return r;
}

/* What the whole table asks (ld_secret_table_summary: pins, verity, plaintext media),
 * decided once, from the table the volumes are unlocked from (the secret area when there
 * is one, else fw_cfg) and before any entry can be wiped; kept for the rest of the boot.
 * Until it is known (no memory to read fw_cfg), the answer fails closed: pins and verity,
 * no media. */
static int summary_known;
static ld_secret_summary summary;
static const ld_secret_summary fail_closed = { 1, 1, 0, 0, { { 0 } } };

const ld_secret_summary *luksdxe_secret_summary(void)
{
	if (summary_known)
		return &summary;
	uint8_t *area;
	size_t size;
	int found = cc_area(&area, &size, 1);
	memset(&summary, 0, sizeof(summary));
	if (found > 0) {
		(void)ld_secret_table_summary(area, size, &summary);
	} else if (found == 0) {
		uint16_t sel;
		uint32_t len;
		if (luksdxe_fwcfg_find_file(FWCFG_SECRET_FILE, &sel, &len) == LD_OK && len &&
		    len <= SECRET_AREA_MAX) {
			uint8_t *buf = luksdxe_alloc.alloc(luksdxe_alloc.ctx, len);
			if (!buf)
				return &fail_closed; /* not known yet: ask again next time */
			luksdxe_fwcfg_read_item(sel, buf, len);
			(void)ld_secret_table_summary(buf, len, &summary);
			luksdxe_alloc.free(luksdxe_alloc.ctx, buf, len);
		}
	}
	if (summary.media_dropped)
		luksdxe_con_printf("LuksDxe: the secret names %u more plaintext verified media than the "
				   "%u served; those are not served\n", (unsigned)summary.media_dropped,
				   (unsigned)LD_SECRET_MEDIA_MAX);
	summary_known = 1;
	return &summary;
}

int luksdxe_secret_pins_present(void)
{
	return luksdxe_secret_summary()->pins;
}

int luksdxe_secret_verity_present(void)
{
	return luksdxe_secret_summary()->verity;
}

void luksdxe_secret_reset(void)
{
	summary_known = 0;
	memset(&summary, 0, sizeof(summary));
}

static int from_fwcfg(const uint8_t guid[16], luksdxe_secret *s)
{
	uint16_t sel;
	uint32_t size;
	if (luksdxe_fwcfg_find_file(FWCFG_SECRET_FILE, &sel, &size) != LD_OK)
		return LD_ERR_NOTFOUND;
	if (size == 0 || size > SECRET_AREA_MAX) {
		luksdxe_con_printf("LuksDxe: fw_cfg " FWCFG_SECRET_FILE ": bad size %u; ignored\n", size);
		return LD_ERR_NOTFOUND;
	}
	uint8_t *buf = luksdxe_alloc.alloc(luksdxe_alloc.ctx, size);
	if (!buf)
		return LD_ERR_NOMEM;
	luksdxe_fwcfg_read_item(sel, buf, size);
	int r = from_table(buf, size, guid, "fw_cfg " FWCFG_SECRET_FILE, s);
	if (r == LD_OK)
		s->source = LUKSDXE_SRC_FWCFG;
	luksdxe_alloc.free(luksdxe_alloc.ctx, buf, size); /* wipes */
	return r;
}

/* Appends the UTF-8 encoding of c (a UCS-2 character) if it fits. */
static size_t put_utf8(uint8_t *p, size_t n, size_t cap, CHAR16 c)
{
	if (c < 0x80 && n + 1 <= cap) {
		p[n] = (uint8_t)c;
		return n + 1;
	}
	if (c >= 0x80 && c < 0x800 && n + 2 <= cap) {
		p[n] = (uint8_t)(0xc0 | (c >> 6));
		p[n + 1] = (uint8_t)(0x80 | (c & 0x3f));
		return n + 2;
	}
	if (c >= 0x800 && (c < 0xd800 || c > 0xdfff) && n + 3 <= cap) {
		p[n] = (uint8_t)(0xe0 | (c >> 12));
		p[n + 1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
		p[n + 2] = (uint8_t)(0x80 | (c & 0x3f));
		return n + 3;
	}
	return n;
}

int luksdxe_prompt_line(uint8_t *buf, size_t cap, size_t *len)
{
	SIMPLE_INPUT_INTERFACE *in = luksdxe_st->ConIn;
	size_t n = 0;
	EFI_INPUT_KEY key = { 0, 0 };

	*len = 0;
	if (!in)
		return LD_ERR_NOTFOUND;
	for (;;) {
		UINTN idx;
		if (in->ReadKeyStroke(in, &key) != EFI_SUCCESS) {
			if (luksdxe_bs->WaitForEvent(1, &in->WaitForKey, &idx) != EFI_SUCCESS)
				break;
			continue;
		}
		if (key.UnicodeChar == u'\r' || key.UnicodeChar == u'\n')
			break;
		if (key.UnicodeChar == u'\b') {
			/* Drop one whole UTF-8 character. */
			while (n && (buf[n - 1] & 0xc0) == 0x80)
				n--;
			if (n)
				n--;
			continue;
		}
		if (key.UnicodeChar >= 0x20)
			n = put_utf8(buf, n, cap, key.UnicodeChar);
	}
	ld_wipe(&key, sizeof(key));
	luksdxe_con_printf("\n");
	*len = n;
	return n ? LD_OK : LD_ERR_NOTFOUND;
}

static int from_prompt(const char *uuid_text, luksdxe_secret *s)
{
	if (!luksdxe_st->ConIn)
		return LD_ERR_NOTFOUND;
	uint8_t *buf = luksdxe_alloc.alloc(luksdxe_alloc.ctx, PROMPT_MAX);
	if (!buf)
		return LD_ERR_NOMEM;
	size_t n = 0;
	luksdxe_con_printf("LuksDxe: passphrase for %s: ", uuid_text);
	int r = luksdxe_prompt_line(buf, PROMPT_MAX, &n);
	if (r == LD_OK)
		r = take_copy(s, buf, n);
	if (r == LD_OK)
		s->source = LUKSDXE_SRC_PROMPT;
	luksdxe_alloc.free(luksdxe_alloc.ctx, buf, PROMPT_MAX);
	return r;
}

int luksdxe_secret_cc_present(void)
{
	uint8_t *area;
	size_t size;

	return cc_area(&area, &size, 1) != 0;
}

int luksdxe_secret_get(const uint8_t volume_guid[16], const char *uuid_text, luksdxe_secret *s)
{
	int cc_present;
	memset(s, 0, sizeof(*s));
	int r = from_cc_area(volume_guid, s, &cc_present);
	if (cc_present) {
		if (r == LD_ERR_NOTFOUND)
			luksdxe_con_printf("LuksDxe: %s: no entry in the confidential-computing secret area "
					   "(fw_cfg and console are not asked in a confidential VM)\n", uuid_text);
		return r;
	}
	r = from_fwcfg(volume_guid, s);
	if (r == LD_ERR_NOTFOUND && luksdxe_opt_prompt)
		r = from_prompt(uuid_text, s);
	return r;
}

/* With the wipe option, the generic disk-passphrase entry may still be needed by another
 * volume, so it is deleted at ExitBootServices; a per-volume entry right after use. */
static struct {
	uint8_t *area;
	size_t size;
	ld_secret_ref ref;
} pending_generic;

void luksdxe_secret_release(luksdxe_secret *s, int used)
{
	if (s->data)
		luksdxe_alloc.free(luksdxe_alloc.ctx, s->data, s->cap);
	if (used && luksdxe_opt_wipe_cc && s->source == LUKSDXE_SRC_CC && s->cc_area) {
		if (!s->generic) {
			ld_secret_table_wipe_entry(s->cc_area, s->cc_size, &s->cc_ref);
		} else {
			pending_generic.area = s->cc_area;
			pending_generic.size = s->cc_size;
			pending_generic.ref = s->cc_ref;
		}
	}
	memset(s, 0, sizeof(*s));
}

void luksdxe_secret_exit_boot_services(void)
{
	if (pending_generic.area)
		ld_secret_table_wipe_entry(pending_generic.area, pending_generic.size,
					   &pending_generic.ref);
	memset(&pending_generic, 0, sizeof(pending_generic));
}
