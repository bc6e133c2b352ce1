/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Minimal GPT writer for disk images made by lukstool mkdisk: a protective MBR, the primary
 * header and entry array, and the backup array and header at the end of the disk, with
 * 512-byte logical blocks and one partition.  Host-only. */
#ifndef LT_MK_GPT_H
#define LT_MK_GPT_H

#include <stdint.h>

#define LT_GPT_LBA 512u
#define LT_GPT_ENTRIES 128u
#define LT_GPT_ENTRY_SIZE 128u
/* LBAs taken by an entry array: 128 * 128 / 512. */
#define LT_GPT_ARRAY_LBAS (LT_GPT_ENTRIES * LT_GPT_ENTRY_SIZE / LT_GPT_LBA)

/* GUIDs in EFI byte order (ld_guid_parse). */
struct lt_gpt_part {
	uint8_t type[16];
	uint8_t unique[16];
	uint64_t first_lba, last_lba; /* inclusive, as GPT stores them */
	const char *name;             /* ASCII, at most 36 characters */
};

/* Writes the partition tables of a disk of disk_bytes (a multiple of 512) into fd, which
 * must already be that size.  The partition must lie inside the usable LBAs
 * [34, last - 33].  0 on success; -1 with errno set (EINVAL for a bad layout). */
int lt_gpt_write(int fd, uint64_t disk_bytes, const uint8_t disk_guid[16],
		 const struct lt_gpt_part *part);

#endif
