/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* AES and XTS references shared by test_crypto_cipher.c and test_crypto_xts_fast.c:
 * OpenSSL's EVP ciphers, XTS computed from its definition over OpenSSL's AES-ECB (OpenSSL
 * has no XTS with 192-bit AES keys), and the IEEE 1619 vector check. */
#ifndef CIPHER_REF_H
#define CIPHER_REF_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* One EVP call without padding: len bytes of in through c (enc 1 or 0) into out. */
void tu_ossl_cipher(const EVP_CIPHER *c, const uint8_t *key, const uint8_t *iv, int enc,
		    const uint8_t *in, uint8_t *out, size_t len);
/* AES-ECB for a 16-, 24- or 32-byte key. */
const EVP_CIPHER *tu_ossl_ecb(size_t keylen);
/* XTS by its definition (IEEE 1619 5.3) for a 32-, 48- or 64-byte key (two AES keys):
 * T = E_K2(iv); per 16-byte block C = E_K1(P ^ T) ^ T, then T = T * alpha in GF(2^128). */
void tu_xts_by_definition(const uint8_t *key, size_t keylen, const uint8_t iv[16], int enc,
			  const uint8_t *in, uint8_t *out, size_t len);
/* XTS through OpenSSL (aes-128/256-xts), by definition for 48-byte keys. */
void tu_ossl_xts(const uint8_t *key, size_t keylen, const uint8_t iv[16], int enc,
		 const uint8_t *in, uint8_t *out, size_t len);

/* Checks every whole-block IEEE 1619 XTS vector (xts_vectors.h) through ld_aes_xts both
 * ways, on the AES path now in force, and, for 512-byte data units, through an
 * aes-xts-plain64 ld_cipher with the data unit number as sector; returns how many
 * vectors ran (xts_ieee1619.c). */
size_t tu_xts_ieee1619(void);

#endif
