/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* TPM 2.0 command marshalling and response parsing for the few commands an unseal needs
 * (TCG TPM 2.0 Library, Part 3 for the layouts, Part 2 for the structures; all big
 * endian).  Written here rather than taken from a TSS: the firmware has none, and these
 * eight fixed layouts are smaller than any adapter to one.  Caution: the parsers read
 * untrusted responses; each checks every length against the bytes received.
 *
 * Calls: base/.  Called by: session.c, token.c (ld_tpm2_blob_split). */
#include <string.h>

#include "tpm/cmd.h"

#define TPM2_ST_NO_SESSIONS 0x8001
#define TPM2_ST_SESSIONS 0x8002
#define TPM2_ALG_AES 0x0006
#define TPM2_ALG_CFB 0x0043
#define TPM2_ALG_NULL 0x0010
#define TPM2_ALG_KEYEDHASH 0x0008
#define TPM2_ECC_NIST_P256 0x0003
#define TPM2_SE_POLICY 0x01

/* ---- writing ----------------------------------------------------------------------- */
static void put(ld_tpm2_buf *c, const void *p, size_t n)
{
	if (c->overflow || n > sizeof(c->b) - c->len) {
		c->overflow = 1;
		return;
	}
	if (n)
		memcpy(c->b + c->len, p, n);
	c->len += n;
}

static void put8(ld_tpm2_buf *c, uint8_t v)
{
	put(c, &v, 1);
}

static void put16(ld_tpm2_buf *c, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	put(c, b, 2);
}

static void put32(ld_tpm2_buf *c, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	put(c, b, 4);
}

static void begin(ld_tpm2_buf *c, uint16_t tag, uint32_t cc)
{
	memset(c, 0, sizeof(*c));
	put16(c, tag);
	put32(c, 0); /* size, patched by end_cmd */
	put32(c, cc);
}

static void end_cmd(ld_tpm2_buf *c)
{
	c->b[2] = (uint8_t)(c->len >> 24);
	c->b[3] = (uint8_t)(c->len >> 16);
	c->b[4] = (uint8_t)(c->len >> 8);
	c->b[5] = (uint8_t)c->len;
}

/* The authorization area of one session: size, handle, empty nonce, attributes
 * (continueSession), then the HMAC field (a password or the PolicyPassword auth value). */
static void auth_area(ld_tpm2_buf *c, uint32_t session, const uint8_t *auth, size_t authlen)
{
	put32(c, (uint32_t)(4 + 2 + 1 + 2 + authlen));
	put32(c, session);
	put16(c, 0);
	put8(c, session == TPM2_RS_PW ? 0 : 1); /* keep policy sessions: session.c flushes */
	put16(c, (uint16_t)authlen);
	put(c, auth, authlen);
}

static void sym_aes128_cfb(ld_tpm2_buf *c)
{
	put16(c, TPM2_ALG_AES);
	put16(c, 128);
	put16(c, TPM2_ALG_CFB);
}

/* systemd 252's primary key templates (src/shared/tpm2-util.c, tpm2_make_primary): a
 * restricted decryption key, fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|
 * restricted|decrypt, nameAlg SHA-256, AES-128-CFB, no scheme, empty unique; ECC NIST
 * P-256 with no KDF, or RSA-2048 with the default exponent.  The same template gives the
 * same key on the same TPM, which is what the sealed blob's parent must be. */
void ld_tpm2_cmd_create_primary(ld_tpm2_buf *c, uint16_t alg)
{
	size_t at;

	begin(c, TPM2_ST_SESSIONS, TPM2_CC_CREATE_PRIMARY);
	put32(c, TPM2_RH_OWNER);
	auth_area(c, TPM2_RS_PW, NULL, 0);
	put16(c, 4); /* inSensitive: empty userAuth and data */
	put16(c, 0);
	put16(c, 0);
	at = c->len;
	put16(c, 0); /* inPublic size, patched below */
	put16(c, alg);
	put16(c, LD_TPM2_ALG_SHA256);
	put32(c, 0x00030072);
	put16(c, 0); /* authPolicy */
	sym_aes128_cfb(c);
	put16(c, TPM2_ALG_NULL); /* scheme */
	if (alg == LD_TPM2_ALG_ECC) {
		put16(c, TPM2_ECC_NIST_P256);
		put16(c, TPM2_ALG_NULL); /* kdf */
		put16(c, 0);             /* unique.x */
		put16(c, 0);             /* unique.y */
	} else {
		put16(c, 2048);
		put32(c, 0);             /* exponent: default 65537 */
		put16(c, 0);             /* unique */
	}
	if (!c->overflow) {
		size_t n = c->len - at - 2;
		c->b[at] = (uint8_t)(n >> 8);
		c->b[at + 1] = (uint8_t)n;
	}
	put16(c, 0); /* outsideInfo */
	put32(c, 0); /* creationPCR: no selection */
	end_cmd(c);
}

void ld_tpm2_cmd_load(ld_tpm2_buf *c, uint32_t parent, const uint8_t *blob, size_t len)
{
	begin(c, TPM2_ST_SESSIONS, TPM2_CC_LOAD);
	put32(c, parent);
	auth_area(c, TPM2_RS_PW, NULL, 0);
	put(c, blob, len); /* inPrivate and inPublic, as sealed */
	end_cmd(c);
}

/* An unbound, unsalted policy session with SHA-256: it only gathers the policy; the
 * unseal's secret comes back in clear on the command channel, as it does for systemd
 * with a TPM that has no parameter encryption. */
void ld_tpm2_cmd_start_policy_session(ld_tpm2_buf *c, const uint8_t nonce[32])
{
	begin(c, TPM2_ST_NO_SESSIONS, TPM2_CC_START_AUTH_SESSION);
	put32(c, TPM2_RH_NULL); /* tpmKey */
	put32(c, TPM2_RH_NULL); /* bind */
	put16(c, 32);
	put(c, nonce, 32);
	put16(c, 0); /* encryptedSalt */
	put8(c, TPM2_SE_POLICY);
	put16(c, TPM2_ALG_NULL); /* symmetric */
	put16(c, LD_TPM2_ALG_SHA256);
	end_cmd(c);
}

void ld_tpm2_cmd_policy_pcr(ld_tpm2_buf *c, uint32_t session, uint16_t bank, uint32_t mask)
{
	begin(c, TPM2_ST_NO_SESSIONS, TPM2_CC_POLICY_PCR);
	put32(c, session);
	put16(c, 0); /* pcrDigest empty: the TPM takes the current values */
	put32(c, 1); /* one TPMS_PCR_SELECTION */
	put16(c, bank);
	put8(c, 3);
	put8(c, (uint8_t)mask);
	put8(c, (uint8_t)(mask >> 8));
	put8(c, (uint8_t)(mask >> 16));
	end_cmd(c);
}

/* PolicyPassword extends the policy exactly as PolicyAuthValue does (Part 3, 23.18) and
 * lets the auth value travel in the HMAC field, so no HMAC has to be computed. */
void ld_tpm2_cmd_policy_password(ld_tpm2_buf *c, uint32_t session)
{
	begin(c, TPM2_ST_NO_SESSIONS, TPM2_CC_POLICY_PASSWORD);
	put32(c, session);
	end_cmd(c);
}

void ld_tpm2_cmd_policy_get_digest(ld_tpm2_buf *c, uint32_t session)
{
	begin(c, TPM2_ST_NO_SESSIONS, TPM2_CC_POLICY_GET_DIGEST);
	put32(c, session);
	end_cmd(c);
}

void ld_tpm2_cmd_unseal(ld_tpm2_buf *c, uint32_t item, uint32_t session, const uint8_t *auth,
			size_t authlen)
{
	begin(c, TPM2_ST_SESSIONS, TPM2_CC_UNSEAL);
	put32(c, item);
	auth_area(c, session, auth, authlen);
	end_cmd(c);
}

void ld_tpm2_cmd_flush(ld_tpm2_buf *c, uint32_t handle)
{
	begin(c, TPM2_ST_NO_SESSIONS, TPM2_CC_FLUSH_CONTEXT);
	put32(c, handle);
	end_cmd(c);
}

/* ---- reading ----------------------------------------------------------------------- */
typedef struct rd {
	const uint8_t *p;
	size_t len, off;
	int bad;
} rd;

static uint32_t get(rd *r, size_t n)
{
	uint32_t v = 0;
	size_t i;

	if (r->bad || n > r->len - r->off) {
		r->bad = 1;
		return 0;
	}
	for (i = 0; i < n; i++)
		v = v << 8 | r->p[r->off + i];
	r->off += n;
	return v;
}

/* A TPM2B: its size, then that many bytes; returns them (NULL when short). */
static const uint8_t *get2b(rd *r, size_t *n)
{
	const uint8_t *at;

	*n = get(r, 2);
	if (r->bad || *n > r->len - r->off) {
		r->bad = 1;
		*n = 0;
		return NULL;
	}
	at = r->p + r->off;
	r->off += *n;
	return at;
}

int ld_tpm2_rsp_code(const uint8_t *p, size_t len, int sessions, uint32_t *rc)
{
	rd r = { p, len, 0, 0 };
	uint32_t tag = get(&r, 2), size = get(&r, 4);

	*rc = get(&r, 4);
	if (r.bad || size != len)
		return LD_ERR_INVALID;
	if (*rc != TPM2_RC_SUCCESS)
		return tag == TPM2_ST_NO_SESSIONS && len == 10 ? LD_OK : LD_ERR_INVALID;
	return tag == (sessions ? TPM2_ST_SESSIONS : TPM2_ST_NO_SESSIONS) ? LD_OK : LD_ERR_INVALID;
}

/* After a session command's parameters: exactly one session response (nonce, attributes,
 * HMAC) and nothing else. */
static int session_tail(rd *r)
{
	size_t n;

	(void)get2b(r, &n);
	(void)get(r, 1);
	(void)get2b(r, &n);
	return !r->bad && r->off == r->len ? LD_OK : LD_ERR_INVALID;
}

/* parameterSize of a session response, checked to fit; the reader stops at its end. */
static int params(rd *r, rd *pr)
{
	size_t n = get(r, 4);

	if (r->bad || n > r->len - r->off)
		return LD_ERR_INVALID;
	pr->p = r->p + r->off;
	pr->len = n;
	pr->off = 0;
	pr->bad = 0;
	r->off += n;
	return LD_OK;
}

int ld_tpm2_parse_handle(const uint8_t *p, size_t len, uint32_t cc, uint32_t *handle)
{
	rd r = { p, len, 10, 0 }, pr;
	size_t n;

	if (len < 10)
		return LD_ERR_INVALID;
	*handle = get(&r, 4);
	if (cc == TPM2_CC_START_AUTH_SESSION) { /* no sessions: handle, nonceTPM */
		(void)get2b(&r, &n);
		return !r.bad && r.off == len ? LD_OK : LD_ERR_INVALID;
	}
	if (params(&r, &pr))
		return LD_ERR_INVALID;
	if (cc == TPM2_CC_CREATE_PRIMARY) {
		/* outPublic, creationData, creationHash, creationTicket, name */
		(void)get2b(&pr, &n);
		(void)get2b(&pr, &n);
		(void)get2b(&pr, &n);
		(void)get(&pr, 2);
		(void)get(&pr, 4);
		(void)get2b(&pr, &n);
		(void)get2b(&pr, &n);
	} else { /* Load: name */
		(void)get2b(&pr, &n);
	}
	if (pr.bad || pr.off != pr.len)
		return LD_ERR_INVALID;
	return session_tail(&r);
}

int ld_tpm2_parse_empty(const uint8_t *p, size_t len)
{
	return len == 10 ? LD_OK : LD_ERR_INVALID;
}

int ld_tpm2_parse_digest(const uint8_t *p, size_t len, uint8_t *out, size_t cap,
			 size_t *outlen)
{
	rd r = { p, len, 10, 0 };
	size_t n;
	const uint8_t *d = get2b(&r, &n);

	*outlen = 0;
	if (len < 10 || !d || r.off != len || n > cap)
		return LD_ERR_INVALID;
	memcpy(out, d, n);
	*outlen = n;
	return LD_OK;
}

int ld_tpm2_parse_unseal(const uint8_t *p, size_t len, uint8_t *out, size_t cap,
			 size_t *outlen)
{
	rd r = { p, len, 10, 0 }, pr;
	const uint8_t *d;
	size_t n;

	*outlen = 0;
	if (len < 10 || params(&r, &pr))
		return LD_ERR_INVALID;
	d = get2b(&pr, &n);
	if (!d || pr.off != pr.len || n > cap || session_tail(&r))
		return LD_ERR_INVALID;
	memcpy(out, d, n);
	*outlen = n;
	return LD_OK;
}

int ld_tpm2_blob_split(const uint8_t *blob, size_t len, size_t *priv_len, size_t *pub_len,
		       const char **why)
{
	rd r = { blob, len, 0, 0 }, pub;
	size_t n;

	if (!get2b(&r, &n) || n == 0) {
		*why = "tpm2-blob: truncated TPM2B_PRIVATE";
		return LD_ERR_INVALID;
	}
	*priv_len = r.off;
	pub.p = get2b(&r, &n);
	if (!pub.p || r.off != len) {
		*why = "tpm2-blob: TPM2B_PUBLIC does not end the blob";
		return LD_ERR_INVALID;
	}
	*pub_len = r.off - *priv_len;
	pub.len = n;
	pub.off = 0;
	pub.bad = 0;
	/* TPMT_PUBLIC of a sealed data object: keyedhash, SHA-256 name, attributes,
	 * authPolicy, TPMS_KEYEDHASH_PARMS (scheme NULL), unique */
	if (get(&pub, 2) != TPM2_ALG_KEYEDHASH || get(&pub, 2) != LD_TPM2_ALG_SHA256) {
		*why = "tpm2-blob: the public part is not a SHA-256 sealed data object";
		return LD_ERR_INVALID;
	}
	(void)get(&pub, 4);
	(void)get2b(&pub, &n);
	if (get(&pub, 2) != TPM2_ALG_NULL) {
		*why = "tpm2-blob: the sealed object has a keyed-hash scheme";
		return LD_ERR_INVALID;
	}
	(void)get2b(&pub, &n);
	if (pub.bad || pub.off != pub.len) {
		*why = "tpm2-blob: malformed TPMT_PUBLIC";
		return LD_ERR_INVALID;
	}
	return LD_OK;
}
