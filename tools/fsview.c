/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* lukstool: open the file system inside an unlocked LUKS volume (see fsview.h), and the
 * ext4 reader's side of the operations table. */
#include <stdio.h>
#include <string.h>

#include "tools/fsview.h"
#include "tools/lukstool.h"

/* ---- ext4 --------------------------------------------------------------------------- */

static int e4_open(void *fs, const char *path, int nofollow, void **f)
{
	return ld_ext4_open(fs, NULL, path, nofollow ? LD_EXT4_NOFOLLOW : 0, (ld_ext4_file **)f);
}

static int e4_open_entry(void *fs, void *dir, const lt_fsent *e, void **f)
{
	(void)dir;
	return ld_ext4_open_inode(fs, (uint32_t)e->id, (ld_ext4_file **)f);
}

static void e4_close(void *f)
{
	ld_ext4_close(f);
}

static void e4_stat(void *f, lt_fsstat *st)
{
	ld_ext4_stat s;

	ld_ext4_fstat(f, &s);
	st->type = s.type;
	st->mode = s.mode;
	st->size = s.size;
	st->mtime = s.mtime.sec;
	st->mtime_nsec = s.mtime.nsec;
}

static int e4_read(void *f, uint64_t off, void *buf, size_t len, size_t *got)
{
	return ld_ext4_read(f, off, buf, len, got);
}

static int e4_readdir(void *f, uint64_t *pos, lt_fsent *e)
{
	ld_ext4_dirent d;
	int r;

	do {
		r = ld_ext4_readdir(f, pos, &d);
		if (r)
			return r;
	} while (!strcmp(d.name, ".") || !strcmp(d.name, ".."));
	memcpy(e->name, d.name, (size_t)d.name_len + 1);
	e->id = d.ino;
	return LD_OK;
}

static int e4_readlink(void *f, char *buf, size_t len)
{
	size_t n;

	return ld_ext4_readlink(f, buf, len, &n);
}

static const char *e4_reason(void *fs)
{
	return ld_ext4_reason(fs);
}

static void e4_unmount(void *fs)
{
	ld_ext4_unmount(fs);
}

static const lt_fsops ext4_ops = {
	"ext4", e4_open, e4_open_entry, e4_close, e4_stat, e4_read, e4_readdir, e4_readlink,
	e4_reason, e4_unmount,
};

/* ---- the volume --------------------------------------------------------------------- */

static int unlock(lt_fsview *v, const lt_volargs *a)
{
	uint8_t *key = NULL;
	size_t keylen = 0;
	char err[512];
	int r, slot = -1;

	r = lt_read_keyfile(a->keyfile, &key, &keylen);
	if (r)
		return r;
	r = lt_open_target(&v->t, a->device, a->header, a->partition);
	if (r) {
		lt_free_key(key, keylen);
		return r;
	}
	r = ld_volume_open(&v->vol, v->t.hdr, v->t.data, &lt_hostdev_alloc, err, sizeof(err));
	if (r) {
		fprintf(stderr, "lukstool: %s: %s\n", a->header ? a->header : a->device, err);
	} else {
		r = ld_volume_unlock(v->vol, key, keylen, a->keyslot, lt_progress, NULL, &slot, err,
				     sizeof(err));
		lt_progress_end();
		if (r) {
			fprintf(stderr, "lukstool: %s: %s\n", a->device, err);
			if (r == LD_ERR_NOTFOUND)
				r = LD_ERR_KEY;
		}
	}
	lt_free_key(key, keylen);
	if (r)
		return lt_exit_status(r);
	ld_volume_blockdev(v->vol, &v->voldev);
	return LT_OK;
}

/* Mounts dev with the first reader that recognises it.  LD_ERR_NOTFOUND: none does. */
static int try_mount(lt_fsview *v, ld_blockdev *dev, char *err, size_t errlen)
{
	int r;

	v->fsdev = dev;
	if (ld_ext4_probe(dev) == LD_OK) {
		r = ld_ext4_mount((ld_ext4 **)&v->fs, dev, &lt_hostdev_alloc, err, errlen);
		if (r)
			return r;
		v->ops = &ext4_ops;
		v->kind = ld_ext4_get_info(v->fs)->kind;
		if (ld_ext4_get_info(v->fs)->needs_recovery)
			fprintf(stderr, "lukstool: warning: the ext4 journal needs recovery (not replayed): "
					"reading the last checkpointed state, recent changes may be missing\n");
		if (ld_ext4_get_info(v->fs)->errors)
			fprintf(stderr, "lukstool: warning: the ext4 file system has recorded errors\n");
		return LD_OK;
	}
	r = lt_fat_try_mount(v, dev, err, errlen);
	if (r == LD_ERR_NOTFOUND)
		snprintf(err, errlen, "no ext2/3/4 or FAT file system found");
	return r;
}

static int mount_inner(lt_fsview *v, const lt_volargs *a)
{
	ld_part parts[LD_PART_MAX];
	ld_part_scheme scheme;
	size_t n = 0, i;
	char err[256] = "";
	int r;

	if (!a->inner_partition) {
		r = try_mount(v, &v->voldev, err, sizeof(err));
		if (r != LD_ERR_NOTFOUND)
			goto done;
	}
	r = ld_part_scan(&v->voldev, parts, LD_PART_MAX, &n, &scheme);
	if (r) {
		fprintf(stderr, "lukstool: %s: %s\n", a->device,
			r == LD_ERR_NOTFOUND ? "the volume holds neither a known file system nor a partition table"
					     : "malformed partition table inside the volume");
		return lt_exit_status(r == LD_ERR_NOTFOUND ? LD_ERR_INVALID : r);
	}
	r = LD_ERR_NOTFOUND;
	for (i = 0; i < n; i++) {
		if (a->inner_partition && parts[i].number != a->inner_partition)
			continue;
		if (ld_part_dev_init(&v->inner, &v->voldev, parts[i].offset, parts[i].size))
			continue;
		r = try_mount(v, &v->inner.dev, err, sizeof(err));
		if (r == LD_ERR_NOTFOUND && !a->inner_partition)
			continue;
		v->inner_no = parts[i].number;
		break;
	}
	if (a->inner_partition && i == n) {
		fprintf(stderr, "lukstool: %s: no partition %u inside the volume\n", a->device,
			a->inner_partition);
		return LT_INVALID;
	}
done:
	if (r) {
		fprintf(stderr, "lukstool: %s: %s\n", a->device, err[0] ? err : ld_strerror(r));
		return lt_exit_status(r == LD_ERR_NOTFOUND ? LD_ERR_INVALID : r);
	}
	return LT_OK;
}

int lt_fsview_open(lt_fsview *v, const lt_volargs *a)
{
	int r;

	memset(v, 0, sizeof(*v));
	r = unlock(v, a);
	if (!r)
		r = mount_inner(v, a);
	if (r)
		lt_fsview_close(v);
	return r;
}

int lt_fsview_unlock(lt_fsview *v, const lt_volargs *a)
{
	int r;

	memset(v, 0, sizeof(*v));
	r = unlock(v, a);
	if (r)
		lt_fsview_close(v);
	return r;
}

void lt_fsview_close(lt_fsview *v)
{
	if (v->fs)
		v->ops->unmount(v->fs);
	if (v->vol)
		ld_volume_close(v->vol);
	lt_close_target(&v->t);
	memset(v, 0, sizeof(*v));
}

void lt_mode_str(ld_ext4_type type, uint32_t mode, char out[11])
{
	static const char types[] = "?-dcbpsl";
	static const char rwx[] = "rwxrwxrwx";
	int i;

	out[0] = types[type <= LD_EXT4_T_LNK ? type : 0];
	for (i = 0; i < 9; i++)
		out[1 + i] = (mode & (1u << (8 - i))) ? rwx[i] : '-';
	if (mode & 04000)
		out[3] = (mode & 0100) ? 's' : 'S';
	if (mode & 02000)
		out[6] = (mode & 010) ? 's' : 'S';
	if (mode & 01000)
		out[9] = (mode & 01) ? 't' : 'T';
	out[10] = 0;
}
