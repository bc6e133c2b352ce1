/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Partition tables (GPT with its protective MBR, classic MBR with logical partitions):
 * portable, read-only, every field checked against the device. */
#ifndef LD_PART_H
#define LD_PART_H

#include "base/blockdev.h"

#define LD_PART_MAX 128

typedef struct ld_part {
	uint32_t number;         /* 1-based as Linux numbers them (MBR logicals from 5) */
	uint64_t offset;         /* bytes from the start of the device */
	uint64_t size;           /* bytes */
	uint8_t type_guid[16];   /* GPT: partition type GUID as stored (mixed-endian) */
	uint8_t unique_guid[16]; /* GPT: unique partition GUID as stored */
	uint8_t mbr_type;        /* MBR: partition type byte */
} ld_part;

typedef enum { LD_PT_NONE = 0, LD_PT_MBR, LD_PT_GPT } ld_part_scheme;

/* Reads the partition table of dev (sector size dev->block_size, 512 if 0).  GPT is tried
 * first (primary header, then the backup at the last LBA); else MBR.  Fills up to max
 * entries in on-disk order, empty entries skipped.  LD_ERR_NOTFOUND if there is no
 * partition table, LD_ERR_INVALID if one is present but malformed, LD_ERR_IO. */
int ld_part_scan(ld_blockdev *dev, ld_part *parts, size_t max, size_t *count,
		 ld_part_scheme *scheme);

/* A block device that is a window [offset, offset+size) of a parent device. */
typedef struct ld_part_dev {
	ld_blockdev dev;
	ld_blockdev *parent;
	uint64_t offset;
} ld_part_dev;
int ld_part_dev_init(ld_part_dev *pd, ld_blockdev *parent, uint64_t offset, uint64_t size);

#endif
