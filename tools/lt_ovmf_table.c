/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The OVMF reset-vector GUID table (tools/lt_ovmf_table.h).  Caution: parses untrusted
 * input (a firmware image given on the command line). */
#include <stdio.h>
#include <string.h>

#include "base/endian.h"
#include "tools/lt_ovmf_table.h"

#define TRAILER 18u      /* UINT16 len + GUID */
#define RESET_AREA 0x20u /* the reset vector and its padding, after the table */

/* 96b582de-1fb2-45f7-baea-a366c55a082d */
static const uint8_t footer_guid[16] = { 0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45,
					 0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d };
/* 4c2eb361-7d9b-4cc3-8081-127c90d3d294 */
const uint8_t lt_ovmf_sev_secret_guid[16] = { 0x61, 0xb3, 0x2e, 0x4c, 0x9b, 0x7d, 0xc3, 0x4c,
					      0x80, 0x81, 0x12, 0x7c, 0x90, 0xd3, 0xd2, 0x94 };

int lt_ovmf_table_find(const uint8_t *img, size_t size, const uint8_t guid[16],
		       const uint8_t **data, size_t *len, char *err, size_t errlen)
{
	size_t end, start, total;

	if (img == NULL || size < RESET_AREA + TRAILER) {
		snprintf(err, errlen, "%zu bytes: too small for a firmware image", size);
		return -1;
	}
	end = size - RESET_AREA; /* just after the footer GUID */
	if (memcmp(img + end - 16, footer_guid, 16) != 0) {
		snprintf(err, errlen, "no OVMF GUID table before the reset vector (footer GUID "
			 "96b582de-1fb2-45f7-baea-a366c55a082d not at the end - 0x30)");
		return -1;
	}
	total = ld_le16(img + end - TRAILER);
	if (total < TRAILER || total > end) {
		snprintf(err, errlen, "OVMF GUID table length %zu is out of range", total);
		return -1;
	}
	start = end - total;
	end -= TRAILER; /* the footer is not an entry */
	while (end > start) {
		size_t n;

		if (end - start < TRAILER) {
			snprintf(err, errlen, "OVMF GUID table: %zu stray bytes at its start",
				 end - start);
			return -1;
		}
		n = ld_le16(img + end - TRAILER);
		if (n < TRAILER || n > end - start) {
			snprintf(err, errlen, "OVMF GUID table: entry length %zu out of range", n);
			return -1;
		}
		if (memcmp(img + end - 16, guid, 16) == 0) {
			*data = img + end - n;
			*len = n - TRAILER;
			return 0;
		}
		end -= n;
	}
	return 1;
}

int lt_ovmf_secret_area(const uint8_t *img, size_t size, uint32_t *base, uint32_t *area_size,
			char *err, size_t errlen)
{
	const uint8_t *d;
	size_t n;
	int r = lt_ovmf_table_find(img, size, lt_ovmf_sev_secret_guid, &d, &n, err, errlen);

	if (r != 0)
		return r;
	if (n != 8) {
		snprintf(err, errlen, "SEV secret block of %zu bytes (want 8: base, size)", n);
		return -1;
	}
	*base = ld_le32(d);
	*area_size = ld_le32(d + 4);
	if (*area_size == 0)
		return 1; /* images built without a secret area carry the block with zeros */
	if (*base == 0 || *base > UINT32_MAX - *area_size) {
		snprintf(err, errlen, "SEV secret block: area 0x%x + 0x%x is not usable", *base,
			 *area_size);
		return -1;
	}
	return 0;
}
