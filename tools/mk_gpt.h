/* Minimal GPT writer for disk images made by lukstool mkdisk: a protective MBR, the primary
 * header and entry array, and the backup array and header at the end of the disk, with
 * 512-byte logical blocks and one partition.  Host-only. */
#ifndef MK_GPT_H
#define MK_GPT_H

#include <stdint.h>

#define MK_GPT_LBA 512u
#define MK_GPT_ENTRIES 128u
#define MK_GPT_ENTRY_SIZE 128u
/* LBAs taken by an entry array: 128 * 128 / 512. */
#define MK_GPT_ARRAY_LBAS (MK_GPT_ENTRIES * MK_GPT_ENTRY_SIZE / MK_GPT_LBA)

/* GUIDs in EFI byte order (ld_guid_parse). */
struct mk_gpt_part {
	uint8_t type[16];
	uint8_t unique[16];
	uint64_t first_lba, last_lba; /* inclusive, as GPT stores them */
	const char *name;             /* ASCII, at most 36 characters */
};

/* Writes the partition tables of a disk of disk_bytes (a multiple of 512) into fd, which
 * must already be that size.  The partition must lie inside the usable LBAs
 * [34, last - 33].  0 on success; -1 with errno set (EINVAL for a bad layout). */
int mk_gpt_write(int fd, uint64_t disk_bytes, const uint8_t disk_guid[16],
		 const struct mk_gpt_part *part);

#endif
