/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* FAT12 / FAT16 / FAT32, read-only, with long (VFAT) names: for lukstool, which reads the
 * file system inside an unlocked volume without the firmware's FAT driver.
 *
 * Portable like the rest of fs/: storage through ld_blockdev, memory through ld_alloc.
 * Implemented by fs/fat.c.  Every number read from the disk is untrusted (cluster
 * chains are bounded by the cluster count, so a loop ends in an error).
 *
 * Errors are LD_ERR_* codes as in fs/ext4.h (LD_ERR_NOTFOUND: no such path, or not a
 * directory where one is needed; LD_ERR_INVALID: damaged); ld_fat_reason(fs) says why. */
#ifndef LD_FAT_H
#define LD_FAT_H

#include "base/blockdev.h"

typedef struct ld_fat ld_fat;           /* opaque */
typedef struct ld_fat_file ld_fat_file; /* opaque */

#define LD_FAT_NAME_MAX 766 /* 255 UTF-16 units as UTF-8 (at most 3 bytes each) + NUL */

#define LD_FAT_ATTR_RO 0x01
#define LD_FAT_ATTR_HIDDEN 0x02
#define LD_FAT_ATTR_SYSTEM 0x04
#define LD_FAT_ATTR_VOLUME 0x08
#define LD_FAT_ATTR_DIR 0x10
#define LD_FAT_ATTR_ARCHIVE 0x20

typedef struct ld_fat_info {
	int bits;                 /* 12, 16 or 32 */
	uint32_t bytes_per_sector;
	uint32_t cluster_size;    /* bytes */
	uint32_t clusters;        /* data clusters */
	uint32_t serial;
	char label[12];           /* boot sector label, trailing spaces removed */
} ld_fat_info;

typedef struct ld_fat_dirent {
	char name[LD_FAT_NAME_MAX]; /* long name if present and valid, else the 8.3 name */
	char short_name[40];        /* the 8.3 name as "NAME.EXT" (UTF-8 from code page 850) */
	uint8_t attr;
	uint32_t size;
	uint32_t cluster;         /* first cluster (0: empty file, or the root for "..") */
	int64_t mtime;            /* seconds since 1970, the on-disk local time taken as UTC */
} ld_fat_dirent;

int ld_fat_probe(ld_blockdev *dev);
int ld_fat_mount(ld_fat **out, ld_blockdev *dev, const ld_alloc *alloc, char *err,
		 size_t errlen);
void ld_fat_unmount(ld_fat *fs);
const ld_fat_info *ld_fat_get_info(const ld_fat *fs);
const char *ld_fat_reason(const ld_fat *fs);

/* Opens path from the root ('/' separated; "." and ".." as usual; names compared without
 * regard to ASCII case, against the long and the short name). */
int ld_fat_open(ld_fat *fs, const char *path, ld_fat_file **out);
/* Opens what a directory entry names. */
int ld_fat_open_entry(ld_fat *fs, const ld_fat_dirent *e, ld_fat_file **out);
void ld_fat_close(ld_fat_file *f);
/* The entry the file was opened from (the root: a made-up directory entry "/"). */
const ld_fat_dirent *ld_fat_entry(const ld_fat_file *f);

/* Reads up to len bytes at off; *got short only at the end of the file. */
int ld_fat_read(ld_fat_file *f, uint64_t off, void *buf, size_t len, size_t *got);
/* Next entry of directory f at *pos (0 = start): LD_OK, or LD_ERR_NOTFOUND at the end.
 * Volume labels and deleted entries are skipped; "." and ".." are returned. */
int ld_fat_readdir(ld_fat_file *f, uint64_t *pos, ld_fat_dirent *ent);

#endif
