/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Shared helpers for the cmocka unit tests (tests/unit/test_*.c), linked into every
 * test binary from tests/unit/common/testutil.c.
 *
 *   tu_alloc          an ld_alloc backed by calloc/free that counts live allocations
 *                     and bytes, checks that free() gets the size alloc() was asked
 *                     for, and wipes before freeing.  tu_alloc_failing(n) makes the
 *                     n-th following allocation fail (0 = never), for error paths.
 *                     tu_alloc_unwiped() counts blocks that were not all-zero when
 *                     freed: code that holds secrets must wipe before it frees.
 *   tu_hex / tu_unhex convert between bytes and lower-case hex; tu_expect_hex
 *                     compares bytes with a hex string.
 *   tu_rand_*         a small deterministic PRNG (xorshift64*) for randomized tests,
 *                     seeded from $TEST_SEED or the clock; tu_rand_seed() prints the
 *                     seed as a TAP comment so a failure can be replayed.
 *   tu_read_file / tu_write_file  whole-file helpers for oracle tests.
 *   tu_mem_dev        an ld_blockdev over an image in memory.
 *   tu_rmtree         removes a test's scratch directory.
 *   cipher_ref.h      AES/XTS references (OpenSSL, XTS by definition, IEEE 1619).
 *   tu_sweep          a corruption sweep: byte and bit flips over an image in memory.
 *   kdf_ref.h         PBKDF2/Argon2 vectors and references (OpenSSL, libargon2). */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "base/common.h"
#include "base/blockdev.h"

extern const ld_alloc tu_alloc;
size_t tu_alloc_live(void);       /* allocations not yet freed */
size_t tu_alloc_live_bytes(void); /* bytes not yet freed */
void tu_alloc_failing(unsigned n);
size_t tu_alloc_unwiped(void);    /* frees of blocks that still held non-zero bytes */

/* Decodes exactly 2*n hex digits of hex into out; returns 0, or -1 if malformed. */
int tu_unhex(const char *hex, uint8_t *out, size_t n);
/* Decodes a whole hex string into a malloc'ed buffer; *n receives its length. */
uint8_t *tu_unhex_alloc(const char *hex, size_t *n);
/* Writes 2*n+1 bytes (lower-case hex and NUL) into out. */
void tu_hex(const uint8_t *in, size_t n, char *out);
/* Fails the test unless the n bytes (n <= 256) are the lower-case hex string want. */
void tu_expect_hex(const uint8_t *got, size_t n, const char *want);

uint64_t tu_rand_seed(void); /* (re)seeds once per process, returns the seed */
uint64_t tu_rand64(void);
uint32_t tu_rand_below(uint32_t n); /* 0 <= r < n (n > 0) */
void tu_rand_bytes(void *p, size_t n);

/* Whole-file I/O; tu_read_file returns a malloc'ed buffer or NULL. */
uint8_t *tu_read_file(const char *path, size_t *n);
int tu_write_file(const char *path, const void *p, size_t n);
/* An image in memory as an ld_blockdev with 512-byte blocks.  A read that is not inside
 * the image fails the test: the core must bounds-check before it reads. */
struct tu_mem {
	uint8_t *p;
	size_t n;
};
void tu_mem_dev(ld_blockdev *d, struct tu_mem *m);

/* Removes a scratch directory (made with mkdtemp) and everything in it; 0 or -1. */
int tu_rmtree(const char *dir);

/* A corruption sweep over an image in memory, for the file-system readers' tests.  In
 * every block of `block` bytes that is neither skipped (skip[b] != 0) nor all zero, each
 * byte of the first `dense` blocks and every stride-th byte of the others is damaged in
 * turn - the whole byte when (its offset in the block / alt) is odd, else one bit - and
 * walk() reads the damaged image: an error or a digest, never a crash, an out-of-bounds
 * read or a leak; with strict, a digest must be the pristine one.  Then the device cut
 * at `truncations` sizes (resize(ctx, size, valid)) must fail, and with zero_tail the
 * full size with the bytes past each cut read as zeros may give anything.  Prints the
 * counts as a TAP comment; returns the number of flips (more than 1000, or it fails). */
struct tu_sweep {
	const char *name;
	uint8_t *img; /* damaged and restored in place */
	size_t size, block;
	const uint8_t *skip; /* per block, or NULL */
	size_t dense, stride, alt;
	int strict, zero_tail;
	unsigned truncations;
	int (*walk)(void *ctx, uint64_t *digest);
	void (*resize)(void *ctx, size_t size, size_t valid);
	void *ctx;
};
size_t tu_sweep(const struct tu_sweep *s);

#endif
