/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* PBKDF2 and Argon2 material shared by test_crypto_hash.c, test_crypto_argon2.c and
 * test_crypto_kdf_paths.c: the published vectors (one table each, so that the tests of
 * every path check the same ones) and the independent references, OpenSSL's PBKDF2 and
 * the host's libargon2. */
#ifndef KDF_REF_H
#define KDF_REF_H

#include <stddef.h>
#include <stdint.h>

#include <argon2.h>
#include <openssl/evp.h>

#include "crypto/crypto.h"

/* RFC 6070 (PBKDF2-HMAC-SHA1; test 4, 16777216 iterations, is left out: it alone takes
 * minutes under the sanitizers, and the randomized OpenSSL comparisons cover long runs)
 * and RFC 7914 section 11 (PBKDF2-HMAC-SHA256). */
struct tu_pbkdf2_vector {
	ld_hash_alg alg;
	const char *pw;
	size_t pwlen;
	const char *salt;
	size_t saltlen;
	uint32_t iter;
	const char *dk; /* hex */
};
extern const struct tu_pbkdf2_vector tu_pbkdf2_vec[];
extern const size_t tu_pbkdf2_nvec;

/* RFC 9106 5.2 (Argon2i) and 5.3 (Argon2id): t=3, m=32 KiB, p=4, P = 32 x 0x01,
 * S = 16 x 0x02, K = 8 x 0x03, X = 12 x 0x04, 32-byte tag. */
struct tu_rfc9106 {
	uint8_t pw[32], salt[16], secret[8], ad[12];
};
#define TU_RFC9106_T 3
#define TU_RFC9106_M 32
#define TU_RFC9106_P 4
void tu_rfc9106_inputs(struct tu_rfc9106 *in);
struct tu_rfc9106_vector {
	ld_argon2_type type;
	const char *tag; /* hex */
};
extern const struct tu_rfc9106_vector tu_rfc9106_vec[2]; /* Argon2i, Argon2id */

/* OpenSSL's digest for an ld_hash_alg (NULL for none). */
const EVP_MD *tu_ossl_md(ld_hash_alg a);

/* libargon2's argon2_ctx (version 1.3) with these parameters; threads as given (the
 * reference computes the same tag with any number).  Returns an ARGON2_* code. */
int tu_ref_argon2(argon2_type t, uint32_t tc, uint32_t m, uint32_t lanes, uint32_t threads,
		  uint8_t *pw, size_t pwlen, uint8_t *salt, size_t saltlen, uint8_t *secret,
		  size_t seclen, uint8_t *ad, size_t adlen, uint8_t *out, size_t outlen);

#endif
