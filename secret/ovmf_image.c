/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* OVMF's GUIDed footer table and SEV metadata (layout in ovmf_image.h).
 * Caution: this file parses untrusted input (a firmware image). */
#include <string.h>

#include "base/endian.h"
#include "base/str.h"
#include "secret/ovmf_image.h"

/* GUIDs in EFI byte order. */
const uint8_t ld_ovmf_footer_guid[16] = { 0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45,
					  0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d };
const uint8_t ld_ovmf_sev_reset_guid[16] = { 0xde, 0x71, 0xf7, 0x00, 0x7e, 0x1a, 0xcb, 0x4f,
					     0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4, 0x4e };
const uint8_t ld_ovmf_sev_hashes_guid[16] = { 0x1f, 0x37, 0x55, 0x72, 0x3b, 0x3a, 0x04, 0x4b,
					      0x92, 0x7b, 0x1d, 0xa6, 0xef, 0xa8, 0xd4, 0x54 };
const uint8_t ld_ovmf_sev_secret_guid[16] = { 0x61, 0xb3, 0x2e, 0x4c, 0x9b, 0x7d, 0xc3, 0x4c,
					      0x80, 0x81, 0x12, 0x7c, 0x90, 0xd3, 0xd2, 0x94 };
const uint8_t ld_ovmf_sev_metadata_guid[16] = { 0x66, 0x65, 0x88, 0xdc, 0x4a, 0x98, 0x98, 0x47,
						0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc };

#define META_HDR 16u
#define META_SECTION 12u

/* The table's extent: entries in img[*start .. *end), the footer entry excluded.
 * LD_ERR_NOTFOUND when the image has no footer GUID where it belongs. */
static int table_bounds(const uint8_t *img, size_t len, size_t *start, size_t *end, char *err,
			size_t errlen)
{
	size_t fend, total;

	if (img == NULL || len < LD_OVMF_FOOTER_END + LD_OVMF_ENTRY_HDR)
		return LD_ERR_NOTFOUND;
	fend = len - LD_OVMF_FOOTER_END; /* one past the footer entry's GUID */
	if (memcmp(img + fend - 16, ld_ovmf_footer_guid, 16) != 0)
		return LD_ERR_NOTFOUND;
	total = ld_le16(img + fend - LD_OVMF_ENTRY_HDR);
	if (total < LD_OVMF_ENTRY_HDR || total > fend)
		return ld_fail(err, errlen, "OVMF footer table: ", "length out of range");
	*end = fend - LD_OVMF_ENTRY_HDR;
	*start = fend - total;
	return LD_OK;
}

int ld_ovmf_table_find(const uint8_t *img, size_t len, const uint8_t guid[16],
		       const uint8_t **data, size_t *dlen, char *err, size_t errlen)
{
	size_t start, ptr, elen;
	int r, found = 0;

	*data = NULL;
	*dlen = 0;
	r = table_bounds(img, len, &start, &ptr, err, errlen);
	if (r != LD_OK)
		return r;
	/* Walks every entry even after a match, so that a malformed table is refused whatever
	 * GUID is asked for, and so is the asked GUID given twice (QEMU takes one copy, a
	 * reader could take the other).  Another GUID given twice does not matter to the
	 * caller and is not looked for. */
	while (ptr - start >= LD_OVMF_ENTRY_HDR) {
		elen = ld_le16(img + ptr - LD_OVMF_ENTRY_HDR);
		if (elen < LD_OVMF_ENTRY_HDR || elen > ptr - start)
			return ld_fail(err, errlen, "OVMF footer table: ", "entry length out of range");
		if (memcmp(img + ptr - 16, guid, 16) == 0) {
			if (found)
				return ld_fail(err, errlen, "OVMF footer table: ", "a GUID appears twice");
			found = 1;
			*data = img + ptr - elen;
			*dlen = elen - LD_OVMF_ENTRY_HDR;
		}
		ptr -= elen;
	}
	if (ptr != start)
		return ld_fail(err, errlen, "OVMF footer table: ", "bytes left over before the first entry");
	return found ? LD_OK : LD_ERR_NOTFOUND;
}

/* An entry whose data starts with n UINT32s (n <= 2): *present 0 when absent, else v[0..n). */
static int entry_u32(const uint8_t *img, size_t len, const uint8_t guid[16], unsigned n,
		     const char *name, int *present, uint32_t v[2], char *err, size_t errlen)
{
	const uint8_t *data;
	size_t dlen;
	unsigned i;
	int r = ld_ovmf_table_find(img, len, guid, &data, &dlen, err, errlen);

	*present = 0;
	v[0] = v[1] = 0;
	if (r == LD_ERR_NOTFOUND)
		return LD_OK;
	if (r != LD_OK)
		return r;
	if (dlen < 4u * n)
		return ld_fail(err, errlen, name, ": footer table entry too short");
	for (i = 0; i < n; i++)
		v[i] = ld_le32(data + 4 * i);
	*present = 1;
	return LD_OK;
}

static int metadata(const uint8_t *img, size_t len, uint32_t off, ld_ovmf_info *info, char *err,
		    size_t errlen)
{
	const uint8_t *h;
	uint32_t size, count, i;

	if (off < META_HDR || off > len)
		return ld_fail(err, errlen, "SEV metadata: ", "offset outside the image");
	h = img + (len - off);
	if (memcmp(h, "ASEV", 4) != 0)
		return ld_fail(err, errlen, "SEV metadata: ", "no ASEV signature");
	size = ld_le32(h + 4);
	if (ld_le32(h + 8) != 1)
		return ld_fail(err, errlen, "SEV metadata: ", "version is not 1");
	count = ld_le32(h + 12);
	if (size < META_HDR || size > off)
		return ld_fail(err, errlen, "SEV metadata: ", "size out of range");
	if (count > (size - META_HDR) / META_SECTION)
		return ld_fail(err, errlen, "SEV metadata: ", "more sections than its size holds");
	if (count > LD_OVMF_SECTIONS_MAX)
		return ld_fail(err, errlen, "SEV metadata: ", "too many sections");
	for (i = 0; i < count; i++) {
		const uint8_t *s = h + META_HDR + (size_t)i * META_SECTION;
		info->sections[i].gpa = ld_le32(s);
		info->sections[i].size = ld_le32(s + 4);
		info->sections[i].type = ld_le32(s + 8);
	}
	info->n_sections = count;
	info->has_metadata = 1;
	return LD_OK;
}

int ld_ovmf_parse(const uint8_t *img, size_t len, ld_ovmf_info *info, char *err, size_t errlen)
{
	uint32_t v[2];
	size_t start, end;
	int r, present;

	memset(info, 0, sizeof(*info));
	r = table_bounds(img, len, &start, &end, err, errlen);
	if (r == LD_ERR_NOTFOUND)
		return LD_OK;
	if (r != LD_OK)
		return r;
	info->has_footer = 1;
	r = entry_u32(img, len, ld_ovmf_sev_reset_guid, 1, "SEV-ES reset block",
		      &info->has_reset_block, v, err, errlen);
	info->ap_reset_ip = v[0];
	if (r == LD_OK)
		r = entry_u32(img, len, ld_ovmf_sev_hashes_guid, 2, "SEV hashes table",
			      &info->has_hashes, v, err, errlen);
	info->hashes_gpa = v[0];
	info->hashes_size = v[1];
	if (r == LD_OK)
		r = entry_u32(img, len, ld_ovmf_sev_secret_guid, 2, "SEV secret block",
			      &info->has_secret, v, err, errlen);
	info->secret_base = v[0];
	info->secret_size = v[1];
	if (r == LD_OK)
		r = entry_u32(img, len, ld_ovmf_sev_metadata_guid, 1, "SEV metadata", &present, v,
			      err, errlen);
	if (r != LD_OK)
		return r;
	return present ? metadata(img, len, v[0], info, err, errlen) : LD_OK;
}
