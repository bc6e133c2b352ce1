/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* lukstool: the FAT reader's side of the fsview operations table (fs/fat.h).  FAT has no
 * permissions: directories show as 0755, files as 0644 (0444 when read-only). */
#include <stdio.h>
#include <string.h>

#include "fs/fat.h"
#include "tools/fsview.h"

static int fat_open(void *fs, const char *path, int nofollow, void **f)
{
	(void)nofollow; /* FAT has no symlinks */
	return ld_fat_open(fs, path, (ld_fat_file **)f);
}

static int fat_open_entry(void *fs, void *dir, const lt_fsent *e, void **f)
{
	(void)dir;
	return ld_fat_open_entry(fs, &e->fat, (ld_fat_file **)f);
}

static void fat_close(void *f)
{
	ld_fat_close(f);
}

static void fat_stat(void *f, lt_fsstat *st)
{
	const ld_fat_dirent *e = ld_fat_entry(f);

	memset(st, 0, sizeof(*st));
	if (e->attr & LD_FAT_ATTR_DIR) {
		st->type = LD_EXT4_T_DIR;
		st->mode = 040755;
	} else {
		st->type = LD_EXT4_T_REG;
		st->mode = (e->attr & LD_FAT_ATTR_RO) ? 0100444 : 0100644;
		st->size = e->size;
	}
	st->mtime = e->mtime;
}

static int fat_read(void *f, uint64_t off, void *buf, size_t len, size_t *got)
{
	return ld_fat_read(f, off, buf, len, got);
}

static int fat_readdir(void *f, uint64_t *pos, lt_fsent *e)
{
	int r;

	do {
		r = ld_fat_readdir(f, pos, &e->fat);
		if (r)
			return r;
	} while (!strcmp(e->fat.name, ".") || !strcmp(e->fat.name, ".."));
	snprintf(e->name, sizeof(e->name), "%s", e->fat.name);
	e->id = *pos;
	return LD_OK;
}

static int fat_readlink(void *f, char *buf, size_t len)
{
	(void)f;
	(void)buf;
	(void)len;
	return LD_ERR_INVALID;
}

static const char *fat_reason(void *fs)
{
	return ld_fat_reason(fs);
}

static void fat_unmount(void *fs)
{
	ld_fat_unmount(fs);
}

static const lt_fsops fat_ops = {
	"fat", fat_open, fat_open_entry, fat_close, fat_stat, fat_read, fat_readdir, fat_readlink,
	fat_reason, fat_unmount,
};

int lt_fat_try_mount(lt_fsview *v, ld_blockdev *dev, char *err, size_t errlen)
{
	static char kind[8];
	int r;

	if (ld_fat_probe(dev) != LD_OK)
		return LD_ERR_NOTFOUND;
	r = ld_fat_mount((ld_fat **)&v->fs, dev, &lt_hostdev_alloc, err, errlen);
	if (r)
		return r;
	v->ops = &fat_ops;
	snprintf(kind, sizeof(kind), "fat%d", ld_fat_get_info(v->fs)->bits);
	v->kind = kind;
	return LD_OK;
}
