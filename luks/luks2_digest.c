/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* LUKS2 "pbkdf2" digests (and the LUKS1 master-key digest mapped onto them):
 * PBKDF2 of the candidate volume key, compared in constant time. */
#include "luks/luks_internal.h"

/* cryptsetup validates only a digest's type, keyslots and segments (parse_digests);
 * hash, iterations, salt and value are read when a key is checked, and a digest whose
 * fields cannot be used matches no key.  We do the same (d->bad says why), except that
 * text which is not base64 is refused at once.  Never what cryptsetup 2.6.1 does with a
 * salt or value of an unexpected length: it skips the comparison and accepts any key. */
int ld_luks2_digest_parse(ld_digest *d, const ld_json *j, int t, char *err, size_t errlen)
{
	ld_hash_alg h;
	int64_t it;
	size_t out;
	int r;

	if (ld_json_copy(j, ld_json_member(j, t, "hash"), d->hash, sizeof(d->hash)))
		d->bad = "no hash";
	r = ld_json_int(j, ld_json_member(j, t, "iterations"), 1, UINT32_MAX, &it);
	if (r) {
		if (!d->bad)
			d->bad = "iterations is not an integer from 1 to 2^32-1";
	} else {
		d->iterations = (uint32_t)it;
	}
	r = ld_json_b64(j, t, "salt", d->salt, sizeof(d->salt), &out);
	d->salt_len = out > UINT32_MAX ? UINT32_MAX : (uint32_t)out;
	if (r == LD_ERR_NOMEM || (r && ld_json_type(j, ld_json_member(j, t, "salt")) == LD_J_STR))
		goto b64;
	if (r && !d->bad)
		d->bad = "no salt";
	r = ld_json_b64(j, t, "digest", d->digest, sizeof(d->digest), &out);
	d->digest_len = out > UINT32_MAX ? UINT32_MAX : (uint32_t)out;
	if (r == LD_ERR_NOMEM || (r && ld_json_type(j, ld_json_member(j, t, "digest")) == LD_J_STR))
		goto b64;
	if (r && !d->bad)
		d->bad = "no digest value";
	/* cryptsetup compares LUKS1's 20 bytes or the hash's whole output */
	if (!r && !d->bad && d->digest_len != 20 &&
	    !ld_hash_from_name(d->hash, strlen(d->hash), &h) && d->digest_len != ld_hash_size(h))
		d->bad = "value length is neither 20 bytes nor the hash's output size";
	return LD_OK;
b64:
	if (r == LD_ERR_NOMEM) {
		ld_err3(err, errlen, "out of memory", NULL, NULL);
		return r;
	}
	return ld_fail(err, errlen, "digest: ", "salt or digest value is not base64");
}

/* LD_OK if keys can be checked against d; LD_ERR_UNSUPPORTED (type or hash we do not
 * implement) or LD_ERR_KEY (no key can ever match), with the reason. */
int ld_digest_check(const ld_digest *d, char *err, size_t errlen)
{
	ld_hash_alg h;

	if (!d->present || ld_strcmp(d->type, "pbkdf2")) {
		ld_err3(err, errlen, "digest type \"", d->type, "\" is not supported");
		return LD_ERR_UNSUPPORTED;
	}
	if (d->bad) {
		ld_err3(err, errlen, "no key can match the volume key digest: ", d->bad, NULL);
		return LD_ERR_KEY;
	}
	if (ld_hash_from_name(d->hash, strlen(d->hash), &h)) {
		ld_err3(err, errlen, "digest hash \"", d->hash, "\" is not supported");
		return LD_ERR_UNSUPPORTED;
	}
	if (d->salt_len > LD_SALT_MAX) {
		ld_err3(err, errlen, "digest salt longer than 128 bytes is not supported", NULL, NULL);
		return LD_ERR_UNSUPPORTED;
	}
	return LD_OK;
}

int ld_digest_verify(const ld_digest *d, const uint8_t *key, size_t keylen)
{
	uint8_t calc[64];
	ld_hash_alg h;
	int r;

	r = ld_digest_check(d, NULL, 0);
	if (r)
		return r;
	if (ld_hash_from_name(d->hash, strlen(d->hash), &h) || d->digest_len > sizeof(calc))
		return LD_ERR_UNSUPPORTED;
	r = ld_pbkdf2(h, key, keylen, d->salt, d->salt_len, d->iterations, calc, d->digest_len,
		      NULL, NULL);
	if (!r)
		r = ld_ct_equal(calc, d->digest, d->digest_len) ? LD_OK : LD_ERR_KEY;
	ld_wipe(calc, sizeof(calc));
	return r;
}
