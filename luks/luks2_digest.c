/* LUKS2 "pbkdf2" digests (and the LUKS1 master-key digest mapped onto them):
 * PBKDF2 of the candidate volume key, compared in constant time. */
#include "luks/luks_internal.h"

#define FAIL(a) do { ld_err3(err, errlen, "digest: ", a, NULL); return LD_ERR_INVALID; } while (0)

int ld_luks2_digest_parse(ld_digest *d, const ld_json *j, int t, char *err, size_t errlen)
{
	int64_t it;
	size_t out;

	if (ld_json_copy(j, ld_json_member(j, t, "hash"), d->hash, sizeof(d->hash)))
		FAIL("missing hash");
	if (ld_json_int(j, ld_json_member(j, t, "iterations"), 1, UINT32_MAX, &it))
		FAIL("iterations is not a positive 32-bit integer");
	d->iterations = (uint32_t)it;
	if (ld_json_b64(j, t, "salt", d->salt, sizeof(d->salt), &out) || out != 32)
		FAIL("salt is missing or not 32 bytes of base64");
	d->salt_len = (uint32_t)out;
	if (ld_json_b64(j, t, "digest", d->digest, sizeof(d->digest), &out) || out < 20)
		FAIL("digest is missing or not base64 of 20 to 64 bytes");
	d->digest_len = (uint32_t)out;
	return LD_OK;
}

int ld_digest_check(const ld_digest *d, char *err, size_t errlen)
{
	ld_hash_alg h;

	if (!d->present || ld_strcmp(d->type, "pbkdf2")) {
		ld_err3(err, errlen, "digest type \"", d->type, "\" is not supported");
		return LD_ERR_UNSUPPORTED;
	}
	if (ld_hash_from_name(d->hash, strlen(d->hash), &h)) {
		ld_err3(err, errlen, "digest hash \"", d->hash, "\" is not supported");
		return LD_ERR_UNSUPPORTED;
	}
	/* Either LUKS1's 20 bytes or the hash's full size, as cryptsetup accepts. */
	if (d->digest_len != 20 && d->digest_len != ld_hash_size(h)) {
		ld_err3(err, errlen, "digest length does not match its hash", NULL, NULL);
		return LD_ERR_INVALID;
	}
	return LD_OK;
}

int ld_digest_verify(const ld_digest *d, const uint8_t *key, size_t keylen)
{
	uint8_t calc[64];
	ld_hash_alg h;
	int r;

	if (ld_digest_check(d, NULL, 0))
		return LD_ERR_UNSUPPORTED;
	if (ld_hash_from_name(d->hash, strlen(d->hash), &h))
		return LD_ERR_UNSUPPORTED;
	r = ld_pbkdf2(h, key, keylen, d->salt, d->salt_len, d->iterations, calc, d->digest_len,
		      NULL, NULL);
	if (!r)
		r = ld_ct_equal(calc, d->digest, d->digest_len) ? LD_OK : LD_ERR_KEY;
	ld_wipe(calc, sizeof(calc));
	return r;
}
