/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* lukstool: a read-only view of the file system inside an unlocked LUKS volume, for the
 * ls / cat / cp commands (verify uses the unlocking half only: lt_fsview_unlock).  The
 * volume's plaintext is an ld_blockdev; it holds either a file system (ext2/3/4 or FAT)
 * directly or a partition table whose partitions hold them (--inner-partition N picks
 * one; without it the first partition with a file system the core can read).  One small
 * table of operations hides which reader is in use. */
#ifndef LT_FSVIEW_H
#define LT_FSVIEW_H

#include "fs/ext4.h"
#include "fs/fat.h"
#include "fs/part.h"
#include "luks/luks.h"
#include "tools/hostdev.h"
#include "tools/lt_opts.h"

#define LT_FS_NAME_MAX 1024 /* bytes of a UTF-8 name, NUL included */

typedef struct lt_fsent {
	char name[LT_FS_NAME_MAX];
	uint64_t id;       /* ext4: the inode number */
	ld_fat_dirent fat; /* FAT: the whole entry (FAT has no inode to open by) */
} lt_fsent;

typedef struct lt_fsstat {
	ld_ext4_type type;  /* the ext4 reader's type names serve every reader */
	uint32_t mode;      /* permission bits (and type bits) as st_mode */
	uint64_t size;
	int64_t mtime;      /* seconds since 1970 UTC */
	uint32_t mtime_nsec;
} lt_fsstat;

typedef struct lt_fsops {
	const char *name; /* "ext4", "fat" */
	int (*open)(void *fs, const char *path, int nofollow, void **f);
	int (*open_entry)(void *fs, void *dir, const lt_fsent *e, void **f);
	void (*close)(void *f);
	void (*stat)(void *f, lt_fsstat *st);
	int (*read)(void *f, uint64_t off, void *buf, size_t len, size_t *got);
	/* LD_OK with *e, LD_ERR_NOTFOUND at the end; "." and ".." are skipped */
	int (*readdir)(void *f, uint64_t *pos, lt_fsent *e);
	int (*readlink)(void *f, char *buf, size_t len);
	const char *(*reason)(void *fs);
	void (*unmount)(void *fs);
} lt_fsops;

typedef struct lt_fsview {
	const lt_fsops *ops;
	void *fs;
	const char *kind;     /* e.g. "ext4", "ext2", "fat32" */
	lt_target t;
	ld_volume *vol;
	ld_blockdev voldev;   /* the plaintext of the volume */
	ld_part_dev inner;    /* the inner partition in use, if any */
	uint32_t inner_no;
	ld_blockdev *fsdev;   /* the device the file system was mounted from */
} lt_fsview;

/* Unlocks the volume and mounts the file system inside.  Returns an LT_* status;
 * messages go to stderr. */
int lt_fsview_open(lt_fsview *v, const lt_volargs *a);
/* Only unlocks: v->voldev is then the volume's plaintext, for a reader other than a file
 * system's (lukstool verify: a dm-verity volume inside).  Same status and messages;
 * lt_fsview_close releases it as well. */
int lt_fsview_unlock(lt_fsview *v, const lt_volargs *a);
void lt_fsview_close(lt_fsview *v);

/* The FAT reader's side (fsview_fat.c): LD_ERR_NOTFOUND if dev holds no FAT. */
int lt_fat_try_mount(lt_fsview *v, ld_blockdev *dev, char *err, size_t errlen);

/* "drwxr-xr-x" style text of a type and mode (11 bytes with the NUL). */
void lt_mode_str(ld_ext4_type type, uint32_t mode, char out[11]);

#endif
