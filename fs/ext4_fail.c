/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* ext4 reader: failure reasons (fs->reason), written by every other ext4_*.c file.  Kept
 * apart from ext4_super.c so that the block cache and the group descriptors, which
 * report failures, do not call back into the file that calls them. */
#include "fs/ext4_internal.h"

int ld_ext4_fail(ld_ext4 *fs, int code, const char *a, uint64_t num, const char *b)
{
	char digits[21];

	ld_err3(fs->reason, sizeof(fs->reason), a,
		num != LD_EXT4_NONUM ? ld_u64_str(num, digits) : NULL, b);
	return code;
}

const char *ld_ext4_reason(const ld_ext4 *fs)
{
	return fs->reason;
}
