/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Every KDF code path of this CPU, one cmocka test per path: SHA-1/SHA-256 hashing
 * (ld_hash: SHA-1's block function is crypto/sha_alt.c, SHA-256 is crypto/sha256.c; more
 * SHA-256 in test_crypto_sha256.c) portable and SHA-NI, PBKDF2 portable and SHA-NI,
 * Argon2 portable, SSSE3, AVX2, AVX-512, and lanes run on threads (tools/lt_kdf.c) on
 * each.  Each path is forced with ld_kdf_cpu_allow() and checked against published
 * vectors, against OpenSSL's PKCS5_PBKDF2_HMAC or the host libargon2, and against the
 * portable path.
 *
 * A path this CPU (or its OS) lacks is not registered: it is printed as a TAP comment
 * "# not run: ..." and counts neither as passed nor as failed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "common/kdf_ref.h"
#include "common/testutil.h"
#include "crypto/crypto.h"
#include "crypto/kdf_cpu.h"
#include "tools/lt_kdf.h"

static void force(uint32_t mask)
{
	assert_int_equal(ld_kdf_cpu_allow(mask), LD_OK);
	assert_int_equal(ld_kdf_cpu_features(), mask);
}

static int restore(void **state)
{
	(void)state;
	return ld_kdf_cpu_allow(LD_KDF_CPU_ALL);
}

/* ---- PBKDF2 ----------------------------------------------------------------------- */

static void pbkdf2_path(uint32_t mask)
{
	/* Key lengths around one and two digests of every hash, and long multi-block ones. */
	static const size_t dklens[] = { 1, 16, 20, 31, 32, 33, 40, 41, 63, 64, 65, 96, 128, 129, 200 };
	static const uint32_t iters[] = { 1, 2, 3, 4095, 4096, 4097 };
	uint8_t pw[300], salt[100], a[256], b[256], c[256];

	tu_rand_seed();
	force(mask);
	for (size_t i = 0; i < tu_pbkdf2_nvec; i++) {
		const struct tu_pbkdf2_vector *v = &tu_pbkdf2_vec[i];
		size_t n = strlen(v->dk) / 2;

		assert_int_equal(ld_pbkdf2(v->alg, (const uint8_t *)v->pw, v->pwlen,
					   (const uint8_t *)v->salt, v->saltlen, v->iter, a, n, NULL,
					   NULL), LD_OK);
		tu_expect_hex(a, n, v->dk);
	}
	for (int round = 0; round < 120; round++) {
		ld_hash_alg alg = (ld_hash_alg)(round % 4);
		size_t dlen = dklens[tu_rand_below(sizeof(dklens) / sizeof(dklens[0]))];
		/* Passwords longer than the hash block (64 or 128 bytes) are hashed first. */
		size_t plen = tu_rand_below(sizeof(pw) + 1), slen = tu_rand_below(sizeof(salt) + 1);
		uint32_t it = round < 24 ? iters[round % 6] : 1 + tu_rand_below(3000);

		tu_rand_bytes(pw, plen);
		tu_rand_bytes(salt, slen);
		memset(a, 0, sizeof(a));
		assert_int_equal(ld_pbkdf2(alg, pw, plen, salt, slen, it, a, dlen, NULL, NULL), LD_OK);
		assert_int_equal(PKCS5_PBKDF2_HMAC((const char *)pw, (int)plen, salt, (int)slen,
						   (int)it, tu_ossl_md(alg), (int)dlen, b), 1);
		assert_memory_equal(a, b, dlen);
		/* The same through the portable path. */
		force(0);
		assert_int_equal(ld_pbkdf2(alg, pw, plen, salt, slen, it, c, dlen, NULL, NULL), LD_OK);
		force(mask);
		assert_memory_equal(a, c, dlen);
	}
}

static void test_pbkdf2_portable(void **state)
{
	(void)state;
	pbkdf2_path(0);
}

static void test_pbkdf2_sha(void **state)
{
	(void)state;
	pbkdf2_path(LD_KDF_CPU_SHA);
}

/* ---- ld_hash on each block-function path ------------------------------------------ */

/* FIPS 180-4 examples (NIST's SHA-1/SHA-256 example values): one block, two blocks. */
static const struct {
	ld_hash_alg alg;
	const char *msg, *md;
} hash_vec[] = {
	{ LD_HASH_SHA1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
	{ LD_HASH_SHA1, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	{ LD_HASH_SHA256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ LD_HASH_SHA256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
};

static void hash_path(uint32_t mask)
{
	static uint8_t msg[5000];
	uint8_t a[LD_HASH_MAX_SIZE], b[EVP_MAX_MD_SIZE];
	char hex[2 * LD_HASH_MAX_SIZE + 1];
	unsigned int blen;

	tu_rand_seed();
	force(mask);
	for (size_t i = 0; i < sizeof(hash_vec) / sizeof(hash_vec[0]); i++) {
		assert_int_equal(ld_hash(hash_vec[i].alg, hash_vec[i].msg, strlen(hash_vec[i].msg), a),
				 LD_OK);
		tu_hex(a, ld_hash_size(hash_vec[i].alg), hex);
		assert_string_equal(hex, hash_vec[i].md);
	}
	/* Lengths around the padding boundaries and long ones, fed in random pieces. */
	for (int round = 0; round < 400; round++) {
		ld_hash_alg alg = round & 1 ? LD_HASH_SHA256 : LD_HASH_SHA1;
		size_t len = round < 140 ? (size_t)round : tu_rand_below(sizeof(msg) + 1), off = 0;
		ld_hash_ctx c;

		tu_rand_bytes(msg, len);
		assert_int_equal(ld_hash_init(&c, alg), LD_OK);
		while (off < len) {
			size_t n = 1 + tu_rand_below(len - off < 200 ? len - off : 200);
			assert_int_equal(ld_hash_update(&c, msg + off, n), LD_OK);
			off += n;
		}
		assert_int_equal(ld_hash_final(&c, a), LD_OK);
		assert_int_equal(EVP_Digest(msg, len, b, &blen, tu_ossl_md(alg), NULL), 1);
		assert_int_equal(blen, ld_hash_size(alg));
		assert_memory_equal(a, b, blen);
	}
}

static void test_hash_portable(void **state)
{
	(void)state;
	hash_path(0);
}

static void test_hash_sha(void **state)
{
	(void)state;
	hash_path(LD_KDF_CPU_SHA);
}

/* ---- Argon2 ----------------------------------------------------------------------- */

/* RFC 9106 5.2 and 5.3 (common/kdf_ref.h) through par. */
static void argon2_rfc(const ld_parallel *par)
{
	const struct tu_rfc9106_vector *v = tu_rfc9106_vec;
	struct tu_rfc9106 in;
	uint8_t tag[32];

	tu_rfc9106_inputs(&in);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(ld_argon2_keyed_par(v[i].type, TU_RFC9106_T, TU_RFC9106_M,
						     TU_RFC9106_P, in.pw, sizeof(in.pw), in.salt,
						     sizeof(in.salt), in.secret, sizeof(in.secret),
						     in.ad, sizeof(in.ad), tag, sizeof(tag), &tu_alloc,
						     par, NULL, NULL), LD_OK);
		tu_expect_hex(tag, sizeof(tag), v[i].tag);
	}
	assert_int_equal(tu_alloc_live(), 0);
	assert_int_equal(tu_alloc_unwiped(), 0);
}

/* Random parameters against libargon2 and against the portable path, through par. */
static void argon2_random(uint32_t mask, const ld_parallel *par, uint32_t threads, int rounds)
{
	uint8_t pw[128], salt[64], secret[32], ad[32], a[128], b[128], c[128];

	tu_rand_seed();
	for (int round = 0; round < rounds; round++) {
		int id = round % 2;
		uint32_t lanes = 1 + tu_rand_below(4);
		uint32_t t = 1 + tu_rand_below(3);
		/* m not always a multiple of 4p; sometimes several address blocks (argon2i
		 * uses one per 128 blocks of a segment) */
		uint32_t m = 8 * lanes + tu_rand_below(round % 4 == 0 ? 2200 : 300);
		size_t pwlen = tu_rand_below(sizeof(pw) + 1);
		size_t saltlen = 8 + tu_rand_below(sizeof(salt) - 7);
		size_t outlen = 4 + tu_rand_below(sizeof(a) - 3);
		size_t seclen = (round % 3 == 0) ? tu_rand_below(sizeof(secret) + 1) : 0;
		size_t adlen = (round % 5 == 0) ? tu_rand_below(sizeof(ad) + 1) : 0;
		ld_argon2_type type = id ? LD_ARGON2ID : LD_ARGON2I;

		tu_rand_bytes(pw, pwlen);
		tu_rand_bytes(salt, saltlen);
		tu_rand_bytes(secret, seclen);
		tu_rand_bytes(ad, adlen);
		memset(a, 0, sizeof(a));
		assert_int_equal(ld_argon2_keyed_par(type, t, m, lanes, pw, pwlen, salt, saltlen,
						     seclen ? secret : NULL, seclen,
						     adlen ? ad : NULL, adlen, a, outlen, &tu_alloc,
						     par, NULL, NULL), LD_OK);
		assert_int_equal(tu_ref_argon2(id ? Argon2_id : Argon2_i, t, m, lanes, threads, pw,
					    pwlen, salt, saltlen, secret, seclen, ad, adlen, b,
					    outlen), ARGON2_OK);
		assert_memory_equal(a, b, outlen);
		force(0);
		assert_int_equal(ld_argon2_keyed_par(type, t, m, lanes, pw, pwlen, salt, saltlen,
						     seclen ? secret : NULL, seclen,
						     adlen ? ad : NULL, adlen, c, outlen, &tu_alloc,
						     NULL, NULL, NULL), LD_OK);
		force(mask);
		assert_memory_equal(a, c, outlen);
		assert_int_equal(tu_alloc_live(), 0);
		assert_int_equal(tu_alloc_unwiped(), 0);
	}
}

static void argon2_path(uint32_t mask)
{
	force(mask);
	argon2_rfc(NULL);
	argon2_random(mask, NULL, 1, 30);
}

static void test_argon2_portable(void **state)
{
	(void)state;
	argon2_path(0);
}

static void test_argon2_ssse3(void **state)
{
	(void)state;
	argon2_path(LD_KDF_CPU_SSSE3);
}

static void test_argon2_avx2(void **state)
{
	(void)state;
	argon2_path(LD_KDF_CPU_AVX2);
}

static void test_argon2_avx512(void **state)
{
	(void)state;
	argon2_path(LD_KDF_CPU_AVX512);
}

/* A runner that refuses: the core must then run the lanes itself. */
static int refuse_run(void *ctx, uint32_t n, void (*fn)(void *arg, uint32_t i), void *arg)
{
	(void)n;
	(void)fn;
	(void)arg;
	++*(int *)ctx;
	return LD_ERR_UNSUPPORTED;
}

/* Lanes on 2, 3 and 4 threads, on every compression path this CPU has. */
static void test_argon2_threads(void **state)
{
	static const uint32_t paths[] = { 0, LD_KDF_CPU_SSSE3, LD_KDF_CPU_AVX2, LD_KDF_CPU_AVX512 };
	uint32_t have = ld_kdf_cpu_detected();
	int refused = 0;
	ld_parallel refuse = { refuse_run, &refused };

	(void)state;
	for (size_t k = 0; k < sizeof(paths) / sizeof(paths[0]); k++) {
		if ((paths[k] & have) != paths[k])
			continue; /* that path's own test is reported as not run */
		for (uint32_t threads = 2; threads <= 4; threads++) {
			ld_parallel par = lt_parallel_threads(&threads);

			force(paths[k]);
			argon2_rfc(&par);
			argon2_random(paths[k], &par, threads, 8);
		}
	}
	assert_int_equal(ld_kdf_cpu_allow(LD_KDF_CPU_ALL), LD_OK);
	argon2_rfc(&refuse);
	assert_true(refused >= 4 * 3); /* asked at every slice with more than one lane */

	/* ld_argon2_set_parallel: the runner ld_argon2 uses without being given one. */
	{
		uint32_t threads = 3;
		ld_parallel par = lt_parallel_threads(&threads);
		uint8_t salt[16] = "0123456789abcdef", a[32], b[32];

		refused = 0;
		ld_argon2_set_parallel(&refuse);
		assert_int_equal(ld_argon2(LD_ARGON2ID, 2, 256, 4, (const uint8_t *)"pw", 2, salt,
					   16, a, 32, &tu_alloc, NULL, NULL), LD_OK);
		assert_int_equal(refused, 2 * 4); /* every slice went to the default runner */
		ld_argon2_set_parallel(&par);
		assert_int_equal(ld_argon2(LD_ARGON2ID, 2, 256, 4, (const uint8_t *)"pw", 2, salt,
					   16, b, 32, &tu_alloc, NULL, NULL), LD_OK);
		ld_argon2_set_parallel(NULL);
		assert_memory_equal(a, b, 32);
		assert_int_equal(tu_ref_argon2(Argon2_id, 2, 256, 4, 1, (uint8_t *)"pw", 2, salt, 16,
					    NULL, 0, NULL, 0, b, 32), ARGON2_OK);
		assert_memory_equal(a, b, 32);
	}
}

/* ---- registration ----------------------------------------------------------------- */

struct path_test {
	struct CMUnitTest t;
	uint32_t needs; /* features the path runs on; 0 = always available */
	const char *what;
};

#define PATH_TEST(f, needs, what) { cmocka_unit_test_teardown(f, restore), needs, what }

int main(void)
{
	static const struct path_test all[] = {
		PATH_TEST(test_hash_portable, 0, "SHA-1/SHA-256 portable"),
		PATH_TEST(test_hash_sha, LD_KDF_CPU_SHA, "SHA-1/SHA-256 SHA-NI"),
		PATH_TEST(test_pbkdf2_portable, 0, "PBKDF2 portable"),
		PATH_TEST(test_pbkdf2_sha, LD_KDF_CPU_SHA, "PBKDF2 SHA-NI"),
		PATH_TEST(test_argon2_portable, 0, "Argon2 portable"),
		PATH_TEST(test_argon2_ssse3, LD_KDF_CPU_SSSE3, "Argon2 SSSE3"),
		PATH_TEST(test_argon2_avx2, LD_KDF_CPU_AVX2, "Argon2 AVX2"),
		PATH_TEST(test_argon2_avx512, LD_KDF_CPU_AVX512, "Argon2 AVX-512"),
		PATH_TEST(test_argon2_threads, 0, "Argon2 lanes on threads"),
	};
	struct CMUnitTest run[sizeof(all) / sizeof(all[0])];
	size_t n = 0;
	uint32_t have = ld_kdf_cpu_detected();

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if ((all[i].needs & have) == all[i].needs)
			run[n++] = all[i].t;
		else
			printf("# not run: %s (this CPU or its OS does not offer it)\n", all[i].what);
	}
	return _cmocka_run_group_tests("crypto_kdf_paths", run, n, NULL, NULL);
}
