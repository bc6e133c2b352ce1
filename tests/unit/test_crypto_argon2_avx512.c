/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The AVX-512 Argon2 compression (crypto/kdf_argon2_avx512.c) on any x86-64 CPU: the file
 * is compiled here against a plain-C model of the few AVX-512F intrinsics it uses
 * (written from Intel's intrinsics guide: VPMULUDQ, VPADDQ, VPXORQ, VPRORQ, VPERMQ with
 * an immediate, VPERMT2Q, unaligned loads and stores), and its G is compared with a
 * scalar G written here from RFC 9106 section 3.5/3.6, as are the AVX2 and SSSE3 G where
 * the CPU has them (test_crypto_kdf_paths checks those against libargon2 too).
 *
 * What this proves: the row/column gathering, the diagonal rotations and the round
 * structure of the AVX-512 file are right.  It does not prove that the compiler or CPU
 * execute the real instructions as modelled; test_crypto_kdf_paths runs the real thing
 * on a CPU with AVX-512 (and reports it as not run elsewhere). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/testutil.h"
#include "crypto/kdf_cpu.h"

/* ---- the model ---------------------------------------------------------------------- */

typedef struct {
	uint64_t q[8];
} __m512i;

static __m512i _mm512_mul_epu32(__m512i a, __m512i b)
{
	for (int i = 0; i < 8; i++)
		a.q[i] = (a.q[i] & 0xffffffffu) * (b.q[i] & 0xffffffffu);
	return a;
}

static __m512i _mm512_add_epi64(__m512i a, __m512i b)
{
	for (int i = 0; i < 8; i++)
		a.q[i] += b.q[i];
	return a;
}

static __m512i _mm512_xor_si512(__m512i a, __m512i b)
{
	for (int i = 0; i < 8; i++)
		a.q[i] ^= b.q[i];
	return a;
}

static __m512i _mm512_ror_epi64(__m512i a, unsigned n)
{
	for (int i = 0; i < 8; i++)
		a.q[i] = (a.q[i] >> n) | (a.q[i] << (64 - n));
	return a;
}

/* VPERMQ zmm, imm8: within each 256-bit half, element j = half[(imm >> 2j) & 3]. */
static __m512i _mm512_permutex_epi64(__m512i a, unsigned imm)
{
	__m512i r;

	for (int h = 0; h < 8; h += 4)
		for (int j = 0; j < 4; j++)
			r.q[h + j] = a.q[h + ((imm >> (2 * j)) & 3)];
	return r;
}

/* VPERMT2Q: element j = idx bit 3 ? b[idx & 7] : a[idx & 7]. */
static __m512i _mm512_permutex2var_epi64(__m512i a, __m512i idx, __m512i b)
{
	__m512i r;

	for (int j = 0; j < 8; j++)
		r.q[j] = (idx.q[j] & 8) ? b.q[idx.q[j] & 7] : a.q[idx.q[j] & 7];
	return r;
}

static __m512i _mm512_setr_epi64(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
				 uint64_t f, uint64_t g, uint64_t h)
{
	__m512i r = { { a, b, c, d, e, f, g, h } };
	return r;
}

static __m512i _mm512_loadu_si512(const void *p)
{
	__m512i r;

	memcpy(&r, p, sizeof(r));
	return r;
}

static void _mm512_storeu_si512(void *p, __m512i a)
{
	memcpy(p, &a, sizeof(a));
}

#define _MM_SHUFFLE(a, b, c, d) (((a) << 6) | ((b) << 4) | ((c) << 2) | (d))

#define LD_AVX512_MODEL 1
#define ld_argon2_g_avx512 model_argon2_g_avx512
#include "crypto/kdf_argon2_avx512.c"
#undef ld_argon2_g_avx512

/* ---- a scalar G from RFC 9106 ------------------------------------------------------ */

static uint64_t rotr(uint64_t x, unsigned n)
{
	return (x >> n) | (x << (64 - n));
}

static uint64_t bla(uint64_t x, uint64_t y)
{
	return x + y + 2 * (x & 0xffffffffu) * (y & 0xffffffffu);
}

static void gb(uint64_t *v, int a, int b, int c, int d)
{
	v[a] = bla(v[a], v[b]);
	v[d] = rotr(v[d] ^ v[a], 32);
	v[c] = bla(v[c], v[d]);
	v[b] = rotr(v[b] ^ v[c], 24);
	v[a] = bla(v[a], v[b]);
	v[d] = rotr(v[d] ^ v[a], 16);
	v[c] = bla(v[c], v[d]);
	v[b] = rotr(v[b] ^ v[c], 63);
}

/* P on the 16 words at w[idx[0..15]]. */
static void perm(uint64_t *w, const int *idx)
{
	uint64_t v[16];

	for (int i = 0; i < 16; i++)
		v[i] = w[idx[i]];
	gb(v, 0, 4, 8, 12);
	gb(v, 1, 5, 9, 13);
	gb(v, 2, 6, 10, 14);
	gb(v, 3, 7, 11, 15);
	gb(v, 0, 5, 10, 15);
	gb(v, 1, 6, 11, 12);
	gb(v, 2, 7, 8, 13);
	gb(v, 3, 4, 9, 14);
	for (int i = 0; i < 16; i++)
		w[idx[i]] = v[i];
}

static void scalar_g(block *next, const block *prev, const block *ref, int with_xor)
{
	uint64_t r[128], q[128];
	int idx[16];

	for (int i = 0; i < 128; i++)
		r[i] = q[i] = prev->v[i] ^ ref->v[i];
	/* rows: 16 consecutive words; columns: the 16-byte registers i, i+8, ..., i+56 */
	for (int row = 0; row < 8; row++) {
		for (int k = 0; k < 16; k++)
			idx[k] = 16 * row + k;
		perm(q, idx);
	}
	for (int col = 0; col < 8; col++) {
		for (int k = 0; k < 8; k++) {
			idx[2 * k] = 2 * col + 16 * k;
			idx[2 * k + 1] = 2 * col + 16 * k + 1;
		}
		perm(q, idx);
	}
	for (int i = 0; i < 128; i++)
		next->v[i] = (with_xor ? next->v[i] : 0) ^ q[i] ^ r[i];
}

/* ---- the comparison ----------------------------------------------------------------- */

static void test_model(void **state)
{
	static block prev, ref, a, b, c, a0;
	int avx2 = (ld_kdf_cpu_detected() & LD_KDF_CPU_AVX2) != 0;
	int ssse3 = (ld_kdf_cpu_detected() & LD_KDF_CPU_SSSE3) != 0;

	(void)state;
	if (!avx2)
		printf("# AVX2 not offered: the model is compared with the scalar G only\n");
	tu_rand_seed();
	for (int round = 0; round < 300; round++) {
		int with_xor = round & 1;

		tu_rand_bytes(&prev, sizeof(prev));
		tu_rand_bytes(&ref, sizeof(ref));
		tu_rand_bytes(&a0, sizeof(a0));
		a = b = c = a0;
		model_argon2_g_avx512(&a, &prev, &ref, with_xor, NULL);
		scalar_g(&b, &prev, &ref, with_xor);
		assert_memory_equal(&a, &b, sizeof(a));
		assert_memory_not_equal(&a, &a0, sizeof(a));
		if (avx2) {
			c = a0;
			ld_argon2_g_avx2(&c, &prev, &ref, with_xor, NULL);
			assert_memory_equal(&a, &c, sizeof(a));
		}
		if (ssse3) {
			c = a0;
			ld_argon2_g_ssse3(&c, &prev, &ref, with_xor, NULL);
			assert_memory_equal(&a, &c, sizeof(a));
		}
		/* next aliasing prev, as the address-block generation does */
		a = b = prev;
		model_argon2_g_avx512(&a, &a, &ref, 0, NULL);
		scalar_g(&b, &prev, &ref, 0);
		assert_memory_equal(&a, &b, sizeof(a));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
	};
	return cmocka_run_group_tests_name("crypto_argon2_avx512_model", tests, NULL, NULL);
}
