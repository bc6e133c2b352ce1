/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* libFuzzer target for the systemd-tpm2 token parser (tpm/token.c over the luks/ JSON
 * layer).  Input: one token's JSON text.  Invariants of an accepted token: keyslots and
 * PCRs non-empty/in range as parsed, the blob's two parts filling its decoded length, a
 * known bank and primary algorithm; a refusal always carries a reason. */
#include <stdlib.h>
#include <string.h>

#include "tpm/tpm2.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ld_tpm2_token tk;
	char err[256];
	int r;

	err[0] = '\0';
	r = ld_tpm2_token_parse_text((const char *)data, size, &fz_allocator, &tk, err,
				     sizeof(err));
	if (r == LD_OK) {
		if (!tk.keyslots || tk.pcr_mask >> LD_TPM2_PCRS ||
		    tk.priv_len + tk.pub_len > sizeof(tk.blob) || tk.priv_len < 3 ||
		    tk.pub_len < 2 ||
		    (tk.pcr_bank != LD_TPM2_ALG_SHA256 && tk.pcr_bank != LD_TPM2_ALG_SHA1) ||
		    (tk.primary_alg != LD_TPM2_ALG_ECC && tk.primary_alg != LD_TPM2_ALG_RSA))
			abort();
	} else if (r != LD_ERR_NOMEM && (!memchr(err, 0, sizeof(err)) || !err[0])) {
		abort();
	}
	return 0;
}
