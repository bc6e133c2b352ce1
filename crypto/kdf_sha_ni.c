/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* SHA-1 and SHA-256 compression with the x86 SHA extensions (SHA-NI), on native-integer
 * state and message words as in kdf_sha.h.  Written with compiler intrinsics under a
 * function-level target attribute, so the file builds for every flavour (the firmware
 * build included: the intrinsics headers are GCC's own, usable freestanding) and the
 * code only runs when ld_kdf_cpu_features() reports LD_KDF_CPU_SHA.  It uses XMM
 * registers only, whose state UEFI firmware always enables.
 *
 * Register layouts are the ones the instructions define (Intel SDM, SHA1RNDS4 and
 * SHA256RNDS2): SHA-1 keeps A,B,C,D in one register with A in the top lane and E in the
 * top lane of another; SHA-256 keeps (A,B,E,F) and (C,D,G,H).  The two-block forms run
 * two independent states through the same round sequence so that the dependent
 * round instructions of one chain overlap with the other's. */
#include "crypto/kdf_sha.h"

#if defined(LD_HAVE_SHA_NI)
#include <immintrin.h>

#define NI_TARGET __attribute__((target("sha,ssse3,sse4.1")))
#define NI_INLINE static inline __attribute__((always_inline)) NI_TARGET

/* ---- SHA-1 -------------------------------------------------------------------------- */

/* Four rounds of group g (0..19) for state n; e holds the previous group's saved ABCD. */
#define SHA1_GROUP(g, F)                                                                    \
	do {                                                                                \
		for (int n = 0; n < nb; n++) {                                              \
			if ((g) >= 4) /* W[4g..4g+3] from the four previous groups */       \
				m[n][(g) & 3] = _mm_sha1msg2_epu32(                         \
					_mm_xor_si128(_mm_sha1msg1_epu32(m[n][(g) & 3],     \
									 m[n][((g) + 1) & 3]), \
						      m[n][((g) + 2) & 3]),                 \
					m[n][((g) + 3) & 3]);                               \
			__m128i x = (g) == 0 ? _mm_add_epi32(e[n], m[n][0])                 \
					     : _mm_sha1nexte_epu32(e[n], m[n][(g) & 3]);    \
			e[n] = abcd[n];                                                     \
			abcd[n] = _mm_sha1rnds4_epu32(abcd[n], x, F);                       \
		}                                                                           \
	} while (0)

NI_INLINE void sha1_ni(uint32_t *st[2], const uint32_t *w[2], const int nb)
{
	__m128i abcd[2], e[2], abcd0[2], e0[2], m[2][4];

	for (int n = 0; n < nb; n++) {
		/* A in the top lane: reverse the word order of st[0..3] and of each message
		 * quarter (W[4g] must be in the top lane too). */
		abcd[n] = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)st[n]), 0x1b);
		e[n] = _mm_set_epi32((int)st[n][4], 0, 0, 0);
		abcd0[n] = abcd[n];
		e0[n] = e[n];
		for (int q = 0; q < 4; q++)
			m[n][q] = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(w[n] + 4 * q)),
						    0x1b);
	}
	SHA1_GROUP(0, 0); SHA1_GROUP(1, 0); SHA1_GROUP(2, 0); SHA1_GROUP(3, 0);
	SHA1_GROUP(4, 0); SHA1_GROUP(5, 1); SHA1_GROUP(6, 1); SHA1_GROUP(7, 1);
	SHA1_GROUP(8, 1); SHA1_GROUP(9, 1); SHA1_GROUP(10, 2); SHA1_GROUP(11, 2);
	SHA1_GROUP(12, 2); SHA1_GROUP(13, 2); SHA1_GROUP(14, 2); SHA1_GROUP(15, 3);
	SHA1_GROUP(16, 3); SHA1_GROUP(17, 3); SHA1_GROUP(18, 3); SHA1_GROUP(19, 3);
	for (int n = 0; n < nb; n++) {
		/* E after round 79 is rotl30(A saved before the last group), plus E in. */
		e[n] = _mm_sha1nexte_epu32(e[n], e0[n]);
		abcd[n] = _mm_add_epi32(abcd[n], abcd0[n]);
		_mm_storeu_si128((__m128i *)st[n], _mm_shuffle_epi32(abcd[n], 0x1b));
		st[n][4] = (uint32_t)_mm_extract_epi32(e[n], 3);
	}
}

NI_TARGET void ld_sha1_compress_ni(uint32_t st[5], const uint32_t w[16])
{
	uint32_t *s[2] = { st, st };
	const uint32_t *m[2] = { w, w };

	sha1_ni(s, m, 1);
}

NI_TARGET void ld_sha1_compress2_ni(uint32_t sa[5], const uint32_t wa[16], uint32_t sb[5],
				    const uint32_t wb[16])
{
	uint32_t *s[2] = { sa, sb };
	const uint32_t *m[2] = { wa, wb };

	sha1_ni(s, m, 2);
}

/* ---- SHA-256 ------------------------------------------------------------------------ */

/* Rounds 4g..4g+3 (g = 0..15) for every state; from g = 4 on, the schedule first turns
 * the register holding W[4g-16..] into W[4g..4g+3]. */
#define SHA256_GROUP(g)                                                                     \
	do {                                                                                \
		const __m128i k = _mm_load_si128((const __m128i *)(ld_sha256_k + 4 * (g))); \
		for (int n = 0; n < nb; n++) {                                              \
			if ((g) >= 4) {                                                     \
				__m128i t = _mm_alignr_epi8(m[n][((g) + 3) & 3],            \
							    m[n][((g) + 2) & 3], 4);        \
				m[n][(g) & 3] = _mm_sha256msg2_epu32(                       \
					_mm_add_epi32(_mm_sha256msg1_epu32(m[n][(g) & 3],   \
									   m[n][((g) + 1) & 3]), \
						      t),                                   \
					m[n][((g) + 3) & 3]);                               \
			}                                                                   \
			__m128i x = _mm_add_epi32(m[n][(g) & 3], k);                        \
			s1[n] = _mm_sha256rnds2_epu32(s1[n], s0[n], x);                     \
			s0[n] = _mm_sha256rnds2_epu32(s0[n], s1[n], _mm_shuffle_epi32(x, 0x0e)); \
		}                                                                           \
	} while (0)

/* The chaining state as the round instruction takes it: (A,B,E,F) and (C,D,G,H), A in
 * the top lane. */
NI_INLINE void sha256_state_in(const uint32_t *st, __m128i *abef, __m128i *cdgh)
{
	__m128i dcba = _mm_loadu_si128((const __m128i *)st);
	__m128i hgfe = _mm_loadu_si128((const __m128i *)(st + 4));
	__m128i cdab = _mm_shuffle_epi32(dcba, 0xb1);
	__m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);

	*abef = _mm_alignr_epi8(cdab, efgh, 8);
	*cdgh = _mm_blend_epi16(efgh, cdab, 0xf0);
}

NI_INLINE void sha256_state_out(uint32_t *st, __m128i abef, __m128i cdgh)
{
	__m128i feba = _mm_shuffle_epi32(abef, 0x1b);
	__m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);

	_mm_storeu_si128((__m128i *)st, _mm_blend_epi16(feba, dchg, 0xf0));
	_mm_storeu_si128((__m128i *)(st + 4), _mm_alignr_epi8(dchg, feba, 8));
}

/* One compression for each of nb states (s0, s1 in the layout above) over its message
 * m[n][0..3] (W[0..15], W[4q] in the low lane of m[n][q]); m is consumed by the
 * schedule.  The input state is added at the end (FIPS 180-4 6.2.2 step 4). */
NI_INLINE void sha256_rounds(__m128i s0[2], __m128i s1[2], __m128i m[2][4], const int nb)
{
	__m128i in0[2], in1[2];

	for (int n = 0; n < nb; n++) {
		in0[n] = s0[n];
		in1[n] = s1[n];
	}
	SHA256_GROUP(0); SHA256_GROUP(1); SHA256_GROUP(2); SHA256_GROUP(3);
	SHA256_GROUP(4); SHA256_GROUP(5); SHA256_GROUP(6); SHA256_GROUP(7);
	SHA256_GROUP(8); SHA256_GROUP(9); SHA256_GROUP(10); SHA256_GROUP(11);
	SHA256_GROUP(12); SHA256_GROUP(13); SHA256_GROUP(14); SHA256_GROUP(15);
	for (int n = 0; n < nb; n++) {
		s0[n] = _mm_add_epi32(s0[n], in0[n]);
		s1[n] = _mm_add_epi32(s1[n], in1[n]);
	}
}

/* Native message words, as PBKDF2 keeps them. */
NI_INLINE void sha256_ni(uint32_t *st[2], const uint32_t *w[2], const int nb)
{
	__m128i s0[2], s1[2], m[2][4];

	for (int n = 0; n < nb; n++) {
		sha256_state_in(st[n], &s0[n], &s1[n]);
		for (int q = 0; q < 4; q++)
			m[n][q] = _mm_loadu_si128((const __m128i *)(w[n] + 4 * q));
	}
	sha256_rounds(s0, s1, m, nb);
	for (int n = 0; n < nb; n++)
		sha256_state_out(st[n], s0[n], s1[n]);
}

NI_TARGET void ld_sha256_compress_ni(uint32_t st[8], const uint32_t w[16])
{
	uint32_t *s[2] = { st, st };
	const uint32_t *m[2] = { w, w };

	sha256_ni(s, m, 1);
}

NI_TARGET void ld_sha256_compress2_ni(uint32_t sa[8], const uint32_t wa[16], uint32_t sb[8],
				      const uint32_t wb[16])
{
	uint32_t *s[2] = { sa, sb };
	const uint32_t *m[2] = { wa, wb };

	sha256_ni(s, m, 2);
}

/* Message bytes as they are in the message: nblocks blocks of 64 bytes for each of nb
 * states, the state kept in registers from one block to the next.  PSHUFB turns each
 * big-endian word into a lane. */
NI_INLINE void sha256_blocks_ni(uint32_t *st[2], const uint8_t *p[2], size_t nblocks,
				const int nb)
{
	const __m128i be = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
	__m128i s0[2], s1[2], m[2][4];
	size_t off = 0;

	for (int n = 0; n < nb; n++)
		sha256_state_in(st[n], &s0[n], &s1[n]);
	for (; nblocks; nblocks--, off += 64) {
		for (int n = 0; n < nb; n++)
			for (int q = 0; q < 4; q++)
				m[n][q] = _mm_shuffle_epi8(
					_mm_loadu_si128((const __m128i *)(p[n] + off + 16 * q)), be);
		sha256_rounds(s0, s1, m, nb);
	}
	for (int n = 0; n < nb; n++)
		sha256_state_out(st[n], s0[n], s1[n]);
}

NI_TARGET void ld_sha256_blocks_ni(uint32_t st[8], const uint8_t *p, size_t nblocks)
{
	uint32_t *s[2] = { st, st };
	const uint8_t *m[2] = { p, p };

	sha256_blocks_ni(s, m, nblocks, 1);
}

NI_TARGET void ld_sha256_blocks2_ni(uint32_t sa[8], const uint8_t *pa, uint32_t sb[8],
				    const uint8_t *pb, size_t nblocks)
{
	uint32_t *s[2] = { sa, sb };
	const uint8_t *m[2] = { pa, pb };

	sha256_blocks_ni(s, m, nblocks, 2);
}
#endif
