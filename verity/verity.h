/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* dm-verity volumes, read and verified: the API that efi/ and tools/ use.
 * Portable: storage only through ld_blockdev, memory only through ld_alloc, hashes through
 * crypto/.  The format is the one cryptsetup 2.6.1's veritysetup writes and Linux's
 * dm-verity reads (cryptsetup lib/verity/, Linux Documentation/admin-guide/device-mapper/
 * verity.rst):
 *
 *   data device   data_blocks blocks of data_block_size bytes, from byte 0
 *   hash device   at hash_offset an optional 512-byte superblock, then (from the next
 *                 hash-block boundary after it, or at hash_offset itself without one) the
 *                 tree: levels stored top level first, each a whole number of hash blocks;
 *                 a hash block holds the digests of 2^k blocks of the level below, each in
 *                 a slot, the unused tail zero; the top level is one block, whose digest
 *                 is the root hash.  Format 1 hashes salt || block, format 0 (Chrome OS)
 *                 block || salt.  The zeros are checked, as veritysetup verify does
 *                 (Linux does not): a digest where data_blocks says there is none means
 *                 the tree covers more data than data_blocks says.
 *
 *   2^k           the largest power of two with 2^k digests <= hash_block_size (sha1 in
 *                 4096 bytes: 204 would fit, 128 are used).
 *   slots         format 1: hash_block_size / 2^k bytes each (a digest rounded up to a
 *                 power of two: sha1's 20 bytes in 32, the 12 after it zero); format 0:
 *                 digest_size bytes each, packed, so only 2^k * digest_size bytes of the
 *                 block are slots (sha1 in 4096: 2560) and the rest is the zero tail.
 *   levels        the fewest with data_blocks <= 2^(k * levels): 0 for one data block.
 *                 Then the tree is empty and the root hash is the digest of that data
 *                 block itself (veritysetup writes "Hash blocks: 0"; Linux does the same).
 *   tree start    with a superblock the first hash-block boundary at or after
 *                 hash_offset + 512 (4096-byte hash blocks, hash_offset 0: byte 4096);
 *                 without one, hash_offset itself, which must then be a multiple of
 *                 hash_block_size (veritysetup would round it down).
 *
 * Trust: everything on both devices is untrusted.  The parameters (ld_verity_params) come
 * from the guest owner (the secret), never from the disk; a superblock, when the owner says
 * there is one, must agree with them field by field.  The root hash covers neither
 * data_blocks nor the superblock's UUID: that is why the owner pins data_blocks and the
 * published size is exactly data_blocks blocks.
 *
 * Reading: every data block handed to a caller is hashed from the caller's own buffer, the
 * bytes handed over, never read again between check and use (the host may change the disk
 * between two reads).  Hash blocks are verified up to the root the first time they are
 * needed and kept in private memory.  A block that does not verify is an error,
 * LD_ERR_CORRUPT with the block named, and the caller's buffer is zeroed: unverified bytes
 * are never handed over. */
#ifndef LD_VERITY_H
#define LD_VERITY_H

#include "crypto/crypto.h"
#include "base/blockdev.h"

#define LD_VERITY_SB_SIZE 512u
#define LD_VERITY_SALT_MAX 256u
#define LD_VERITY_BLOCK_MIN 512u
#define LD_VERITY_BLOCK_MAX 4096u

typedef struct ld_verity_params {
	uint32_t hash_type;         /* 1 normal, 0 Chrome OS */
	ld_hash_alg hash;           /* LD_HASH_SHA1, LD_HASH_SHA256 or LD_HASH_SHA512 */
	uint32_t data_block_size;   /* power of two, 512..4096 */
	uint32_t hash_block_size;   /* power of two, 512..4096 */
	uint64_t data_blocks;       /* >= 1 */
	uint64_t hash_offset;       /* bytes on the hash device; a multiple of 512 */
	int no_superblock;          /* 1: none at hash_offset (veritysetup --no-superblock) */
	uint16_t salt_size;         /* 0..LD_VERITY_SALT_MAX */
	uint8_t salt[LD_VERITY_SALT_MAX];
	uint8_t root_hash[LD_HASH_MAX_SIZE]; /* ld_hash_size(hash) bytes */
} ld_verity_params;

/* Checks the parameters themselves (sizes, powers of two, algorithm, that the tree's end
 * fits in 64 bits, that a hash_offset without a superblock is a multiple of
 * hash_block_size).  LD_OK, or LD_ERR_INVALID / LD_ERR_UNSUPPORTED with a reason. */
int ld_verity_params_check(const ld_verity_params *p, char *err, size_t errlen);

/* The superblock as veritysetup writes it (all little-endian):
 *   "verity\0\0", u32 version (1), u32 hash_type, u8 uuid[16], char algorithm[32] (NUL
 *   padded), u32 data_block_size, u32 hash_block_size, u64 data_blocks, u16 salt_size,
 *   6 bytes zero, u8 salt[256], 168 bytes zero.
 * Parses one into p (root_hash zeroed, hash_offset 0, no_superblock 0) and its UUID.
 * Caution: untrusted input.  LD_OK, or LD_ERR_INVALID / LD_ERR_UNSUPPORTED with a reason
 * (bad magic or version, unknown algorithm, sizes out of range, salt_size above 256). */
int ld_verity_sb_parse(const uint8_t sb[LD_VERITY_SB_SIZE], ld_verity_params *p,
		       uint8_t uuid[16], char *err, size_t errlen);

/* Writes a superblock for p (tests, lukstool mkdisk --verity): the same 512 bytes
 * veritysetup writes.  LD_ERR_INVALID when p fails the check or has no superblock. */
int ld_verity_sb_build(uint8_t sb[LD_VERITY_SB_SIZE], const ld_verity_params *p,
		       const uint8_t uuid[16]);

/* The tree's geometry for p: where it starts, how many hash blocks it has, and the first
 * byte after it on the hash device.  LD_ERR_INVALID for parameters that fail the check. */
typedef struct ld_verity_geometry {
	uint32_t levels;           /* 0 when data_blocks is 1 (no hash block at all) */
	uint64_t tree_offset;      /* bytes: first hash block (the top level) */
	uint64_t hash_blocks;      /* in the whole tree */
	uint64_t hash_end;         /* bytes: tree_offset + hash_blocks * hash_block_size */
} ld_verity_geometry;
int ld_verity_geometry_of(const ld_verity_params *p, ld_verity_geometry *g);

typedef struct ld_verity ld_verity; /* opaque */

/* The most hash blocks a tree opened here may have (with 4096-byte blocks and sha256 a
 * 64 GiB tree over 8 TiB of data).  Each is cached on first use, so a larger tree would
 * only be an absurd pointer array and an absurd amount of memory. */
#define LD_VERITY_HASH_BLOCKS_MAX (1ull << 24)

/* Opens a verity volume: checks p, the superblock against p (unless p->no_superblock),
 * the sizes of both devices (data holds data_blocks blocks; hash holds the whole tree; on
 * one device, data and hash areas do not overlap), and the top hash block against the root
 * hash (with no tree, data block 0 against it).  data and hash may be the same device
 * and must outlive the volume.  Nothing is read twice to decide: the top block that is
 * checked is the copy that is kept.
 * LD_ERR_KEY when the root hash does not match (the reason says so), LD_ERR_CORRUPT when
 * it does but the top block's padding is not zero, LD_ERR_INVALID when the superblock
 * disagrees (naming the field) or the areas overlap, LD_ERR_RANGE when a device is too
 * small, LD_ERR_UNSUPPORTED for a tree of more than
 * LD_VERITY_HASH_BLOCKS_MAX hash blocks, LD_ERR_IO, LD_ERR_NOMEM. */
int ld_verity_open(ld_verity **out, ld_blockdev *data, ld_blockdev *hash,
		   const ld_verity_params *p, const ld_alloc *alloc, char *err, size_t errlen);

/* data_blocks * data_block_size: the size a caller may publish, and no more. */
uint64_t ld_verity_size(const ld_verity *v);
uint32_t ld_verity_block_size(const ld_verity *v);

/* Reads count data blocks from block into buf and verifies each from buf.  On any failure
 * buf is zeroed whole; on LD_ERR_CORRUPT *bad (if not NULL) is the data block, or the hash
 * block (counted from the top of the tree, tagged with LD_VERITY_BAD_HASH) that did not
 * verify (or whose padding is not zero), and the reason names it.  LD_ERR_RANGE beyond data_blocks (or a count whose
 * bytes do not fit in size_t): nothing was read, and buf is left untouched. */
#define LD_VERITY_BAD_HASH (1ull << 63)
int ld_verity_read_blocks(ld_verity *v, uint64_t block, uint64_t count, void *buf,
			  uint64_t *bad, char *err, size_t errlen);

/* Reads any byte range of the verified data (whole blocks are read and verified into a
 * private bounce buffer for unaligned edges).  Same errors; buf is zeroed on failure
 * (LD_ERR_RANGE: untouched, nothing was read). */
int ld_verity_read(ld_verity *v, uint64_t offset, void *buf, size_t len, char *err,
		   size_t errlen);

/* Every data block, in order (lukstool verify): LD_OK when all verify.  progress (may be
 * NULL) is called with done/total in data blocks. */
int ld_verity_verify_all(ld_verity *v, ld_progress_fn progress, void *progress_ctx,
			 uint64_t *bad, char *err, size_t errlen);

/* Releases the cached hash blocks and the volume. */
void ld_verity_close(ld_verity *v);

#endif
