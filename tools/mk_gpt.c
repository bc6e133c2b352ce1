/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* GPT writer (UEFI 2.10, section 5.3); see mk_gpt.h. */
#include "mk_gpt.h"

#include <errno.h>
#include <string.h>

#include "base/crc32.h"
#include "mk_util.h"

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

/* One GPT header (92 bytes used, rest of the block zero) describing itself at my_lba. */
static void make_header(uint8_t blk[LT_GPT_LBA], uint64_t my_lba, uint64_t alt_lba,
			uint64_t first_usable, uint64_t last_usable, const uint8_t disk_guid[16],
			uint64_t array_lba, uint32_t array_crc)
{
	memset(blk, 0, LT_GPT_LBA);
	memcpy(blk, "EFI PART", 8);
	put32(blk + 8, 0x00010000u); /* revision 1.0 */
	put32(blk + 12, 92);         /* header size */
	/* +16 header CRC32, computed last with the field zero; +20 reserved */
	put64(blk + 24, my_lba);
	put64(blk + 32, alt_lba);
	put64(blk + 40, first_usable);
	put64(blk + 48, last_usable);
	memcpy(blk + 56, disk_guid, 16);
	put64(blk + 72, array_lba);
	put32(blk + 80, LT_GPT_ENTRIES);
	put32(blk + 84, LT_GPT_ENTRY_SIZE);
	put32(blk + 88, array_crc);
	put32(blk + 16, ld_crc32(0, blk, 92));
}

int lt_gpt_write(int fd, uint64_t disk_bytes, const uint8_t disk_guid[16],
		 const struct lt_gpt_part *part)
{
	uint8_t mbr[LT_GPT_LBA], hdr[LT_GPT_LBA];
	uint8_t array[LT_GPT_ENTRIES * LT_GPT_ENTRY_SIZE];
	uint64_t lbas, last, first_usable, last_usable;
	size_t i, namelen;

	if (disk_bytes % LT_GPT_LBA != 0 || part == NULL || part->name == NULL) {
		errno = EINVAL;
		return -1;
	}
	lbas = disk_bytes / LT_GPT_LBA;
	/* MBR + header + array at the front, array + header at the back, one usable LBA. */
	if (lbas < 2 * (1 + LT_GPT_ARRAY_LBAS) + 2) {
		errno = EINVAL;
		return -1;
	}
	last = lbas - 1;
	first_usable = 2 + LT_GPT_ARRAY_LBAS;
	last_usable = last - 1 - LT_GPT_ARRAY_LBAS;
	namelen = strlen(part->name);
	if (part->first_lba < first_usable || part->last_lba > last_usable ||
	    part->first_lba > part->last_lba || namelen > 36) {
		errno = EINVAL;
		return -1;
	}

	/* Protective MBR: one partition of type 0xEE from LBA 1 over the whole disk (capped at
	 * what 32 bits can say), so that MBR-only tools see the disk as in use. */
	memset(mbr, 0, sizeof(mbr));
	uint8_t *pe = mbr + 446;
	pe[1] = 0x00; pe[2] = 0x02; pe[3] = 0x00; /* CHS of LBA 1 */
	pe[4] = 0xee;
	pe[5] = 0xff; pe[6] = 0xff; pe[7] = 0xff; /* CHS "beyond addressable" */
	put32(pe + 8, 1);
	put32(pe + 12, lbas - 1 > 0xffffffffu ? 0xffffffffu : (uint32_t)(lbas - 1));
	mbr[510] = 0x55;
	mbr[511] = 0xaa;

	memset(array, 0, sizeof(array));
	memcpy(array, part->type, 16);
	memcpy(array + 16, part->unique, 16);
	put64(array + 32, part->first_lba);
	put64(array + 40, part->last_lba);
	put64(array + 48, 0); /* attributes */
	for (i = 0; i < namelen; i++)
		put16(array + 56 + 2 * i, (uint16_t)(unsigned char)part->name[i]);
	uint32_t array_crc = ld_crc32(0, array, sizeof(array));

	if (lt_pwrite_all(fd, mbr, sizeof(mbr), 0) != 0)
		return -1;
	make_header(hdr, 1, last, first_usable, last_usable, disk_guid, 2, array_crc);
	if (lt_pwrite_all(fd, hdr, sizeof(hdr), LT_GPT_LBA) != 0 ||
	    lt_pwrite_all(fd, array, sizeof(array), 2 * (uint64_t)LT_GPT_LBA) != 0)
		return -1;
	make_header(hdr, last, 1, first_usable, last_usable, disk_guid, last - LT_GPT_ARRAY_LBAS,
		    array_crc);
	if (lt_pwrite_all(fd, array, sizeof(array), (last - LT_GPT_ARRAY_LBAS) * LT_GPT_LBA) != 0 ||
	    lt_pwrite_all(fd, hdr, sizeof(hdr), last * LT_GPT_LBA) != 0)
		return -1;
	return 0;
}
