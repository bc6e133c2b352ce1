/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* LUKS2 keyslots: JSON validation (cryptsetup's LUKS2_keyslot_validate, hdr_validate_areas
 * and luks2_keyslot_validate) and opening a keyslot: KDF, key material decryption with
 * the area's own cipher, AF merge.  LUKS1 slots are mapped onto the same structure. */
#include "luks/luks_internal.h"

static int get_u32(const ld_json *j, int obj, const char *key, uint32_t min, uint32_t *v)
{
	int64_t x;

	if (ld_json_int(j, ld_json_member(j, obj, key), min, UINT32_MAX, &x))
		return LD_ERR_INVALID;
	*v = (uint32_t)x;
	return LD_OK;
}

/* A count that cryptsetup only requires to be a JSON integer (json_type_int) when it
 * validates the header: anything else invalidates the header; an integer outside
 * [min, 2^32-1] leaves the header valid and this slot unusable (cryptsetup fails when it
 * opens such a slot). */
static int get_count(ld_keyslot *ks, const ld_json *j, int obj, const char *key, uint32_t min,
		     uint32_t *v, const char *why)
{
	int64_t x;
	int r = ld_json_int(j, ld_json_member(j, obj, key), min, UINT32_MAX, &x);

	*v = 0;
	if (r == LD_ERR_RANGE) {
		if (!ks->bad)
			ks->bad = why;
		return LD_OK;
	}
	if (r)
		return LD_ERR_INVALID;
	*v = (uint32_t)x;
	return LD_OK;
}

/* Any length that is valid base64 (cryptsetup's validation asks only for a non-empty
 * string); ld_keyslot_check refuses to use a salt longer than LD_SALT_MAX. */
static int get_salt(ld_keyslot *ks, const ld_json *j, int obj)
{
	int t = ld_json_member(j, obj, "salt");
	size_t raw, out;
	int r;

	ld_json_str(j, t, &raw);
	if (ld_json_type(j, t) != LD_J_STR || !raw)
		return LD_ERR_INVALID;
	r = ld_json_b64(j, obj, "salt", ks->salt, sizeof(ks->salt), &out);
	if (r)
		return r;
	ks->salt_len = out > UINT32_MAX ? UINT32_MAX : (uint32_t)out;
	return LD_OK;
}

/* Members other than the ones a KDF uses are ignored, as cryptsetup's keyslot repair
 * drops them ("leftover" argon2 parameters on a pbkdf2 slot and the reverse). */
static int parse_kdf(ld_keyslot *ks, const ld_json *j, int kdf, char *err, size_t errlen)
{
	int r;

	if (ld_json_copy(j, ld_json_member(j, kdf, "type"), ks->kdf_type, sizeof(ks->kdf_type)))
		return ld_fail(err, errlen, "keyslot: ", "kdf has no type");
	if (!ld_strcmp(ks->kdf_type, "pbkdf2")) {
		ks->kdf = LD_KDF_PBKDF2;
		if (ld_json_copy(j, ld_json_member(j, kdf, "hash"), ks->kdf_hash, sizeof(ks->kdf_hash)) ||
		    get_count(ks, j, kdf, "iterations", 1, &ks->iterations,
			      "pbkdf2 iterations out of range"))
			return ld_fail(err, errlen, "keyslot: ",
				       "pbkdf2 needs type, salt, hash, iterations");
	} else if (!ld_strcmp(ks->kdf_type, "argon2i") || !ld_strcmp(ks->kdf_type, "argon2id")) {
		ks->kdf = ks->kdf_type[6] == 'i' && ks->kdf_type[7] == 'd' ? LD_KDF_ARGON2ID : LD_KDF_ARGON2I;
		if (get_count(ks, j, kdf, "time", 1, &ks->iterations, "argon2 time out of range") ||
		    get_count(ks, j, kdf, "memory", 1, &ks->memory_kib, "argon2 memory out of range") ||
		    get_count(ks, j, kdf, "cpus", 1, &ks->cpus, "argon2 cpus out of range"))
			return ld_fail(err, errlen, "keyslot: ",
				       "argon2 needs type, salt, time, memory, cpus");
	} else {
		/* cryptsetup does not validate unknown KDFs; they fail when used. */
		ks->kdf = LD_KDF_OTHER;
		return LD_OK;
	}
	r = get_salt(ks, j, kdf);
	if (r == LD_ERR_NOMEM) {
		ld_err3(err, errlen, "out of memory", NULL, NULL);
		return r;
	}
	if (r)
		return ld_fail(err, errlen, "keyslot: ", "kdf salt is not base64");
	return LD_OK;
}

/* cryptsetup reads the priority with json-c's json_object_get_int and never validates
 * it: an integer is clamped to 32 bits, "true" is 1, a string counts by its leading
 * decimal digits, anything else is 0 ("ignore").  Only 1 and 2 are tried automatically. */
static int is_num(char c)
{
	return c == '-' || (c >= '0' && c <= '9');
}

static int priority_of(const ld_json *j, int p)
{
	char buf[16];
	size_t len, i = 0;
	int64_t v = 0;
	int neg, r;

	if (ld_json_type(j, p) == LD_J_PRIM) {
		r = ld_json_int(j, p, INT32_MIN, INT32_MAX, &v);
		if (r == LD_ERR_RANGE)
			return ld_json_str(j, p, &len)[0] == '-' ? INT32_MIN : INT32_MAX;
		if (r == LD_OK)
			return (int)v;
		if (!is_num(ld_json_str(j, p, &len)[0]))
			return ld_json_str(j, p, &len)[0] == 't'; /* true, false, null */
		/* a fraction: its integer part, as a C cast of json-c's double */
		v = 0;
		len = len < sizeof(buf) - 1 ? len : sizeof(buf) - 1;
		memcpy(buf, ld_json_str(j, p, &i), len);
		i = 0;
	} else if (ld_json_text(j, p, buf, sizeof(buf) - 1, &len)) {
		return 0;
	}
	buf[len < sizeof(buf) - 1 ? len : sizeof(buf) - 1] = '\0';
	while (buf[i] == ' ' || (buf[i] >= '\t' && buf[i] <= '\r'))
		i++;
	neg = buf[i] == '-';
	if (buf[i] == '-' || buf[i] == '+')
		i++;
	for (; buf[i] >= '0' && buf[i] <= '9' && v <= INT32_MAX; i++)
		v = v * 10 + (buf[i] - '0');
	if (v > INT32_MAX)
		return neg ? INT32_MIN : INT32_MAX;
	return neg ? -(int)v : (int)v;
}

int ld_luks2_keyslot_parse(ld_keyslot *ks, const ld_json *j, int t, char *err, size_t errlen)
{
	int area, kdf, af, p, r;

	memset(ks, 0, sizeof(*ks));
	ks->digest = -1;
	if (ld_json_copy(j, ld_json_member(j, t, "type"), ks->type, sizeof(ks->type)))
		return ld_fail(err, errlen, "keyslot: ", "missing or invalid type");
	if (get_u32(j, t, "key_size", 0, &ks->key_size))
		return ld_fail(err, errlen, "keyslot: ",
			       "key_size is not a 32-bit unsigned integer");
	ks->priority = LD_PRIO_NORMAL;
	p = ld_json_member(j, t, "priority");
	if (p == -2)
		return ld_fail(err, errlen, "keyslot: ", "priority appears twice");
	if (p >= 0)
		ks->priority = priority_of(j, p);

	/* The area is checked for every keyslot type (hdr_validate_areas). */
	area = ld_json_member(j, t, "area");
	if (ld_json_type(j, area) != LD_J_OBJ)
		return ld_fail(err, errlen, "keyslot: ", "missing area object");
	if (ld_json_copy(j, ld_json_member(j, area, "type"), ks->area_type, sizeof(ks->area_type)))
		return ld_fail(err, errlen, "keyslot: ", "area has no type");
	if (ld_json_u64str(j, ld_json_member(j, area, "offset"), &ks->area_offset) ||
	    ld_json_u64str(j, ld_json_member(j, area, "size"), &ks->area_size))
		return ld_fail(err, errlen, "keyslot: ",
			       "area offset/size are not numeric strings");
	ks->present = 1;
	if (ld_strcmp(ks->type, "luks2"))
		return LD_OK; /* e.g. "reencrypt": kept, shown, never used to unlock */

	ks->is_luks2 = 1;
	kdf = ld_json_member(j, t, "kdf");
	af = ld_json_member(j, t, "af");
	if (ld_json_type(j, kdf) != LD_J_OBJ || ld_json_type(j, af) != LD_J_OBJ)
		return ld_fail(err, errlen, "keyslot: ", "missing kdf or af object");
	r = parse_kdf(ks, j, kdf, err, errlen);
	if (r)
		return r;
	if (ld_json_copy(j, ld_json_member(j, af, "type"), ks->af_type, sizeof(ks->af_type)) ||
	    ld_strcmp(ks->af_type, "luks1"))
		return ld_fail(err, errlen, "keyslot: ", "af type is not luks1");
	if (ld_json_copy(j, ld_json_member(j, af, "hash"), ks->af_hash, sizeof(ks->af_hash)) ||
	    get_count(ks, j, af, "stripes", 0, &ks->stripes, "af stripes out of range"))
		return ld_fail(err, errlen, "keyslot: ", "af needs hash and stripes");
	if (ld_strcmp(ks->area_type, "raw"))
		return ld_fail(err, errlen, "keyslot: ", "area type is not raw");
	if (ld_json_copy(j, ld_json_member(j, area, "encryption"), ks->area_cipher,
			 sizeof(ks->area_cipher)) ||
	    get_count(ks, j, area, "key_size", 0, &ks->area_key_size, "area key_size out of range"))
		return ld_fail(err, errlen, "keyslot: ", "raw area needs encryption and key_size");
	return LD_OK;
}

uint64_t ld_af_area_size(size_t keylen, uint32_t stripes)
{
	uint64_t n = (uint64_t)keylen * stripes;

	if (keylen > LD_KEY_MAX)
		return 0;
	return (n + 511) / 512 * 512;
}

int ld_keyslot_check(const ld_keyslot *ks, char *err, size_t errlen)
{
	ld_hash_alg h;
	char cerr[96];

	if (!ks->present)
		return LD_ERR_NOTFOUND;
	if (!ks->is_luks2) {
		ld_err3(err, errlen, "keyslot type \"", ks->type, "\" is not supported");
		return LD_ERR_UNSUPPORTED;
	}
	if (ks->bad) {
		ld_err3(err, errlen, "keyslot cannot be used: ", ks->bad, NULL);
		return LD_ERR_INVALID;
	}
	if (ks->kdf != LD_KDF_PBKDF2 && ks->kdf != LD_KDF_ARGON2I && ks->kdf != LD_KDF_ARGON2ID) {
		ld_err3(err, errlen, "keyslot KDF \"", ks->kdf_type, "\" is not supported");
		return LD_ERR_UNSUPPORTED;
	}
	if (ks->kdf == LD_KDF_PBKDF2 && ld_hash_from_name(ks->kdf_hash, strlen(ks->kdf_hash), &h)) {
		ld_err3(err, errlen, "keyslot PBKDF2 hash \"", ks->kdf_hash, "\" is not supported");
		return LD_ERR_UNSUPPORTED;
	}
	if (ld_hash_from_name(ks->af_hash, strlen(ks->af_hash), &h)) {
		ld_err3(err, errlen, "keyslot AF hash \"", ks->af_hash, "\" is not supported");
		return LD_ERR_UNSUPPORTED;
	}
	if (ks->salt_len > LD_SALT_MAX) {
		ld_err3(err, errlen, "keyslot salt longer than 128 bytes is not supported", NULL, NULL);
		return LD_ERR_UNSUPPORTED;
	}
	/* cryptsetup's LUKS2 ceiling for Argon2 memory is 4 GiB */
	if ((ks->kdf == LD_KDF_ARGON2I || ks->kdf == LD_KDF_ARGON2ID) && ks->memory_kib > 4194304u) {
		ld_err3(err, errlen, "keyslot Argon2 memory above 4 GiB is not supported", NULL, NULL);
		return LD_ERR_UNSUPPORTED;
	}
	if (ks->stripes != LD_LUKS_STRIPES) {
		ld_err3(err, errlen, "keyslot AF stripes other than 4000 are not supported", NULL, NULL);
		return LD_ERR_UNSUPPORTED;
	}
	if (!ks->key_size || ks->key_size > LD_KEY_MAX || !ks->area_key_size ||
	    ks->area_key_size > LD_KEY_MAX) {
		ld_err3(err, errlen, "keyslot key size is not supported", NULL, NULL);
		return LD_ERR_UNSUPPORTED;
	}
	if (ld_cipher_check(ks->area_cipher, ks->area_key_size, cerr, sizeof(cerr))) {
		ld_err3(err, errlen, "keyslot cipher: ", cerr, NULL);
		return LD_ERR_UNSUPPORTED;
	}
	/* The key material must lie inside the area that the metadata reserves. */
	if (ld_af_area_size(ks->key_size, ks->stripes) > ks->area_size) {
		ld_err3(err, errlen, "keyslot area is smaller than its key material", NULL, NULL);
		return LD_ERR_INVALID;
	}
	return LD_OK;
}

int ld_keyslot_open(const ld_keyslot *ks, ld_blockdev *hdr, const uint8_t *pass, size_t passlen,
		    uint8_t *key, const ld_alloc *alloc, ld_progress_fn progress, void *pctx,
		    char *err, size_t errlen)
{
	uint8_t akey[LD_KEY_MAX];
	uint8_t *mat = NULL;
	size_t matlen;
	ld_cipher *c = NULL;
	ld_hash_alg h, afh;
	char cerr[96];
	int r;

	r = ld_keyslot_check(ks, err, errlen);
	if (r)
		return r;
	matlen = (size_t)ld_af_area_size(ks->key_size, ks->stripes);
	if (ld_hash_from_name(ks->af_hash, strlen(ks->af_hash), &afh))
		return LD_ERR_UNSUPPORTED;

	if (ks->kdf == LD_KDF_PBKDF2) {
		if (ld_hash_from_name(ks->kdf_hash, strlen(ks->kdf_hash), &h))
			return LD_ERR_UNSUPPORTED;
		r = ld_pbkdf2(h, pass, passlen, ks->salt, ks->salt_len, ks->iterations, akey,
			      ks->area_key_size, progress, pctx);
	} else {
		r = ld_argon2(ks->kdf == LD_KDF_ARGON2ID ? LD_ARGON2ID : LD_ARGON2I, ks->iterations,
			      ks->memory_kib, ks->cpus, pass, passlen, ks->salt, ks->salt_len, akey,
			      ks->area_key_size, alloc, progress, pctx);
	}
	if (r) {
		ld_err3(err, errlen, "key derivation failed", NULL, NULL);
		goto out;
	}

	mat = alloc->alloc(alloc->ctx, matlen);
	if (!mat) {
		r = LD_ERR_NOMEM;
		goto out;
	}
	r = ld_dev_read(hdr, ks->area_offset, mat, matlen);
	if (r) {
		ld_err3(err, errlen, r == LD_ERR_RANGE ? "keyslot area beyond the end of the device"
			: "I/O error reading the keyslot area", NULL, NULL);
		goto out;
	}
	r = ld_cipher_new(&c, ks->area_cipher, akey, ks->area_key_size, alloc, cerr, sizeof(cerr));
	if (r) {
		ld_err3(err, errlen, "keyslot cipher: ", cerr, NULL);
		goto out;
	}
	/* Key material is encrypted in 512-byte sectors with IVs counting from 0. */
	r = ld_cipher_decrypt(c, mat, matlen, 512, 0, 1);
	if (!r)
		r = ld_af_merge(mat, key, ks->key_size, ks->stripes, afh);
out:
	if (c)
		ld_cipher_free(c);
	if (mat) {
		ld_wipe(mat, matlen);
		alloc->free(alloc->ctx, mat, matlen);
	}
	ld_wipe(akey, sizeof(akey));
	return r;
}
