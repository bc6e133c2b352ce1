/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Internal interfaces between the files of verity/ (not for efi/ or tools/): the tree's
 * layout level by level, which verity_sb.c computes and verity_tree.c walks. */
#ifndef LD_VERITY_INTERNAL_H
#define LD_VERITY_INTERNAL_H

#include "verity/verity.h"

/* More than any tree can have: 512-byte data blocks limit data_blocks to 2^55, and even
 * sha512 in 512-byte hash blocks gives 8 digests per block (k = 3), so 19 levels. */
#define LD_VERITY_MAX_LEVELS 24

/* Levels are numbered as cryptsetup and Linux number them: 0 is the leaf level (the
 * digests of data blocks), levels - 1 the top.  On disk the top comes first. */
typedef struct ld_verity_layout {
	uint32_t levels;                      /* 0 for one data block */
	uint32_t bits;                        /* k: 2^k digests per hash block */
	uint32_t slot;                        /* bytes from one digest to the next in a block */
	uint32_t digest;                      /* digest size */
	uint64_t start[LD_VERITY_MAX_LEVELS]; /* first hash block of level i, from the top */
	uint64_t count[LD_VERITY_MAX_LEVELS]; /* hash blocks in level i */
	uint64_t hash_blocks;                 /* in all levels */
	uint64_t tree_offset;                 /* bytes on the hash device: the top block */
	uint64_t hash_end;                    /* tree_offset + hash_blocks * hash_block_size */
} ld_verity_layout;

/* The layout of the tree for p, which must have passed ld_verity_params_check (its last
 * step is this computation).  LD_OK, or LD_ERR_INVALID with a reason when the tree's end
 * would not fit in 64 bits. */
int ld_verity_layout_of(const ld_verity_params *p, ld_verity_layout *l, char *err,
			size_t errlen);

#endif
