/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as ext4's metadata_csum uses it.
 *
 * Written here because nothing in the tree has it: mbedTLS has no CRC, and the GPT code's
 * ld_crc32 (base/crc32.c) is the IEEE polynomial.  A byte-at-a-time table is enough: only
 * metadata blocks are checksummed, never file data.  ext4 calls the raw register update
 * (the kernel's crc32c_le): no inversion on entry or exit, the caller seeds it. */
#include "fs/ext4_internal.h"

static uint32_t crc_table[256];
static int crc_ready;

static void crc_init(void)
{
	uint32_t i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
		crc_table[i] = c;
	}
	crc_ready = 1;
}

uint32_t ld_ext4_crc32c(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (!crc_ready)
		crc_init();
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xFFu] ^ (crc >> 8);
	return crc;
}
