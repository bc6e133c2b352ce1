/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* SHA-256 over any message (sha256.h): FIPS 180-4 section 5.1.1 (padding) and 6.2.2 (the
 * blocks, in order), written from the standard.
 *
 * This replaces mbedTLS's module for SHA-256: mbedTLS 2.28 calls its block function once
 * per 64 bytes, so each block paid a call, a byte-order conversion through a word
 * buffer, the SHA-NI state shuffles in and out, and the buffer's wipe; a 4 KiB dm-verity
 * block is 65 of them.  Here a whole run of blocks is one call, with the state in
 * registers throughout.
 *
 * Each step is written once for nb = 1 or 2 contexts that have taken the same number of
 * bytes (inlined with nb constant): ld_sha256_two runs two messages of the same shape
 * through it, whose blocks the SHA-NI path then compresses interleaved. */
#include "crypto/sha256.h"

#include <string.h>

#include "base/common.h"
#include "base/endian.h"
#include "crypto/kdf_cpu.h"
#include "crypto/kdf_sha.h"

#define STEP static inline __attribute__((always_inline))

/* nblocks whole blocks at p[n] into c[n]->st, through the path this CPU offers. */
STEP void blocks(ld_sha256_ctx *c[2], const uint8_t *p[2], size_t nblocks, const int nb)
{
#ifdef LD_HAVE_SHA_NI
	if (ld_kdf_cpu_sha_usable()) {
		if (nb == 2)
			ld_sha256_blocks2_ni(c[0]->st, p[0], c[1]->st, p[1], nblocks);
		else
			ld_sha256_blocks_ni(c[0]->st, p[0], nblocks);
		return;
	}
#endif
	for (int n = 0; n < nb; n++)
		ld_sha256_blocks(c[n]->st, p[n], nblocks);
}

/* len bytes from p[n] into c[n]; the contexts hold the same number of bytes. */
STEP void absorb(ld_sha256_ctx *c[2], const uint8_t *p[2], size_t len, const int nb)
{
	size_t used = (size_t)(c[0]->bytes % LD_SHA256_BLOCK), k;
	const uint8_t *q[2];
	int n;

	if (len == 0)
		return;
	for (n = 0; n < nb; n++) {
		c[n]->bytes += len;
		q[n] = p[n];
	}
	if (used) { /* complete the buffered block first */
		k = LD_SHA256_BLOCK - used < len ? LD_SHA256_BLOCK - used : len;
		for (n = 0; n < nb; n++) {
			memcpy(c[n]->buf + used, q[n], k);
			q[n] += k;
		}
		len -= k;
		if (used + k < LD_SHA256_BLOCK)
			return;
		const uint8_t *b[2] = { c[0]->buf, c[nb - 1]->buf };
		blocks(c, b, 1, nb);
	}
	k = len / LD_SHA256_BLOCK;
	if (k) {
		blocks(c, q, k, nb);
		for (n = 0; n < nb; n++)
			q[n] += k * LD_SHA256_BLOCK;
		len -= k * LD_SHA256_BLOCK;
	}
	for (n = 0; len && n < nb; n++)
		memcpy(c[n]->buf, q[n], len);
}

/* The padding (0x80, zeros up to 56 mod 64, the length in bits as a 64-bit big-endian
 * number) and the digest, big-endian words. */
STEP void finish(ld_sha256_ctx *c[2], uint8_t *out[2], const int nb)
{
	size_t used = (size_t)(c[0]->bytes % LD_SHA256_BLOCK);
	const uint8_t *b[2] = { c[0]->buf, c[nb - 1]->buf };
	int n, i;

	for (n = 0; n < nb; n++)
		c[n]->buf[used] = 0x80;
	used++;
	if (used > LD_SHA256_BLOCK - 8) { /* no room for the length: one more block */
		for (n = 0; n < nb; n++)
			memset(c[n]->buf + used, 0, LD_SHA256_BLOCK - used);
		blocks(c, b, 1, nb);
		used = 0;
	}
	for (n = 0; n < nb; n++) {
		memset(c[n]->buf + used, 0, LD_SHA256_BLOCK - 8 - used);
		ld_put_be64(c[n]->buf + LD_SHA256_BLOCK - 8, c[n]->bytes << 3);
	}
	blocks(c, b, 1, nb);
	for (n = 0; n < nb; n++)
		for (i = 0; i < 8; i++) {
			out[n][4 * i] = (uint8_t)(c[n]->st[i] >> 24);
			out[n][4 * i + 1] = (uint8_t)(c[n]->st[i] >> 16);
			out[n][4 * i + 2] = (uint8_t)(c[n]->st[i] >> 8);
			out[n][4 * i + 3] = (uint8_t)c[n]->st[i];
		}
}

void ld_sha256_init(ld_sha256_ctx *c)
{
	memcpy(c->st, ld_sha256_iv, sizeof(c->st));
	c->bytes = 0;
}

void ld_sha256_update(ld_sha256_ctx *c, const uint8_t *p, size_t len)
{
	ld_sha256_ctx *cs[2] = { c, c };
	const uint8_t *ps[2] = { p, p };

	absorb(cs, ps, len, 1);
}

void ld_sha256_final(ld_sha256_ctx *c, uint8_t out[LD_SHA256_SIZE])
{
	ld_sha256_ctx *cs[2] = { c, c };
	uint8_t *os[2] = { out, out };

	finish(cs, os, 1);
}

void ld_sha256_two(const uint8_t *pre, size_t prelen, const uint8_t *ma, const uint8_t *mb,
		   size_t len, const uint8_t *suf, size_t suflen, uint8_t outa[LD_SHA256_SIZE],
		   uint8_t outb[LD_SHA256_SIZE])
{
	ld_sha256_ctx a, b, *cs[2] = { &a, &b };
	const uint8_t *ms[2] = { ma, mb }, *pres[2] = { pre, pre }, *sufs[2] = { suf, suf };
	uint8_t *os[2] = { outa, outb };

	ld_sha256_init(&a);
	ld_sha256_init(&b);
	absorb(cs, pres, prelen, 2);
	absorb(cs, ms, len, 2);
	absorb(cs, sufs, suflen, 2);
	finish(cs, os, 2);
	ld_wipe(&a, sizeof(a));
	ld_wipe(&b, sizeof(b));
}
