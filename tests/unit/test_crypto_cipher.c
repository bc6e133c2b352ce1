/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* AES and the dm-crypt sector cipher.
 *  - IEEE P1619/D16 Annex B XTS-AES vectors (whole-block ones; the vectors with a
 *    partial last block need ciphertext stealing, which sectors never do), both through
 *    ld_aes_xts and through "aes-xts-plain64", whose IV is the vector's data unit number.
 *  - Randomized comparison of ECB/CBC/XTS with OpenSSL EVP.  OpenSSL has no
 *    AES-192-XTS, so that one is checked against XTS assembled here from OpenSSL's
 *    AES-192-ECB by the IEEE 1619 definition.
 *  - Every IV generator against expected data computed with OpenSSL from the IV
 *    definitions of Linux dm-crypt (drivers/md/dm-crypt.c) as restated below,
 *    independently of crypto/cipher.c.  (tests/unit/test_crypto_dmcrypt.c checks the
 *    same modes against data cryptsetup itself encrypted.)
 *  - AES-CTR: NIST SP 800-38A F.5.1 (AES-128) and random lengths, keys and counters
 *    (including a counter about to wrap its 128 bits) against OpenSSL's EVP CTR.
 *  - Malformed and unsupported specifications rejected with a message naming them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "common/cipher_ref.h"
#include "common/testutil.h"
#include "crypto/crypto.h"

/* ---- OpenSSL helpers ------------------------------------------------------------- */

static const EVP_CIPHER *ossl_cbc(size_t keylen)
{
	return keylen == 16 ? EVP_aes_128_cbc() : keylen == 24 ? EVP_aes_192_cbc() : EVP_aes_256_cbc();
}

/* ---- IEEE 1619 vectors (common/xts_ieee1619.c) ----------------------------------- */

static void test_xts_ieee1619(void **state)
{
	(void)state;
	assert_int_equal(tu_xts_ieee1619(), 12);
	assert_int_equal(tu_alloc_live(), 0);
	assert_int_equal(tu_alloc_unwiped(), 0); /* secrets wiped before free */
}

/* FIPS-197 Appendix C example vectors (one block, key 00 01 02 ..). */
static void test_aes_fips197(void **state)
{
	static const char *ct[] = { "69c4e0d86a7b0430d8cdb78070b4c55a",
				    "dda97ca4864cdfe06eaf70a0ec0d7191",
				    "8ea2b7ca516745bfeafc49904b496089" };
	uint8_t key[32], pt[16], out[16], want[16];

	(void)state;
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 16; i++)
		pt[i] = (uint8_t)(i * 0x11);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(tu_unhex(ct[k], want, 16), 0);
		assert_int_equal(ld_aes_ecb(key, 16 + 8 * (size_t)k, 1, pt, out, 16), LD_OK);
		assert_memory_equal(out, want, 16);
		assert_int_equal(ld_aes_ecb(key, 16 + 8 * (size_t)k, 0, out, out, 16), LD_OK);
		assert_memory_equal(out, pt, 16);
	}
}

static void test_aes_random_vs_openssl(void **state)
{
	static uint8_t in[4096], a[4096], b[4096];
	uint8_t key[64], iv[16];

	(void)state;
	tu_rand_seed();
	for (int round = 0; round < 300; round++) {
		size_t ks = 16 + 8 * tu_rand_below(3);
		size_t len = 16 * (1 + tu_rand_below(256));
		int enc = (int)tu_rand_below(2);

		tu_rand_bytes(key, sizeof(key));
		tu_rand_bytes(iv, sizeof(iv));
		tu_rand_bytes(in, len);
		switch (round % 3) {
		case 0:
			assert_int_equal(ld_aes_ecb(key, ks, enc, in, a, len), LD_OK);
			tu_ossl_cipher(tu_ossl_ecb(ks), key, NULL, enc, in, b, len);
			break;
		case 1:
			assert_int_equal(ld_aes_cbc(key, ks, enc, iv, in, a, len), LD_OK);
			tu_ossl_cipher(ossl_cbc(ks), key, iv, enc, in, b, len);
			break;
		default:
			/* OpenSSL refuses XTS keys whose halves are equal; random ones differ. */
			assert_int_equal(ld_aes_xts(key, 2 * ks, enc, iv, in, a, len), LD_OK);
			tu_ossl_xts(key, 2 * ks, iv, enc, in, b, len);
			break;
		}
		assert_memory_equal(a, b, len);
	}
	/* Our by-definition XTS agrees with OpenSSL's where both exist (so that the
	 * AES-192-XTS comparison above means something). */
	for (size_t ks = 16; ks <= 32; ks += 16) {
		tu_rand_bytes(key, sizeof(key));
		tu_rand_bytes(iv, sizeof(iv));
		tu_rand_bytes(in, 512);
		tu_xts_by_definition(key, 2 * ks, iv, 1, in, a, 512);
		tu_ossl_cipher(ks == 16 ? EVP_aes_128_xts() : EVP_aes_256_xts(), key, iv, 1, in, b, 512);
		assert_memory_equal(a, b, 512);
	}
}

/* NIST SP 800-38A, Appendix F.5.1 CTR-AES128.Encrypt (four blocks). */
static void test_aes_ctr_sp800_38a(void **state)
{
	static const char *pt_hex = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
				    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
	static const char *ct_hex = "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
				    "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee";
	uint8_t key[16], iv[16], pt[64], ct[64], out[64];

	(void)state;
	assert_int_equal(tu_unhex("2b7e151628aed2a6abf7158809cf4f3c", key, 16), 0);
	assert_int_equal(tu_unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", iv, 16), 0);
	assert_int_equal(tu_unhex(pt_hex, pt, 64), 0);
	assert_int_equal(tu_unhex(ct_hex, ct, 64), 0);
	assert_int_equal(ld_aes_ctr(key, 16, iv, pt, out, 64), LD_OK);
	assert_memory_equal(out, ct, 64);
	assert_int_equal(ld_aes_ctr(key, 16, iv, out, out, 64), LD_OK); /* in place, inverse */
	assert_memory_equal(out, pt, 64);
}

static const EVP_CIPHER *ossl_ctr(size_t keylen)
{
	return keylen == 16 ? EVP_aes_128_ctr() : keylen == 24 ? EVP_aes_192_ctr() : EVP_aes_256_ctr();
}

static void test_aes_ctr_vs_openssl(void **state)
{
	static uint8_t in[4099], a[4099], b[4099];
	uint8_t key[32], iv[16];

	(void)state;
	tu_rand_seed();
	for (int round = 0; round < 200; round++) {
		size_t ks = 16 + 8 * tu_rand_below(3);
		size_t len = tu_rand_below(sizeof(in) + 1); /* any length, 0 included */

		tu_rand_bytes(key, sizeof(key));
		tu_rand_bytes(iv, sizeof(iv));
		if (round % 4 == 0)
			memset(iv, 0xff, 15); /* the low bytes carry into all 128 bits */
		tu_rand_bytes(in, len);
		assert_int_equal(ld_aes_ctr(key, ks, iv, in, a, len), LD_OK);
		tu_ossl_cipher(ossl_ctr(ks), key, iv, 1, in, b, len);
		assert_memory_equal(a, b, len);
	}
}

static void test_aes_bad_args(void **state)
{
	uint8_t key[64] = { 0 }, iv[16] = { 0 }, buf[64] = { 0 };

	(void)state;
	assert_int_equal(ld_aes_ecb(key, 20, 1, buf, buf, 16), LD_ERR_INVALID);
	assert_int_equal(ld_aes_ecb(key, 16, 1, buf, buf, 15), LD_ERR_INVALID);
	assert_int_equal(ld_aes_cbc(key, 64, 1, iv, buf, buf, 16), LD_ERR_INVALID);
	assert_int_equal(ld_aes_xts(key, 16, 1, iv, buf, buf, 16), LD_ERR_INVALID);
	assert_int_equal(ld_aes_xts(key, 40, 1, iv, buf, buf, 16), LD_ERR_INVALID);
	assert_int_equal(ld_aes_xts(key, 32, 1, iv, buf, buf, 8), LD_ERR_INVALID);
	assert_int_equal(ld_aes_xts(key, 32, 1, iv, buf, buf, 24), LD_ERR_INVALID);
	assert_int_equal(ld_aes_ctr(key, 20, iv, buf, buf, 16), LD_ERR_INVALID);
	assert_int_equal(ld_aes_ctr(key, 16, NULL, buf, buf, 16), LD_ERR_INVALID);
}

/* ---- dm-crypt IV generators against OpenSSL ------------------------------------- */

enum ivk { K_NONE, K_NULL, K_PLAIN, K_PLAIN64, K_PLAIN64BE, K_ESSIV256, K_BENBI };

static const struct {
	const char *spec;
	char mode; /* 'e'cb, 'c'bc, 'x'ts */
	enum ivk iv;
} specs[] = {
	{ "aes-ecb", 'e', K_NONE },
	{ "aes-ecb-null", 'e', K_NULL },
	{ "aes-cbc-null", 'c', K_NULL },
	{ "aes-cbc-plain", 'c', K_PLAIN },
	{ "aes-plain", 'c', K_PLAIN },
	{ "aes", 'c', K_PLAIN },
	{ "aes-cbc-plain64", 'c', K_PLAIN64 },
	{ "aes-cbc-plain64be", 'c', K_PLAIN64BE },
	{ "aes-cbc-essiv:sha256", 'c', K_ESSIV256 },
	{ "aes-cbc-benbi", 'c', K_BENBI },
	{ "aes-xts-null", 'x', K_NULL },
	{ "aes-xts-plain", 'x', K_PLAIN },
	{ "aes-xts-plain64", 'x', K_PLAIN64 },
	{ "aes-xts-plain64be", 'x', K_PLAIN64BE },
	{ "aes-xts-essiv:sha256", 'x', K_ESSIV256 },
	{ "aes-xts-benbi", 'x', K_BENBI },
};

/* The IV of IV sector n, restated from dm-crypt's documentation and source:
 * plain = le32(n), plain64 = le64(n), plain64be = be64(n) in the last 8 bytes,
 * essiv = E_{SHA256(key)}(le64(n)), benbi = be64(n * 32 + 1) in the last 8 bytes
 * (count of 16-byte blocks from 1), null = zero. */
static void expected_iv(enum ivk k, const uint8_t *key, size_t keylen, uint64_t n, uint8_t iv[16])
{
	memset(iv, 0, 16);
	switch (k) {
	case K_NONE:
	case K_NULL:
		break;
	case K_PLAIN:
		for (int i = 0; i < 4; i++)
			iv[i] = (uint8_t)(n >> (8 * i));
		break;
	case K_PLAIN64:
		for (int i = 0; i < 8; i++)
			iv[i] = (uint8_t)(n >> (8 * i));
		break;
	case K_PLAIN64BE:
		for (int i = 0; i < 8; i++)
			iv[15 - i] = (uint8_t)(n >> (8 * i));
		break;
	case K_BENBI: {
		uint64_t v = (n << 5) + 1;
		for (int i = 0; i < 8; i++)
			iv[15 - i] = (uint8_t)(v >> (8 * i));
		break;
	}
	case K_ESSIV256: {
		uint8_t salt[32];
		SHA256(key, keylen, salt);
		for (int i = 0; i < 8; i++)
			iv[i] = (uint8_t)(n >> (8 * i));
		tu_ossl_cipher(EVP_aes_256_ecb(), salt, NULL, 1, iv, iv, 16);
		break;
	}
	}
}

static void test_ivgen_vs_openssl(void **state)
{
	static uint8_t pt[8 * 4096], got[8 * 4096], want[8 * 4096];
	static const size_t sectors[] = { 512, 1024, 2048, 4096 };
	uint8_t key[64], iv[16];
	char err[160];

	(void)state;
	tu_rand_seed();
	for (size_t s = 0; s < sizeof(specs) / sizeof(specs[0]); s++) {
		for (int round = 0; round < 12; round++) {
			size_t ks = 16 + 8 * (size_t)(round % 3), keylen = specs[s].mode == 'x' ? 2 * ks : ks;
			size_t ss = sectors[tu_rand_below(4)], count = 1 + tu_rand_below(8);
			uint64_t step = (round & 4) ? ss / 512 : 1;
			/* Sector numbers around 2^32 show plain's truncation, huge ones benbi's. */
			uint64_t first = (round & 8) ? tu_rand64() : (uint64_t)0xfffffffcu + tu_rand_below(8);
			ld_cipher *c;

			if (round < 2)
				first = (uint64_t)round; /* sector 0 and 1 */
			tu_rand_bytes(key, keylen);
			tu_rand_bytes(pt, count * ss);
			for (size_t i = 0; i < count; i++) {
				const uint8_t *in = pt + i * ss;
				uint8_t *out = want + i * ss;

				expected_iv(specs[s].iv, key, keylen, first + i * step, iv);
				if (specs[s].mode == 'e')
					tu_ossl_cipher(tu_ossl_ecb(ks), key, NULL, 1, in, out, ss);
				else if (specs[s].mode == 'c')
					tu_ossl_cipher(ossl_cbc(ks), key, iv, 1, in, out, ss);
				else
					tu_ossl_xts(key, keylen, iv, 1, in, out, ss);
			}
			if (ld_cipher_new(&c, specs[s].spec, key, keylen, &tu_alloc, err, sizeof(err)) != LD_OK)
				fail_msg("%s with %zu-byte key: %s", specs[s].spec, keylen, err);
			memcpy(got, pt, count * ss);
			assert_int_equal(ld_cipher_encrypt(c, got, count * ss, ss, first, step), LD_OK);
			if (memcmp(got, want, count * ss) != 0)
				fail_msg("%s key %zu sector %zu first %llu step %llu: encryption differs",
					 specs[s].spec, keylen, ss, (unsigned long long)first,
					 (unsigned long long)step);
			assert_int_equal(ld_cipher_decrypt(c, got, count * ss, ss, first, step), LD_OK);
			assert_memory_equal(got, pt, count * ss);
			ld_cipher_free(c);
		}
	}
	assert_int_equal(tu_alloc_live(), 0);
	assert_int_equal(tu_alloc_unwiped(), 0); /* secrets wiped before free */
}

/* ---- rejected specifications ----------------------------------------------------- */

static void test_bad_specs(void **state)
{
	static const struct {
		const char *spec;
		size_t keylen;
		int err;
		const char *msg_has; /* the message must name this */
	} bad[] = {
		{ "serpent-xts-plain64", 64, LD_ERR_UNSUPPORTED, "serpent" },
		{ "twofish-cbc-essiv:sha256", 32, LD_ERR_UNSUPPORTED, "twofish" },
		{ "camellia-xts-plain64", 64, LD_ERR_UNSUPPORTED, "camellia" },
		{ "aes-gcm-random", 32, LD_ERR_UNSUPPORTED, "gcm" },
		{ "aes-ctr-plain64", 32, LD_ERR_UNSUPPORTED, "ctr" },
		{ "aes-xts-lmk", 64, LD_ERR_UNSUPPORTED, "lmk" },
		{ "aes-cbc-tcw", 32, LD_ERR_UNSUPPORTED, "tcw" },
		{ "aes-cbc-eboiv", 32, LD_ERR_UNSUPPORTED, "eboiv" },
		{ "aes-xts-random", 64, LD_ERR_UNSUPPORTED, "random" },
		{ "aes-cbc-essiv:sha1", 32, LD_ERR_UNSUPPORTED, "essiv:sha1" },
		{ "aes-cbc-essiv:sha512", 32, LD_ERR_UNSUPPORTED, "essiv:sha512" },
		{ "aes-cbc-essiv", 32, LD_ERR_UNSUPPORTED, "aes-cbc-essiv" },
		{ "aes-cbc-essiv:", 32, LD_ERR_UNSUPPORTED, "aes-cbc-essiv:" },
		{ "aes-xts-plain64:sha256", 64, LD_ERR_INVALID, "aes-xts-plain64:sha256" },
		{ "aes-ecb-plain64", 32, LD_ERR_UNSUPPORTED, "aes-ecb-plain64" },
		{ "capi:xts(aes)-plain64", 64, LD_ERR_UNSUPPORTED, "capi:xts(aes)" },
		{ "aes-xts-plain64-extra", 64, LD_ERR_UNSUPPORTED, "plain64-extra" },
		{ "aes-xts", 64, LD_ERR_INVALID, "aes-xts" },
		{ "aes-cbc", 32, LD_ERR_INVALID, "aes-cbc" },
		{ "aes--plain64", 32, LD_ERR_INVALID, "aes--plain64" },
		{ "aes-xts-", 64, LD_ERR_INVALID, "aes-xts-" },
		{ "-xts-plain64", 64, LD_ERR_INVALID, "-xts-plain64" },
		{ "AES-XTS-PLAIN64", 64, LD_ERR_UNSUPPORTED, "AES" },
		{ "", 64, LD_ERR_INVALID, "empty" },
		{ "\x01\xff garbage", 64, LD_ERR_UNSUPPORTED, "garbage" },
		/* key sizes */
		{ "aes-xts-plain64", 16, LD_ERR_UNSUPPORTED, "16 bytes" },
		{ "aes-xts-plain64", 33, LD_ERR_UNSUPPORTED, "33 bytes" },
		{ "aes-xts-plain64", 128, LD_ERR_UNSUPPORTED, "128 bytes" },
		{ "aes-cbc-essiv:sha256", 64, LD_ERR_UNSUPPORTED, "64 bytes" },
		{ "aes-cbc-plain64", 20, LD_ERR_UNSUPPORTED, "20 bytes" },
		{ "aes-ecb", 0, LD_ERR_UNSUPPORTED, "0 bytes" },
	};
	uint8_t key[128] = { 0 };
	char err[200];
	ld_cipher *c = (ld_cipher *)&c; /* must be reset to NULL on failure */

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(err, 'x', sizeof(err));
		assert_int_equal(ld_cipher_check(bad[i].spec, bad[i].keylen, err, sizeof(err)), bad[i].err);
		print_message("# %s (%zu): %s\n", bad[i].spec, bad[i].keylen, err);
		if (strstr(err, bad[i].msg_has) == NULL)
			fail_msg("message for \"%s\" does not name \"%s\": %s", bad[i].spec,
				 bad[i].msg_has, err);
		assert_int_equal(ld_cipher_new(&c, bad[i].spec, key, bad[i].keylen, &tu_alloc, err,
					       sizeof(err)), bad[i].err);
		assert_null(c);
		assert_non_null(strstr(err, bad[i].msg_has));
	}
	/* Over-long input is cut short in the message, and the message buffer bound holds. */
	{
		char longspec[300];
		memset(longspec, 'a', sizeof(longspec) - 1);
		longspec[sizeof(longspec) - 1] = '\0';
		assert_int_equal(ld_cipher_check(longspec, 64, err, sizeof(err)), LD_ERR_INVALID);
		assert_true(strlen(err) < sizeof(err));
		memset(err, 'x', sizeof(err));
		assert_int_equal(ld_cipher_check("serpent-xts-plain64", 64, err, 10), LD_ERR_UNSUPPORTED);
		assert_int_equal(strlen(err), 9);
		assert_int_equal(err[10], 'x');
	}
	assert_int_equal(ld_cipher_check("aes-xts-plain64", 64, NULL, 0), LD_OK);
	assert_int_equal(ld_cipher_check("aes-xts-plain64", 48, NULL, 0), LD_OK);
	assert_int_equal(ld_cipher_check("aes-cbc-essiv:sha256", 16, NULL, 0), LD_OK);
	assert_int_equal(ld_cipher_check(NULL, 64, NULL, 0), LD_ERR_INVALID);
	assert_int_equal(tu_alloc_live(), 0);
	assert_int_equal(tu_alloc_unwiped(), 0); /* secrets wiped before free */
}

static void test_cipher_bad_calls(void **state)
{
	uint8_t key[64] = { 1 }, buf[8192] = { 0 };
	ld_cipher *c;
	char err[100];

	(void)state;
	tu_alloc_failing(1);
	assert_int_equal(ld_cipher_new(&c, "aes-xts-plain64", key, 64, &tu_alloc, err, sizeof(err)),
			 LD_ERR_NOMEM);
	tu_alloc_failing(0);
	assert_int_equal(ld_cipher_new(&c, "aes-xts-plain64", key, 64, NULL, err, sizeof(err)),
			 LD_ERR_INVALID);
	assert_int_equal(ld_cipher_new(&c, "aes-xts-plain64", key, 64, &tu_alloc, err, sizeof(err)),
			 LD_OK);
	assert_int_equal(ld_cipher_decrypt(c, buf, 1000, 512, 0, 1), LD_ERR_INVALID);  /* partial */
	assert_int_equal(ld_cipher_decrypt(c, buf, 256, 256, 0, 1), LD_ERR_INVALID);   /* < 512 */
	assert_int_equal(ld_cipher_decrypt(c, buf, 8192, 8192, 0, 1), LD_ERR_INVALID); /* > 4096 */
	assert_int_equal(ld_cipher_decrypt(c, buf, 3072, 1536, 0, 1), LD_ERR_INVALID); /* not 2^n */
	assert_int_equal(ld_cipher_decrypt(c, buf, 512, 512, 0, 0), LD_ERR_INVALID);   /* step 0 */
	assert_int_equal(ld_cipher_decrypt(c, NULL, 512, 512, 0, 1), LD_ERR_INVALID);
	assert_int_equal(ld_cipher_decrypt(c, buf, 0, 512, 0, 1), LD_OK); /* nothing to do */
	assert_int_equal(ld_cipher_decrypt(NULL, buf, 512, 512, 0, 1), LD_ERR_INVALID);
	ld_cipher_free(c);
	ld_cipher_free(NULL);
	assert_int_equal(tu_alloc_live(), 0);
	assert_int_equal(tu_alloc_unwiped(), 0); /* secrets wiped before free */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xts_ieee1619),
		cmocka_unit_test(test_aes_fips197),
		cmocka_unit_test(test_aes_random_vs_openssl),
		cmocka_unit_test(test_aes_ctr_sp800_38a),
		cmocka_unit_test(test_aes_ctr_vs_openssl),
		cmocka_unit_test(test_aes_bad_args),
		cmocka_unit_test(test_ivgen_vs_openssl),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_cipher_bad_calls),
	};
	return cmocka_run_group_tests_name("crypto_cipher", tests, NULL, NULL);
}
