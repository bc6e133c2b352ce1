/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Unit tests of tpm/: the systemd-tpm2 token parser and the unseal sequence.
 * Oracles: tokens written by Debian 12's systemd-cryptenroll 252 and the responses of a
 * real swtpm to an unseal, recorded with lukstool tpm2-unlock (tests/unit/data/tpm2/README
 * says how); RFC 4648's base64 vectors.  A replaying transport gives the recorded responses
 * back, checks each command against the recorded one, and lets FlushContext through so
 * that the handles flushed can be compared with those the TPM handed out, on every path:
 * success, wrong PIN, policy mismatch, every response truncated, a retry asked for. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "luks/json.h"
#include "tpm/cmd.h"
#include "common/testutil.h"
#include "tpm/tpm2.h"

#define MAXX 16
#ifndef LD_TEST_DATA /* the valgrind build runs from the top of the tree */
#define LD_TEST_DATA "tests/unit/data"
#endif

typedef struct xchg {
	uint8_t cmd[LD_TPM2_CMD_MAX], rsp[LD_TPM2_RSP_MAX];
	size_t clen, rlen;
} xchg;

typedef struct replay {
	xchg x[MAXX];
	int n, next;
	/* faults: response of exchange `cut` cut to cut_len (size field patched when
	 * patch_size); `retry` answers rc to each non-flush command once first */
	int cut, patch_size;
	size_t cut_len;
	uint32_t retry_rc;
	int retried;
	uint32_t handles[8], flushed[8];
	int nhandles, nflushed, mismatch;
} replay;


static char *slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf = calloc(1, 65536);

	snprintf(path, sizeof(path), "%s/tpm2/%s", LD_TEST_DATA, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	*len = fread(buf, 1, 65535, f);
	fclose(f);
	return buf;
}

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (s[0] && s[1] && s[0] != '\n' && n < cap) {
		out[n++] = (uint8_t)(ld_hexval(s[0]) << 4 | ld_hexval(s[1]));
		s += 2;
	}
	return n;
}

static void load_trace(replay *r, const char *name)
{
	size_t len;
	char *t = slurp(name, &len), *line = t;

	memset(r, 0, sizeof(*r));
	r->cut = -1;
	while (line && *line) {
		if (line[0] == '>') {
			assert_true(r->n < MAXX);
			r->x[r->n].clen = unhex(line + 2, r->x[r->n].cmd, LD_TPM2_CMD_MAX);
		} else if (line[0] == '<') {
			r->x[r->n].rlen = unhex(line + 2, r->x[r->n].rsp, LD_TPM2_RSP_MAX);
			r->n++;
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	free(t);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int submit(void *ctx, const uint8_t *cmd, size_t cmdlen, uint8_t *resp, size_t cap,
		  size_t *resplen)
{
	replay *r = ctx;
	xchg *x;
	uint32_t cc = cmdlen >= 10 ? be32(cmd + 6) : 0;
	static const uint8_t ok10[10] = { 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0 };

	if (cc == TPM2_CC_FLUSH_CONTEXT) { /* let every flush through, note the handle */
		assert_int_equal(cmdlen, 14);
		assert_true(r->nflushed < 8);
		r->flushed[r->nflushed++] = be32(cmd + 10);
		memcpy(resp, ok10, 10);
		*resplen = 10;
		return LD_OK;
	}
	while (r->next < r->n && be32(r->x[r->next].cmd + 6) == TPM2_CC_FLUSH_CONTEXT)
		r->next++;
	if (r->next >= r->n)
		return LD_ERR_IO;
	x = &r->x[r->next];
	if (cmdlen != x->clen || memcmp(cmd, x->cmd, cmdlen))
		r->mismatch = 1;
	if (r->retry_rc && r->retried <= r->next) {
		uint8_t rr[10] = { 0x80, 0x01, 0, 0, 0, 10, 0, 0, (uint8_t)(r->retry_rc >> 8),
				   (uint8_t)r->retry_rc };
		r->retried = r->next + 1;
		memcpy(resp, rr, 10);
		*resplen = 10;
		return LD_OK;
	}
	assert_true(x->rlen <= cap);
	memcpy(resp, x->rsp, x->rlen);
	*resplen = x->rlen;
	if (r->next == r->cut) {
		*resplen = r->cut_len;
		if (r->patch_size && r->cut_len >= 6) {
			resp[2] = (uint8_t)(r->cut_len >> 24);
			resp[3] = (uint8_t)(r->cut_len >> 16);
			resp[4] = (uint8_t)(r->cut_len >> 8);
			resp[5] = (uint8_t)r->cut_len;
		}
	}
	/* a successful CreatePrimary, Load or StartAuthSession hands out a handle */
	if ((cc == TPM2_CC_CREATE_PRIMARY || cc == TPM2_CC_LOAD ||
	     cc == TPM2_CC_START_AUTH_SESSION) && *resplen >= 14 && !be32(resp + 6) &&
	    r->next != r->cut)
		r->handles[r->nhandles++] = be32(resp + 10);
	r->next++;
	return LD_OK;
}

static void parse_token(const char *name, ld_tpm2_token *tk)
{
	size_t len;
	char *t = slurp(name, &len), err[256];

	assert_int_equal(ld_tpm2_token_parse_text(t, len, &tu_alloc, tk, err, sizeof(err)), LD_OK);
	free(t);
}

/* The secret in the recorded Unseal response: outData after header and parameterSize. */
static size_t recorded_secret(const replay *r, uint8_t *out)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (be32(r->x[i].cmd + 6) == TPM2_CC_UNSEAL && !be32(r->x[i].rsp + 6)) {
			size_t n = (size_t)r->x[i].rsp[14] << 8 | r->x[i].rsp[15];
			memcpy(out, r->x[i].rsp + 16, n);
			return n;
		}
	fail();
	return 0;
}

static void all_flushed(const replay *r)
{
	int i, j;

	for (i = 0; i < r->nhandles; i++) {
		int seen = 0;
		for (j = 0; j < r->nflushed; j++)
			seen |= r->flushed[j] == r->handles[i];
		if (!seen)
			fail_msg("handle 0x%x not flushed", r->handles[i]);
	}
}

static int run(replay *r, const ld_tpm2_token *tk, const char *pin, uint8_t *out, size_t *n,
	       char *err, size_t errlen)
{
	ld_tpm2 t = { submit, NULL, r };

	return ld_tpm2_unseal(&t, tk, (const uint8_t *)pin, pin ? strlen(pin) : 0, out,
			      LD_TPM2_SECRET_MAX, n, err, errlen);
}

static void test_token_fields(void **state)
{
	ld_tpm2_token tk;

	(void)state;
	parse_token("pcr15.token.json", &tk);
	assert_int_equal(tk.keyslots, 1u << 1);
	assert_int_equal(tk.pcr_mask, 1u << 15);
	assert_int_equal(tk.pcr_bank, LD_TPM2_ALG_SHA256);
	assert_int_equal(tk.primary_alg, LD_TPM2_ALG_ECC);
	assert_int_equal(tk.pin, 0);
	assert_int_equal(tk.priv_len + tk.pub_len, 0x9e + 2 + 0x4e + 2);
	parse_token("pin.token.json", &tk);
	assert_int_equal(tk.pin, 1);
	assert_int_equal(tk.pcr_mask, 1u << 15);
}

static void unseal_ok(const char *token, const char *trace, const char *pin)
{
	ld_tpm2_token tk;
	replay r;
	uint8_t out[LD_TPM2_SECRET_MAX], want[LD_TPM2_SECRET_MAX];
	size_t n = 0, wn;
	char err[256];

	parse_token(token, &tk);
	load_trace(&r, trace);
	wn = recorded_secret(&r, want);
	assert_int_equal(run(&r, &tk, pin, out, &n, err, sizeof(err)), LD_OK);
	assert_int_equal(r.mismatch, 0);
	assert_int_equal(n, wn);
	assert_memory_equal(out, want, n);
	assert_int_equal(r.nhandles, 3);
	assert_int_equal(r.nflushed, 3);
	all_flushed(&r);
}

static void test_unseal_pcr15(void **state)
{
	(void)state;
	unseal_ok("pcr15.token.json", "pcr15.trace", NULL);
}

static void test_unseal_pin(void **state)
{
	(void)state;
	unseal_ok("pin.token.json", "pin.trace", "4321");
}

static void test_wrong_pin(void **state)
{
	ld_tpm2_token tk;
	replay r;
	uint8_t out[LD_TPM2_SECRET_MAX];
	size_t n;
	char err[256];

	(void)state;
	parse_token("pin.token.json", &tk);
	load_trace(&r, "pinbad.trace");
	assert_int_equal(run(&r, &tk, "9999", out, &n, err, sizeof(err)), LD_ERR_KEY);
	assert_int_equal(r.mismatch, 0);
	assert_non_null(strstr(err, "wrong PIN"));
	assert_int_equal(n, 0);
	all_flushed(&r);
}

static void test_pcr_changed(void **state)
{
	ld_tpm2_token tk;
	replay r;
	uint8_t out[LD_TPM2_SECRET_MAX];
	size_t n;
	char err[256];
	int i;

	(void)state;
	parse_token("pcr15.token.json", &tk);
	load_trace(&r, "pcrbad.trace");
	assert_int_equal(run(&r, &tk, NULL, out, &n, err, sizeof(err)), LD_ERR_KEY);
	assert_non_null(strstr(err, "bound to sha256 PCRs 15,"));
	for (i = 0; i < r.n; i++) /* refused before Unseal */
		assert_int_not_equal(be32(r.x[i].cmd + 6), TPM2_CC_UNSEAL);
	assert_int_equal(r.nhandles, 3);
	all_flushed(&r);
}

/* Every response of the pin transcript cut short, with and without its size field made
 * to agree: never LD_OK, never a secret, every handle handed out flushed. */
static void test_truncated_responses(void **state)
{
	ld_tpm2_token tk;
	replay base, r;
	uint8_t out[LD_TPM2_SECRET_MAX];
	size_t n, len;
	char err[256];
	int i, patch, cases = 0;

	(void)state;
	parse_token("pin.token.json", &tk);
	load_trace(&base, "pin.trace");
	for (i = 0; i < base.n; i++) {
		if (be32(base.x[i].cmd + 6) == TPM2_CC_FLUSH_CONTEXT)
			continue;
		for (patch = 0; patch < 2; patch++)
			for (len = 0; len < base.x[i].rlen; len++) {
				r = base;
				r.cut = i;
				r.cut_len = len;
				r.patch_size = patch;
				n = 0;
				assert_int_not_equal(run(&r, &tk, "4321", out, &n, err, sizeof(err)),
						     LD_OK);
				assert_int_equal(n, 0);
				all_flushed(&r);
				cases++;
			}
	}
	assert_true(cases > 500);
}

static void test_retry(void **state)
{
	static const uint32_t rcs[] = { TPM2_RC_RETRY, TPM2_RC_YIELDED, TPM2_RC_TESTING };
	ld_tpm2_token tk;
	replay r;
	uint8_t out[LD_TPM2_SECRET_MAX];
	size_t n;
	char err[256];
	unsigned i;

	(void)state;
	parse_token("pcr15.token.json", &tk);
	for (i = 0; i < 3; i++) {
		load_trace(&r, "pcr15.trace");
		r.retry_rc = rcs[i];
		assert_int_equal(run(&r, &tk, NULL, out, &n, err, sizeof(err)), LD_OK);
		assert_int_equal(r.mismatch, 0);
		assert_int_equal(n, 32);
	}
	/* any other warning is not retried */
	load_trace(&r, "pcr15.trace");
	r.retry_rc = 0x923; /* TPM_RC_NV_RATE */
	assert_int_not_equal(run(&r, &tk, NULL, out, &n, err, sizeof(err)), LD_OK);
	assert_non_null(strstr(err, "CreatePrimary failed: TPM rc 0x923"));
}

static int transport_down(void *ctx, const uint8_t *cmd, size_t cmdlen, uint8_t *resp,
			  size_t cap, size_t *resplen)
{
	(void)ctx, (void)cmd, (void)cmdlen, (void)resp, (void)cap, (void)resplen;
	return LD_ERR_IO;
}

static void test_no_tpm(void **state)
{
	ld_tpm2 t = { transport_down, NULL, NULL };
	ld_tpm2_token tk;
	uint8_t out[LD_TPM2_SECRET_MAX];
	size_t n;
	char err[256];

	(void)state;
	parse_token("pcr15.token.json", &tk);
	assert_int_equal(ld_tpm2_unseal(&t, &tk, NULL, 0, out, sizeof(out), &n, err, sizeof(err)),
			 LD_ERR_IO);
	assert_non_null(strstr(err, "did not answer"));
}

/* Token edits: each a mutation of the recorded systemd 252 token. */
static void test_token_rejects(void **state)
{
	static const struct {
		const char *from, *to;
		int want;
		const char *why;
	} cases[] = {
		{ "\"tpm2-pin\": false", "\"tpm2-pin\": false, \"tpm2_srk\": \"AA==\"",
		  LD_ERR_UNSUPPORTED, "tpm2_srk" },
		{ "\"tpm2-pin\": false", "\"tpm2-pin\": false, \"tpm2_pubkey\": \"AA==\"",
		  LD_ERR_UNSUPPORTED, "signed PCR policy" },
		{ "\"tpm2-pin\": false", "\"tpm2-pin\": false, \"tpm2_pcrlock\": true",
		  LD_ERR_UNSUPPORTED, "pcrlock" },
		{ "\"tpm2-pin\": false", "\"tpm2-pin\": false, \"tpm2_salt\": \"AA==\"",
		  LD_ERR_UNSUPPORTED, "salted PIN" },
		{ "\"tpm2-pin\": false", "\"tpm2-pin\": false, \"color\": 1", LD_ERR_INVALID,
		  "unknown member" },
		{ "\"tpm2-pin\": false", "\"tpm2-pin\": false, \"tpm2-pin\": true", LD_ERR_INVALID,
		  "twice" },
		{ "\"tpm2-pin\": false", "\"tpm2-pin\": 0", LD_ERR_INVALID, "tpm2-pin" },
		{ "\"systemd-tpm2\"", "\"systemd-fido2\"", LD_ERR_NOTFOUND, "not a systemd-tpm2" },
		{ "[\"1\"]", "[]", LD_ERR_INVALID, "keyslots" },
		{ "[\"1\"]", "[1]", LD_ERR_INVALID, "keyslots" },
		{ "[\"1\"]", "[\"1\", \"1\"]", LD_ERR_INVALID, "keyslots" },
		{ "[\"1\"]", "[\"32\"]", LD_ERR_INVALID, "keyslots" },
		{ "[15]", "[24]", LD_ERR_INVALID, "tpm2-pcrs" },
		{ "[15]", "[15, 15]", LD_ERR_INVALID, "tpm2-pcrs" },
		{ "[15]", "[\"15\"]", LD_ERR_INVALID, "tpm2-pcrs" },
		{ "[15]", "[-1]", LD_ERR_INVALID, "tpm2-pcrs" },
		{ "\"sha256\"", "\"sha384\"", LD_ERR_INVALID, "tpm2-pcr-bank" },
		{ "\"ecc\"", "\"ecdsa\"", LD_ERR_INVALID, "tpm2-primary-alg" },
		{ "\"tpm2-policy-hash\": \"", "\"tpm2-policy-hash\": \"0", LD_ERR_INVALID,
		  "tpm2-policy-hash" },
		{ "\"tpm2-policy-hash\": \"", "\"tpm2-policy-hash\": \"g", LD_ERR_INVALID,
		  "tpm2-policy-hash" },
		{ "\"tpm2-blob\": \"", "\"tpm2-blob\": \"AAAA", LD_ERR_INVALID, "tpm2-blob" },
		{ "\"tpm2-blob\": \"", "\"tpm2-blob\": \"!", LD_ERR_INVALID, "tpm2-blob" },
	};
	size_t len, i;
	char *orig = slurp("pcr15.token.json", &len);
	char buf[8192], err[256];
	ld_tpm2_token tk;

	(void)state;
	/* cryptsetup token export writes compact JSON; make it the spaced form used above */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *at, spaced[8192];
		size_t o = 0, k;
		int in_str = 0;

		for (k = 0; k < len && o + 2 < sizeof(spaced); k++) {
			spaced[o++] = orig[k];
			if (orig[k] == '"')
				in_str = !in_str;
			if (!in_str && (orig[k] == ':' || orig[k] == ','))
				spaced[o++] = ' ';
		}
		spaced[o] = '\0';
		at = strstr(spaced, cases[i].from);
		if (!at)
			fail_msg("case %zu: '%s' not in the token", i, cases[i].from);
		snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - spaced), spaced, cases[i].to,
			 at + strlen(cases[i].from));
		if (ld_tpm2_token_parse_text(buf, strlen(buf), &tu_alloc, &tk, err, sizeof(err)) !=
		    cases[i].want || !strstr(err, cases[i].why))
			fail_msg("case %zu (%s): got '%s'", i, cases[i].to, err);
	}
	free(orig);
}

static void test_base64_rfc4648(void **state)
{
	static const char *const v[][2] = { { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" } };
	char out[16];
	size_t n, i;

	(void)state;
	for (i = 0; i < 7; i++) {
		assert_int_equal(ld_base64_encode((const uint8_t *)v[i][0], strlen(v[i][0]), out,
						  sizeof(out), &n), LD_OK);
		assert_string_equal(out, v[i][1]);
		assert_int_equal(n, strlen(v[i][1]));
	}
	assert_int_equal(ld_base64_encode((const uint8_t *)"foo", 3, out, 4, &n), LD_ERR_RANGE);
}

/* ld_tpm2_event_record against the packed little-endian layout of EFI_TCG2_EVENT (TCG EFI
 * Protocol Specification 6.6.5) and EFI_CC_EVENT (UEFI 2.10 38.4; edk2
 * MdePkg/Include/Protocol/CcMeasurement.h), with the PC Client TCG_PCClientTaggedEvent as
 * the event data, written out by hand; and a buffer one byte short. */
static void test_event_record(void **state)
{
	static const uint8_t want[] = {
		29, 0, 0, 0,            /* Size: 4 + 14 + 8 + 3 */
		14, 0, 0, 0,            /* HeaderSize */
		1, 0,                   /* HeaderVersion */
		3, 0, 0, 0,             /* PCRIndex / MrIndex */
		6, 0, 0, 0,             /* EventType EV_EVENT_TAG */
		0x55, 0x4c, 0x44, 0x4c, /* taggedEventID 0x4c444c55 */
		3, 0, 0, 0,             /* taggedEventDataSize */
		'a', 'b', 'c',
	};
	uint8_t out[64];
	size_t len = 0;

	(void)state;
	assert_int_equal(ld_tpm2_event_record(3, 6, 0x4c444c55u, "abc", 3, out, sizeof(out), &len),
			 LD_OK);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(ld_tpm2_event_record(3, 6, 0x4c444c55u, "abc", 3, out, sizeof(want) - 1,
					      &len),
			 LD_ERR_RANGE);
	assert_int_equal(ld_tpm2_event_record(3, 6, 0x4c444c55u, "", 0, out, 25, &len),
			 LD_ERR_RANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_fields),
		cmocka_unit_test(test_unseal_pcr15),
		cmocka_unit_test(test_unseal_pin),
		cmocka_unit_test(test_wrong_pin),
		cmocka_unit_test(test_pcr_changed),
		cmocka_unit_test(test_truncated_responses),
		cmocka_unit_test(test_retry),
		cmocka_unit_test(test_no_tpm),
		cmocka_unit_test(test_token_rejects),
		cmocka_unit_test(test_base64_rfc4648),
		cmocka_unit_test(test_event_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
