/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Argon2's compression function G (RFC 9106 section 3.5) with SSSE3 (128-bit registers),
 * for CPUs, or firmware, without the AVX state: the AVX2 version (kdf_argon2_avx2.c,
 * whose comment describes G) with one P per register set instead of two.
 *
 * Register j holds the 16-byte register (v_2j, v_2j+1) of the state: a row is loaded as
 * it lies (words 16i + 2j), a column too (words 2i + 16j); the diagonal step shifts
 * 64-bit halves between neighbouring registers with PALIGNR.  XMM registers only, whose
 * state UEFI firmware always enables; runs when ld_kdf_cpu_features() reports
 * LD_KDF_CPU_SSSE3. */
#include "crypto/kdf_argon2.h"

#if defined(LD_HAVE_ARGON2_SIMD)
#include <immintrin.h>

#define SSSE3_TARGET __attribute__((target("ssse3")))
#define SSSE3_INLINE static inline __attribute__((always_inline)) SSSE3_TARGET

/* BlaMka: x + y + 2 * lo32(x) * lo32(y), per 64-bit lane. */
SSSE3_INLINE __m128i blamka(__m128i x, __m128i y)
{
	__m128i p = _mm_mul_epu32(x, y);

	return _mm_add_epi64(_mm_add_epi64(x, y), _mm_add_epi64(p, p));
}

SSSE3_INLINE __m128i ror32(__m128i x)
{
	return _mm_shuffle_epi32(x, _MM_SHUFFLE(2, 3, 0, 1));
}

/* Rotations by whole bytes are byte shuffles within each 64-bit lane. */
SSSE3_INLINE __m128i ror24(__m128i x)
{
	const __m128i m = _mm_setr_epi8(3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10);
	return _mm_shuffle_epi8(x, m);
}

SSSE3_INLINE __m128i ror16(__m128i x)
{
	const __m128i m = _mm_setr_epi8(2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9);
	return _mm_shuffle_epi8(x, m);
}

SSSE3_INLINE __m128i ror63(__m128i x)
{
	return _mm_xor_si128(_mm_srli_epi64(x, 63), _mm_add_epi64(x, x));
}

/* GB on two lanes at once, twice (two sets of four registers). */
#define GB2(a0, b0, c0, d0, a1, b1, c1, d1)                                                 \
	do {                                                                                \
		a0 = blamka(a0, b0); a1 = blamka(a1, b1);                                   \
		d0 = ror32(_mm_xor_si128(d0, a0)); d1 = ror32(_mm_xor_si128(d1, a1));       \
		c0 = blamka(c0, d0); c1 = blamka(c1, d1);                                   \
		b0 = ror24(_mm_xor_si128(b0, c0)); b1 = ror24(_mm_xor_si128(b1, c1));       \
		a0 = blamka(a0, b0); a1 = blamka(a1, b1);                                   \
		d0 = ror16(_mm_xor_si128(d0, a0)); d1 = ror16(_mm_xor_si128(d1, a1));       \
		c0 = blamka(c0, d0); c1 = blamka(c1, d1);                                   \
		b0 = ror63(_mm_xor_si128(b0, c0)); b1 = ror63(_mm_xor_si128(b1, c1));       \
	} while (0)

/* (hi64 of y, lo64 of x) */
#define MIX(x, y) _mm_alignr_epi8((x), (y), 8)

/* P on one state, s[j] = (v_2j, v_2j+1): the same steps as the AVX2 p2. */
SSSE3_INLINE void p1(__m128i *s)
{
	__m128i a0 = s[0], a1 = s[1], b0 = s[2], b1 = s[3];
	__m128i c0 = s[4], c1 = s[5], d0 = s[6], d1 = s[7], t;

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

#define LD128(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define ST128(p, x) _mm_storeu_si128((__m128i *)(void *)(p), (x))

SSSE3_TARGET void ld_argon2_g_ssse3(block *next, const block *prev, const block *ref,
				    int with_xor, const struct ld_argon2_next *nx)
{
	uint64_t r[128] __attribute__((aligned(16))), q[128] __attribute__((aligned(16)));
	__m128i s[8];
	int i, j;

	/* Row i: (v_2j, v_2j+1) = words 16i + 2j, 16i + 2j + 1 of R = prev ^ ref. */
	for (i = 0; i < 8; i++) {
		for (j = 0; j < 8; j++) {
			s[j] = _mm_xor_si128(LD128(prev->v + 16 * i + 2 * j),
					     LD128(ref->v + 16 * i + 2 * j));
			ST128(r + 16 * i + 2 * j, s[j]);
		}
		p1(s);
		for (j = 0; j < 8; j++)
			ST128(q + 16 * i + 2 * j, s[j]);
	}
	/* Column i: (v_2j, v_2j+1) = words 2i + 16j, 2i + 16j + 1. */
	for (i = 0; i < 8; i++) {
		for (j = 0; j < 8; j++)
			s[j] = LD128(q + 2 * i + 16 * j);
		p1(s);
		for (j = 0; j < 8; j++) {
			uint64_t *o = next->v + 2 * i + 16 * j;
			__m128i z = _mm_xor_si128(s[j], LD128(r + 2 * i + 16 * j));

			if (with_xor)
				z = _mm_xor_si128(z, LD128(o));
			ST128(o, z);
		}
		/* Word 0 of the new block is final: start fetching the next block's
		 * reference while the other columns are computed. */
		if (i == 0 && nx != NULL)
			ld_argon2_prefetch(ld_argon2_ref(nx->inst, &nx->pos, next->v[0]));
	}
}
#endif
