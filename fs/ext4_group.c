/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* ext4 reader: the group descriptor table.
 *
 * Caution: this file parses untrusted input.  Every descriptor is loaded once at mount,
 * its checksum verified (metadata_csum), and its inode table checked to lie inside the
 * file system, so that later inode lookups need no further checks. */
#include "fs/ext4_internal.h"

static int is_power_of(uint32_t g, uint32_t base)
{
	uint64_t p = base;

	while (p < g)
		p *= base;
	return p == g;
}

int ld_ext4_group_has_super(const ld_ext4 *fs, uint32_t g)
{
	if (g == 0)
		return 1;
	if (fs->compat & EXT4_COMPAT_SPARSE_SUPER2)
		return g == fs->backup_bgs[0] || g == fs->backup_bgs[1];
	if (!(fs->ro_compat & EXT4_RO_COMPAT_SPARSE_SUPER))
		return 1;
	return g == 1 || is_power_of(g, 3) || is_power_of(g, 5) || is_power_of(g, 7);
}

/* Block number of descriptor block i.  The table follows the block that holds the
 * superblock: block 1 with 1 KiB blocks (block 2 then, also under bigalloc, where the
 * first data block is 0), block 0 otherwise. */
static uint64_t desc_block(const ld_ext4 *fs, uint32_t i, uint32_t per_block)
{
	uint64_t g, first = fs->bs == 1024 ? 2 : 1;

	if (!(fs->incompat & EXT4_INCOMPAT_META_BG) || i < fs->first_meta_bg)
		return first + i;
	g = (uint64_t)i * per_block; /* first group of meta-group i */
	if (g == 0)
		return first;
	return fs->first_data_block + g * fs->blocks_per_group +
	       (g <= UINT32_MAX && ld_ext4_group_has_super(fs, (uint32_t)g) ? 1 : 0);
}

static int check_desc(ld_ext4 *fs, uint32_t g)
{
	const uint8_t *d = fs->gd + (size_t)g * fs->info.desc_size;
	uint64_t itable, iblocks;
	uint32_t crc;
	uint8_t le[4] = { (uint8_t)g, (uint8_t)(g >> 8), (uint8_t)(g >> 16), (uint8_t)(g >> 24) };
	uint8_t zero[2] = { 0, 0 };

	if (fs->csum) {
		crc = ld_ext4_crc32c(fs->csum_seed, le, 4);
		crc = ld_ext4_crc32c(crc, d, BG_CHECKSUM);
		crc = ld_ext4_crc32c(crc, zero, 2);
		crc = ld_ext4_crc32c(crc, d + BG_CHECKSUM + 2, fs->info.desc_size - BG_CHECKSUM - 2);
		if ((crc & 0xFFFFu) != ld_le16(d + BG_CHECKSUM))
			return ld_ext4_fail(fs, LD_ERR_INVALID, "ext4 group descriptor ", g,
					 " checksum mismatch");
	}
	/* (Without metadata_csum, the older crc16 "gdt_csum" is not checked: the geometry
	 * checks below are what protects the reader there.) */
	ld_ext4_group_get(fs, g, &itable, NULL);
	iblocks = ((uint64_t)fs->inodes_per_group * fs->info.inode_size + fs->bs - 1) >> fs->log_bs;
	if (itable == 0 || itable >= fs->info.blocks_count ||
	    iblocks > fs->info.blocks_count - itable)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "ext4 group ", g,
				 ": inode table outside the file system");
	return LD_OK;
}

int ld_ext4_groups_load(ld_ext4 *fs)
{
	uint32_t per_block = fs->bs / fs->info.desc_size, nblocks, i, g;
	uint64_t blk;
	int r;

	nblocks = (fs->info.groups + per_block - 1) / per_block;
	fs->gd_len = (size_t)nblocks << fs->log_bs;
	fs->gd = fs->alloc.alloc(fs->alloc.ctx, fs->gd_len);
	if (!fs->gd) {
		fs->gd_len = 0;
		return ld_ext4_fail(fs, LD_ERR_NOMEM, "out of memory for ", fs->info.groups,
				 " group descriptors");
	}
	for (i = 0; i < nblocks; i++) {
		blk = desc_block(fs, i, per_block);
		if (blk >= fs->info.blocks_count)
			return ld_ext4_fail(fs, LD_ERR_INVALID, "ext4 group descriptor block ", blk,
					 " is outside the file system");
		r = ld_dev_read(fs->dev, blk << fs->log_bs, fs->gd + ((size_t)i << fs->log_bs), fs->bs);
		if (r)
			return ld_ext4_fail(fs, r, "I/O error reading group descriptor block ", blk, "");
	}
	for (g = 0; g < fs->info.groups; g++) {
		r = check_desc(fs, g);
		if (r)
			return r;
	}
	return LD_OK;
}

void ld_ext4_group_get(const ld_ext4 *fs, uint32_t g, uint64_t *inode_table, uint16_t *flags)
{
	const uint8_t *d = fs->gd + (size_t)g * fs->info.desc_size;

	*inode_table = ld_le32(d + BG_INODE_TABLE_LO);
	if (fs->info.desc_size >= EXT4_DESC_SIZE_64)
		*inode_table |= (uint64_t)ld_le32(d + BG_INODE_TABLE_HI) << 32;
	if (flags)
		*flags = ld_le16(d + BG_FLAGS);
}
