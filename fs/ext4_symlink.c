/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* ext4 reader: symbolic links.  A target shorter than 60 bytes is stored in i_block
 * ("fast" symlink); a longer one in a data block ("slow") or as inline data.  Either
 * way ld_ext4_read returns it as the link's contents.
 *
 * Caution: the target is untrusted: its length is bounded (LD_EXT4_SYMLINK_MAX, checked
 * when the inode is opened) and a NUL inside it is refused. */
#include "fs/ext4_internal.h"

int ld_ext4_readlink(ld_ext4_file *f, char *buf, size_t buflen, size_t *len)
{
	size_t got;
	int r;

	*len = 0;
	if (f->st.type != LD_EXT4_T_LNK)
		return ld_ext4_fail(f->fs, LD_ERR_INVALID, "inode ", f->ino, " is not a symlink");
	if (f->size >= buflen)
		return ld_ext4_fail(f->fs, LD_ERR_RANGE, "symlink target of inode ", f->ino,
				 " does not fit the buffer");
	r = ld_ext4_read(f, 0, buf, (size_t)f->size, &got);
	if (r)
		return r;
	if (got != f->size || memchr(buf, 0, got))
		return ld_ext4_fail(f->fs, LD_ERR_INVALID, "symlink inode ", f->ino, ": damaged target");
	buf[got] = 0;
	*len = got;
	return LD_OK;
}
