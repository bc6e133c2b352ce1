/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* LUKS2 binary headers: both copies, their checksums, the choice between them
 * (cryptsetup's LUKS2_disk_hdr_read without the repair/write-back part). */
#include "luks/luks_internal.h"

/* Binary header field offsets */
#define O_MAGIC 0
#define O_VERSION 6
#define O_HDR_SIZE 8
#define O_SEQID 16
#define O_LABEL 24
#define O_CSUM_ALG 72
#define O_UUID 168
#define O_SUBSYSTEM 208
#define O_HDR_OFFSET 256
#define O_CSUM 448

enum { COPY_FAIL, COPY_BADJSON, COPY_OK };

static void copy_field(char *dst, size_t dstlen, const uint8_t *src, size_t srclen)
{
	size_t n = 0;

	/* cryptsetup terminates each field at its last byte */
	while (n + 1 < srclen && n + 1 < dstlen && src[n]) {
		dst[n] = (char)src[n];
		n++;
	}
	dst[n] = '\0';
}

/* Reads and checks one copy at offset; on COPY_OK m holds its metadata. */
static int read_copy(ld_luks_meta *m, ld_blockdev *dev, uint64_t offset, int secondary,
		     const ld_alloc *alloc, char *why, size_t whylen, int *io)
{
	uint8_t bin[LD_LUKS2_BIN_LEN];
	uint8_t *buf = NULL;
	uint8_t sum[LD_HASH_MAX_SIZE];
	uint64_t hdr_size;
	char alg[32];
	ld_hash_alg h;
	ld_hash_ctx hc;
	int r, state = COPY_FAIL;

	*io = 0;
	ld_err3(why, whylen, "unreadable", NULL, NULL); /* replaced by every failure below */
	r = ld_dev_read(dev, offset, bin, sizeof(bin));
	if (r) {
		*io = r == LD_ERR_IO;
		ld_err3(why, whylen, r == LD_ERR_IO ? "I/O error" : "beyond the end of the device",
			NULL, NULL);
		return COPY_FAIL;
	}
	if (memcmp(bin + O_MAGIC, secondary ? LD_LUKS_MAGIC2 : LD_LUKS_MAGIC, LD_LUKS_MAGIC_LEN)) {
		ld_err3(why, whylen, "bad magic", NULL, NULL);
		return COPY_FAIL;
	}
	if (ld_be16(bin + O_VERSION) != 2) {
		ld_err3(why, whylen, "version is not 2", NULL, NULL);
		return COPY_FAIL;
	}
	if (ld_be64(bin + O_HDR_OFFSET) != offset) {
		ld_err3(why, whylen, "header offset field does not match its position", NULL, NULL);
		return COPY_FAIL;
	}
	hdr_size = ld_be64(bin + O_HDR_SIZE);
	if (hdr_size < LD_LUKS2_HDR_MIN || hdr_size > LD_LUKS2_HDR_MAX) {
		ld_err3(why, whylen, "header size out of range", NULL, NULL);
		return COPY_FAIL;
	}
	if (secondary && offset != hdr_size) {
		ld_err3(why, whylen, "secondary header offset differs from header size", NULL, NULL);
		return COPY_FAIL;
	}
	copy_field(alg, sizeof(alg), bin + O_CSUM_ALG, 32);
	if (ld_hash_from_name(alg, strlen(alg), &h)) {
		ld_err3(why, whylen, "unsupported checksum algorithm \"", alg, "\"");
		return COPY_FAIL;
	}
	if (offset > dev->size || hdr_size > dev->size - offset) {
		ld_err3(why, whylen, "JSON area beyond the end of the device", NULL, NULL);
		return COPY_FAIL;
	}
	buf = alloc->alloc(alloc->ctx, (size_t)hdr_size);
	if (!buf) {
		ld_err3(why, whylen, "out of memory", NULL, NULL);
		return COPY_FAIL;
	}
	r = ld_dev_read(dev, offset, buf, (size_t)hdr_size);
	if (r) {
		*io = r == LD_ERR_IO;
		ld_err3(why, whylen, "I/O error", NULL, NULL);
		goto out;
	}
	/* The checksum covers the binary header with the checksum field zeroed, then the
	 * whole JSON area.  Check the bytes we read twice are the same bytes. */
	if (memcmp(buf, bin, sizeof(bin))) {
		ld_err3(why, whylen, "header changed while reading", NULL, NULL);
		goto out;
	}
	memset(buf + O_CSUM, 0, LD_HASH_MAX_SIZE);
	if (ld_hash_init(&hc, h) || ld_hash_update(&hc, buf, (size_t)hdr_size) ||
	    ld_hash_final(&hc, sum)) {
		ld_err3(why, whylen, "checksum computation failed", NULL, NULL);
		goto out;
	}
	if (!ld_ct_equal(sum, bin + O_CSUM, ld_hash_size(h))) {
		ld_err3(why, whylen, "checksum mismatch", NULL, NULL);
		goto out;
	}

	state = COPY_BADJSON;
	if (ld_luks2_meta_parse(m, (const char *)buf + LD_LUKS2_BIN_LEN,
				(size_t)hdr_size - LD_LUKS2_BIN_LEN, hdr_size, alloc, why, whylen))
		goto out;
	state = COPY_OK;
	m->version = 2;
	m->hdr_size = hdr_size;
	m->seqid = ld_be64(bin + O_SEQID);
	m->copy_used = secondary;
	copy_field(m->csum_alg, sizeof(m->csum_alg), bin + O_CSUM_ALG, 32);
	copy_field(m->uuid, sizeof(m->uuid), bin + O_UUID, 40);
	copy_field(m->label, sizeof(m->label), bin + O_LABEL, 48);
	copy_field(m->subsystem, sizeof(m->subsystem), bin + O_SUBSYSTEM, 48);
out:
	alloc->free(alloc->ctx, buf, (size_t)hdr_size);
	return state;
}

int ld_luks2_read(ld_luks_meta *m, ld_blockdev *dev, const ld_alloc *alloc, char *err,
		  size_t errlen)
{
	static const uint32_t offsets[] = { 0x4000, 0x8000, 0x10000, 0x20000, 0x40000,
					    0x80000, 0x100000, 0x200000, 0x400000 };
	char why1[128] = "", why2[128] = "";
	ld_luks_meta *m2;
	uint64_t off2 = 0, need;
	int s1, s2 = COPY_FAIL, io1, io2 = 0, r = LD_OK;
	size_t i;

	m2 = alloc->alloc(alloc->ctx, sizeof(*m2));
	if (!m2)
		return LD_ERR_NOMEM;
	memset(m, 0, sizeof(*m));
	s1 = read_copy(m, dev, 0, 0, alloc, why1, sizeof(why1), &io1);
	if (s1 != COPY_FAIL) {
		uint8_t b[16];
		/* the primary's binary header is sound: its size locates the secondary */
		if (ld_dev_read(dev, 0, b, sizeof(b)) == LD_OK)
			off2 = ld_be64(b + O_HDR_SIZE);
		s2 = read_copy(m2, dev, off2, 1, alloc, why2, sizeof(why2), &io2);
	} else {
		/* no trustworthy size: try every offset a secondary header may have */
		for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
			char w[128];
			int io;
			int s = read_copy(m2, dev, offsets[i], 1, alloc, w, sizeof(w), &io);
			if (i == 0 || s != COPY_FAIL) {
				ld_strlcpy(why2, w, sizeof(why2));
				io2 = io;
			}
			if (s != COPY_FAIL) {
				s2 = s;
				off2 = offsets[i];
				break;
			}
		}
	}

	if (s1 == COPY_OK && s2 == COPY_OK) {
		/* the higher sequence id is the newer metadata; equal: keep the primary */
		if (m2->seqid > m->seqid)
			memcpy(m, m2, sizeof(*m));
	} else if (s2 == COPY_OK) {
		memcpy(m, m2, sizeof(*m));
	} else if (s1 != COPY_OK) {
		ld_err3(err, errlen, "primary LUKS2 header: ", why1, "; ");
		{
			size_t n = strlen(err ? err : "");
			if (err && n < errlen)
				ld_err3(err + n, errlen - n, "secondary LUKS2 header: ",
					why2[0] ? why2 : "not found", NULL);
		}
		r = (io1 && io2) ? LD_ERR_IO : LD_ERR_INVALID;
		goto out;
	}
	/* One copy is damaged: cryptsetup would recover it from the other, but not when the
	 * device also carries another signature (blkid): refuse the ambiguous device. */
	if (s1 != COPY_OK || s2 != COPY_OK) {
		const char *sig = ld_foreign_signature(dev);
		if (sig) {
			ld_err3(err, errlen, "a LUKS2 header copy is damaged and the device also carries "
				"a signature of another kind (", sig,
				"): ambiguous, refused until repaired (cryptsetup repair)");
			r = LD_ERR_INVALID;
			goto out;
		}
	}
	m->copy_ok[0] = s1 == COPY_OK;
	m->copy_ok[1] = s2 == COPY_OK;
	m->copy_offset[0] = 0;
	m->copy_offset[1] = off2;

	/* Both header copies and the keyslots area must fit on the device. */
	need = 2 * (m->json_size + LD_LUKS2_BIN_LEN) + m->keyslots_size;
	if (need > dev->size) {
		ld_err3(err, errlen, "device is too small for the LUKS2 header and keyslots", NULL,
			NULL);
		r = LD_ERR_INVALID;
	}
out:
	ld_wipe(m2, sizeof(*m2));
	alloc->free(alloc->ctx, m2, sizeof(*m2));
	return r;
}
