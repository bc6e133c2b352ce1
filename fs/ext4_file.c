/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* ext4 reader: file contents.  Logical blocks are mapped to runs (by the extent tree or
 * the block map) and each run is read straight from the device into the caller's
 * buffer, as one device read per run; holes and uninitialised extents become zeros.
 *
 * Caution: the runs come from untrusted metadata; the mapping code checks them against
 * the file system before returning them, and reads are clipped to the inode's size. */
#include "fs/ext4_internal.h"

int ld_ext4_map(ld_ext4_file *f, uint32_t lblk, ld_ext4_run *run)
{
	ld_ext4_run *c = &f->run;
	int r;

	if (c->len && lblk >= c->lblk && (uint64_t)lblk < (uint64_t)c->lblk + c->len) {
		run->lblk = lblk;
		run->len = c->len - (lblk - c->lblk);
		run->zero = c->zero;
		run->pblk = c->zero ? 0 : c->pblk + (lblk - c->lblk);
		return LD_OK;
	}
	if (f->iflags & EXT4_EXTENTS_FL)
		r = ld_ext4_extent_map(f, lblk, run);
	else
		r = ld_ext4_blockmap_map(f, lblk, run);
	if (r)
		return r;
	if (run->len == 0)
		return ld_ext4_fail(f->fs, LD_ERR_INVALID, "inode ", f->ino, ": empty mapping");
	*c = *run;
	return LD_OK;
}

int ld_ext4_read_raw(ld_ext4_file *f, uint64_t off, void *buf, size_t len, size_t *got)
{
	ld_ext4 *fs = f->fs;
	uint8_t *out = buf;
	uint64_t pos, end, run_end;
	size_t chunk;
	ld_ext4_run run;
	int r;

	*got = 0;
	if (off >= f->size || len == 0)
		return LD_OK;
	if ((uint64_t)len > f->size - off)
		len = (size_t)(f->size - off);
	if (f->inl) {
		/* load_inline checked size <= inl_len for files and symlinks */
		memcpy(out, f->inl + off, len);
		*got = len;
		return LD_OK;
	}
	pos = off;
	end = off + len;
	while (pos < end) {
		r = ld_ext4_map(f, (uint32_t)(pos >> fs->log_bs), &run);
		if (r)
			return r;
		run_end = ((uint64_t)run.lblk + run.len) << fs->log_bs;
		chunk = (size_t)((run_end < end ? run_end : end) - pos);
		if (run.zero) {
			memset(out, 0, chunk);
		} else {
			uint64_t byte = (run.pblk << fs->log_bs) + (pos & (fs->bs - 1));
			r = ld_dev_read(fs->dev, byte, out, chunk);
			if (r)
				return ld_ext4_fail(fs, r, "I/O error reading inode ", f->ino, " data");
		}
		out += chunk;
		pos += chunk;
		*got += chunk;
	}
	return LD_OK;
}

int ld_ext4_read(ld_ext4_file *f, uint64_t off, void *buf, size_t len, size_t *got)
{
	*got = 0;
	if (f->st.type == LD_EXT4_T_DIR)
		return ld_ext4_fail(f->fs, LD_ERR_INVALID, "inode ", f->ino, " is a directory");
	if (f->st.type == LD_EXT4_T_LNK && !f->inl && f->size < I_BLOCK_LEN) {
		/* fast symlink: the target is i_block itself */
		if (off >= f->size)
			return LD_OK;
		if ((uint64_t)len > f->size - off)
			len = (size_t)(f->size - off);
		memcpy(buf, f->raw + I_BLOCK + off, len);
		*got = len;
		return LD_OK;
	}
	return ld_ext4_read_raw(f, off, buf, len, got);
}
