/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Argon2's compression function G (RFC 9106 section 3.5) with AVX2, written from the RFC.
 *
 * G(X, Y): R = X ^ Y, seen as an 8x8 matrix of 16-byte registers; the permutation P
 * (eight BlaMka-modified BLAKE2b G applications on 16 words v0..v15) is applied to each
 * row of R, then to each column of the result, giving Z; the output is Z ^ R.
 *
 * Two P run at once, one in each 128-bit lane of eight YMM registers: register j holds
 * the 16-byte register (v_2j, v_2j+1) of each state.  A column of the matrix is words
 * 2i, 2i+1, 2i+16, 2i+17, ..., so columns i and i+1 are already in that layout in
 * memory (4 consecutive words per register); rows i and i+1 are gathered with 128-bit
 * loads.  The diagonal step then needs only in-lane 64-bit shifts between neighbouring
 * registers (VPALIGNR, one cycle), no lane-crossing permutes.
 *
 * Compiled with a function-level target attribute; runs only when ld_kdf_cpu_features()
 * reports LD_KDF_CPU_AVX2 (the CPU has AVX2 and XCR0 enables the YMM state). */
#include "crypto/kdf_argon2.h"

#if defined(LD_HAVE_ARGON2_SIMD)
#include <immintrin.h>

#define AVX2_TARGET __attribute__((target("avx2")))
#define AVX2_INLINE static inline __attribute__((always_inline)) AVX2_TARGET

/* BlaMka: x + y + 2 * lo32(x) * lo32(y), per 64-bit lane. */
AVX2_INLINE __m256i blamka(__m256i x, __m256i y)
{
	__m256i p = _mm256_mul_epu32(x, y);

	return _mm256_add_epi64(_mm256_add_epi64(x, y), _mm256_add_epi64(p, p));
}

AVX2_INLINE __m256i ror32(__m256i x)
{
	return _mm256_shuffle_epi32(x, _MM_SHUFFLE(2, 3, 0, 1));
}

/* Rotations by whole bytes are byte shuffles within each 64-bit lane. */
AVX2_INLINE __m256i ror24(__m256i x)
{
	const __m256i m = _mm256_setr_epi8(3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10,
					   3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10);
	return _mm256_shuffle_epi8(x, m);
}

AVX2_INLINE __m256i ror16(__m256i x)
{
	const __m256i m = _mm256_setr_epi8(2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9,
					   2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9);
	return _mm256_shuffle_epi8(x, m);
}

AVX2_INLINE __m256i ror63(__m256i x)
{
	return _mm256_xor_si256(_mm256_srli_epi64(x, 63), _mm256_add_epi64(x, x));
}

/* GB on four lanes at once, twice (two independent sets of four registers). */
#define GB2(a0, b0, c0, d0, a1, b1, c1, d1)                                                 \
	do {                                                                                \
		a0 = blamka(a0, b0); a1 = blamka(a1, b1);                                   \
		d0 = ror32(_mm256_xor_si256(d0, a0)); d1 = ror32(_mm256_xor_si256(d1, a1)); \
		c0 = blamka(c0, d0); c1 = blamka(c1, d1);                                   \
		b0 = ror24(_mm256_xor_si256(b0, c0)); b1 = ror24(_mm256_xor_si256(b1, c1)); \
		a0 = blamka(a0, b0); a1 = blamka(a1, b1);                                   \
		d0 = ror16(_mm256_xor_si256(d0, a0)); d1 = ror16(_mm256_xor_si256(d1, a1)); \
		c0 = blamka(c0, d0); c1 = blamka(c1, d1);                                   \
		b0 = ror63(_mm256_xor_si256(b0, c0)); b1 = ror63(_mm256_xor_si256(b1, c1)); \
	} while (0)

/* (hi64 of y, lo64 of x) in each 128-bit lane: VPALIGNR, which stays within lanes. */
#define MIX(x, y) _mm256_alignr_epi8((x), (y), 8)

/* P on two 16-word states at once, one per 128-bit lane: s[j] holds (v_2j, v_2j+1) of
 * the first state in its low lane and of the second state in its high lane.  The column
 * step is GB on (s0, s2, s4, s6) [v0/v1 with v4/v5, v8/v9, v12/v13] and on (s1, s3, s5,
 * s7) [v2/v3 ...]; the diagonal step pairs v0/v1 with (v5, v6), (v10, v11), (v15, v12)
 * and v2/v3 with (v7, v4), (v8, v9), (v13, v14), which in-lane 64-bit shifts between
 * neighbouring registers produce. */
AVX2_INLINE void p2(__m256i *s)
{
	__m256i a0 = s[0], a1 = s[1], b0 = s[2], b1 = s[3];
	__m256i c0 = s[4], c1 = s[5], d0 = s[6], d1 = s[7], t;

	GB2(a0, b0, c0, d0, a1, b1, c1, d1);
	t = MIX(b1, b0);        /* (v5, v6) */
	b1 = MIX(b0, b1);       /* (v7, v4) */
	b0 = t;
	t = c0;                 /* (v10, v11) and (v8, v9) */
	c0 = c1;
	c1 = t;
	t = MIX(d0, d1);        /* (v15, v12) */
	d1 = MIX(d1, d0);       /* (v13, v14) */
	d0 = t;
	GB2(a0, b0, c0, d0, a1, b1, c1, d1);
	t = MIX(b0, b1);        /* (v4, v5) */
	b1 = MIX(b1, b0);       /* (v6, v7) */
	b0 = t;
	t = c0;
	c0 = c1;
	c1 = t;
	t = MIX(d1, d0);        /* (v12, v13) */
	d1 = MIX(d0, d1);       /* (v14, v15) */
	d0 = t;
	s[0] = a0; s[1] = a1; s[2] = b0; s[3] = b1;
	s[4] = c0; s[5] = c1; s[6] = d0; s[7] = d1;
}

#define LD256(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define ST256(p, x) _mm256_storeu_si256((__m256i *)(void *)(p), (x))
#define LD128(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define ST128(p, x) _mm_storeu_si128((__m128i *)(void *)(p), (x))

AVX2_TARGET void ld_argon2_g_avx2(block *next, const block *prev, const block *ref,
				  int with_xor, const struct ld_argon2_next *nx)
{
	/* r = prev ^ ref (kept for the final XOR), q = the matrix between the two passes. */
	uint64_t r[128] __attribute__((aligned(32))), q[128] __attribute__((aligned(32)));
	__m256i s[8];
	int i, j;

	for (j = 0; j < 32; j++)
		ST256(r + 4 * j, _mm256_xor_si256(LD256(prev->v + 4 * j), LD256(ref->v + 4 * j)));
	/* Rows i and i+1: (v_2j, v_2j+1) are words 16i + 2j, 16i + 2j + 1 of row i. */
	for (i = 0; i < 8; i += 2) {
		for (j = 0; j < 8; j++)
			s[j] = _mm256_inserti128_si256(
				_mm256_castsi128_si256(LD128(r + 16 * i + 2 * j)),
				LD128(r + 16 * i + 16 + 2 * j), 1);
		p2(s);
		for (j = 0; j < 8; j++) {
			ST128(q + 16 * i + 2 * j, _mm256_castsi256_si128(s[j]));
			ST128(q + 16 * i + 16 + 2 * j, _mm256_extracti128_si256(s[j], 1));
		}
	}
	/* Columns i and i+1: words 2i + 16j .. 2i + 16j + 3 are (v_2j, v_2j+1) of column i,
	 * then of column i+1, exactly the layout p2 takes. */
	for (i = 0; i < 8; i += 2) {
		for (j = 0; j < 8; j++)
			s[j] = LD256(q + 2 * i + 16 * j);
		p2(s);
		for (j = 0; j < 8; j++) {
			uint64_t *o = next->v + 2 * i + 16 * j;
			__m256i z = _mm256_xor_si256(s[j], LD256(r + 2 * i + 16 * j));

			if (with_xor)
				z = _mm256_xor_si256(z, LD256(o));
			ST256(o, z);
		}
		/* Word 0 of the new block is final: start fetching the next block's
		 * reference while the other columns are computed. */
		if (i == 0 && nx != NULL)
			ld_argon2_prefetch(ld_argon2_ref(nx->inst, &nx->pos, next->v[0]));
	}
}
#endif
