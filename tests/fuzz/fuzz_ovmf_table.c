/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* libFuzzer target for the OVMF reset-vector GUID table reader (tools/lt_ovmf_table.c),
 * which lukstool sev-secret runs on a firmware image named on its command line.
 * Input: 16 bytes of GUID to look for, then the image, copied into a buffer of exactly its
 * size (a read outside it is an ASan report).  Invariants: a found entry's data and its
 * 18-byte trailer lie inside the image before the reset area, the trailer names the GUID
 * asked for and its length covers exactly data and trailer; the secret block, when
 * reported, is an area of non-zero size that does not wrap 32 bits and agrees with a
 * lookup of its GUID. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/endian.h"
#include "tools/lt_ovmf_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_entry(const uint8_t *img, size_t n, const uint8_t guid[16], const uint8_t *d,
			size_t len)
{
	size_t off;

	if (d < img || (size_t)(d - img) > n)
		abort();
	off = (size_t)(d - img);
	if (n < 0x20 || len > n - 0x20 || off > n - 0x20 - len || n - 0x20 - off - len < 18)
		abort();
	if (memcmp(d + len + 2, guid, 16) != 0 || ld_le16(d + len) != len + 18)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *d;
	uint8_t guid[16], *img;
	uint32_t base = 0, asize = 0;
	size_t n, len = 0;
	char err[160];
	int r;

	if (size < 16)
		return 0;
	memcpy(guid, data, 16);
	n = size - 16;
	img = malloc(n ? n : 1);
	if (img == NULL)
		abort();
	memcpy(img, data + 16, n);
	r = lt_ovmf_table_find(n ? img : NULL, n, guid, &d, &len, err, sizeof(err));
	if (r == 0)
		check_entry(img, n, guid, d, len);
	else if (r != 1 && r != -1)
		abort();
	r = lt_ovmf_secret_area(n ? img : NULL, n, &base, &asize, err, sizeof(err));
	if (r == 0) {
		if (asize == 0 || base == 0 || base > UINT32_MAX - asize)
			abort();
		if (lt_ovmf_table_find(img, n, lt_ovmf_sev_secret_guid, &d, &len, err,
				       sizeof(err)) != 0 || len != 8 || ld_le32(d) != base ||
		    ld_le32(d + 4) != asize)
			abort();
		check_entry(img, n, lt_ovmf_sev_secret_guid, d, len);
	} else if (r != 1 && r != -1) {
		abort();
	}
	free(img);
	return 0;
}
