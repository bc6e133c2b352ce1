/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Portable SHA-1, SHA-256 and SHA-512 compression functions (FIPS 180-4 section 6) on
 * native-integer state and message words; see kdf_sha.h for why they exist.  The round
 * constants and initial values were generated from their definitions in FIPS 180-4
 * section 4.2.2/4.2.3 and 5.3 (fractional parts of cube and square roots of the first
 * primes), not copied from another implementation. */
#include "crypto/kdf_sha.h"

#include "base/common.h"
#include "base/endian.h"

const uint32_t ld_sha1_iv[5] = { 0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u };
const uint32_t ld_sha256_iv[8] = {
	0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au, 0x510e527fu, 0x9b05688cu,
	0x1f83d9abu, 0x5be0cd19u,
};
const uint64_t ld_sha512_iv[8] = {
	0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
	0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
};

/* 16-byte aligned: the SHA-NI path (kdf_sha_ni.c) loads it four words at a time. */
const uint32_t ld_sha256_k[64] __attribute__((aligned(16))) = {
	0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u,
	0x923f82a4u, 0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u,
	0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u,
	0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
	0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u,
	0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u,
	0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
	0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
	0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au,
	0x5b9cca4fu, 0x682e6ff3u, 0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u,
	0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

static const uint64_t k512[80] = {
	0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full, 0xe9b5dba58189dbbcull,
	0x3956c25bf348b538ull, 0x59f111f1b605d019ull, 0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull,
	0xd807aa98a3030242ull, 0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
	0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull, 0xc19bf174cf692694ull,
	0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull, 0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull,
	0x2de92c6f592b0275ull, 0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
	0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full, 0xbf597fc7beef0ee4ull,
	0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull, 0x06ca6351e003826full, 0x142929670a0e6e70ull,
	0x27b70a8546d22ffcull, 0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
	0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull, 0x92722c851482353bull,
	0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull, 0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull,
	0xd192e819d6ef5218ull, 0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
	0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull, 0x34b0bcb5e19b48a8ull,
	0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull, 0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull,
	0x748f82ee5defb2fcull, 0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
	0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull, 0xc67178f2e372532bull,
	0xca273eceea26619cull, 0xd186b8c721c0c207ull, 0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull,
	0x06f067aa72176fbaull, 0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
	0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull, 0x431d67c49c100d4cull,
	0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull, 0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};

static inline uint32_t rol32(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

static inline uint32_t ror32(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static inline uint64_t ror64(uint64_t x, unsigned n)
{
	return (x >> n) | (x << (64 - n));
}

void ld_sha1_compress(uint32_t st[5], const uint32_t w[16])
{
	uint32_t m[16], a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f, k, t;
	int i;

	for (i = 0; i < 16; i++)
		m[i] = w[i];
	for (i = 0; i < 80; i++) {
		/* The schedule kept as a 16-word ring: W[i] for i >= 16 in m[i % 16]. */
		if (i >= 16)
			m[i & 15] = rol32(m[(i - 3) & 15] ^ m[(i - 8) & 15] ^ m[(i - 14) & 15] ^
					  m[i & 15], 1);
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999u;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1u;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdcu;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6u;
		}
		t = rol32(a, 5) + f + e + k + m[i & 15];
		e = d;
		d = c;
		c = rol32(b, 30);
		b = a;
		a = t;
	}
	st[0] += a;
	st[1] += b;
	st[2] += c;
	st[3] += d;
	st[4] += e;
}

/* One SHA-2 round with the working variables named, not shifted: eight rounds in a row
 * rotate the roles (FIPS 180-4 6.2.2 step 3 / 6.4.2 step 3 with renaming). */
#define SHA2_ROUND(T, S0, S1, s0a, s0b, s0c, s1a, s1b, s1c, a, b, c, d, e, f, g, h, kw)      \
	do {                                                                                \
		T t1_ = h + (S1(e, s1a, s1b, s1c)) + ((e & f) ^ (~e & g)) + (kw);           \
		T t2_ = (S0(a, s0a, s0b, s0c)) + ((a & b) ^ (a & c) ^ (b & c));             \
		d += t1_;                                                                   \
		h = t1_ + t2_;                                                              \
	} while (0)

#define SIG32(x, p, q, r) (ror32(x, p) ^ ror32(x, q) ^ ror32(x, r))
#define SIG64(x, p, q, r) (ror64(x, p) ^ ror64(x, q) ^ ror64(x, r))

#define R256(a, b, c, d, e, f, g, h, i)                                                      \
	SHA2_ROUND(uint32_t, SIG32, SIG32, 2, 13, 22, 6, 11, 25, a, b, c, d, e, f, g, h,    \
		   ld_sha256_k[i] + m[(i) & 15])
#define R512(a, b, c, d, e, f, g, h, i)                                                      \
	SHA2_ROUND(uint64_t, SIG64, SIG64, 28, 34, 39, 14, 18, 41, a, b, c, d, e, f, g, h,  \
		   k512[i] + m[(i) & 15])

/* Message schedule W[i] (i >= 16) in a ring of 16 words. */
#define SCHED256(i)                                                                          \
	(m[(i) & 15] += (ror32(m[((i) - 15) & 15], 7) ^ ror32(m[((i) - 15) & 15], 18) ^        \
			 (m[((i) - 15) & 15] >> 3)) + m[((i) - 7) & 15] +                      \
			(ror32(m[((i) - 2) & 15], 17) ^ ror32(m[((i) - 2) & 15], 19) ^         \
			 (m[((i) - 2) & 15] >> 10)))
#define SCHED512(i)                                                                          \
	(m[(i) & 15] += (ror64(m[((i) - 15) & 15], 1) ^ ror64(m[((i) - 15) & 15], 8) ^         \
			 (m[((i) - 15) & 15] >> 7)) + m[((i) - 7) & 15] +                      \
			(ror64(m[((i) - 2) & 15], 19) ^ ror64(m[((i) - 2) & 15], 61) ^         \
			 (m[((i) - 2) & 15] >> 6)))

/* Fully unrolled rounds keep the schedule ring in registers (about 10% faster here). */
#if defined(__clang__)
#define UNROLL_ROUNDS _Pragma("unroll")
#else
#define UNROLL_ROUNDS _Pragma("GCC unroll 16")
#endif

#define EIGHT(R, i)                                                                          \
	do {                                                                                \
		R(a, b, c, d, e, f, g, h, (i) + 0);                                         \
		R(h, a, b, c, d, e, f, g, (i) + 1);                                         \
		R(g, h, a, b, c, d, e, f, (i) + 2);                                         \
		R(f, g, h, a, b, c, d, e, (i) + 3);                                         \
		R(e, f, g, h, a, b, c, d, (i) + 4);                                         \
		R(d, e, f, g, h, a, b, c, (i) + 5);                                         \
		R(c, d, e, f, g, h, a, b, (i) + 6);                                         \
		R(b, c, d, e, f, g, h, a, (i) + 7);                                         \
	} while (0)

/* One compression: m[16] holds W[0..15] and is used as the schedule ring. */
static inline __attribute__((always_inline)) void sha256_rounds(uint32_t st[8], uint32_t m[16])
{
	uint32_t a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6],
		 h = st[7];
	int i, j;

	UNROLL_ROUNDS
	for (i = 0; i < 64; i += 8) {
		if (i >= 16) {
			UNROLL_ROUNDS
			for (j = i; j < i + 8; j++)
				SCHED256(j);
		}
		EIGHT(R256, i);
	}
	st[0] += a;
	st[1] += b;
	st[2] += c;
	st[3] += d;
	st[4] += e;
	st[5] += f;
	st[6] += g;
	st[7] += h;
}

void ld_sha256_compress(uint32_t st[8], const uint32_t w[16])
{
	uint32_t m[16];
	int i;

	for (i = 0; i < 16; i++)
		m[i] = w[i];
	sha256_rounds(st, m);
}

void ld_sha256_blocks(uint32_t st[8], const uint8_t *p, size_t nblocks)
{
	uint32_t m[16];
	int i;

	for (; nblocks; nblocks--, p += 64) {
		for (i = 0; i < 16; i++)
			m[i] = ld_be32(p + 4 * i);
		sha256_rounds(st, m);
	}
	ld_wipe(m, sizeof(m)); /* the last block's schedule: message-derived */
}

void ld_sha512_compress(uint64_t st[8], const uint64_t w[16])
{
	uint64_t m[16], a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5],
			g = st[6], h = st[7];
	int i, j;

	for (i = 0; i < 16; i++)
		m[i] = w[i];
	UNROLL_ROUNDS
	for (i = 0; i < 80; i += 8) {
		if (i >= 16) {
			UNROLL_ROUNDS
			for (j = i; j < i + 8; j++)
				SCHED512(j);
		}
		EIGHT(R512, i);
	}
	st[0] += a;
	st[1] += b;
	st[2] += c;
	st[3] += d;
	st[4] += e;
	st[5] += f;
	st[6] += g;
	st[7] += h;
}
