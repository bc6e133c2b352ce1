/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* CRC-32 for the parsers of the portable core (GPT headers, LVM2 labels). */
#ifndef LD_CRC32_H
#define LD_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 (IEEE 802.3, reflected, as GPT and LVM2 use it) of data, continuing from crc
 * (0 to start). */
uint32_t ld_crc32(uint32_t crc, const void *data, size_t len);

#endif
