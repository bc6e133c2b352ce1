/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The IEEE 1619 XTS vector check of test_crypto_cipher.c (the AES path chosen by default)
 * and test_crypto_xts_fast.c (each forced path): see cipher_ref.h. */
#include "cipher_ref.h"
#include "testutil.h"

#include <string.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include "crypto/crypto.h"
#include "common/xts_vectors.h"

/* Fills pt with vector i's plaintext (prev: the previous vector's ciphertext). */
static void plaintext(size_t i, uint8_t *pt, size_t len, const uint8_t *prev, size_t prevlen)
{
	if (xts_vec[i].pt == XTS_PATTERN) {
		for (size_t j = 0; j < len; j++)
			pt[j] = (uint8_t)j;
	} else if (xts_vec[i].pt[0] == '\0') {
		assert_int_equal(prevlen, len);
		memcpy(pt, prev, len);
	} else {
		assert_int_equal(tu_unhex(xts_vec[i].pt, pt, len), 0);
	}
}

/* A 512-byte data unit through an aes-xts-plain64 ld_cipher: the data unit number is
 * little-endian, i.e. the plain64 sector number. */
static void through_cipher(const uint8_t *key, size_t klen, const uint8_t du[16],
			   const uint8_t *pt, const uint8_t *ct)
{
	uint8_t buf[512];
	uint64_t sector = 0;
	char err[128];
	ld_cipher *c;

	for (int j = 7; j >= 0; j--)
		sector = sector << 8 | du[j];
	assert_int_equal(ld_cipher_new(&c, "aes-xts-plain64", key, klen, &tu_alloc, err,
				       sizeof(err)), LD_OK);
	memcpy(buf, pt, sizeof(buf));
	assert_int_equal(ld_cipher_encrypt(c, buf, sizeof(buf), 512, sector, 1), LD_OK);
	assert_memory_equal(buf, ct, sizeof(buf));
	assert_int_equal(ld_cipher_decrypt(c, buf, sizeof(buf), 512, sector, 1), LD_OK);
	assert_memory_equal(buf, pt, sizeof(buf));
	ld_cipher_free(c);
}

size_t tu_xts_ieee1619(void)
{
	uint8_t key[64], du[16], pt[512], ct[512], buf[512], prev[512];
	size_t prevlen = 0;

	for (size_t i = 0; i < XTS_NVEC; i++) {
		size_t klen = strlen(xts_vec[i].key) / 2, len = strlen(xts_vec[i].ct) / 2;

		assert_true(klen <= sizeof(key) && len <= sizeof(ct));
		assert_int_equal(tu_unhex(xts_vec[i].key, key, klen), 0);
		assert_int_equal(tu_unhex(xts_vec[i].dataunit, du, 16), 0);
		assert_int_equal(tu_unhex(xts_vec[i].ct, ct, len), 0);
		plaintext(i, pt, len, prev, prevlen);
		memcpy(prev, ct, len);
		prevlen = len;

		assert_int_equal(ld_aes_xts(key, klen, 1, du, pt, buf, len), LD_OK);
		assert_memory_equal(buf, ct, len);
		assert_int_equal(ld_aes_xts(key, klen, 0, du, buf, buf, len), LD_OK);
		assert_memory_equal(buf, pt, len);
		if (len == 512)
			through_cipher(key, klen, du, pt, ct);
	}
	print_message("# IEEE 1619 XTS: %zu vectors\n", (size_t)XTS_NVEC);
	return XTS_NVEC;
}
