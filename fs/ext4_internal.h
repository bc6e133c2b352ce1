/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Internal interfaces between the files of the ext4 reader (fs/ext4_*.c); not for efi/ or
 * tools/, which use fs/ext4.h.
 *
 * Caution: everything here handles untrusted input.  Every number read from the disk is
 * checked against the file system's geometry before it is used as an offset, length or
 * loop bound. */
#ifndef LD_EXT4_INTERNAL_H
#define LD_EXT4_INTERNAL_H

#include <string.h>

#include "base/endian.h"
#include "base/str.h"
#include "fs/ext4.h"
#include "fs/ext4_disk.h"

#define LD_EXT4_CACHE_SLOTS 8u      /* metadata blocks kept (indirect, extent, directory, inode) */
#define LD_EXT4_REASON_LEN 160u
#define LD_EXT4_MAX_SYMLINKS 40u    /* per lookup, as Linux */

/* What a cached block was last verified as (checksums depend on the owning inode). */
enum { LD_EXT4_V_NONE = 0, LD_EXT4_V_EXTENT, LD_EXT4_V_DIR, LD_EXT4_V_DX };

typedef struct ld_ext4_cache_slot {
	uint64_t blk;
	uint64_t verified;   /* (kind << 32) | inode number, 0 if not verified */
	uint32_t age;
	int valid;
	uint8_t *data;       /* block_size bytes */
} ld_ext4_cache_slot;

struct ld_ext4 {
	ld_blockdev *dev;
	ld_alloc alloc;
	ld_ext4_info info;
	uint32_t bs;              /* block size */
	uint32_t log_bs;          /* log2(bs) */
	uint32_t first_data_block;
	uint32_t blocks_per_group;
	uint32_t inodes_per_group;
	uint32_t first_ino;
	uint32_t first_meta_bg;    /* meta_bg: descriptor blocks before this are contiguous */
	uint32_t backup_bgs[2];    /* sparse_super2: the two groups with backups */
	uint32_t incompat, ro_compat, compat;
	uint32_t csum_seed;       /* crc32c seed for metadata_csum */
	int csum;                 /* metadata_csum */
	int gdt_csum;             /* uninit_bg flags are trustworthy (gdt_csum or metadata_csum) */
	uint8_t *gd;              /* every group descriptor, desc_size each */
	size_t gd_len;
	ld_ext4_cache_slot cache[LD_EXT4_CACHE_SLOTS];
	uint32_t clock;
	uint32_t open_files;
	char reason[LD_EXT4_REASON_LEN];
};

/* A run of logical blocks that map contiguously (or are all zeros). */
typedef struct ld_ext4_run {
	uint32_t lblk;   /* first logical block */
	uint32_t len;    /* blocks, >= 1 */
	uint64_t pblk;   /* first physical block; meaningless when zero */
	int zero;        /* hole or uninitialised extent: reads as zeros */
} ld_ext4_run;

struct ld_ext4_file {
	ld_ext4 *fs;
	uint32_t ino;
	uint32_t iflags;
	uint32_t csum_seed;      /* crc32c(fs seed, ino, generation) */
	uint64_t size;
	ld_ext4_stat st;
	uint8_t *raw;            /* the on-disk inode, inode_size bytes */
	uint8_t *inl;            /* inline data: i_block (60) then system.data, or NULL */
	size_t inl_len;          /* bytes of inl */
	size_t inl_ea;           /* of which the system.data value: inl[60 .. 60+inl_ea) */
	ld_ext4_run run;            /* last mapping looked up (run.len == 0: none) */
};

/* ---- messages (ext4_fail.c) -------------------------------------------------------- */
/* Sets fs->reason to a, then the decimal num unless num == LD_EXT4_NONUM, then b; returns
 * code, so that callers write "return ld_ext4_fail(fs, LD_ERR_INVALID, ...)". */
#define LD_EXT4_NONUM UINT64_MAX
int ld_ext4_fail(ld_ext4 *fs, int code, const char *a, uint64_t num, const char *b);

/* ---- crc32c (ext4_crc32c.c) -------------------------------------------------------- */
/* Castagnoli CRC register update without pre/post inversion (the kernel's crc32c_le). */
uint32_t ld_ext4_crc32c(uint32_t crc, const void *data, size_t len);

/* ---- blocks (ext4_block.c) ---------------------------------------------------------- */
/* Block blk through the metadata cache: *slot points to the cached copy (valid until the
 * next ld_ext4_bget).  LD_ERR_INVALID (with reason naming what) if blk is outside the file
 * system. */
int ld_ext4_bget(ld_ext4 *fs, uint64_t blk, const char *what, ld_ext4_cache_slot **slot);
/* Checks that [blk, blk+count) lies inside the file system (and is not block 0 when
 * allow_zero is 0). */
int ld_ext4_check_range(ld_ext4 *fs, uint64_t blk, uint64_t count, const char *what);
void ld_ext4_cache_free(ld_ext4 *fs);
int ld_ext4_cache_init(ld_ext4 *fs);

/* ---- group descriptors (ext4_group.c) ---------------------------------------------- */
int ld_ext4_groups_load(ld_ext4 *fs);
/* Inode table block and descriptor flags of group g (g < info.groups). */
void ld_ext4_group_get(const ld_ext4 *fs, uint32_t g, uint64_t *inode_table, uint16_t *flags);
/* 1 if group g holds a superblock / descriptor backup. */
int ld_ext4_group_has_super(const ld_ext4 *fs, uint32_t g);

/* ---- inodes (ext4_inode.c) --------------------------------------------------------- */
int ld_ext4_inode_open(ld_ext4 *fs, uint32_t ino, ld_ext4_file **out);

/* ---- block mapping: extents (ext4_extent.c) or block maps (ext4_blockmap.c) -------- */
/* Maps logical block lblk of f to a run starting at lblk (cached in f->run). */
int ld_ext4_map(ld_ext4_file *f, uint32_t lblk, ld_ext4_run *run);
int ld_ext4_extent_map(ld_ext4_file *f, uint32_t lblk, ld_ext4_run *run);
int ld_ext4_blockmap_map(ld_ext4_file *f, uint32_t lblk, ld_ext4_run *run);
/* Number of logical blocks an inode may address (2^32 for extents, less for block maps). */
uint64_t ld_ext4_blockmap_max_blocks(const ld_ext4 *fs);

/* ---- inline data (ext4_inline.c) --------------------------------------------------- */
/* Loads f->inl from i_block and the system.data attribute. */
int ld_ext4_inline_load(ld_ext4_file *f);

/* ---- file contents (ext4_file.c) --------------------------------------------------- */
int ld_ext4_read_raw(ld_ext4_file *f, uint64_t off, void *buf, size_t len, size_t *got);

/* ---- small helpers ------------------------------------------------------------------ */
static inline ld_ext4_type ld_ext4_mode_type(uint16_t mode)
{
	switch (mode & EXT4_S_IFMT) {
	case EXT4_S_IFREG: return LD_EXT4_T_REG;
	case EXT4_S_IFDIR: return LD_EXT4_T_DIR;
	case EXT4_S_IFCHR: return LD_EXT4_T_CHR;
	case EXT4_S_IFBLK: return LD_EXT4_T_BLK;
	case EXT4_S_IFIFO: return LD_EXT4_T_FIFO;
	case EXT4_S_IFSOCK: return LD_EXT4_T_SOCK;
	case EXT4_S_IFLNK: return LD_EXT4_T_LNK;
	default: return LD_EXT4_T_UNKNOWN;
	}
}

#endif
