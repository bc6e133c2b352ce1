/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The dm-verity tree of lukstool mkdisk --verity.  The file system image becomes a plaintext
 * that dm-verity and LuksDxe read as one device:
 *
 *   [0, fs_size)              the file system: data_blocks = fs_size / data_block_size
 *   hash_offset = fs_size     the 512-byte superblock, then from the next hash-block
 *                             boundary the tree (verity/verity.h), written by libcryptsetup
 *   [hash_end, plain_size)    zeros up to the next MiB
 *
 * The tree is libcryptsetup's own (crypt_format with CRYPT_VERITY, data and hash device
 * the same file), then read back and every block verified by the project's reader, so
 * that what mkdisk prints is what the driver will accept. */
#ifndef LT_MK_VERITY_H
#define LT_MK_VERITY_H

#include <stdint.h>

#include "verity/verity.h"

/* p's data_blocks and hash_offset for a file system of fs_size bytes (a multiple of the
 * data block size), the rest of p as given; *plain_size the plaintext's size, the tree's
 * end rounded up to a MiB.  LD_OK, or LD_ERR_INVALID for parameters the reader refuses. */
int lt_mk_verity_layout(uint64_t fs_size, ld_verity_params *p, uint64_t *plain_size);

/* The largest file system, a whole number of MiB, whose plaintext (p's layout) fits in
 * room bytes: *fs_size, *p and *plain_size as lt_mk_verity_layout sets them.  LD_OK, or
 * LD_ERR_RANGE when not even one MiB fits. */
int lt_mk_verity_fit(uint64_t room, ld_verity_params *p, uint64_t *fs_size,
		     uint64_t *plain_size);

/* Writes the superblock and tree for p into the file at path (its size already the
 * plaintext's), with libcryptsetup, and sets p->root_hash; uuid receives the superblock's
 * UUID.  Then checks the whole image with verity/ against that root.  0, or -1 after a
 * message on stderr (libcryptsetup's own go through the caller's log callback). */
int lt_mk_verity_format(const char *path, ld_verity_params *p, char uuid[40]);

#endif
