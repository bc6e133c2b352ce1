/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* libFuzzer target for the GPT/MBR parser (fs/part.c).  Input: one flag byte (bit 0:
 * 4096-byte sectors; bit 1: the disk is exactly the input, else 8 MiB with zeros after
 * it), then the disk's first bytes.  Invariants: every partition lies inside the disk,
 * and a window device on it refuses reads outside the window. */
#include <stdlib.h>
#include <string.h>

#include "fs/part.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ld_part parts[LD_PART_MAX];
	ld_part_scheme scheme;
	ld_blockdev dev;
	struct fz_mem m;
	size_t n = 0, i;
	uint8_t *img, b[16];

	if (size < 1)
		return 0;
	img = malloc(size);
	if (!img)
		return 0;
	memcpy(img, data + 1, size - 1);
	m.p = img;
	m.n = size - 1;
	dev.read = fz_mem_read;
	dev.size = (data[0] & 2) ? size - 1 : (8u << 20);
	dev.block_size = (data[0] & 1) ? 4096 : 512;
	dev.ctx = &m;
	if (ld_part_scan(&dev, parts, LD_PART_MAX, &n, &scheme) == LD_OK) {
		if (n > LD_PART_MAX)
			abort();
		for (i = 0; i < n; i++) {
			ld_part_dev pd;
			if (parts[i].offset > dev.size || parts[i].size > dev.size - parts[i].offset)
				abort();
			if (ld_part_dev_init(&pd, &dev, parts[i].offset, parts[i].size) != LD_OK)
				abort();
			if (ld_dev_read(&pd.dev, parts[i].size, b, 1) != LD_ERR_RANGE)
				abort();
			if (parts[i].size >= sizeof(b))
				(void)ld_dev_read(&pd.dev, parts[i].size - sizeof(b), b, sizeof(b));
		}
	}
	free(img);
	return 0;
}
