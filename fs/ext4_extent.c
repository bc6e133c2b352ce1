/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* ext4 reader: extent trees (EXT4_EXTENTS_FL).
 *
 * Caution: this file parses untrusted input.  A lookup walks from the root in i_block
 * down to a leaf; each node's header is checked (magic, entries <= max <= what fits,
 * depth exactly one less than its parent's, at most EXT4_EXT_MAX_DEPTH), entries must be
 * strictly increasing and must not overlap, every physical block must lie inside the
 * file system, and extent blocks are checksummed (metadata_csum).  Because the depth
 * strictly decreases, a loop in the tree (a child pointing back at an ancestor) ends
 * the walk with a depth error instead of a hang. */
#include "fs/ext4_internal.h"

/* Checks a node header: entries, max and depth. */
static int check_header(ld_ext4_file *f, const uint8_t *h, uint32_t capacity, uint32_t depth,
			uint64_t blk)
{
	uint32_t entries = ld_le16(h + EH_ENTRIES), max = ld_le16(h + EH_MAX);

	if (ld_le16(h + EH_MAGIC) != EXT4_EXT_MAGIC)
		return ld_ext4_fail(f->fs, LD_ERR_INVALID, "inode ", f->ino, ": bad extent header magic");
	if (max > capacity || entries > max)
		return ld_ext4_fail(f->fs, LD_ERR_INVALID, "inode ", f->ino,
				 ": extent node has more entries than fit");
	if (ld_le16(h + EH_DEPTH) != depth)
		return ld_ext4_fail(f->fs, LD_ERR_INVALID, "inode ", f->ino,
				 blk ? ": extent tree depth mismatch (loop or damage)"
				     : ": extent tree too deep");
	return LD_OK;
}

/* metadata_csum: the 4-byte tail after eh_max entries of an extent block. */
static int check_block_csum(ld_ext4_file *f, ld_ext4_cache_slot *s)
{
	ld_ext4 *fs = f->fs;
	uint64_t tag = ((uint64_t)LD_EXT4_V_EXTENT << 32) | f->ino;
	size_t tail = EXT4_EXT_NODE_SIZE * (1 + (size_t)ld_le16(s->data + EH_MAX));

	if (!fs->csum || s->verified == tag)
		return LD_OK;
	if (tail + 4 > fs->bs)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "inode ", f->ino, ": extent block has no room for its checksum");
	if (ld_ext4_crc32c(f->csum_seed, s->data, tail) != ld_le32(s->data + tail))
		return ld_ext4_fail(fs, LD_ERR_INVALID, "extent block ", s->blk, ": checksum mismatch");
	s->verified = tag;
	return LD_OK;
}

/* Index of the last entry whose first logical block is <= lblk, or -1; also checks that
 * the entries' first blocks strictly increase. */
static int find_entry(ld_ext4_file *f, const uint8_t *node, uint32_t lblk, int *idx)
{
	uint32_t n = ld_le16(node + EH_ENTRIES), i, prev = 0, b;

	*idx = -1;
	for (i = 0; i < n; i++) {
		b = ld_le32(node + EXT4_EXT_NODE_SIZE * (1 + i));
		if (i && b <= prev)
			return ld_ext4_fail(f->fs, LD_ERR_INVALID, "inode ", f->ino,
					 ": extent entries out of order");
		if (b <= lblk)
			*idx = (int)i;
		prev = b;
	}
	return LD_OK;
}

/* In a leaf: the run at lblk.  limit is the first logical block the next subtree covers. */
static int leaf_run(ld_ext4_file *f, const uint8_t *node, uint32_t lblk, uint64_t limit,
		    ld_ext4_run *run)
{
	uint32_t n = ld_le16(node + EH_ENTRIES), start, len;
	const uint8_t *e;
	uint64_t end, pblk;
	int i, r;

	r = find_entry(f, node, lblk, &i);
	if (r)
		return r;
	/* overlapping extents: each must end before the next starts */
	for (uint32_t k = 0; k + 1 < n; k++) {
		const uint8_t *a = node + EXT4_EXT_NODE_SIZE * (1 + k);
		uint32_t alen = ld_le16(a + EE_LEN);
		if (alen > EXT4_EXT_INIT_MAX_LEN)
			alen -= EXT4_EXT_INIT_MAX_LEN;
		if ((uint64_t)ld_le32(a + EE_BLOCK) + alen > ld_le32(a + EXT4_EXT_NODE_SIZE + EE_BLOCK))
			return ld_ext4_fail(f->fs, LD_ERR_INVALID, "inode ", f->ino, ": overlapping extents");
	}
	run->lblk = lblk;
	run->zero = 1;
	run->pblk = 0;
	if (i >= 0) {
		e = node + EXT4_EXT_NODE_SIZE * (1 + (uint32_t)i);
		start = ld_le32(e + EE_BLOCK);
		len = ld_le16(e + EE_LEN);
		run->zero = len > EXT4_EXT_INIT_MAX_LEN;
		if (run->zero)
			len -= EXT4_EXT_INIT_MAX_LEN;
		if (len == 0)
			return ld_ext4_fail(f->fs, LD_ERR_INVALID, "inode ", f->ino, ": empty extent");
		pblk = ld_le32(e + EE_START_LO) | ((uint64_t)ld_le16(e + EE_START_HI) << 32);
		r = ld_ext4_check_range(f->fs, pblk, len, "extent start block ");
		if (r)
			return r;
		if ((uint64_t)lblk < (uint64_t)start + len) {
			run->pblk = pblk + (lblk - start);
			run->len = start + len - lblk;
			return LD_OK;
		}
		run->zero = 1;
		i++; /* the hole after extent i lasts until extent i+1 */
	} else {
		i = 0;
	}
	end = (uint32_t)i < n ? ld_le32(node + EXT4_EXT_NODE_SIZE * (1 + (uint32_t)i) + EE_BLOCK) : limit;
	if (end > limit)
		end = limit;
	if (end <= lblk)
		return ld_ext4_fail(f->fs, LD_ERR_INVALID, "inode ", f->ino, ": extent outside its index range");
	run->len = end - lblk > UINT32_MAX ? UINT32_MAX : (uint32_t)(end - lblk);
	return LD_OK;
}

int ld_ext4_extent_map(ld_ext4_file *f, uint32_t lblk, ld_ext4_run *run)
{
	ld_ext4 *fs = f->fs;
	const uint8_t *node = f->raw + I_BLOCK;
	uint32_t capacity = (I_BLOCK_LEN - EXT4_EXT_NODE_SIZE) / EXT4_EXT_NODE_SIZE;
	uint32_t depth = ld_le16(node + EH_DEPTH);
	uint64_t limit = 1ull << 32, blk = 0;
	ld_ext4_cache_slot *s;
	const uint8_t *e;
	int i, r;

	if (depth > EXT4_EXT_MAX_DEPTH)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "inode ", f->ino, ": extent tree too deep");
	for (;;) {
		r = check_header(f, node, capacity, depth, blk);
		if (r)
			return r;
		if (depth == 0)
			return leaf_run(f, node, lblk, limit, run);
		r = find_entry(f, node, lblk, &i);
		if (r)
			return r;
		if (i < 0) {
			/* before the first index entry: a hole up to it (or an empty tree) */
			run->lblk = lblk;
			run->zero = 1;
			run->pblk = 0;
			limit = ld_le16(node + EH_ENTRIES) ? ld_le32(node + EXT4_EXT_NODE_SIZE + EI_BLOCK) : limit;
			if (limit <= lblk)
				return ld_ext4_fail(fs, LD_ERR_INVALID, "inode ", f->ino, ": bad extent index");
			run->len = limit - lblk > UINT32_MAX ? UINT32_MAX : (uint32_t)(limit - lblk);
			return LD_OK;
		}
		e = node + EXT4_EXT_NODE_SIZE * (1 + (uint32_t)i);
		if ((uint32_t)i + 1 < ld_le16(node + EH_ENTRIES)) {
			uint64_t next = ld_le32(e + EXT4_EXT_NODE_SIZE + EI_BLOCK);
			if (next < limit)
				limit = next;
		}
		blk = ld_le32(e + EI_LEAF_LO) | ((uint64_t)ld_le16(e + EI_LEAF_HI) << 32);
		r = ld_ext4_bget(fs, blk, "extent block ", &s);
		if (r)
			return r;
		r = check_block_csum(f, s);
		if (r)
			return r;
		node = s->data;
		capacity = (fs->bs - EXT4_EXT_NODE_SIZE) / EXT4_EXT_NODE_SIZE;
		depth--;
	}
}
