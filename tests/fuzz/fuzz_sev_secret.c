/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* libFuzzer target for the SEV launch-secret packet check (secret/sev_launch.c,
 * ld_sev_secret_open, which `lukstool sev-secret open` runs on a packet it is given).
 * Input: the 52-byte header, then the payload.  Fixed TEK, TIK and measurement.
 * Invariants: the verdict is LD_OK, LD_ERR_KEY (MAC) or LD_ERR_UNSUPPORTED (FLAGS); a
 * refused packet leaves no plaintext in the output buffer; an accepted one seals back,
 * with its own IV, to the very header and payload it came from; a packet sealed from the
 * fuzzer's bytes with this TEK/TIK always opens to them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "secret/sev_launch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t tek[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint8_t tik[16] = { 0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a,
				 0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a, 0xa5, 0x5a };
static const uint8_t measure[32] = { 0x42 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < LD_SEV_SECRET_HDR_SIZE)
		return 0;
	size_t len = size - LD_SEV_SECRET_HDR_SIZE;
	const uint8_t *hdr = data, *payload = data + LD_SEV_SECRET_HDR_SIZE;
	uint8_t *out = malloc(len ? len : 1), *pl = malloc(len ? len : 1);
	uint8_t hdr2[LD_SEV_SECRET_HDR_SIZE];
	if (!out || !pl)
		abort();
	memset(out, 0xee, len);
	int r = ld_sev_secret_open(tek, tik, measure, hdr, payload, len, out);
	if (r == LD_OK) {
		/* header: FLAGS (4), IV (16), MAC (32) */
		if (ld_sev_secret_seal(tek, tik, hdr + 4, measure, out, len, hdr2, pl) != LD_OK ||
		    memcmp(hdr2, hdr, sizeof(hdr2)) != 0 || memcmp(pl, payload, len) != 0)
			abort();
	} else if (r == LD_ERR_KEY || r == LD_ERR_UNSUPPORTED) {
		for (size_t i = 0; i < len; i++)
			if (out[i] != 0xee && out[i] != 0)
				abort(); /* nothing decrypted handed back */
	} else {
		abort();
	}
	/* The same bytes as a secret: sealed, then opened, they come back. */
	if (ld_sev_secret_seal(tek, tik, data, measure, payload, len, hdr2, pl) != LD_OK ||
	    ld_sev_secret_open(tek, tik, measure, hdr2, pl, len, out) != LD_OK ||
	    memcmp(out, payload, len) != 0)
		abort();
	free(out);
	free(pl);
	return 0;
}
