/* lukstool: the FAT reader's side of the fsview operations table (not yet: no FAT
 * reader in fs/ yet, so only ext2/3/4 is recognised). */
#include "tools/fsview.h"

int lt_fat_try_mount(lt_fsview *v, ld_blockdev *dev, char *err, size_t errlen)
{
	(void)v;
	(void)dev;
	(void)err;
	(void)errlen;
	return LD_ERR_NOTFOUND;
}
