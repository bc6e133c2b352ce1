/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The event LuksDxe measures for each unlocked volume (docs/tpm.md, "What is measured"):
 * one line of ASCII that names the volume and how it was opened, never key material:
 *   luksdxe-volume-v1 uuid=UUID header-sha256=HEX source=NAME keyslot=N verity-root=HEX|none
 * header-sha256 is SHA-256 of the header copy the volume was opened from, read again from
 * the device: for LUKS2 the binary header and JSON area of that copy (hdr_size bytes at
 * its offset), for LUKS1 the 592-byte header.  keyslot -1: the volume key itself.
 *
 * ld_tpm2_event_record wraps it in the record both EFI_TCG2_PROTOCOL and
 * EFI_CC_MEASUREMENT_PROTOCOL take.
 *
 * Calls: luks/ (metadata), crypto/ (SHA-256), base/.  Called by: efi/tpm.c, tools/. */
#include <string.h>

#include "base/endian.h"
#include "crypto/crypto.h"
#include "luks/luks_meta.h"
#include "tpm/tpm2.h"

#define CHUNK 65536
#define LUKS1_HDR 592

static void hex(const uint8_t *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int header_digest(ld_volume *v, ld_blockdev *hdr, const ld_alloc *alloc,
			 uint8_t out[32])
{
	const ld_luks_meta *m = ld_volume_meta(v);
	uint64_t off = 0, len = LUKS1_HDR, done;
	ld_hash_ctx h;
	uint8_t *buf;
	int r;

	if (m->version == 2) {
		off = m->copy_offset[m->copy_used];
		len = m->hdr_size;
	}
	buf = alloc->alloc(alloc->ctx, CHUNK);
	if (!buf)
		return LD_ERR_NOMEM;
	r = ld_hash_init(&h, LD_HASH_SHA256);
	for (done = 0; !r && done < len; done += CHUNK) {
		size_t n = len - done < CHUNK ? (size_t)(len - done) : CHUNK;
		r = ld_dev_read(hdr, off + done, buf, n);
		if (!r)
			r = ld_hash_update(&h, buf, n);
	}
	if (!r)
		r = ld_hash_final(&h, out);
	alloc->free(alloc->ctx, buf, CHUNK);
	return r;
}

int ld_tpm2_volume_event(ld_volume *v, ld_blockdev *hdr, const ld_alloc *alloc,
			 const char *source, int keyslot, const uint8_t *verity_root,
			 size_t root_len, char *out, size_t cap, size_t *len)
{
	char dig[65], root[2 * LD_HASH_MAX_SIZE + 1], n[24];
	uint8_t d[32];
	size_t at;
	int r;

	if (root_len > LD_HASH_MAX_SIZE)
		return LD_ERR_INVALID;
	r = header_digest(v, hdr, alloc, d);
	if (r)
		return r;
	hex(d, sizeof(d), dig);
	if (verity_root)
		hex(verity_root, root_len, root);
	else
		ld_strlcpy(root, "none", sizeof(root));
	ld_err3(out, cap, "luksdxe-volume-v1 uuid=", ld_volume_get_info(v)->uuid, " header-sha256=");
	at = strlen(out);
	ld_err3(out + at, cap - at, dig, " source=", source);
	at = strlen(out);
	ld_err3(out + at, cap - at, " keyslot=", keyslot < 0 ? "-1" : ld_u64_str((uint64_t)keyslot, n),
		" verity-root=");
	at = strlen(out);
	ld_err3(out + at, cap - at, root, NULL, NULL);
	*len = strlen(out);
	return *len + 1 < cap ? LD_OK : LD_ERR_RANGE;
}

int ld_tpm2_event_record(uint32_t index, uint32_t type, uint32_t tag, const char *line,
			 size_t len, uint8_t *out, size_t cap, size_t *outlen)
{
	if (cap < LD_TPM2_EVENT_RECORD_HDR || len > cap - LD_TPM2_EVENT_RECORD_HDR ||
	    len > 0xffffffffu - LD_TPM2_EVENT_RECORD_HDR)
		return LD_ERR_RANGE;
	ld_put_le32(out, (uint32_t)(LD_TPM2_EVENT_RECORD_HDR + len)); /* Size */
	ld_put_le32(out + 4, 14);                                      /* HeaderSize */
	ld_put_le16(out + 8, 1);                                       /* HeaderVersion */
	ld_put_le32(out + 10, index);
	ld_put_le32(out + 14, type);
	ld_put_le32(out + 18, tag);                                    /* taggedEventID */
	ld_put_le32(out + 22, (uint32_t)len);                          /* taggedEventDataSize */
	memcpy(out + LD_TPM2_EVENT_RECORD_HDR, line, len);
	*outlen = LD_TPM2_EVENT_RECORD_HDR + len;
	return LD_OK;
}
