/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Bare SHA-1 / SHA-256 / SHA-512 compression functions for PBKDF2 and for general
 * SHA-256 hashing (internal to crypto/).
 *
 * PBKDF2 hashes fixed-size messages millions of times: each iteration is exactly one
 * compression of the inner and one of the outer HMAC state, over a message block whose
 * padding never changes.  These functions take the chaining state and the 16 message
 * words as native integers (big-endian decoding done once by the caller), which is what
 * lets kdf_pbkdf2.c run the loop without byte conversions or buffer management.  mbedTLS
 * (used for general SHA-1/SHA-512 hashing in hash.c) has no such interface, hence our
 * own.  General SHA-256 hashing (sha256.c) takes the multi-block forms, which read the
 * message bytes where they lie.
 *
 * The portable versions follow FIPS 180-4 section 6; the SHA-NI versions (kdf_sha_ni.c)
 * compute the same function with the x86 SHA extensions, and also come in a two-block
 * form that runs two independent states interleaved (PBKDF2 output blocks are
 * independent, and one SHA-NI chain leaves the unit idle between dependent rounds). */
#ifndef LD_KDF_SHA_H
#define LD_KDF_SHA_H

#include <stddef.h>
#include <stdint.h>

extern const uint32_t ld_sha1_iv[5];
extern const uint32_t ld_sha256_iv[8];
extern const uint64_t ld_sha512_iv[8];
/* The SHA-256 round constants K (FIPS 180-4 4.2.2), 16-byte aligned. */
extern const uint32_t ld_sha256_k[64];

void ld_sha1_compress(uint32_t st[5], const uint32_t w[16]);
void ld_sha256_compress(uint32_t st[8], const uint32_t w[16]);
void ld_sha512_compress(uint64_t st[8], const uint64_t w[16]);
/* nblocks consecutive 64-byte blocks of a message, as bytes (any alignment): what
 * general hashing (sha256.c) feeds.  The state stays in registers from one block to the
 * next, and the byte order is converted there, not through a word buffer. */
void ld_sha256_blocks(uint32_t st[8], const uint8_t *p, size_t nblocks);

#if defined(__x86_64__)
#define LD_HAVE_SHA_NI 1
/* Only when ld_kdf_cpu_features() has LD_KDF_CPU_SHA. */
void ld_sha1_compress_ni(uint32_t st[5], const uint32_t w[16]);
void ld_sha256_compress_ni(uint32_t st[8], const uint32_t w[16]);
void ld_sha1_compress2_ni(uint32_t sa[5], const uint32_t wa[16], uint32_t sb[5],
			  const uint32_t wb[16]);
void ld_sha256_compress2_ni(uint32_t sa[8], const uint32_t wa[16], uint32_t sb[8],
			    const uint32_t wb[16]);
void ld_sha256_blocks_ni(uint32_t st[8], const uint8_t *p, size_t nblocks);
/* Two messages at once, nblocks blocks of each, interleaved as ld_sha256_compress2_ni. */
void ld_sha256_blocks2_ni(uint32_t sa[8], const uint8_t *pa, uint32_t sb[8],
			  const uint8_t *pb, size_t nblocks);
#endif

#endif
