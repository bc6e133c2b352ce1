/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Argon2's compression function G (RFC 9106 section 3.5) with AVX-512F, written from the
 * RFC; kdf_argon2_avx2.c describes G itself.  The layout differs from the AVX2 one.
 *
 * A ZMM register holds the same quarter (a, b, c or d) of two P states, one per 256-bit
 * half; two register sets make four P run at once.  The diagonal step rotates 64-bit
 * lanes within each 256-bit half (VPERMQ with an immediate), rotations use VPRORQ.
 * Gathering the quarters of two rows or two columns from memory, and scattering them
 * back, is one two-source permute (VPERMT2Q) per register.
 *
 * Runs only when ld_kdf_cpu_features() reports LD_KDF_CPU_AVX512 (AVX-512F, and XCR0
 * enables the opmask and ZMM state). */
#include "crypto/kdf_argon2.h"

#if defined(LD_HAVE_ARGON2_SIMD)
/* tests/unit/test_crypto_argon2_avx512.c compiles this file against a plain-C model of
 * the intrinsics it uses, to check the data movement on CPUs without AVX-512. */
#if !defined(LD_AVX512_MODEL)
#include <immintrin.h>
#define AVX512_TARGET __attribute__((target("avx512f")))
#else
#define AVX512_TARGET
#endif
#define AVX512_INLINE static inline __attribute__((always_inline)) AVX512_TARGET

AVX512_INLINE __m512i blamka(__m512i x, __m512i y)
{
	__m512i p = _mm512_mul_epu32(x, y);

	return _mm512_add_epi64(_mm512_add_epi64(x, y), _mm512_add_epi64(p, p));
}

#define GB(a, b, c, d)                                                                      \
	do {                                                                                \
		a = blamka(a, b);                                                           \
		d = _mm512_ror_epi64(_mm512_xor_si512(d, a), 32);                           \
		c = blamka(c, d);                                                           \
		b = _mm512_ror_epi64(_mm512_xor_si512(b, c), 24);                           \
		a = blamka(a, b);                                                           \
		d = _mm512_ror_epi64(_mm512_xor_si512(d, a), 16);                           \
		c = blamka(c, d);                                                           \
		b = _mm512_ror_epi64(_mm512_xor_si512(b, c), 63);                           \
	} while (0)

/* Within each 256-bit half: lane k of b/c/d moves to lane k-1/k-2/k-3 (mod 4), and back. */
#define DIAG(b, c, d)                                                                       \
	do {                                                                                \
		b = _mm512_permutex_epi64(b, _MM_SHUFFLE(0, 3, 2, 1));                      \
		c = _mm512_permutex_epi64(c, _MM_SHUFFLE(1, 0, 3, 2));                      \
		d = _mm512_permutex_epi64(d, _MM_SHUFFLE(2, 1, 0, 3));                      \
	} while (0)
#define UNDIAG(b, c, d)                                                                     \
	do {                                                                                \
		b = _mm512_permutex_epi64(b, _MM_SHUFFLE(2, 1, 0, 3));                      \
		c = _mm512_permutex_epi64(c, _MM_SHUFFLE(1, 0, 3, 2));                      \
		d = _mm512_permutex_epi64(d, _MM_SHUFFLE(0, 3, 2, 1));                      \
	} while (0)

/* Four P states: s[0..3] = a, b, c, d of states 0 and 1, s[4..7] of states 2 and 3. */
AVX512_INLINE void p4(__m512i *s)
{
	__m512i a0 = s[0], b0 = s[1], c0 = s[2], d0 = s[3];
	__m512i a1 = s[4], b1 = s[5], c1 = s[6], d1 = s[7];

	GB(a0, b0, c0, d0);
	GB(a1, b1, c1, d1);
	DIAG(b0, c0, d0);
	DIAG(b1, c1, d1);
	GB(a0, b0, c0, d0);
	GB(a1, b1, c1, d1);
	UNDIAG(b0, c0, d0);
	UNDIAG(b1, c1, d1);
	s[0] = a0; s[1] = b0; s[2] = c0; s[3] = d0;
	s[4] = a1; s[5] = b1; s[6] = c1; s[7] = d1;
}

#define LD512(p) _mm512_loadu_si512((const void *)(p))
#define ST512(p, x) _mm512_storeu_si512((void *)(p), (x))

AVX512_TARGET void ld_argon2_g_avx512(block *next, const block *prev, const block *ref,
				      int with_xor, const struct ld_argon2_next *nx)
{
	uint64_t r[128] __attribute__((aligned(64))), q[128] __attribute__((aligned(64)));
	/* Low 256 bits of the first source, then low 256 of the second / high and high. */
	const __m512i lo_lo = _mm512_setr_epi64(0, 1, 2, 3, 8, 9, 10, 11);
	const __m512i hi_hi = _mm512_setr_epi64(4, 5, 6, 7, 12, 13, 14, 15);
	/* Columns: 128-bit pieces of two sources interleaved, and the inverse. */
	const __m512i col_a = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
	const __m512i col_b = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
	const __m512i uncol_a = _mm512_setr_epi64(0, 1, 4, 5, 8, 9, 12, 13);
	const __m512i uncol_b = _mm512_setr_epi64(2, 3, 6, 7, 10, 11, 14, 15);
	__m512i s[8], x[8];
	int i, j;

	/* Rows 4i..4i+3: x[2k] = words 0..7 (a, b) and x[2k+1] = words 8..15 (c, d) of row
	 * 4i+k; s pairs rows (4i, 4i+1) and (4i+2, 4i+3). */
	for (i = 0; i < 8; i += 4) {
		for (j = 0; j < 8; j++) {
			x[j] = _mm512_xor_si512(LD512(prev->v + 16 * i + 8 * j),
						LD512(ref->v + 16 * i + 8 * j));
			ST512(r + 16 * i + 8 * j, x[j]);
		}
		for (j = 0; j < 2; j++) {
			__m512i ab0 = x[4 * j], cd0 = x[4 * j + 1];
			__m512i ab1 = x[4 * j + 2], cd1 = x[4 * j + 3];

			s[4 * j + 0] = _mm512_permutex2var_epi64(ab0, lo_lo, ab1);
			s[4 * j + 1] = _mm512_permutex2var_epi64(ab0, hi_hi, ab1);
			s[4 * j + 2] = _mm512_permutex2var_epi64(cd0, lo_lo, cd1);
			s[4 * j + 3] = _mm512_permutex2var_epi64(cd0, hi_hi, cd1);
		}
		p4(s);
		for (j = 0; j < 2; j++) {
			/* row 4i+2j: (a, b) = low halves, (c, d) = low halves; row +1: highs */
			ST512(q + 16 * (i + 2 * j) + 0,
			      _mm512_permutex2var_epi64(s[4 * j], lo_lo, s[4 * j + 1]));
			ST512(q + 16 * (i + 2 * j) + 8,
			      _mm512_permutex2var_epi64(s[4 * j + 2], lo_lo, s[4 * j + 3]));
			ST512(q + 16 * (i + 2 * j) + 16,
			      _mm512_permutex2var_epi64(s[4 * j], hi_hi, s[4 * j + 1]));
			ST512(q + 16 * (i + 2 * j) + 24,
			      _mm512_permutex2var_epi64(s[4 * j + 2], hi_hi, s[4 * j + 3]));
		}
	}
	/* Columns i..i+3: x[k] = words 2i + 16k .. 2i + 16k + 7, i.e. (v_2k, v_2k+1) of each
	 * of the four columns; s pairs columns (i, i+1) and (i+2, i+3). */
	for (i = 0; i < 8; i += 4) {
		for (j = 0; j < 8; j++)
			x[j] = LD512(q + 2 * i + 16 * j);
		for (j = 0; j < 4; j++) {
			/* quarter j of columns (i, i+1) and (i+2, i+3) from x[2j], x[2j+1] */
			s[j] = _mm512_permutex2var_epi64(x[2 * j], col_a, x[2 * j + 1]);
			s[4 + j] = _mm512_permutex2var_epi64(x[2 * j], col_b, x[2 * j + 1]);
		}
		p4(s);
		for (j = 0; j < 4; j++) {
			x[2 * j] = _mm512_permutex2var_epi64(s[j], uncol_a, s[4 + j]);
			x[2 * j + 1] = _mm512_permutex2var_epi64(s[j], uncol_b, s[4 + j]);
		}
		for (j = 0; j < 8; j++) {
			uint64_t *o = next->v + 2 * i + 16 * j;
			__m512i z = _mm512_xor_si512(x[j], LD512(r + 2 * i + 16 * j));

			if (with_xor)
				z = _mm512_xor_si512(z, LD512(o));
			ST512(o, z);
		}
		/* Word 0 of the new block is final: start fetching the next block's
		 * reference while the other columns are computed. */
		if (i == 0 && nx != NULL)
			ld_argon2_prefetch(ld_argon2_ref(nx->inst, &nx->pos, next->v[0]));
	}
}
#endif
