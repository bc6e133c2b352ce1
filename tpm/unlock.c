/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* A volume's systemd-tpm2 tokens, each tried in turn: parsed strictly, unsealed, the
 * passphrase (base64 of the unsealed bytes, as systemd-cryptsetup makes it) tried on the
 * token's own keyslots only.  A token that is unsupported, invalid, needs a PIN that cannot
 * be asked, or does not unseal gets one line and the next token is tried.  The JSON area
 * is read again from the header copy that ld_volume_open validated: the volume keeps no
 * copy, and whatever it says now is checked here as strictly as then.  Caution: the JSON
 * area and the TPM's answers are untrusted input.
 *
 * Calls: token.c, session.c, luks/ (JSON, base64, unlock).  Called by: efi/tpm.c,
 * tools/. */
#include <string.h>

#include "luks/json.h"
#include "luks/luks_meta.h"
#include "tpm/tpm2.h"

#define LUKS2_BIN_HDR 4096

static void say(const ld_tpm2_unlock_ops *ops, int id, const char *a, const char *b)
{
	char line[400], n[24];

	if (!ops || !ops->notice)
		return;
	ld_err3(line, sizeof(line), "TPM2 token ", ld_u64_str((uint64_t)id, n), ": ");
	ld_err3(line + strlen(line), sizeof(line) - strlen(line), a, b, NULL);
	ops->notice(ops->ctx, line);
}

static int read_area(ld_volume *v, ld_blockdev *hdr, const ld_alloc *alloc, char **area,
		     size_t *len)
{
	const ld_luks_meta *m = ld_volume_meta(v);
	uint64_t off;
	int r;

	*area = NULL;
	if (m->version != 2 || m->hdr_size <= LUKS2_BIN_HDR || m->hdr_size > (4u << 20))
		return LD_ERR_NOTFOUND; /* LUKS1 has no tokens */
	off = m->copy_offset[m->copy_used] + LUKS2_BIN_HDR;
	*len = (size_t)(m->hdr_size - LUKS2_BIN_HDR);
	*area = alloc->alloc(alloc->ctx, *len);
	if (!*area)
		return LD_ERR_NOMEM;
	r = ld_dev_read(hdr, off, *area, *len);
	if (r) {
		alloc->free(alloc->ctx, *area, *len);
		*area = NULL;
	}
	return r;
}

/* One token: LD_OK when it opened a keyslot. */
static int try_token(ld_volume *v, const ld_tpm2 *t, const ld_tpm2_token *tk, int id,
		     const ld_tpm2_unlock_ops *ops, int *slot, char *err, size_t errlen)
{
	uint8_t secret[LD_TPM2_SECRET_MAX], pin[256] = { 0 };
	char pass[(LD_TPM2_SECRET_MAX + 2) / 3 * 4 + 1];
	size_t slen = 0, plen = 0, pinlen = 0;
	int r, k;

	if (tk->pin) {
		if (!ops || !ops->get_pin) {
			say(ops, id, "needs a PIN and this build asks for none; skipped", "");
			return ld_fail(err, errlen, "TPM2 token needs a PIN; skipped", NULL);
		}
		r = ops->get_pin(ops->ctx, id, pin, sizeof(pin), &pinlen);
		if (r || pinlen > sizeof(pin)) {
			ld_wipe(pin, sizeof(pin));
			say(ops, id, "no PIN given; skipped", "");
			return ld_fail(err, errlen, "TPM2 token: no PIN given", NULL);
		}
	}
	r = ld_tpm2_unseal(t, tk, pin, pinlen, secret, sizeof(secret), &slen, err, errlen);
	ld_wipe(pin, sizeof(pin));
	if (r) {
		say(ops, id, err, "");
		return r;
	}
	r = ld_base64_encode(secret, slen, pass, sizeof(pass), &plen);
	ld_wipe(secret, sizeof(secret));
	if (r)
		return ld_fail(err, errlen, "TPM2 token: unsealed secret too long", NULL);
	r = LD_ERR_KEY;
	for (k = 0; k < 32 && r; k++) {
		char why[256];

		if (!(tk->keyslots & (1u << k)))
			continue;
		r = ld_volume_unlock(v, (const uint8_t *)pass, plen, k, ops ? ops->progress : NULL,
				     ops ? ops->ctx : NULL, slot, why, sizeof(why));
		say(ops, id, r ? "the unsealed secret does not open its keyslot: " :
		    "unsealed; keyslot opened", r ? why : "");
	}
	if (r)
		ld_fail(err, errlen, "TPM2 token: its keyslots refuse the unsealed secret", NULL);
	ld_wipe(pass, sizeof(pass));
	return r;
}

int ld_tpm2_unlock(ld_volume *v, ld_blockdev *hdr, const ld_alloc *alloc, const ld_tpm2 *t,
		   const ld_tpm2_unlock_ops *ops, int *slot, char *err, size_t errlen)
{
	ld_tpm2_token *tk;
	ld_json *j = NULL;
	char *area;
	size_t len;
	int r, sec, n, k, key, found = 0, opened = 0, last = LD_ERR_NOTFOUND;

	r = read_area(v, hdr, alloc, &area, &len);
	if (r) {
		ld_fail(err, errlen, r == LD_ERR_NOTFOUND ? "no systemd-tpm2 token (LUKS1)"
			: "cannot read the LUKS2 JSON area", NULL);
		return r;
	}
	tk = alloc->alloc(alloc->ctx, sizeof(*tk));
	r = tk ? ld_json_parse(&j, area, len, alloc, err, errlen) : LD_ERR_NOMEM;
	if (r)
		goto out;
	sec = ld_json_member(j, 0, "tokens");
	n = ld_json_type(j, sec) == LD_J_OBJ ? ld_json_count(j, sec) : 0;
	for (k = 0, key = sec + 1; k < n && !opened; k++, key = ld_json_skip(j, key + 1)) {
		int id = ld_json_key_id(j, key, 32);

		r = ld_tpm2_token_parse(j, key + 1, tk, err, errlen);
		if (r == LD_ERR_NOTFOUND)
			continue;
		found = 1;
		if (r == LD_OK)
			r = try_token(v, t, tk, id, ops, slot, err, errlen);
		else
			say(ops, id, err, "");
		opened = r == LD_OK;
		last = r;
	}
	r = opened ? LD_OK : last;
	if (!found)
		ld_fail(err, errlen, "no systemd-tpm2 token", NULL);
out:
	ld_json_free(j);
	if (tk) {
		ld_wipe(tk, sizeof(*tk));
		alloc->free(alloc->ctx, tk, sizeof(*tk));
	}
	alloc->free(alloc->ctx, area, len);
	return r;
}
