/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Hashes, HMAC, PBKDF2, ld_wipe/ld_ct_equal: published vectors (FIPS 180 examples,
 * the RIPEMD-160 authors' list, RFC 2202/2286/4231 HMAC, RFC 6070 PBKDF2-SHA1,
 * RFC 7914 section 11 PBKDF2-SHA256), then randomized comparison with OpenSSL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/kdf_ref.h"
#include "common/testutil.h"
#include "crypto/crypto.h"

/* ---- hash vectors ---------------------------------------------------------------- */

static const char M448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char M896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			   "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

static const struct {
	ld_hash_alg alg;
	const char *msg; /* NULL: one million 'a' */
	const char *digest;
} hash_vec[] = {
	{ LD_HASH_SHA1, "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
	{ LD_HASH_SHA1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
	{ LD_HASH_SHA1, M448, "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	{ LD_HASH_SHA1, NULL, "34aa973cd4c4daa4f61eeb2bdbad27316534016f" },
	{ LD_HASH_SHA256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ LD_HASH_SHA256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ LD_HASH_SHA256, M448, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ LD_HASH_SHA256, NULL, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
	{ LD_HASH_SHA512, "abc",
	  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
	{ LD_HASH_SHA512, "",
	  "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
	  "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" },
	{ LD_HASH_SHA512, M896,
	  "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
	  "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909" },
	{ LD_HASH_SHA512, NULL,
	  "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
	  "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b" },
	{ LD_HASH_RIPEMD160, "", "9c1185a5c5e9fc54612808977ee8f548b2258d31" },
	{ LD_HASH_RIPEMD160, "abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc" },
	{ LD_HASH_RIPEMD160, "message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36" },
	{ LD_HASH_RIPEMD160, M448, "12a053384a9c0c88e405a06c27dcf49ada62eb2b" },
	{ LD_HASH_RIPEMD160, NULL, "52783243c1697bdbe16d37f97f68f08325dc1528" },
};

static void test_hash_vectors(void **state)
{
	static uint8_t million[1000000];
	uint8_t d[LD_HASH_MAX_SIZE];

	(void)state;
	memset(million, 'a', sizeof(million));
	for (size_t i = 0; i < sizeof(hash_vec) / sizeof(hash_vec[0]); i++) {
		const uint8_t *m = hash_vec[i].msg ? (const uint8_t *)hash_vec[i].msg : million;
		size_t n = hash_vec[i].msg ? strlen(hash_vec[i].msg) : sizeof(million);
		ld_hash_ctx c;

		memset(d, 0, sizeof(d));
		assert_int_equal(ld_hash(hash_vec[i].alg, m, n, d), LD_OK);
		tu_expect_hex(d, ld_hash_size(hash_vec[i].alg), hash_vec[i].digest);
		/* The same through the incremental API, fed in uneven pieces (1, 2, 3...). */
		assert_int_equal(ld_hash_init(&c, hash_vec[i].alg), LD_OK);
		for (size_t off = 0, step = 1; off < n; off += step, step = step % 200 + 1)
			assert_int_equal(ld_hash_update(&c, m + off, step < n - off ? step : n - off), LD_OK);
		memset(d, 0, sizeof(d));
		assert_int_equal(ld_hash_final(&c, d), LD_OK);
		tu_expect_hex(d, ld_hash_size(hash_vec[i].alg), hash_vec[i].digest);
	}
}

static void test_hash_names(void **state)
{
	static const char *names[] = { "sha1", "sha256", "sha512", "ripemd160" };
	static const size_t sizes[] = { 20, 32, 64, 20 };
	ld_hash_alg a;

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(ld_hash_from_name(names[i], strlen(names[i]), &a), LD_OK);
		assert_int_equal(a, (ld_hash_alg)i);
		assert_string_equal(ld_hash_name(a), names[i]);
		assert_int_equal(ld_hash_size(a), sizes[i]);
	}
	assert_int_equal(ld_hash_from_name("sha384", 6, &a), LD_ERR_UNSUPPORTED);
	assert_int_equal(ld_hash_from_name("whirlpool", 9, &a), LD_ERR_UNSUPPORTED);
	assert_int_equal(ld_hash_from_name("sha2567", 6, &a), LD_OK); /* len bounds the name */
	assert_int_equal(ld_hash_from_name("sha25", 5, &a), LD_ERR_UNSUPPORTED);
	assert_int_equal(ld_hash_from_name("", 0, &a), LD_ERR_UNSUPPORTED);
	assert_int_equal(ld_hash_size((ld_hash_alg)7), 0);
	assert_null(ld_hash_name((ld_hash_alg)7));
	assert_int_equal(ld_hash_block_size(LD_HASH_SHA512), 128);
	assert_int_equal(ld_hash_block_size(LD_HASH_SHA256), 64);
}

/* ld_hash_each for every algorithm (SHA-256's pairs are in test_crypto_sha256.c, on each
 * path): digests against OpenSSL's, and the arguments it refuses. */
static void test_hash_each(void **state)
{
	static uint8_t blocks[5 * 700];
	uint8_t pre[100], suf[100], out[5 * LD_HASH_MAX_SIZE], want[EVP_MAX_MD_SIZE];
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	unsigned int n;

	(void)state;
	assert_non_null(x);
	tu_rand_seed();
	for (int round = 0; round < 200; round++) {
		ld_hash_alg alg = (ld_hash_alg)(round % 4);
		size_t hs = ld_hash_size(alg), count = tu_rand_below(6), len = tu_rand_below(701);
		size_t prelen = tu_rand_below(101), suflen = tu_rand_below(101);

		tu_rand_bytes(pre, prelen);
		tu_rand_bytes(suf, suflen);
		tu_rand_bytes(blocks, count * len);
		assert_int_equal(ld_hash_each(alg, pre, prelen, blocks, len, count, suf, suflen,
					      out), LD_OK);
		for (size_t i = 0; i < count; i++) {
			assert_int_equal(EVP_DigestInit_ex(x, tu_ossl_md(alg), NULL), 1);
			assert_int_equal(EVP_DigestUpdate(x, pre, prelen), 1);
			assert_int_equal(EVP_DigestUpdate(x, blocks + i * len, len), 1);
			assert_int_equal(EVP_DigestUpdate(x, suf, suflen), 1);
			assert_int_equal(EVP_DigestFinal_ex(x, want, &n), 1);
			assert_memory_equal(out + hs * i, want, hs);
		}
	}
	EVP_MD_CTX_free(x);
	assert_int_equal(ld_hash_each(LD_HASH_SHA256, NULL, 0, NULL, 4096, 0, NULL, 0, out), LD_OK);
	assert_int_equal(ld_hash_each((ld_hash_alg)7, NULL, 0, blocks, 1, 1, NULL, 0, out),
			 LD_ERR_INVALID);
	assert_int_equal(ld_hash_each(LD_HASH_SHA256, NULL, 1, blocks, 1, 1, NULL, 0, out),
			 LD_ERR_INVALID);
	assert_int_equal(ld_hash_each(LD_HASH_SHA256, NULL, 0, blocks, 1, 1, NULL, 1, out),
			 LD_ERR_INVALID);
	assert_int_equal(ld_hash_each(LD_HASH_SHA256, NULL, 0, NULL, 0, 1, NULL, 0, out),
			 LD_ERR_INVALID);
	assert_int_equal(ld_hash_each(LD_HASH_SHA256, NULL, 0, blocks, 1, 1, NULL, 0, NULL),
			 LD_ERR_INVALID);
	/* count blocks, or count digests, beyond size_t */
	assert_int_equal(ld_hash_each(LD_HASH_SHA256, NULL, 0, blocks, 4096, SIZE_MAX / 4096 + 1,
				      NULL, 0, out), LD_ERR_INVALID);
	assert_int_equal(ld_hash_each(LD_HASH_SHA256, NULL, 0, blocks, 0, SIZE_MAX / 32 + 1, NULL,
				      0, out), LD_ERR_INVALID);
}

/* ---- HMAC vectors ---------------------------------------------------------------- */

static void test_hmac_vectors(void **state)
{
	static const char jefe_msg[] = "what do ya want for nothing?";
	static const char big_msg[] = "Test Using Larger Than Block-Size Key - Hash Key First";
	uint8_t big_key[131], d[LD_HASH_MAX_SIZE];
	const uint8_t *jefe = (const uint8_t *)"Jefe";

	(void)state;
	/* RFC 2202 2, RFC 4231 2 and RFC 2286 2: key "Jefe". */
	assert_int_equal(ld_hmac(LD_HASH_SHA1, jefe, 4, jefe_msg, strlen(jefe_msg), d), LD_OK);
	tu_expect_hex(d, 20, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
	assert_int_equal(ld_hmac(LD_HASH_SHA256, jefe, 4, jefe_msg, strlen(jefe_msg), d), LD_OK);
	tu_expect_hex(d, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	assert_int_equal(ld_hmac(LD_HASH_SHA512, jefe, 4, jefe_msg, strlen(jefe_msg), d), LD_OK);
	tu_expect_hex(d, 64, "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
			  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
	assert_int_equal(ld_hmac(LD_HASH_RIPEMD160, jefe, 4, jefe_msg, strlen(jefe_msg), d), LD_OK);
	tu_expect_hex(d, 20, "dda6c0213a485a9e24f4742064a7f033b43c4069");
	/* RFC 4231 test case 6: a 131-byte key is hashed first. */
	memset(big_key, 0xaa, sizeof(big_key));
	assert_int_equal(ld_hmac(LD_HASH_SHA256, big_key, sizeof(big_key), big_msg,
				 strlen(big_msg), d), LD_OK);
	tu_expect_hex(d, 32, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	assert_int_equal(ld_hmac(LD_HASH_SHA512, big_key, sizeof(big_key), big_msg,
				 strlen(big_msg), d), LD_OK);
	tu_expect_hex(d, 64, "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
			  "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598");
}

/* ---- PBKDF2 vectors (common/kdf_ref.c) ---------------------------------------- */

struct prog {
	uint64_t calls, last_done, total;
	int monotonic;
};

static void prog_cb(void *ctx, uint64_t done, uint64_t total)
{
	struct prog *p = ctx;

	if (done < p->last_done || done > total || (p->total && p->total != total))
		p->monotonic = 0;
	p->calls++;
	p->last_done = done;
	p->total = total;
}

static void test_pbkdf2_vectors(void **state)
{
	uint8_t dk[128];

	(void)state;
	for (size_t i = 0; i < tu_pbkdf2_nvec; i++) {
		const struct tu_pbkdf2_vector *v = &tu_pbkdf2_vec[i];
		size_t n = strlen(v->dk) / 2, hs = ld_hash_size(v->alg);
		struct prog p = { 0, 0, 0, 1 };

		memset(dk, 0, sizeof(dk));
		assert_int_equal(ld_pbkdf2(v->alg, (const uint8_t *)v->pw, v->pwlen,
					   (const uint8_t *)v->salt, v->saltlen, v->iter, dk, n,
					   prog_cb, &p), LD_OK);
		tu_expect_hex(dk, n, v->dk);
		/* Progress ends at done == total == blocks * iterations. */
		assert_true(p.monotonic);
		assert_int_equal(p.total, (uint64_t)((n + hs - 1) / hs) * v->iter);
		assert_int_equal(p.last_done, p.total);
	}
}

static void test_pbkdf2_bad_args(void **state)
{
	uint8_t dk[32];

	(void)state;
	assert_int_equal(ld_pbkdf2(LD_HASH_SHA256, (const uint8_t *)"p", 1, (const uint8_t *)"s",
				   1, 0, dk, 32, NULL, NULL), LD_ERR_INVALID);
	assert_int_equal(ld_pbkdf2(LD_HASH_SHA256, (const uint8_t *)"p", 1, (const uint8_t *)"s",
				   1, 1, dk, 0, NULL, NULL), LD_ERR_INVALID);
	assert_int_equal(ld_pbkdf2((ld_hash_alg)9, (const uint8_t *)"p", 1, (const uint8_t *)"s",
				   1, 1, dk, 32, NULL, NULL), LD_ERR_INVALID);
	assert_int_equal(ld_pbkdf2(LD_HASH_SHA256, NULL, 1, (const uint8_t *)"s", 1, 1, dk, 32,
				   NULL, NULL), LD_ERR_INVALID);
}

/* ---- randomized comparison with OpenSSL ------------------------------------------ */

static void test_random_vs_openssl(void **state)
{
	static uint8_t msg[3000], key[300], salt[100];
	uint8_t a[128], b[128];
	unsigned int bl;

	(void)state;
	tu_rand_seed();
	for (int round = 0; round < 400; round++) {
		ld_hash_alg alg = (ld_hash_alg)tu_rand_below(4);
		const EVP_MD *md = tu_ossl_md(alg);
		size_t hs = ld_hash_size(alg);
		size_t mlen = tu_rand_below(sizeof(msg) + 1), klen = tu_rand_below(sizeof(key) + 1);

		assert_non_null(md);
		tu_rand_bytes(msg, mlen);
		tu_rand_bytes(key, klen);
		assert_int_equal(ld_hash(alg, msg, mlen, a), LD_OK);
		assert_int_equal(EVP_Digest(msg, mlen, b, &bl, md, NULL), 1);
		assert_int_equal(bl, hs);
		assert_memory_equal(a, b, hs);

		assert_int_equal(ld_hmac(alg, key, klen, msg, mlen, a), LD_OK);
		assert_non_null(HMAC(md, key, (int)klen, msg, mlen, b, &bl));
		assert_memory_equal(a, b, hs);

		if (round % 8 == 0) {
			size_t slen = tu_rand_below(sizeof(salt) + 1);
			size_t plen = tu_rand_below(200);
			size_t dlen = 1 + tu_rand_below(sizeof(a));
			uint32_t it = 1 + tu_rand_below(3000);

			tu_rand_bytes(salt, slen);
			assert_int_equal(ld_pbkdf2(alg, key, plen, salt, slen, it, a, dlen, NULL, NULL), LD_OK);
			assert_int_equal(PKCS5_PBKDF2_HMAC((const char *)key, (int)plen, salt, (int)slen,
							   (int)it, md, (int)dlen, b), 1);
			assert_memory_equal(a, b, dlen);
		}
	}
}

/* ---- wipe, constant-time compare, strerror --------------------------------------- */

static void test_common(void **state)
{
	uint8_t x[40], y[40];

	(void)state;
	memset(x, 0x5a, sizeof(x));
	ld_wipe(x + 3, 30);
	for (size_t i = 0; i < sizeof(x); i++)
		assert_int_equal(x[i], (i >= 3 && i < 33) ? 0 : 0x5a);
	ld_wipe(NULL, 5); /* harmless */

	tu_rand_bytes(x, sizeof(x));
	memcpy(y, x, sizeof(y));
	assert_int_equal(ld_ct_equal(x, y, sizeof(x)), 1);
	assert_int_equal(ld_ct_equal(x, y, 0), 1);
	for (size_t i = 0; i < sizeof(x); i++) {
		for (int bit = 0; bit < 8; bit++) {
			y[i] ^= (uint8_t)(1u << bit);
			assert_int_equal(ld_ct_equal(x, y, sizeof(x)), 0);
			y[i] ^= (uint8_t)(1u << bit);
		}
	}
	assert_string_equal(ld_strerror(LD_OK), "success");
	assert_string_equal(ld_strerror(LD_ERR_UNSUPPORTED), "unsupported feature");
	assert_string_equal(ld_strerror(12345), "unknown error");
	for (int e = LD_ERR_CORRUPT; e <= LD_OK; e++)
		assert_string_not_equal(ld_strerror(e), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_vectors),
		cmocka_unit_test(test_hash_names),
		cmocka_unit_test(test_hash_each),
		cmocka_unit_test(test_hmac_vectors),
		cmocka_unit_test(test_pbkdf2_vectors),
		cmocka_unit_test(test_pbkdf2_bad_args),
		cmocka_unit_test(test_random_vs_openssl),
		cmocka_unit_test(test_common),
	};
	return cmocka_run_group_tests_name("crypto_hash", tests, NULL, NULL);
}
