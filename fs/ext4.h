/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* ext2 / ext3 / ext4, read-only: the API that efi/ and tools/ use.
 *
 * Portable: storage is read only through ld_blockdev, memory only through ld_alloc, no
 * UEFI and no libc beyond the mem* functions.  Implemented by fs/ext4_*.c; the on-disk
 * layout is in fs/ext4_disk.h.  Every number read from the disk is untrusted: a damaged
 * or hostile file system gives an error (never a hang or an out-of-bounds access).
 *
 * Objects:
 *   ld_ext4       a mounted file system (opaque); one per block device.
 *   ld_ext4_file  an open inode (opaque): a regular file, a directory or a symlink.  Any
 *                 number of files may be open at once; each must be closed before the
 *                 file system is unmounted.  Files keep no reference to each other.
 *
 * Errors: every call returns LD_OK (0) or a negative LD_ERR_* code (base/common.h):
 *   LD_ERR_NOTFOUND     a path component does not exist, or is not a directory where one
 *                       is needed (path lookup), or the inode is not in use;
 *   LD_ERR_INVALID      the file system is damaged (bad checksum, impossible number,
 *                       loop), or a bad argument (wrong file type for the call);
 *   LD_ERR_UNSUPPORTED  a valid feature this reader does not implement (an unknown
 *                       INCOMPAT feature is named in the reason);
 *   LD_ERR_IO           the block device failed;
 *   LD_ERR_NOMEM        the allocator failed.
 * ld_ext4_mount writes its reason into err; after a mount the reason of the last failed
 * call on that file system (or on any of its files) is ld_ext4_reason(fs).
 *
 * Not thread-safe: one caller at a time per file system (UEFI runs one at a time). */
#ifndef LD_EXT4_H
#define LD_EXT4_H

#include "base/blockdev.h"

typedef struct ld_ext4 ld_ext4;           /* opaque */
typedef struct ld_ext4_file ld_ext4_file; /* opaque */

#define LD_EXT4_ROOT_INO 2u
#define LD_EXT4_NAME_MAX 255u      /* bytes of a directory entry name (UTF-8 by convention) */
#define LD_EXT4_SYMLINK_MAX 4096u  /* longest link target this reader returns */

/* What ld_ext4_get_info reports about a mounted file system. */
typedef struct ld_ext4_info {
	uint32_t block_size;       /* 1024 .. 65536 */
	uint64_t blocks_count;     /* file system size in blocks */
	uint64_t free_blocks;      /* as recorded in the superblock (not recounted) */
	uint32_t inodes_count;
	uint32_t free_inodes;
	uint32_t inode_size;       /* bytes of one on-disk inode */
	uint32_t groups;           /* block groups */
	uint32_t desc_size;        /* group descriptor size: 32 or 64 (or more) */
	uint32_t feature_compat, feature_incompat, feature_ro_compat; /* as on disk */
	uint32_t unknown_ro_compat; /* RO_COMPAT bits this reader does not know (readable) */
	uint8_t uuid[16];          /* s_uuid, bytes as stored (RFC 4122 text order) */
	char uuid_str[37];         /* the same as "xxxxxxxx-xxxx-...", NUL-terminated */
	char label[17];            /* s_volume_name, NUL-terminated ("" if none) */
	const char *kind;          /* "ext2", "ext3" or "ext4" (from the features used) */
	int metadata_csum;         /* 1: checksums are verified on every metadata read */
	int has_journal;           /* 1: ext3/ext4 journal present (never replayed) */
	int needs_recovery;        /* 1: the journal holds unreplayed transactions: what is
	                            * read is the last checkpointed state, maybe stale */
	int errors;                /* 1: the kernel recorded errors (s_state) */
	int64_t mtime, wtime;      /* last mount / write time (seconds since 1970, UTC) */
} ld_ext4_info;

/* File types (from i_mode). */
typedef enum {
	LD_EXT4_T_UNKNOWN = 0,
	LD_EXT4_T_REG = 1,
	LD_EXT4_T_DIR = 2,
	LD_EXT4_T_CHR = 3,
	LD_EXT4_T_BLK = 4,
	LD_EXT4_T_FIFO = 5,
	LD_EXT4_T_SOCK = 6,
	LD_EXT4_T_LNK = 7,
} ld_ext4_type;

typedef struct ld_ext4_time {
	int64_t sec;   /* seconds since 1970-01-01 UTC (ext4's extra epoch bits applied) */
	uint32_t nsec; /* 0 on inodes without the extra fields */
} ld_ext4_time;

typedef struct ld_ext4_stat {
	uint32_t ino;
	ld_ext4_type type;
	uint16_t mode;             /* i_mode: type bits and permissions, as stat(2) st_mode */
	uint16_t links;
	uint32_t uid, gid;
	uint64_t size;             /* bytes (link target length for symlinks) */
	uint64_t blocks_512;       /* space used, in 512-byte units (as stat(2) st_blocks) */
	uint32_t flags;            /* i_flags (EXT4_*_FL as on disk) */
	uint32_t generation;
	ld_ext4_time atime, mtime, ctime, crtime; /* crtime {0,0} if not recorded */
} ld_ext4_stat;

/* One directory entry.  name is NUL-terminated; it never contains '/' or NUL (an entry
 * that does is reported as damage). */
typedef struct ld_ext4_dirent {
	uint32_t ino;
	ld_ext4_type type;         /* from the entry (filetype feature); LD_EXT4_T_UNKNOWN if
	                            * the file system does not record it: stat the inode */
	uint16_t name_len;
	char name[LD_EXT4_NAME_MAX + 1];
} ld_ext4_dirent;

/* ---- file system ------------------------------------------------------------------- */

/* Cheap test for a probe: LD_OK if dev holds an ext2/3/4 superblock magic at 1024.
 * LD_ERR_NOTFOUND if not, LD_ERR_IO. */
int ld_ext4_probe(ld_blockdev *dev);

/* Reads and checks the superblock and every group descriptor (checksums when
 * metadata_csum is on).  dev must stay valid until unmount.  On failure *out is NULL and
 * err (if not NULL) holds a NUL-terminated reason; an unknown INCOMPAT feature gives
 * LD_ERR_UNSUPPORTED naming it. */
int ld_ext4_mount(ld_ext4 **out, ld_blockdev *dev, const ld_alloc *alloc, char *err,
		  size_t errlen);
/* Releases fs; every file must have been closed.  NULL is ignored. */
void ld_ext4_unmount(ld_ext4 *fs);
const ld_ext4_info *ld_ext4_get_info(const ld_ext4 *fs);
/* Reason of the last failed call on fs or its files ("" if none); valid until the next
 * call. */
const char *ld_ext4_reason(const ld_ext4 *fs);

/* ---- opening ------------------------------------------------------------------------ */

/* ld_ext4_open flags */
#define LD_EXT4_NOFOLLOW 1u /* if the last component is a symlink, open the link itself */

/* Opens path, relative to directory dir (NULL: the root).  Components are separated by
 * '/'; a leading '/' starts at the root; empty components and "." are skipped; ".." goes
 * to the parent (the root's parent is the root).  Symlinks in the middle of the path are
 * followed (relative to the directory holding them; at most 40 in one lookup); so is the
 * last one unless LD_EXT4_NOFOLLOW.  A trailing '/' demands a directory (and follows a
 * final symlink).  Names are compared as bytes (case-sensitive).  "" opens dir itself,
 * "/" the root. */
int ld_ext4_open(ld_ext4 *fs, ld_ext4_file *dir, const char *path, unsigned flags,
		 ld_ext4_file **out);
/* Opens inode number ino (e.g. from a directory entry). */
int ld_ext4_open_inode(ld_ext4 *fs, uint32_t ino, ld_ext4_file **out);
/* Releases f.  NULL is ignored. */
void ld_ext4_close(ld_ext4_file *f);

/* ---- any open file ------------------------------------------------------------------ */

void ld_ext4_fstat(const ld_ext4_file *f, ld_ext4_stat *st);
/* stat of an inode without keeping it open (e.g. for a directory listing). */
int ld_ext4_stat_inode(ld_ext4 *fs, uint32_t ino, ld_ext4_stat *st);

/* ---- regular files (and symlinks, whose content is the target) ---------------------- */

/* Reads up to len bytes at byte offset off into buf; *got is what was read: less than len
 * only at the end of the file (0 at or past it).  Holes and uninitialised extents read
 * as zeros.  LD_ERR_INVALID on a directory. */
int ld_ext4_read(ld_ext4_file *f, uint64_t off, void *buf, size_t len, size_t *got);

/* Link target of a symlink (fast, slow or inline) into buf[buflen], NUL-terminated,
 * *len = its length without the NUL.  LD_ERR_RANGE if buflen is too small,
 * LD_ERR_INVALID if f is not a symlink. */
int ld_ext4_readlink(ld_ext4_file *f, char *buf, size_t buflen, size_t *len);

/* ---- directories -------------------------------------------------------------------- */

/* Reads the next entry of directory f at position *pos (start with 0).  Returns LD_OK with
 * *ent filled and *pos advanced, LD_ERR_NOTFOUND at the end (then *pos is unchanged), or
 * an error.  "." and ".." are returned like any entry (an inline-data directory, which
 * stores neither, gets both made up).  Entries of htree (dir_index) directories come in
 * on-disk order.  *pos is opaque but stable: 0 rewinds, and a value returned by an
 * earlier call resumes after that entry (for EFI_FILE_PROTOCOL Read / SetPosition(0)). */
int ld_ext4_readdir(ld_ext4_file *f, uint64_t *pos, ld_ext4_dirent *ent);

/* Looks name[0..name_len) up in directory f (one component, no '/').  LD_OK with *ino,
 * LD_ERR_NOTFOUND if absent. */
int ld_ext4_lookup(ld_ext4_file *f, const char *name, size_t name_len, uint32_t *ino);

#endif
