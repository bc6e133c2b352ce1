/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* SHA-256 over any message (internal to crypto/; hash.c gives it to everyone as
 * LD_HASH_SHA256): FIPS 180-4's padding and the buffering of a partial block, around the
 * multi-block compressions of kdf_sha.h.  Whole blocks of the caller's data are
 * compressed where they lie, as many as there are in one call, with SHA-NI where
 * ld_kdf_cpu_sha_usable() says so and the portable code otherwise.
 *
 * The context is plain data (copying it clones the hash state, as HMAC does) and holds
 * message bytes: the caller wipes it when done (hash.c does, in ld_hash_final). */
#ifndef LD_SHA256_H
#define LD_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define LD_SHA256_SIZE 32u
#define LD_SHA256_BLOCK 64u

typedef struct ld_sha256_ctx {
	uint32_t st[8];
	uint64_t bytes;               /* message bytes so far; bytes % 64 of them in buf */
	uint8_t buf[LD_SHA256_BLOCK];
} ld_sha256_ctx;

void ld_sha256_init(ld_sha256_ctx *c);
/* len up to 2^61 - 1 bytes in all (FIPS 180-4's limit of 2^64 - 1 bits). */
void ld_sha256_update(ld_sha256_ctx *c, const uint8_t *p, size_t len);
void ld_sha256_final(ld_sha256_ctx *c, uint8_t out[LD_SHA256_SIZE]);

/* The digests of pre || ma || suf into outa and of pre || mb || suf into outb: two
 * messages of the same shape, whose blocks the SHA-NI path compresses interleaved (about
 * 1.5 times the throughput of one message after the other).  pre and suf may be NULL
 * when their length is 0.  Wipes its contexts. */
void ld_sha256_two(const uint8_t *pre, size_t prelen, const uint8_t *ma, const uint8_t *mb,
		   size_t len, const uint8_t *suf, size_t suflen, uint8_t outa[LD_SHA256_SIZE],
		   uint8_t outb[LD_SHA256_SIZE]);

#endif
