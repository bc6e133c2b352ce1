/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Argon2i / Argon2id: RFC 9106 section 5 test vectors, a randomized comparison with the
 * host's libargon2 (Debian's build of the same reference code, run with threads = 1),
 * progress reporting, the caller's allocator, and rejected parameters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <argon2.h>
#include <cmocka.h>

#include "common/kdf_ref.h"
#include "common/testutil.h"
#include "crypto/crypto.h"
#include "crypto/kdf_cpu.h"

struct prog {
	uint64_t calls, last_done, total;
	int monotonic;
};

static void prog_cb(void *ctx, uint64_t done, uint64_t total)
{
	struct prog *p = ctx;

	if (done != p->last_done + 1 || (p->total && p->total != total))
		p->monotonic = 0;
	p->calls++;
	p->last_done = done;
	p->total = total;
}

/* RFC 9106 5.2 and 5.3 (common/kdf_ref.h), with progress: 3 passes x 4 slices. */
static void test_rfc9106(void **state)
{
	const struct tu_rfc9106_vector *v = tu_rfc9106_vec;
	struct tu_rfc9106 in;
	uint8_t tag[32];

	(void)state;
	tu_rfc9106_inputs(&in);
	for (size_t i = 0; i < 2; i++) {
		struct prog p = { 0, 0, 0, 1 };

		memset(tag, 0, sizeof(tag));
		assert_int_equal(ld_argon2_keyed(v[i].type, TU_RFC9106_T, TU_RFC9106_M, TU_RFC9106_P,
						 in.pw, sizeof(in.pw), in.salt, sizeof(in.salt),
						 in.secret, sizeof(in.secret), in.ad, sizeof(in.ad),
						 tag, sizeof(tag), &tu_alloc, prog_cb, &p), LD_OK);
		tu_expect_hex(tag, sizeof(tag), v[i].tag);
		assert_int_equal(p.calls, 12);
		assert_int_equal(p.total, 12);
		assert_int_equal(p.last_done, 12);
		assert_true(p.monotonic);
		assert_int_equal(tu_alloc_live(), 0);
		assert_int_equal(tu_alloc_unwiped(), 0); /* secrets wiped before free */
	}
}

static void test_random_vs_libargon2(void **state)
{
	uint8_t pw[128], salt[64], secret[32], ad[32], a[128], b[128];

	(void)state;
	tu_rand_seed();
	for (int round = 0; round < 40; round++) {
		int id = (int)tu_rand_below(2);
		uint32_t lanes = 1 + tu_rand_below(4);
		uint32_t t = 1 + tu_rand_below(3);
		uint32_t m = 8 * lanes + tu_rand_below(300); /* not always a multiple of 4p */
		size_t pwlen = tu_rand_below(sizeof(pw) + 1);
		size_t saltlen = 8 + tu_rand_below(sizeof(salt) - 7);
		size_t outlen = 4 + tu_rand_below(sizeof(a) - 3);
		size_t seclen = (round % 3 == 0) ? tu_rand_below(sizeof(secret) + 1) : 0;
		size_t adlen = (round % 5 == 0) ? tu_rand_below(sizeof(ad) + 1) : 0;

		tu_rand_bytes(pw, pwlen);
		tu_rand_bytes(salt, saltlen);
		tu_rand_bytes(secret, seclen);
		tu_rand_bytes(ad, adlen);
		memset(a, 0, sizeof(a));
		memset(b, 0xff, sizeof(b));
		assert_int_equal(ld_argon2_keyed(id ? LD_ARGON2ID : LD_ARGON2I, t, m, lanes, pw, pwlen,
						 salt, saltlen, seclen ? secret : NULL, seclen,
						 adlen ? ad : NULL, adlen, a, outlen, &tu_alloc, NULL,
						 NULL), LD_OK);
		assert_int_equal(tu_ref_argon2(id ? Argon2_id : Argon2_i, t, m, lanes, 1, pw, pwlen,
					       salt, saltlen, secret, seclen, ad, adlen, b,
					       outlen), ARGON2_OK);
		assert_memory_equal(a, b, outlen);
		assert_int_equal(tu_alloc_live(), 0);
	assert_int_equal(tu_alloc_unwiped(), 0); /* secrets wiped before free */
	}
	/* The plain entry point is the keyed one without K and X (what LUKS2 uses):
	 * LUKS2-like shape, 4 lanes, 32-byte key. */
	tu_rand_bytes(pw, 20);
	tu_rand_bytes(salt, 32);
	assert_int_equal(ld_argon2(LD_ARGON2ID, 4, 1024, 4, pw, 20, salt, 32, a, 32, &tu_alloc, NULL,
				   NULL), LD_OK);
	assert_int_equal(tu_ref_argon2(Argon2_id, 4, 1024, 4, 1, pw, 20, salt, 32, NULL, 0, NULL, 0, b,
				       32), ARGON2_OK);
	assert_memory_equal(a, b, 32);
}

static void test_allocator(void **state)
{
	uint8_t salt[16] = { 0 }, out[32];

	(void)state;
	/* Exactly one allocation of m' KiB: m = 100, p = 3 -> m' = 4*3*floor(100/12) = 96. */
	tu_alloc_failing(1);
	assert_int_equal(ld_argon2(LD_ARGON2ID, 1, 100, 3, (const uint8_t *)"pw", 2, salt, 16, out,
				   32, &tu_alloc, NULL, NULL), LD_ERR_NOMEM);
	tu_alloc_failing(0);
	assert_int_equal(tu_alloc_live(), 0);
	assert_int_equal(tu_alloc_unwiped(), 0); /* secrets wiped before free */
}

static void test_bad_params(void **state)
{
	uint8_t salt[16] = { 0 }, out[32];
	const uint8_t *pw = (const uint8_t *)"pw";

	(void)state;
	/* salt shorter than 8 bytes */
	assert_int_equal(ld_argon2(LD_ARGON2I, 1, 64, 1, pw, 2, salt, 7, out, 32, &tu_alloc, NULL,
				   NULL), LD_ERR_INVALID);
	/* no passes, no lanes, too little memory for the lanes, tag under 4 bytes */
	assert_int_equal(ld_argon2(LD_ARGON2I, 0, 64, 1, pw, 2, salt, 16, out, 32, &tu_alloc, NULL,
				   NULL), LD_ERR_INVALID);
	assert_int_equal(ld_argon2(LD_ARGON2I, 1, 64, 0, pw, 2, salt, 16, out, 32, &tu_alloc, NULL,
				   NULL), LD_ERR_INVALID);
	assert_int_equal(ld_argon2(LD_ARGON2I, 1, 31, 4, pw, 2, salt, 16, out, 32, &tu_alloc, NULL,
				   NULL), LD_ERR_INVALID);
	assert_int_equal(ld_argon2(LD_ARGON2I, 1, 64, 1, pw, 2, salt, 16, out, 3, &tu_alloc, NULL,
				   NULL), LD_ERR_INVALID);
	/* Argon2d is not used by LUKS and not offered */
	assert_int_equal(ld_argon2((ld_argon2_type)0, 1, 64, 1, pw, 2, salt, 16, out, 32, &tu_alloc,
				   NULL, NULL), LD_ERR_UNSUPPORTED);
	assert_int_equal(ld_argon2(LD_ARGON2I, 1, 64, 1, pw, 2, salt, 16, out, 32, NULL, NULL, NULL),
			 LD_ERR_INVALID);
	assert_int_equal(tu_alloc_live(), 0);
	assert_int_equal(tu_alloc_unwiped(), 0); /* secrets wiped before free */
}

/* Stack residue.  The reference's fill_block() keeps two 1 KiB blocks on the stack
 * (R = ref ^ prev and its permutation, whose XOR is the block just written) and
 * blake2b_compress() the last 128 bytes it hashed; after the final block that is enough
 * to recompute the tag, i.e. the keyslot's area key.  Firmware stacks are not wiped at
 * handoff, so ld_argon2 must leave none of it behind.  The test paints the stack below
 * this frame, derives a key, and then looks for the 1 KiB window with the most
 * random-looking words (top 16 bits set, not the paint): the pointers and counters that
 * ordinary frames leave score nothing, a leftover block scores about 128. */
#define STACK_SCAN (48u * 1024)

static __attribute__((noinline)) void stack_paint(uint8_t v)
{
	volatile uint8_t buf[STACK_SCAN];
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = v;
}

/* Reading what earlier calls left in this frame is the point, hence no initialiser. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
static __attribute__((noinline)) size_t stack_densest_window(uint8_t v)
{
	volatile uint64_t buf[STACK_SCAN / 8];
	uint64_t paint = 0x0101010101010101ull * v;
	size_t i, run = 0, best = 0;
	static uint8_t other[STACK_SCAN / 8]; /* not in this frame: buf must be the only local */

	for (i = 0; i < STACK_SCAN / 8; i++) {
		uint64_t w = buf[i];
		/* Random data has a non-zero top 16 bits; user-space pointers, return
		 * addresses, sizes and counters that frames leave behind do not. */
		other[i] = (w >> 48) != 0 && w != paint;
	}
	/* most "other" words in any window of 128 consecutive words */
	for (i = 0; i < STACK_SCAN / 8; i++) {
		run += other[i];
		if (i >= 128)
			run -= other[i - 128];
		if (run > best)
			best = run;
	}
	return best;
}
#pragma GCC diagnostic pop

static __attribute__((noinline)) int derive_once(ld_argon2_type type, uint32_t lanes)
{
	static const uint8_t salt[32] = "0123456789abcdef0123456789abcdef";
	uint8_t out[32];
	int r = ld_argon2(type, 2, 64, lanes, (const uint8_t *)"secret", 6, salt, sizeof(salt), out,
			  sizeof(out), &tu_alloc, NULL, NULL);

	memset(out, 0, sizeof(out)); /* the output is the caller's to wipe */
	return r;
}

static void test_stack_wiped(void **state)
{
	static const struct { ld_argon2_type type; uint32_t lanes; } cases[] = {
		{ LD_ARGON2ID, 1 }, { LD_ARGON2I, 1 }, { LD_ARGON2ID, 4 },
	};
	size_t i, before, after;

	/* Every compression path this CPU has (kdf_cpu.h): the reference's and ours. */
	static const uint32_t paths[] = { 0, LD_KDF_CPU_SSSE3, LD_KDF_CPU_AVX2, LD_KDF_CPU_AVX512 };

	(void)state;
	for (size_t k = 0; k < sizeof(paths) / sizeof(paths[0]); k++) {
		if (ld_kdf_cpu_allow(paths[k]) != LD_OK) {
			printf("# stack wipe: path %s not offered by this CPU, not run\n",
			       ld_kdf_cpu_name(paths[k]));
			continue;
		}
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			stack_paint(0xa5);
			before = stack_densest_window(0xa5);
			stack_paint(0xa5);
			assert_int_equal(derive_once(cases[i].type, cases[i].lanes), LD_OK);
			after = stack_densest_window(0xa5);
			if (after > before + 8)
				fail_msg("path %s, case %zu: a 1 KiB stack window holds %zu (was %zu) "
					 "of 128 words that look random after ld_argon2",
					 ld_kdf_cpu_name(paths[k]), i, after, before);
		}
	}
	assert_int_equal(ld_kdf_cpu_allow(LD_KDF_CPU_ALL), LD_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc9106),
		cmocka_unit_test(test_random_vs_libargon2),
		cmocka_unit_test(test_allocator),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_stack_wiped),
	};
	return cmocka_run_group_tests_name("crypto_argon2", tests, NULL, NULL);
}
