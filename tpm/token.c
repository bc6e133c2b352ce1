/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The systemd-tpm2 token of a LUKS2 header, as Debian 12's systemd 252 writes it
 * (systemd-cryptenroll --tpm2-device): "keyslots", "tpm2-blob" (base64 of TPM2B_PRIVATE
 * then TPM2B_PUBLIC), "tpm2-pcrs" (array of PCR numbers), "tpm2-pcr-bank" ("sha256" or
 * "sha1", absent: sha256), "tpm2-primary-alg" ("ecc" or "rsa", absent: ecc),
 * "tpm2-policy-hash" (hex of the SHA-256 policy digest), "tpm2-pin" (boolean).  Strict:
 * every member is checked; members of later systemd versions are refused as unsupported
 * by name, anything else as invalid.  Caution: untrusted input.
 *
 * Calls: luks/json.h, cmd.c (ld_tpm2_blob_split).  Called by: unlock.c, the fuzz target. */
#include <string.h>

#include "luks/json.h"
#include "tpm/cmd.h"

/* Members of later systemd versions: each means a policy or key this code does not
 * build, so such a token is refused rather than unsealed halfway. */
static const struct {
	const char *key, *what;
} later[] = {
	{ "tpm2_pubkey", "a signed PCR policy (tpm2_pubkey)" },
	{ "tpm2_pubkey_pcrs", "a signed PCR policy (tpm2_pubkey_pcrs)" },
	{ "tpm2-pubkey", "a signed PCR policy (tpm2-pubkey)" },
	{ "tpm2_srk", "a sealed object under a stored SRK (tpm2_srk)" },
	{ "tpm2_pcrlock", "a pcrlock policy (tpm2_pcrlock)" },
	{ "tpm2_salt", "a salted PIN (tpm2_salt)" },
	{ "tpm2_policy_ref", "a policy reference (tpm2_policy_ref)" },
};

static const char *const known[] = {
	"type", "keyslots", "tpm2-blob", "tpm2-pcrs", "tpm2-pcr-bank", "tpm2-primary-alg",
	"tpm2-policy-hash", "tpm2-pin",
};

static int bad(char *err, size_t errlen, const char *why)
{
	ld_err3(err, errlen, "systemd-tpm2 token invalid: ", why, NULL);
	return LD_ERR_INVALID;
}

static int check_members(const ld_json *j, int obj, char *err, size_t errlen)
{
	int n = ld_json_count(j, obj), k, t;
	size_t i;

	for (k = 0, t = obj + 1; k < n; k++, t = ld_json_skip(j, t + 1)) {
		int found = 0;

		for (i = 0; i < sizeof(later) / sizeof(later[0]); i++)
			if (ld_json_streq(j, t, later[i].key)) {
				ld_err3(err, errlen, "systemd-tpm2 token unsupported: ",
					later[i].what, " (a systemd newer than 252)");
				return LD_ERR_UNSUPPORTED;
			}
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			found |= ld_json_streq(j, t, known[i]);
		if (!found)
			return bad(err, errlen, "unknown member");
	}
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (ld_json_member(j, obj, known[i]) == -2)
			return bad(err, errlen, "a member appears twice");
	return LD_OK;
}

static int parse_keyslots(const ld_json *j, int a, uint32_t *mask)
{
	int n = ld_json_count(j, a), k, t;

	if (ld_json_type(j, a) != LD_J_ARR || n < 1)
		return LD_ERR_INVALID;
	*mask = 0;
	for (k = 0, t = a + 1; k < n; k++, t = ld_json_skip(j, t)) {
		uint64_t v;
		if (ld_json_type(j, t) != LD_J_STR || ld_json_u64str(j, t, &v) || v >= 32 ||
		    (*mask & (1u << v)))
			return LD_ERR_INVALID;
		*mask |= 1u << v;
	}
	return LD_OK;
}

static int parse_pcrs(const ld_json *j, int a, uint32_t *mask)
{
	int n = ld_json_count(j, a), k, t;

	if (ld_json_type(j, a) != LD_J_ARR)
		return LD_ERR_INVALID;
	*mask = 0;
	for (k = 0, t = a + 1; k < n; k++, t = ld_json_skip(j, t)) {
		int64_t v;
		if (ld_json_int(j, t, 0, LD_TPM2_PCRS - 1, &v) || (*mask & (1u << v)))
			return LD_ERR_INVALID;
		*mask |= 1u << v;
	}
	return LD_OK;
}

static int parse_hex32(const ld_json *j, int t, uint8_t out[32])
{
	size_t len, i;
	const char *s = ld_json_str(j, t, &len);

	if (ld_json_type(j, t) != LD_J_STR || len != 64)
		return LD_ERR_INVALID;
	for (i = 0; i < 32; i++) {
		int hi = ld_hexval(s[2 * i]), lo = ld_hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return LD_ERR_INVALID;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return LD_OK;
}

int ld_tpm2_token_parse(const ld_json *j, int obj, ld_tpm2_token *tk, char *err, size_t errlen)
{
	const char *why = NULL;
	size_t len;
	int t, r;

	memset(tk, 0, sizeof(*tk));
	if (ld_json_type(j, obj) != LD_J_OBJ)
		return bad(err, errlen, "not an object");
	if (!ld_json_streq(j, ld_json_member(j, obj, "type"), "systemd-tpm2")) {
		ld_err3(err, errlen, "not a systemd-tpm2 token", NULL, NULL);
		return LD_ERR_NOTFOUND;
	}
	r = check_members(j, obj, err, errlen);
	if (r)
		return r;
	if (parse_keyslots(j, ld_json_member(j, obj, "keyslots"), &tk->keyslots))
		return bad(err, errlen, "keyslots must be a non-empty array of keyslot numbers");
	r = ld_json_b64(j, obj, "tpm2-blob", tk->blob, sizeof(tk->blob), &len);
	if (r == LD_ERR_NOMEM)
		return r;
	if (r || len > sizeof(tk->blob))
		return bad(err, errlen, "tpm2-blob is missing, not base64 or too long");
	if (ld_tpm2_blob_split(tk->blob, len, &tk->priv_len, &tk->pub_len, &why))
		return bad(err, errlen, why);
	if (parse_pcrs(j, ld_json_member(j, obj, "tpm2-pcrs"), &tk->pcr_mask))
		return bad(err, errlen, "tpm2-pcrs must be an array of distinct PCRs 0..23");
	t = ld_json_member(j, obj, "tpm2-pcr-bank");
	if (t == -1 || ld_json_streq(j, t, "sha256"))
		tk->pcr_bank = LD_TPM2_ALG_SHA256;
	else if (ld_json_streq(j, t, "sha1"))
		tk->pcr_bank = LD_TPM2_ALG_SHA1;
	else
		return bad(err, errlen, "tpm2-pcr-bank must be \"sha256\" or \"sha1\"");
	t = ld_json_member(j, obj, "tpm2-primary-alg");
	if (t == -1 || ld_json_streq(j, t, "ecc"))
		tk->primary_alg = LD_TPM2_ALG_ECC;
	else if (ld_json_streq(j, t, "rsa"))
		tk->primary_alg = LD_TPM2_ALG_RSA;
	else
		return bad(err, errlen, "tpm2-primary-alg must be \"ecc\" or \"rsa\"");
	if (parse_hex32(j, ld_json_member(j, obj, "tpm2-policy-hash"), tk->policy_hash))
		return bad(err, errlen, "tpm2-policy-hash must be 64 hex digits (a SHA-256 policy)");
	t = ld_json_member(j, obj, "tpm2-pin");
	if (t != -1) {
		const char *s = ld_json_str(j, t, &len);
		if (ld_json_type(j, t) != LD_J_PRIM || !((len == 4 && !memcmp(s, "true", 4)) ||
							 (len == 5 && !memcmp(s, "false", 5))))
			return bad(err, errlen, "tpm2-pin must be true or false");
		tk->pin = len == 4;
	}
	return LD_OK;
}

int ld_tpm2_token_parse_text(const char *text, size_t len, const ld_alloc *alloc,
			     ld_tpm2_token *tk, char *err, size_t errlen)
{
	ld_json *j = NULL;
	char *copy;
	int r;

	memset(tk, 0, sizeof(*tk));
	if (len > 65536)
		return bad(err, errlen, "token text too long");
	copy = alloc->alloc(alloc->ctx, len + 1);
	if (!copy)
		return LD_ERR_NOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	r = ld_json_parse(&j, copy, len + 1, alloc, err, errlen);
	if (r == LD_OK)
		r = ld_tpm2_token_parse(j, 0, tk, err, errlen);
	ld_json_free(j);
	alloc->free(alloc->ctx, copy, len + 1);
	return r;
}
