/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* See cipher_ref.h. */
#include "cipher_ref.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

void tu_ossl_cipher(const EVP_CIPHER *c, const uint8_t *key, const uint8_t *iv, int enc,
		    const uint8_t *in, uint8_t *out, size_t len)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int n1 = 0, n2 = 0;

	assert_non_null(x);
	assert_int_equal(EVP_CipherInit_ex(x, c, NULL, key, iv, enc), 1);
	EVP_CIPHER_CTX_set_padding(x, 0);
	assert_int_equal(EVP_CipherUpdate(x, out, &n1, in, (int)len), 1);
	assert_int_equal(EVP_CipherFinal_ex(x, out + n1, &n2), 1);
	assert_int_equal((size_t)(n1 + n2), len);
	EVP_CIPHER_CTX_free(x);
}

const EVP_CIPHER *tu_ossl_ecb(size_t keylen)
{
	return keylen == 16 ? EVP_aes_128_ecb() : keylen == 24 ? EVP_aes_192_ecb() : EVP_aes_256_ecb();
}

void tu_xts_by_definition(const uint8_t *key, size_t keylen, const uint8_t iv[16], int enc,
			  const uint8_t *in, uint8_t *out, size_t len)
{
	size_t half = keylen / 2;
	uint8_t t[16], b[16];

	tu_ossl_cipher(tu_ossl_ecb(half), key + half, NULL, 1, iv, t, 16);
	for (size_t off = 0; off < len; off += 16) {
		for (int i = 0; i < 16; i++)
			b[i] = in[off + i] ^ t[i];
		tu_ossl_cipher(tu_ossl_ecb(half), key, NULL, enc, b, b, 16);
		for (int i = 0; i < 16; i++)
			out[off + i] = b[i] ^ t[i];
		int carry = t[15] >> 7;
		for (int i = 15; i > 0; i--)
			t[i] = (uint8_t)(t[i] << 1 | t[i - 1] >> 7);
		t[0] = (uint8_t)(t[0] << 1 ^ (carry ? 0x87 : 0));
	}
}

void tu_ossl_xts(const uint8_t *key, size_t keylen, const uint8_t iv[16], int enc,
		 const uint8_t *in, uint8_t *out, size_t len)
{
	if (keylen == 48)
		tu_xts_by_definition(key, keylen, iv, enc, in, out, len);
	else
		tu_ossl_cipher(keylen == 32 ? EVP_aes_128_xts() : EVP_aes_256_xts(), key, iv, enc,
			       in, out, len);
}
