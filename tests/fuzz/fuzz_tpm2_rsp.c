/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* libFuzzer target for every TPM response tpm/ parses: the whole unseal sequence
 * (tpm/session.c, tpm/cmd.c) run against a TPM that answers the fuzzer's bytes.  Input:
 * a byte of flags (bit 0: PIN token, bit 1: a PCR selection), then responses, each as a
 * 2-byte big-endian length and that many bytes; a transport past the last one fails.
 * Invariants: a secret comes back only with LD_OK and fits the buffer; every handle a
 * response handed out (CreatePrimary, Load, StartAuthSession that succeeded) is flushed;
 * a refusal carries a reason. */
#include <stdlib.h>
#include <string.h>

#include "tpm/cmd.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct feed {
	const uint8_t *p;
	size_t n, off;
	uint32_t handles[64], flushed[64];
	int nh, nf;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int submit(void *ctx, const uint8_t *cmd, size_t cmdlen, uint8_t *resp, size_t cap,
		  size_t *resplen)
{
	struct feed *f = ctx;
	uint32_t cc;
	size_t n;

	if (cmdlen < 10 || cmdlen > LD_TPM2_CMD_MAX || be32(cmd + 2) != cmdlen)
		abort(); /* a command is always well-formed */
	cc = be32(cmd + 6);
	if (cc == TPM2_CC_FLUSH_CONTEXT) {
		/* each handle once: a flush answered with a retry code is sent again, and
		 * three handles retried in turn would fill a list of every attempt */
		uint32_t h = be32(cmd + 10);
		int i, seen = 0;
		for (i = 0; i < f->nf; i++)
			seen |= f->flushed[i] == h;
		if (!seen && f->nf < 64)
			f->flushed[f->nf++] = h;
	}
	if (f->n - f->off < 2)
		return LD_ERR_IO;
	n = (size_t)f->p[f->off] << 8 | f->p[f->off + 1];
	f->off += 2;
	if (n > f->n - f->off)
		n = f->n - f->off;
	if (n > cap)
		n = cap;
	memcpy(resp, f->p + f->off, n);
	f->off += n;
	*resplen = n;
	/* the handle a successful response carries, as session.c will take it */
	if ((cc == TPM2_CC_CREATE_PRIMARY || cc == TPM2_CC_LOAD ||
	     cc == TPM2_CC_START_AUTH_SESSION) && f->nh < 64) {
		uint32_t h, rc;
		if (ld_tpm2_rsp_code(resp, n, cc != TPM2_CC_START_AUTH_SESSION, &rc) == LD_OK &&
		    rc == 0 && ld_tpm2_parse_handle(resp, n, cc, &h) == LD_OK)
			f->handles[f->nh++] = h;
	}
	return LD_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feed f = { data, size, 1, { 0 }, { 0 }, 0, 0 };
	ld_tpm2 t = { submit, NULL, &f };
	ld_tpm2_token tk;
	uint8_t out[LD_TPM2_SECRET_MAX + 16];
	size_t n = 12345;
	char err[256];
	int r, i, j;

	if (size < 1)
		return 0;
	memset(&tk, 0, sizeof(tk));
	tk.keyslots = 2;
	tk.pin = data[0] & 1;
	tk.pcr_mask = data[0] & 2 ? 1u << 15 : 0;
	tk.pcr_bank = LD_TPM2_ALG_SHA256;
	tk.primary_alg = data[0] & 4 ? LD_TPM2_ALG_RSA : LD_TPM2_ALG_ECC;
	tk.priv_len = 4;
	tk.pub_len = 4;
	err[0] = '\0';
	r = ld_tpm2_unseal(&t, &tk, (const uint8_t *)"1234", 4, out, LD_TPM2_SECRET_MAX, &n, err,
			   sizeof(err));
	if (r == LD_OK ? n > LD_TPM2_SECRET_MAX : (n != 0 || !err[0] || !memchr(err, 0, sizeof(err))))
		abort();
	for (i = 0; i < f.nh; i++) {
		int seen = 0;
		for (j = 0; j < f.nf; j++)
			seen |= f.flushed[j] == f.handles[i];
		if (!seen && f.handles[i])
			abort();
	}
	return 0;
}
