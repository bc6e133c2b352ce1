/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Argon2 internals shared by crypto/kdf_argon2*.c (not part of the crypto API).
 *
 * The compression function G of RFC 9106 section 3.5 ("BlaMka"), in vector versions
 * selected at run time, and the segment filler that drives them (section 3.4).  The
 * portable path is the reference implementation's own fill_segment(). */
#ifndef LD_KDF_ARGON2_H
#define LD_KDF_ARGON2_H

#include <stdint.h>

#include "core.h"

/* Where the block after the one being computed sits, when its reference block depends
 * on the one being computed (data-dependent addressing): as soon as word 0 of the new
 * block is final, the compression computes that reference and prefetches it, so the
 * memory latency of a random 1 KiB read overlaps with the rest of the compression. */
struct ld_argon2_next {
	const argon2_instance_t *inst;
	argon2_position_t pos; /* of the following block */
};

/* next = G(prev, ref), XORed into next's old content when with_xor (passes after the
 * first, version 0x13).  next may be the same block as prev or ref.  Blocks need only
 * uint64_t alignment.  nx may be NULL. */
typedef void (*ld_argon2_g_fn)(block *next, const block *prev, const block *ref,
			       int with_xor, const struct ld_argon2_next *nx);

/* The reference block of the block at pos, from its pseudo-random word rnd (J1 || J2). */
const block *ld_argon2_ref(const argon2_instance_t *inst, const argon2_position_t *pos,
			   uint64_t rnd);
/* Asks the CPU to start loading block b into the caches. */
static inline void ld_argon2_prefetch(const block *b)
{
	for (int i = 0; i < 128; i += 8)
		__builtin_prefetch(&b->v[i]);
}

#if defined(__x86_64__)
#define LD_HAVE_ARGON2_SIMD 1
/* Only when ld_kdf_cpu_features() has LD_KDF_CPU_SSSE3 / _AVX2 / _AVX512. */
void ld_argon2_g_ssse3(block *next, const block *prev, const block *ref, int with_xor,
		       const struct ld_argon2_next *nx);
void ld_argon2_g_avx2(block *next, const block *prev, const block *ref, int with_xor,
		      const struct ld_argon2_next *nx);
void ld_argon2_g_avx512(block *next, const block *prev, const block *ref, int with_xor,
			const struct ld_argon2_next *nx);
#endif

/* Fills one segment (pass, lane, slice) of inst with g: what the reference's
 * fill_segment() computes, for version 0x13. */
void ld_argon2_fill_segment(const argon2_instance_t *inst, uint32_t pass, uint32_t lane,
			    uint32_t slice, ld_argon2_g_fn g);

#endif
