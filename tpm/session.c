/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The unseal of one systemd-tpm2 token, command by command, as systemd 252's tpm2_unseal
 * does it (src/shared/tpm2-util.c): the primary key from systemd's template, the sealed
 * object loaded under it, a policy session replaying the token's policy (PolicyPCR over
 * its selection, then the PIN's PolicyAuthValue as PolicyPassword), its digest compared
 * with tpm2-policy-hash before anything is unsealed, Unseal, and every handle flushed on
 * every path.  Responses TPM_RC_RETRY, YIELDED and TESTING are sent again.  Caution: TPM
 * responses are untrusted; cmd.c checks them.
 *
 * Calls: cmd.c, crypto/ (SHA-256 of the PIN), base/.  Called by: unlock.c. */
#include <string.h>

#include "crypto/crypto.h"
#include "tpm/cmd.h"

#define RETRIES 40      /* a TPM busy with self tests answers TESTING for a while */
#define RETRY_MS 50

typedef struct tpm_io {
	const ld_tpm2 *t;
	ld_tpm2_buf c;
	uint8_t r[LD_TPM2_RSP_MAX];
	size_t rlen;
	uint32_t rc;
} tpm_io;

static char *hex32(uint32_t v, char *buf)
{
	static const char d[] = "0123456789abcdef";
	int i, n = 0;

	buf[n++] = '0';
	buf[n++] = 'x';
	for (i = 28; i >= 0; i -= 4)
		if ((v >> i) || i == 0 || n > 2)
			buf[n++] = d[(v >> i) & 15];
	buf[n] = '\0';
	return buf;
}

static int is_retry(uint32_t rc)
{
	return rc == TPM2_RC_RETRY || rc == TPM2_RC_YIELDED || rc == TPM2_RC_TESTING;
}

/* Sends io->c, retrying as the TPM asks; LD_OK with io->rc when a well-formed response
 * header came back. */
static int xfer(tpm_io *io, int sessions, const char *what, char *err, size_t errlen)
{
	int k, r;

	if (io->c.overflow)
		return ld_fail(err, errlen, what, ": command too long");
	for (k = 0; k < RETRIES; k++) {
		io->rlen = 0;
		r = io->t->submit(io->t->ctx, io->c.b, io->c.len, io->r, sizeof(io->r), &io->rlen);
		if (r || io->rlen > sizeof(io->r)) {
			ld_err3(err, errlen, "TPM2 ", what, ": the TPM did not answer");
			return LD_ERR_IO;
		}
		if (ld_tpm2_rsp_code(io->r, io->rlen, sessions, &io->rc)) {
			ld_err3(err, errlen, "TPM2 ", what, ": malformed response from the TPM");
			return LD_ERR_INVALID;
		}
		if (!is_retry(io->rc))
			return LD_OK;
		if (io->t->wait_ms)
			io->t->wait_ms(io->t->ctx, RETRY_MS);
	}
	ld_err3(err, errlen, "TPM2 ", what, ": the TPM kept asking for a retry");
	return LD_ERR_IO;
}

static int refused(const tpm_io *io, const char *what, const char *hint, int code, char *err,
		   size_t errlen)
{
	char h[12], line[160];

	ld_err3(line, sizeof(line), "TPM2 ", what, " failed: TPM rc ");
	ld_err3(err, errlen, line, hex32(io->rc, h), hint);
	return code;
}

/* "sha256 PCRs 7+15" into buf */
static void pcr_names(uint16_t bank, uint32_t mask, char *buf, size_t len)
{
	char n[24];
	int i, first = 1;

	ld_strlcpy(buf, bank == LD_TPM2_ALG_SHA1 ? "sha1 PCRs " : "sha256 PCRs ", len);
	for (i = 0; i < LD_TPM2_PCRS; i++)
		if (mask & (1u << i)) {
			size_t at = strlen(buf);
			if (!first && at + 1 < len)
				buf[at++] = '+', buf[at] = '\0';
			ld_strlcpy(buf + at, ld_u64_str((uint64_t)i, n), len - at);
			first = 0;
		}
}

static int policy_failure(const ld_tpm2_token *tk, char *err, size_t errlen)
{
	char pcrs[96];

	pcr_names(tk->pcr_bank, tk->pcr_mask, pcrs, sizeof(pcrs));
	ld_err3(err, errlen, "TPM2 policy failure: the token is bound to ", pcrs,
		", which no longer hold their enrolled values");
	return LD_ERR_KEY;
}

static void flush(tpm_io *io, uint32_t h)
{
	char e[8];

	if (!h)
		return;
	ld_tpm2_cmd_flush(&io->c, h);
	(void)xfer(io, 0, "FlushContext", e, sizeof(e)); /* nothing more to do if it fails */
}

static int create_objects(tpm_io *io, const ld_tpm2_token *tk, uint32_t *primary,
			  uint32_t *item, char *err, size_t errlen)
{
	int r;

	ld_tpm2_cmd_create_primary(&io->c, tk->primary_alg);
	if ((r = xfer(io, 1, "CreatePrimary", err, errlen)))
		return r;
	if (io->rc)
		return refused(io, "CreatePrimary", " (owner hierarchy unavailable?)", LD_ERR_IO,
			       err, errlen);
	if (ld_tpm2_parse_handle(io->r, io->rlen, TPM2_CC_CREATE_PRIMARY, primary))
		return ld_fail(err, errlen, "TPM2 CreatePrimary: malformed response", NULL);

	ld_tpm2_cmd_load(&io->c, *primary, tk->blob, tk->priv_len + tk->pub_len);
	if ((r = xfer(io, 1, "Load", err, errlen)))
		return r;
	if (io->rc)
		return refused(io, "Load", ": the TPM refuses the sealed object (a tampered blob, "
			       "or one sealed by another TPM)", LD_ERR_INVALID, err, errlen);
	if (ld_tpm2_parse_handle(io->r, io->rlen, TPM2_CC_LOAD, item))
		return ld_fail(err, errlen, "TPM2 Load: malformed response", NULL);
	return LD_OK;
}

/* The policy session replaying the token's policy, its digest checked. */
static int policy(tpm_io *io, const ld_tpm2_token *tk, uint32_t *session, char *err,
		  size_t errlen)
{
	/* The caller's nonce of an unsalted, unbound session that computes no HMAC protects
	 * nothing; any 32 bytes do. */
	static const uint8_t nonce[32] = "LuksDxe systemd-tpm2 unseal....";
	uint8_t digest[64];
	size_t dlen;
	int r;

	ld_tpm2_cmd_start_policy_session(&io->c, nonce);
	if ((r = xfer(io, 0, "StartAuthSession", err, errlen)))
		return r;
	if (io->rc)
		return refused(io, "StartAuthSession", "", LD_ERR_IO, err, errlen);
	if (ld_tpm2_parse_handle(io->r, io->rlen, TPM2_CC_START_AUTH_SESSION, session))
		return ld_fail(err, errlen, "TPM2 StartAuthSession: malformed response", NULL);
	if (tk->pcr_mask) {
		ld_tpm2_cmd_policy_pcr(&io->c, *session, tk->pcr_bank, tk->pcr_mask);
		if ((r = xfer(io, 0, "PolicyPCR", err, errlen)))
			return r;
		if (io->rc)
			return refused(io, "PolicyPCR", " (PCR bank not allocated?)",
				       LD_ERR_UNSUPPORTED, err, errlen);
		if (ld_tpm2_parse_empty(io->r, io->rlen))
			return ld_fail(err, errlen, "TPM2 PolicyPCR: malformed response", NULL);
	}
	if (tk->pin) {
		ld_tpm2_cmd_policy_password(&io->c, *session);
		if ((r = xfer(io, 0, "PolicyPassword", err, errlen)))
			return r;
		if (io->rc)
			return refused(io, "PolicyPassword", "", LD_ERR_IO, err, errlen);
		if (ld_tpm2_parse_empty(io->r, io->rlen))
			return ld_fail(err, errlen, "TPM2 PolicyPassword: malformed response", NULL);
	}
	ld_tpm2_cmd_policy_get_digest(&io->c, *session);
	if ((r = xfer(io, 0, "PolicyGetDigest", err, errlen)))
		return r;
	if (io->rc)
		return refused(io, "PolicyGetDigest", "", LD_ERR_IO, err, errlen);
	if (ld_tpm2_parse_digest(io->r, io->rlen, digest, sizeof(digest), &dlen))
		return ld_fail(err, errlen, "TPM2 PolicyGetDigest: malformed response", NULL);
	if (dlen != sizeof(tk->policy_hash) || !ld_ct_equal(digest, tk->policy_hash, dlen))
		return policy_failure(tk, err, errlen);
	return LD_OK;
}

static int unseal(tpm_io *io, const ld_tpm2_token *tk, uint32_t item, uint32_t session,
		  const uint8_t *pin, size_t pinlen, uint8_t *out, size_t cap, size_t *outlen,
		  char *err, size_t errlen)
{
	uint8_t auth[32];
	size_t authlen = 0;
	uint32_t base;
	int r;

	/* systemd 252 sets the sealed object's auth value to SHA-256 of the PIN */
	if (tk->pin) {
		if ((r = ld_hash(LD_HASH_SHA256, pin, pinlen, auth)))
			return r;
		authlen = sizeof(auth);
	}
	ld_tpm2_cmd_unseal(&io->c, item, session, auth, authlen);
	ld_wipe(auth, sizeof(auth));
	r = xfer(io, 1, "Unseal", err, errlen);
	ld_wipe(io->c.b, sizeof(io->c.b));
	if (r)
		return r;
	base = io->rc & 0x8bf; /* format 1: drop the parameter/handle/session number */
	if ((io->rc & 0x80) && base == TPM2_RC_POLICY_FAIL + 0x800)
		return policy_failure(tk, err, errlen);
	if ((io->rc & 0x80) && (base == TPM2_RC_AUTH_FAIL + 0x800 || base == TPM2_RC_BAD_AUTH + 0x800))
		return refused(io, "Unseal", ": wrong PIN", LD_ERR_KEY, err, errlen);
	if (io->rc == TPM2_RC_LOCKOUT)
		return refused(io, "Unseal", ": the TPM is in dictionary-attack lockout",
			       LD_ERR_KEY, err, errlen);
	if (io->rc)
		return refused(io, "Unseal", "", LD_ERR_IO, err, errlen);
	r = ld_tpm2_parse_unseal(io->r, io->rlen, out, cap, outlen);
	ld_wipe(io->r, sizeof(io->r));
	if (r)
		return ld_fail(err, errlen, "TPM2 Unseal: malformed response", NULL);
	return LD_OK;
}

int ld_tpm2_unseal(const ld_tpm2 *t, const ld_tpm2_token *tk, const uint8_t *pin,
		   size_t pinlen, uint8_t *out, size_t cap, size_t *outlen, char *err,
		   size_t errlen)
{
	tpm_io io0; /* 6 KiB on the stack: firmware DXE stacks are 128 KiB */
	tpm_io *io = &io0;
	uint32_t primary = 0, item = 0, session = 0;
	int r;

	memset(io, 0, sizeof(*io));
	io->t = t;
	*outlen = 0;
	r = create_objects(io, tk, &primary, &item, err, errlen);
	if (!r)
		r = policy(io, tk, &session, err, errlen);
	if (!r)
		r = unseal(io, tk, item, session, pin, pinlen, out, cap, outlen, err, errlen);
	flush(io, session);
	flush(io, item);
	flush(io, primary);
	ld_wipe(io, sizeof(*io));
	return r;
}
