/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Confidential-computing secret GUID table: see secret_table.h for the layout.  Every
 * length read from the table is checked against the bytes that remain before it is used;
 * the table is untrusted input (the host writes it in a non-confidential VM, and fw_cfg
 * always comes from the host). */
#include <string.h>
#include "base/endian.h"
#include "base/str.h"
#include "secret/secret_table.h"
#include "secret/volume_secret.h"

const uint8_t ld_secret_table_guid[16] = { 0x42, 0xf5, 0x74, 0x1e, 0xdd, 0x71, 0x66, 0x4d,
					   0x96, 0x3e, 0xef, 0x42, 0x87, 0xff, 0x17, 0x3b };
const uint8_t ld_secret_disk_guid[16] = { 0xe5, 0x69, 0x68, 0x73, 0xf0, 0x84, 0x73, 0x49,
					  0x92, 0xec, 0x06, 0x87, 0x9c, 0xe3, 0xda, 0x0b };
const uint8_t ld_secret_area_cfg_guid[16] = { 0xad, 0x56, 0xf9, 0xad, 0x8c, 0xe9, 0x4c, 0x48,
					      0xae, 0x11, 0xb5, 0x1c, 0x7d, 0x33, 0x64, 0x47 };

static const uint8_t null_guid[16];

/* Walks the table.  With want == NULL it only validates.  Otherwise it records the first
 * entry with GUID want in *hit and counts such entries in *hits. */
static int walk(const uint8_t *area, size_t area_size, const uint8_t *want, size_t *hit,
		unsigned *hits, char *err, size_t errlen)
{
	if (!area || area_size < LD_SECRET_HDR_SIZE) {
		ld_err3(err, errlen, "secret area smaller than the table header", NULL, NULL);
		return LD_ERR_INVALID;
	}
	if (memcmp(area, ld_secret_table_guid, 16) != 0) {
		ld_err3(err, errlen, "secret area does not start with the secret table GUID", NULL,
			NULL);
		return LD_ERR_INVALID;
	}
	uint32_t total = ld_le32(area + 16);
	if (total < LD_SECRET_HDR_SIZE || total > area_size) {
		ld_err3(err, errlen, "secret table length outside the area", NULL, NULL);
		return LD_ERR_INVALID;
	}
	size_t off = LD_SECRET_HDR_SIZE;
	/* off <= total holds throughout, so total - off never wraps. */
	while (total - off >= LD_SECRET_ENTRY_HDR_SIZE) {
		uint32_t len = ld_le32(area + off + 16);
		if (len < LD_SECRET_ENTRY_HDR_SIZE || len > total - off) {
			ld_err3(err, errlen, "secret table entry length out of bounds", NULL, NULL);
			return LD_ERR_INVALID;
		}
		if (want && memcmp(area + off, want, 16) == 0) {
			if (*hits == 0)
				*hit = off;
			(*hits)++;
		}
		off += len;
	}
	return LD_OK;
}

int ld_secret_table_check(const uint8_t *area, size_t area_size, char *err, size_t errlen)
{
	return walk(area, area_size, NULL, NULL, NULL, err, errlen);
}

int ld_secret_table_find(const uint8_t *area, size_t area_size, const uint8_t volume_guid[16],
			 ld_secret_ref *ref, char *err, size_t errlen)
{
	size_t off = 0;
	unsigned hits = 0;
	int generic = 0, r;

	memset(ref, 0, sizeof(*ref));
	/* The null GUID marks deleted entries: never look one up. */
	if (volume_guid && memcmp(volume_guid, null_guid, 16) != 0) {
		r = walk(area, area_size, volume_guid, &off, &hits, err, errlen);
		if (r != LD_OK)
			return r;
	}
	if (hits == 0) {
		generic = 1;
		r = walk(area, area_size, ld_secret_disk_guid, &off, &hits, err, errlen);
		if (r != LD_OK)
			return r;
	}
	if (hits == 0) {
		ld_err3(err, errlen, "no secret for this volume in the table", NULL, NULL);
		return LD_ERR_NOTFOUND;
	}
	if (hits > 1) {
		ld_err3(err, errlen, "secret table holds the same GUID twice", NULL, NULL);
		return LD_ERR_INVALID;
	}
	size_t len = ld_le32(area + off + 16) - LD_SECRET_ENTRY_HDR_SIZE;
	size_t data = off + LD_SECRET_ENTRY_HDR_SIZE;
	/* A passphrase may carry its C string terminator; it is not part of the secret. */
	if (len && area[data + len - 1] == 0 &&
	    !(len >= LD_VOLREC_MAGIC_SIZE &&
	      memcmp(area + data, ld_volrec_magic, LD_VOLREC_MAGIC_SIZE) == 0))
		len--; /* a LuksDxe volume record keeps every byte */
	if (len == 0) {
		ld_err3(err, errlen, "secret table entry is empty", NULL, NULL);
		return LD_ERR_INVALID;
	}
	ref->entry_offset = off;
	ref->data_offset = data;
	ref->data_len = len;
	ref->generic = generic;
	return LD_OK;
}

int ld_secret_table_next(const uint8_t *area, size_t area_size, size_t *off, ld_secret_ref *ref)
{
	if (*off == 0) {
		if (ld_secret_table_check(area, area_size, NULL, 0) != LD_OK)
			return 0;
		*off = LD_SECRET_HDR_SIZE;
	}
	/* Checked again at every step: the caller owns *off between calls. */
	if (!area || area_size < LD_SECRET_HDR_SIZE)
		return 0;
	size_t total = ld_le32(area + 16);
	if (total > area_size || *off < LD_SECRET_HDR_SIZE || *off > total ||
	    total - *off < LD_SECRET_ENTRY_HDR_SIZE)
		return 0;
	size_t len = ld_le32(area + *off + 16);
	if (len < LD_SECRET_ENTRY_HDR_SIZE || len > total - *off)
		return 0;
	ref->entry_offset = *off;
	ref->data_offset = *off + LD_SECRET_ENTRY_HDR_SIZE;
	ref->data_len = len - LD_SECRET_ENTRY_HDR_SIZE;
	ref->generic = memcmp(area + *off, ld_secret_disk_guid, 16) == 0;
	*off += len;
	return 1;
}

void ld_secret_table_wipe_entry(uint8_t *area, size_t area_size, const ld_secret_ref *ref)
{
	/* Re-derive the extent from the entry itself (the table may have changed since the
	 * lookup only if someone else wrote it; stay inside the area regardless). */
	size_t off = ref->entry_offset;
	if (off > area_size || area_size - off < LD_SECRET_ENTRY_HDR_SIZE)
		return;
	uint32_t len = ld_le32(area + off + 16);
	if (len < LD_SECRET_ENTRY_HDR_SIZE || len > area_size - off)
		return;
	ld_wipe(area + off + LD_SECRET_ENTRY_HDR_SIZE, len - LD_SECRET_ENTRY_HDR_SIZE);
	ld_wipe(area + off, 16);
}

int ld_secret_table_build(uint8_t *out, size_t cap, size_t *outlen, const ld_secret_entry *e,
			  size_t n, size_t align)
{
	size_t total = LD_SECRET_HDR_SIZE;
	if (align == 0)
		return LD_ERR_INVALID;
	for (size_t i = 0; i < n; i++) {
		if (e[i].len > UINT32_MAX - LD_SECRET_ENTRY_HDR_SIZE || (e[i].len && !e[i].data))
			return LD_ERR_INVALID;
		size_t el = LD_SECRET_ENTRY_HDR_SIZE + e[i].len;
		if (el > UINT32_MAX - total)
			return LD_ERR_RANGE;
		total += el;
	}
	size_t padded = total + (align - total % align) % align;
	if (padded < total || padded > cap)
		return LD_ERR_RANGE;
	memcpy(out, ld_secret_table_guid, 16);
	ld_put_le32(out + 16, (uint32_t)total);
	size_t off = LD_SECRET_HDR_SIZE;
	for (size_t i = 0; i < n; i++) {
		memcpy(out + off, e[i].guid, 16);
		ld_put_le32(out + off + 16, (uint32_t)(LD_SECRET_ENTRY_HDR_SIZE + e[i].len));
		if (e[i].len)
			memcpy(out + off + LD_SECRET_ENTRY_HDR_SIZE, e[i].data, e[i].len);
		off += LD_SECRET_ENTRY_HDR_SIZE + e[i].len;
	}
	memset(out + off, 0, padded - off);
	*outlen = padded;
	return LD_OK;
}

int ld_secret_table_summary(const uint8_t *area, size_t area_size, ld_secret_summary *s)
{
	size_t off = 0;
	ld_secret_ref e;

	memset(s, 0, sizeof(*s));
	if (ld_secret_table_check(area, area_size, NULL, 0) != LD_OK)
		return LD_ERR_INVALID;
	while (ld_secret_table_next(area, area_size, &off, &e)) {
		const uint8_t *d = area + e.data_offset;
		size_t n = e.data_len;
		if (n >= LD_VOLREC_MAGIC_SIZE && memcmp(d, ld_volrec_magic, LD_VOLREC_MAGIC_SIZE) == 0) {
			ld_volume_secret vs;
			if (ld_volume_secret_parse(d, n, &vs, NULL, 0) != LD_OK) {
				/* a constraint that cannot be read is not dropped */
				s->pins = s->verity = 1;
			} else {
				s->pins |= vs.pin != NULL;
				s->verity |= vs.has_verity;
				if (vs.has_verity && !vs.passphrase && !vs.volume_key &&
				    memcmp(area + e.entry_offset, null_guid, 16) != 0) {
					if (s->n_media < LD_SECRET_MEDIA_MAX)
						s->media[s->n_media++] = vs.verity;
					else
						s->media_dropped++;
				}
			}
		}
	}
	return LD_OK;
}

int ld_secret_table_has_pin(const uint8_t *area, size_t area_size)
{
	ld_secret_summary s;
	return ld_secret_table_summary(area, area_size, &s) == LD_OK && s.pins;
}
