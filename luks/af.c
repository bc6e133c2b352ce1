/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Anti-forensic information merge (the "luks1" AF of LUKS1 and LUKS2): the key is the
 * XOR of the last stripe with the diffusion chain of all previous stripes. */
#include "luks/luks_internal.h"

/* Replaces buf with its diffusion: each hash-sized block j becomes H(be32(j) || block),
 * a short last block takes the first bytes of its hash. */
static int diffuse(uint8_t *buf, size_t len, ld_hash_alg hash)
{
	size_t ds = ld_hash_size(hash), off;
	uint8_t out[LD_HASH_MAX_SIZE];
	uint32_t j = 0;
	int r = LD_OK;

	if (!ds || ds > sizeof(out))
		return LD_ERR_UNSUPPORTED;
	for (off = 0; off < len; off += ds, j++) {
		size_t n = len - off < ds ? len - off : ds;
		uint8_t iv[4] = { (uint8_t)(j >> 24), (uint8_t)(j >> 16), (uint8_t)(j >> 8), (uint8_t)j };
		ld_hash_ctx c;
		if ((r = ld_hash_init(&c, hash)) || (r = ld_hash_update(&c, iv, 4)) ||
		    (r = ld_hash_update(&c, buf + off, n)) || (r = ld_hash_final(&c, out)))
			break;
		memcpy(buf + off, out, n);
	}
	ld_wipe(out, sizeof(out));
	return r;
}

int ld_af_merge(const uint8_t *src, uint8_t *dst, size_t keylen, uint32_t stripes,
		ld_hash_alg hash)
{
	uint8_t acc[LD_KEY_MAX];
	uint32_t s;
	size_t i;
	int r = LD_OK;

	if (!keylen || keylen > sizeof(acc) || !stripes)
		return LD_ERR_INVALID;
	memset(acc, 0, keylen);
	for (s = 0; s + 1 < stripes; s++) {
		const uint8_t *p = src + (size_t)s * keylen;
		for (i = 0; i < keylen; i++)
			acc[i] ^= p[i];
		if ((r = diffuse(acc, keylen, hash)))
			goto out;
	}
	src += (size_t)(stripes - 1) * keylen;
	for (i = 0; i < keylen; i++)
		dst[i] = acc[i] ^ src[i];
out:
	ld_wipe(acc, sizeof(acc));
	return r;
}
