/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* ext4 reader: classic block maps (ext2/ext3 and ext4 inodes without extents).
 *
 * i_block holds 12 direct block numbers, then the numbers of a single, a double and a
 * triple indirect block; each indirect block is an array of bs/4 block numbers.  0 is a
 * hole (in a pointer to an indirect block: the whole subtree is a hole).
 *
 * Caution: this file parses untrusted input.  Every block number is range-checked before
 * it is read or returned; the depth is fixed by the logical block number, so a pointer
 * loop cannot make a walk longer than three reads. */
#include "fs/ext4_internal.h"

uint64_t ld_ext4_blockmap_max_blocks(const ld_ext4 *fs)
{
	uint64_t p = fs->bs / 4, max = EXT4_NDIR_BLOCKS + p + p * p + p * p * p;

	return max > (1ull << 32) ? (1ull << 32) : max;
}

/* Extends a run over entries [i, n) of an array of block numbers. */
static int array_run(ld_ext4_file *f, const uint8_t *arr, uint32_t i, uint32_t n, ld_ext4_run *run)
{
	uint64_t first = ld_le32(arr + 4 * i);
	uint32_t k;
	int r;

	run->zero = first == 0;
	run->pblk = first;
	run->len = 1;
	if (!run->zero) {
		r = ld_ext4_check_range(f->fs, first, 1, "mapped block ");
		if (r)
			return r;
	}
	for (k = i + 1; k < n; k++) {
		uint64_t b = ld_le32(arr + 4 * k);
		if (run->zero ? b != 0 : b != first + (k - i))
			break;
		if (!run->zero && ld_ext4_check_range(f->fs, b, 1, "mapped block "))
			break; /* reported when that block itself is asked for */
		run->len++;
	}
	return LD_OK;
}

int ld_ext4_blockmap_map(ld_ext4_file *f, uint32_t lblk, ld_ext4_run *run)
{
	ld_ext4 *fs = f->fs;
	uint32_t p = fs->bs / 4, shift = fs->log_bs - 2, level, slot;
	uint64_t rel = lblk, span, blk;
	ld_ext4_cache_slot *s;
	int r;

	run->lblk = lblk;
	if (rel < EXT4_NDIR_BLOCKS)
		return array_run(f, f->raw + I_BLOCK, (uint32_t)rel, EXT4_NDIR_BLOCKS, run);
	rel -= EXT4_NDIR_BLOCKS;
	/* level 1: single indirect covers p blocks, 2: p^2, 3: p^3 */
	for (level = 1, span = p; level <= 3; level++, span <<= shift) {
		if (rel < span)
			break;
		rel -= span;
	}
	if (level > 3)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "logical block ", lblk,
				 " is beyond what a block map addresses");
	blk = ld_le32(f->raw + I_BLOCK + 4 * (EXT4_IND_BLOCK + level - 1));
	while (level > 0) {
		span >>= shift; /* blocks covered by one entry at this level */
		if (blk == 0) {
			/* a hole for the rest of this subtree */
			uint64_t left = span * p - rel;
			run->zero = 1;
			run->pblk = 0;
			run->len = left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;
			return LD_OK;
		}
		r = ld_ext4_bget(fs, blk, "indirect block ", &s);
		if (r)
			return r;
		slot = (uint32_t)(rel / span);
		if (span == 1)
			return array_run(f, s->data, slot, p, run);
		rel -= (uint64_t)slot * span;
		blk = ld_le32(s->data + 4 * slot);
		level--;
	}
	return ld_ext4_fail(fs, LD_ERR_INVALID, "block map walk failed", LD_EXT4_NONUM, "");
}
