/* Argon2's compression function G (RFC 9106 section 3.5) with AVX2, written from the RFC.
 *
 * G(X, Y): R = X ^ Y, seen as an 8x8 matrix of 16-byte registers; the permutation P
 * (eight BlaMka-modified BLAKE2b G applications on 16 words v0..v15) is applied to each
 * row of R, then to each column of the result, giving Z; the output is Z ^ R.
 *
 * One P works on four YMM registers a = v0..v3, b = v4..v7, c = v8..v11, d = v12..v15:
 * GB on lanes k = 0..3 is the column step GB(v_k, v_4+k, v_8+k, v_12+k); rotating b, c, d
 * by one, two and three lanes lines up the diagonal step, and rotating back restores
 * the order.  Two independent P run side by side (two rows, or two columns) so that
 * their dependency chains overlap.  A row is 16 consecutive words; column i is words
 * 2i, 2i+1, 2i+16, 2i+17, ..., 2i+113: for columns i and i+1 each group of 4 consecutive
 * words holds two words of each, which 128-bit lane moves separate and recombine.
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

/* GB on four lanes at once, for two independent states. */
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

/* Lane k of b/c/d moves to lane k-1/k-2/k-3 (mod 4), and back. */
#define DIAG(b, c, d)                                                                       \
	do {                                                                                \
		b = _mm256_permute4x64_epi64(b, _MM_SHUFFLE(0, 3, 2, 1));                   \
		c = _mm256_permute4x64_epi64(c, _MM_SHUFFLE(1, 0, 3, 2));                   \
		d = _mm256_permute4x64_epi64(d, _MM_SHUFFLE(2, 1, 0, 3));                   \
	} while (0)
#define UNDIAG(b, c, d)                                                                     \
	do {                                                                                \
		b = _mm256_permute4x64_epi64(b, _MM_SHUFFLE(2, 1, 0, 3));                   \
		c = _mm256_permute4x64_epi64(c, _MM_SHUFFLE(1, 0, 3, 2));                   \
		d = _mm256_permute4x64_epi64(d, _MM_SHUFFLE(0, 3, 2, 1));                   \
	} while (0)

/* P on two 16-word states, s0[0..3] and s1[0..3] (a, b, c, d each). */
AVX2_INLINE void p2(__m256i *s0, __m256i *s1)
{
	__m256i a0 = s0[0], b0 = s0[1], c0 = s0[2], d0 = s0[3];
	__m256i a1 = s1[0], b1 = s1[1], c1 = s1[2], d1 = s1[3];

	GB2(a0, b0, c0, d0, a1, b1, c1, d1);
	DIAG(b0, c0, d0);
	DIAG(b1, c1, d1);
	GB2(a0, b0, c0, d0, a1, b1, c1, d1);
	UNDIAG(b0, c0, d0);
	UNDIAG(b1, c1, d1);
	s0[0] = a0; s0[1] = b0; s0[2] = c0; s0[3] = d0;
	s1[0] = a1; s1[1] = b1; s1[2] = c1; s1[3] = d1;
}

#define LD256(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define ST256(p, x) _mm256_storeu_si256((__m256i *)(void *)(p), (x))

AVX2_TARGET void ld_argon2_g_avx2(block *next, const block *prev, const block *ref,
				  int with_xor, const struct ld_argon2_next *nx)
{
	/* r = prev ^ ref (kept for the final XOR), q = the matrix between the two passes. */
	uint64_t r[128] __attribute__((aligned(32))), q[128] __attribute__((aligned(32)));
	__m256i s0[4], s1[4];
	int i, j;

	/* Rows 2i and 2i+1. */
	for (i = 0; i < 8; i += 2) {
		for (j = 0; j < 4; j++) {
			s0[j] = _mm256_xor_si256(LD256(prev->v + 16 * i + 4 * j),
						 LD256(ref->v + 16 * i + 4 * j));
			s1[j] = _mm256_xor_si256(LD256(prev->v + 16 * i + 16 + 4 * j),
						 LD256(ref->v + 16 * i + 16 + 4 * j));
			ST256(r + 16 * i + 4 * j, s0[j]);
			ST256(r + 16 * i + 16 + 4 * j, s1[j]);
		}
		p2(s0, s1);
		for (j = 0; j < 4; j++) {
			ST256(q + 16 * i + 4 * j, s0[j]);
			ST256(q + 16 * i + 16 + 4 * j, s1[j]);
		}
	}
	/* Columns i and i+1: x[k] = words 2i + 16k .. 2i + 16k + 3, i.e. (v_2k, v_2k+1) of
	 * column i in the low 128 bits and of column i+1 in the high 128 bits. */
	for (i = 0; i < 8; i += 2) {
		__m256i x[8];

		for (j = 0; j < 8; j++)
			x[j] = LD256(q + 2 * i + 16 * j);
		for (j = 0; j < 4; j++) {
			s0[j] = _mm256_permute2x128_si256(x[2 * j], x[2 * j + 1], 0x20);
			s1[j] = _mm256_permute2x128_si256(x[2 * j], x[2 * j + 1], 0x31);
		}
		p2(s0, s1);
		for (j = 0; j < 4; j++) {
			x[2 * j] = _mm256_permute2x128_si256(s0[j], s1[j], 0x20);
			x[2 * j + 1] = _mm256_permute2x128_si256(s0[j], s1[j], 0x31);
		}
		for (j = 0; j < 8; j++) {
			uint64_t *o = next->v + 2 * i + 16 * j;
			__m256i z = _mm256_xor_si256(x[j], LD256(r + 2 * i + 16 * j));

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
