/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* ext4 reader: inline data (EXT4_INLINE_DATA_FL).  A small file's bytes live in the
 * inode: the 60 bytes of i_block first, then the value of the extended attribute
 * "system.data" (name index 7, name "data") in the inode's extra space.
 *
 * Caution: this file parses untrusted input (the in-inode extended attribute area).
 * Each entry and its value are checked to lie inside the inode before they are read. */
#include "fs/ext4_internal.h"

#define XATTR_ENTRY_SIZE 16u

/* Finds system.data among the in-inode attributes: *val / *vlen (0 if absent). */
static int find_data_attr(ld_ext4_file *f, const uint8_t **val, size_t *vlen)
{
	ld_ext4 *fs = f->fs;
	uint32_t isz = fs->info.inode_size, start, end, e, esz, off, size;
	const uint8_t *raw = f->raw;

	*val = NULL;
	*vlen = 0;
	if (isz <= EXT4_GOOD_OLD_INODE_SIZE)
		return LD_OK;
	start = EXT4_GOOD_OLD_INODE_SIZE + ld_le16(raw + I_EXTRA_ISIZE); /* checked <= isz */
	end = isz;
	if (end - start < 4 || ld_le32(raw + start) != EXT4_XATTR_MAGIC)
		return LD_OK;
	start += 4; /* value offsets count from the first entry */
	for (e = start;;) {
		if (end - e < 4)
			return ld_ext4_fail(fs, LD_ERR_INVALID, "inode ", f->ino, ": attribute list runs off the inode");
		if (ld_le32(raw + e) == 0)
			return LD_OK;
		esz = (XATTR_ENTRY_SIZE + raw[e + XE_NAME_LEN] + 3u) & ~3u;
		if (end - e < esz)
			return ld_ext4_fail(fs, LD_ERR_INVALID, "inode ", f->ino, ": attribute entry runs off the inode");
		if (raw[e + XE_NAME_INDEX] == EXT4_XATTR_INDEX_SYSTEM && raw[e + XE_NAME_LEN] == 4 &&
		    !memcmp(raw + e + XE_NAME, "data", 4)) {
			off = ld_le16(raw + e + XE_VALUE_OFFS);
			size = ld_le32(raw + e + XE_VALUE_SIZE);
			if (ld_le32(raw + e + XE_VALUE_INUM) != 0 || off > end - start ||
			    size > end - start - off)
				return ld_ext4_fail(fs, LD_ERR_INVALID, "inode ", f->ino,
						 ": inline data attribute lies outside the inode");
			*val = raw + start + off;
			*vlen = size;
			return LD_OK;
		}
		e += esz;
	}
}

int ld_ext4_inline_load(ld_ext4_file *f)
{
	ld_ext4 *fs = f->fs;
	const uint8_t *val;
	size_t vlen;
	int r;

	r = find_data_attr(f, &val, &vlen);
	if (r)
		return r;
	f->inl_len = I_BLOCK_LEN + vlen;
	f->inl_ea = vlen;
	f->inl = fs->alloc.alloc(fs->alloc.ctx, f->inl_len);
	if (!f->inl) {
		f->inl_len = 0;
		return ld_ext4_fail(fs, LD_ERR_NOMEM, "out of memory", LD_EXT4_NONUM, "");
	}
	memcpy(f->inl, f->raw + I_BLOCK, I_BLOCK_LEN);
	if (vlen)
		memcpy(f->inl + I_BLOCK_LEN, val, vlen);
	if (f->st.type != LD_EXT4_T_DIR && f->size > f->inl_len)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "inode ", f->ino,
				 ": size is larger than its inline data");
	return LD_OK;
}
