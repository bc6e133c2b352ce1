/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* ext4 reader: block range checks and a small cache of metadata blocks (indirect blocks,
 * extent nodes, directory blocks, inode table blocks).  File data never goes through
 * it: reads of file contents go straight from the device into the caller's buffer. */
#include "fs/ext4_internal.h"

int ld_ext4_check_range(ld_ext4 *fs, uint64_t blk, uint64_t count, const char *what)
{
	if (blk < fs->first_data_block + 1u || blk >= fs->info.blocks_count ||
	    count > fs->info.blocks_count - blk)
		return ld_ext4_fail(fs, LD_ERR_INVALID, what, blk,
				 " is outside the file system (damaged metadata)");
	return LD_OK;
}

int ld_ext4_cache_init(ld_ext4 *fs)
{
	size_t i;

	for (i = 0; i < LD_EXT4_CACHE_SLOTS; i++) {
		fs->cache[i].data = fs->alloc.alloc(fs->alloc.ctx, fs->bs);
		if (!fs->cache[i].data)
			return ld_ext4_fail(fs, LD_ERR_NOMEM, "out of memory for the block cache",
					 LD_EXT4_NONUM, "");
	}
	return LD_OK;
}

void ld_ext4_cache_free(ld_ext4 *fs)
{
	size_t i;

	for (i = 0; i < LD_EXT4_CACHE_SLOTS; i++)
		if (fs->cache[i].data)
			fs->alloc.free(fs->alloc.ctx, fs->cache[i].data, fs->bs);
}

int ld_ext4_bget(ld_ext4 *fs, uint64_t blk, const char *what, ld_ext4_cache_slot **slot)
{
	ld_ext4_cache_slot *s, *victim = &fs->cache[0];
	size_t i;
	int r;

	r = ld_ext4_check_range(fs, blk, 1, what);
	if (r)
		return r;
	fs->clock++;
	for (i = 0; i < LD_EXT4_CACHE_SLOTS; i++) {
		s = &fs->cache[i];
		if (s->valid && s->blk == blk) {
			s->age = fs->clock;
			*slot = s;
			return LD_OK;
		}
		/* least recently used (ages wrap after 2^32 lookups: harmless, just a worse pick) */
		if (!s->valid || (victim->valid && s->age < victim->age))
			victim = s;
	}
	victim->valid = 0;
	victim->verified = 0;
	r = ld_dev_read(fs->dev, blk << fs->log_bs, victim->data, fs->bs);
	if (r)
		return ld_ext4_fail(fs, r, "I/O error reading block ", blk, "");
	victim->blk = blk;
	victim->valid = 1;
	victim->age = fs->clock;
	*slot = victim;
	return LD_OK;
}
