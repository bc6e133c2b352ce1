/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* See kdf_ref.h. */
#include "kdf_ref.h"

#include <string.h>

const struct tu_pbkdf2_vector tu_pbkdf2_vec[] = {
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
const size_t tu_pbkdf2_nvec = sizeof(tu_pbkdf2_vec) / sizeof(tu_pbkdf2_vec[0]);

const struct tu_rfc9106_vector tu_rfc9106_vec[2] = {
	{ LD_ARGON2I, "c814d9d1dc7f37aa13f0d77f2494bda1c8de6b016dd388d29952a4c4672b6ce8" },
	{ LD_ARGON2ID, "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659" },
};

void tu_rfc9106_inputs(struct tu_rfc9106 *in)
{
	memset(in->pw, 1, sizeof(in->pw));
	memset(in->salt, 2, sizeof(in->salt));
	memset(in->secret, 3, sizeof(in->secret));
	memset(in->ad, 4, sizeof(in->ad));
}

const EVP_MD *tu_ossl_md(ld_hash_alg a)
{
	switch (a) {
	case LD_HASH_SHA1: return EVP_sha1();
	case LD_HASH_SHA256: return EVP_sha256();
	case LD_HASH_SHA512: return EVP_sha512();
	case LD_HASH_RIPEMD160: return EVP_ripemd160();
	}
	return NULL;
}

int tu_ref_argon2(argon2_type t, uint32_t tc, uint32_t m, uint32_t lanes, uint32_t threads,
		  uint8_t *pw, size_t pwlen, uint8_t *salt, size_t saltlen, uint8_t *secret,
		  size_t seclen, uint8_t *ad, size_t adlen, uint8_t *out, size_t outlen)
{
	argon2_context c;

	memset(&c, 0, sizeof(c));
	c.out = out;
	c.outlen = (uint32_t)outlen;
	c.pwd = pw;
	c.pwdlen = (uint32_t)pwlen;
	c.salt = salt;
	c.saltlen = (uint32_t)saltlen;
	c.secret = seclen ? secret : NULL;
	c.secretlen = (uint32_t)seclen;
	c.ad = adlen ? ad : NULL;
	c.adlen = (uint32_t)adlen;
	c.t_cost = tc;
	c.m_cost = m;
	c.lanes = lanes;
	c.threads = threads;
	c.version = ARGON2_VERSION_13;
	c.flags = ARGON2_DEFAULT_FLAGS;
	return argon2_ctx(&c, t);
}
