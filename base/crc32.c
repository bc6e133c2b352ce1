/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* CRC-32 (IEEE 802.3).  Bitwise rather than table-driven: it runs over a few headers and
 * GPT entry arrays (16 KiB) per device, where a 1 KiB table would buy nothing noticeable. */
#include "base/crc32.h"

uint32_t ld_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;
	int k;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
	}
	return ~crc;
}
