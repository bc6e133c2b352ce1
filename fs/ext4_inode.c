/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* ext4 reader: inodes - locating, checksumming, decoding (stat), open and close.
 *
 * Caution: this file parses untrusted input (inode tables).  An inode number comes from
 * a directory entry, so it is checked against the inode count before it selects a group;
 * i_extra_isize is checked before any field after the first 128 bytes is read; sizes are
 * bounded by what the inode's mapping can address. */
#include "fs/ext4_internal.h"

static int inode_csum_ok(ld_ext4 *fs, uint32_t ino, const uint8_t *raw, uint32_t extra,
			 uint32_t *seed)
{
	uint32_t isz = fs->info.inode_size, crc, want;
	uint8_t le[4] = { (uint8_t)ino, (uint8_t)(ino >> 8), (uint8_t)(ino >> 16), (uint8_t)(ino >> 24) };
	uint8_t zero[2] = { 0, 0 };
	int has_hi = isz > EXT4_GOOD_OLD_INODE_SIZE && extra >= 4;

	crc = ld_ext4_crc32c(fs->csum_seed, le, 4);
	crc = ld_ext4_crc32c(crc, raw + I_GENERATION, 4);
	*seed = crc;
	crc = ld_ext4_crc32c(crc, raw, I_CHECKSUM_LO);
	crc = ld_ext4_crc32c(crc, zero, 2);
	crc = ld_ext4_crc32c(crc, raw + I_CHECKSUM_LO + 2, EXT4_GOOD_OLD_INODE_SIZE - I_CHECKSUM_LO - 2);
	if (isz > EXT4_GOOD_OLD_INODE_SIZE) {
		crc = ld_ext4_crc32c(crc, raw + EXT4_GOOD_OLD_INODE_SIZE, I_CHECKSUM_HI - EXT4_GOOD_OLD_INODE_SIZE);
		if (has_hi) {
			crc = ld_ext4_crc32c(crc, zero, 2);
			crc = ld_ext4_crc32c(crc, raw + I_CHECKSUM_HI + 2, isz - I_CHECKSUM_HI - 2);
		} else {
			crc = ld_ext4_crc32c(crc, raw + I_CHECKSUM_HI, isz - I_CHECKSUM_HI);
		}
	}
	want = ld_le16(raw + I_CHECKSUM_LO);
	if (has_hi)
		want |= (uint32_t)ld_le16(raw + I_CHECKSUM_HI) << 16;
	else
		crc &= 0xFFFFu;
	return crc == want;
}

/* A time field: seconds (signed 32 bits plus two epoch bits) and nanoseconds. */
static ld_ext4_time get_time(const uint8_t *raw, uint32_t extra, uint32_t off, uint32_t xoff)
{
	ld_ext4_time t;
	uint32_t x = 0;

	t.sec = (int32_t)ld_le32(raw + off);
	t.nsec = 0;
	if (xoff + 4 <= EXT4_GOOD_OLD_INODE_SIZE + extra) {
		x = ld_le32(raw + xoff);
		t.sec += (int64_t)(x & 3u) << 32;
		t.nsec = x >> 2;
		if (t.nsec > 999999999u)
			t.nsec = 0;
	}
	return t;
}

static void decode_stat(ld_ext4_file *f, uint32_t extra)
{
	ld_ext4 *fs = f->fs;
	const uint8_t *raw = f->raw;
	ld_ext4_stat *st = &f->st;
	uint64_t blocks;

	st->ino = f->ino;
	st->mode = ld_le16(raw + I_MODE);
	st->type = ld_ext4_mode_type(st->mode);
	st->links = ld_le16(raw + I_LINKS);
	st->uid = ld_le16(raw + I_UID) | ((uint32_t)ld_le16(raw + I_UID_HIGH) << 16);
	st->gid = ld_le16(raw + I_GID) | ((uint32_t)ld_le16(raw + I_GID_HIGH) << 16);
	st->size = f->size;
	st->flags = f->iflags;
	st->generation = ld_le32(raw + I_GENERATION);
	blocks = ld_le32(raw + I_BLOCKS_LO);
	if (fs->ro_compat & EXT4_RO_COMPAT_HUGE_FILE) {
		blocks |= (uint64_t)ld_le16(raw + I_BLOCKS_HIGH) << 32;
		if (f->iflags & EXT4_HUGE_FILE_FL)
			blocks <<= (fs->log_bs - 9); /* counted in file system blocks */
	}
	st->blocks_512 = blocks;
	st->atime = get_time(raw, extra, I_ATIME, I_ATIME_EXTRA);
	st->mtime = get_time(raw, extra, I_MTIME, I_MTIME_EXTRA);
	st->ctime = get_time(raw, extra, I_CTIME, I_CTIME_EXTRA);
	if (I_CRTIME_EXTRA + 4 <= EXT4_GOOD_OLD_INODE_SIZE + extra)
		st->crtime = get_time(raw, extra, I_CRTIME, I_CRTIME_EXTRA);
}

/* Checks the size against what the inode can hold. */
static int check_size(ld_ext4_file *f)
{
	ld_ext4 *fs = f->fs;
	uint64_t max;

	if (f->iflags & EXT4_INLINE_DATA_FL)
		return LD_OK; /* bounded by the inline area, checked when it is loaded */
	max = (f->iflags & EXT4_EXTENTS_FL) ? (1ull << 32) : ld_ext4_blockmap_max_blocks(fs);
	if (f->size > (max << fs->log_bs))
		return ld_ext4_fail(fs, LD_ERR_INVALID, "inode ", f->ino,
				 ": size is larger than its block mapping can address");
	if (f->st.type == LD_EXT4_T_DIR &&
	    (f->size > (fs->info.blocks_count << fs->log_bs) || (f->size & (fs->bs - 1))))
		return ld_ext4_fail(fs, LD_ERR_INVALID, "directory inode ", f->ino,
				 ": size is not a whole number of blocks inside the file system");
	if (f->st.type == LD_EXT4_T_LNK && f->size > LD_EXT4_SYMLINK_MAX)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "symlink inode ", f->ino, ": target too long");
	return LD_OK;
}

/* Copies inode ino into f->raw and checks it. */
static int load_inode(ld_ext4_file *f)
{
	ld_ext4 *fs = f->fs;
	uint32_t ino = f->ino, g, idx, isz = fs->info.inode_size, extra = 0;
	uint64_t itable, byte;
	uint16_t gflags;
	ld_ext4_cache_slot *s;
	int r;

	if (ino == 0 || ino > fs->info.inodes_count)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "inode number ", ino, " is out of range");
	g = (ino - 1) / fs->inodes_per_group;
	idx = (ino - 1) % fs->inodes_per_group;
	ld_ext4_group_get(fs, g, &itable, &gflags);
	if (fs->gdt_csum && (gflags & EXT4_BG_INODE_UNINIT))
		return ld_ext4_fail(fs, LD_ERR_NOTFOUND, "inode ", ino, " is not in use (uninitialised group)");
	byte = (uint64_t)idx * isz;
	r = ld_ext4_bget(fs, itable + (byte >> fs->log_bs), "inode table block ", &s);
	if (r)
		return r;
	memcpy(f->raw, s->data + (byte & (fs->bs - 1)), isz);
	if (isz > EXT4_GOOD_OLD_INODE_SIZE) {
		extra = ld_le16(f->raw + I_EXTRA_ISIZE);
		if (extra > isz - EXT4_GOOD_OLD_INODE_SIZE || (extra & 3))
			return ld_ext4_fail(fs, LD_ERR_INVALID, "inode ", ino, ": i_extra_isize is invalid");
	}
	if (fs->csum && !inode_csum_ok(fs, ino, f->raw, extra, &f->csum_seed))
		return ld_ext4_fail(fs, LD_ERR_INVALID, "inode ", ino, ": checksum mismatch");
	if (ld_le16(f->raw + I_MODE) == 0 || (ld_le16(f->raw + I_LINKS) == 0 && ld_le32(f->raw + I_DTIME)))
		return ld_ext4_fail(fs, LD_ERR_NOTFOUND, "inode ", ino, " is not in use");
	f->iflags = ld_le32(f->raw + I_FLAGS);
	/* i_size_high counts for regular files, and for directories only with large_dir (it
	 * was i_dir_acl before): as the kernel's ext4_isize() */
	f->size = ld_le32(f->raw + I_SIZE_LO);
	if ((ld_le16(f->raw + I_MODE) & EXT4_S_IFMT) == EXT4_S_IFREG ||
	    (fs->incompat & EXT4_INCOMPAT_LARGEDIR))
		f->size |= (uint64_t)ld_le32(f->raw + I_SIZE_HIGH) << 32;
	decode_stat(f, extra);
	if (f->iflags & EXT4_ENCRYPT_FL)
		return ld_ext4_fail(fs, LD_ERR_UNSUPPORTED, "inode ", ino, " is encrypted (fscrypt)");
	if ((f->iflags & EXT4_INLINE_DATA_FL) && !(fs->incompat & EXT4_INCOMPAT_INLINE_DATA))
		return ld_ext4_fail(fs, LD_ERR_INVALID, "inode ", ino, ": inline data without the feature");
	if ((f->iflags & EXT4_EXTENTS_FL) && !(fs->incompat & EXT4_INCOMPAT_EXTENTS))
		return ld_ext4_fail(fs, LD_ERR_INVALID, "inode ", ino, ": extents without the feature");
	r = check_size(f);
	if (!r && (f->iflags & EXT4_INLINE_DATA_FL))
		r = ld_ext4_inline_load(f);
	return r;
}

void ld_ext4_close(ld_ext4_file *f)
{
	ld_ext4 *fs;

	if (!f)
		return;
	fs = f->fs;
	if (f->inl)
		fs->alloc.free(fs->alloc.ctx, f->inl, f->inl_len);
	if (f->raw)
		fs->alloc.free(fs->alloc.ctx, f->raw, fs->info.inode_size);
	fs->alloc.free(fs->alloc.ctx, f, sizeof(*f));
	fs->open_files--;
}

int ld_ext4_inode_open(ld_ext4 *fs, uint32_t ino, ld_ext4_file **out)
{
	ld_ext4_file *f;
	int r;

	*out = NULL;
	f = fs->alloc.alloc(fs->alloc.ctx, sizeof(*f));
	if (!f)
		return ld_ext4_fail(fs, LD_ERR_NOMEM, "out of memory", LD_EXT4_NONUM, "");
	f->fs = fs;
	f->ino = ino;
	fs->open_files++;
	f->raw = fs->alloc.alloc(fs->alloc.ctx, fs->info.inode_size);
	if (!f->raw) {
		ld_ext4_close(f);
		return ld_ext4_fail(fs, LD_ERR_NOMEM, "out of memory", LD_EXT4_NONUM, "");
	}
	r = load_inode(f);
	if (r) {
		ld_ext4_close(f);
		return r;
	}
	*out = f;
	return LD_OK;
}

int ld_ext4_open_inode(ld_ext4 *fs, uint32_t ino, ld_ext4_file **out)
{
	return ld_ext4_inode_open(fs, ino, out);
}

void ld_ext4_fstat(const ld_ext4_file *f, ld_ext4_stat *st)
{
	*st = f->st;
}

int ld_ext4_stat_inode(ld_ext4 *fs, uint32_t ino, ld_ext4_stat *st)
{
	ld_ext4_file *f;
	int r = ld_ext4_inode_open(fs, ino, &f);

	if (r)
		return r;
	*st = f->st;
	ld_ext4_close(f);
	return LD_OK;
}
