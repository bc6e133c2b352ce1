/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* SHA-256 over any message (sha256.h): FIPS 180-4 section 5.1.1 (padding) and 6.2.2 (the
 * blocks, in order), written from the standard.
 *
 * This replaces mbedTLS's module for SHA-256: mbedTLS 2.28 calls its block function once
 * per 64 bytes, so each block paid a call, a byte-order conversion through a word
 * buffer, the SHA-NI state shuffles in and out, and the buffer's wipe; a 4 KiB dm-verity
 * block is 65 of them.  Here a whole run of blocks is one call, with the state in
 * registers throughout. */
#include "crypto/sha256.h"

#include <string.h>

#include "base/endian.h"
#include "crypto/kdf_cpu.h"
#include "crypto/kdf_sha.h"

/* nblocks whole blocks at p, through the path this CPU offers. */
static void blocks(uint32_t st[8], const uint8_t *p, size_t nblocks)
{
#ifdef LD_HAVE_SHA_NI
	if (ld_kdf_cpu_sha_usable()) {
		ld_sha256_blocks_ni(st, p, nblocks);
		return;
	}
#endif
	ld_sha256_blocks(st, p, nblocks);
}

void ld_sha256_init(ld_sha256_ctx *c)
{
	memcpy(c->st, ld_sha256_iv, sizeof(c->st));
	c->bytes = 0;
}

void ld_sha256_update(ld_sha256_ctx *c, const uint8_t *p, size_t len)
{
	size_t used = (size_t)(c->bytes % LD_SHA256_BLOCK), n;

	c->bytes += len;
	if (used) { /* complete the buffered block first */
		n = LD_SHA256_BLOCK - used < len ? LD_SHA256_BLOCK - used : len;
		memcpy(c->buf + used, p, n);
		p += n;
		len -= n;
		if (used + n < LD_SHA256_BLOCK)
			return;
		blocks(c->st, c->buf, 1);
	}
	n = len / LD_SHA256_BLOCK;
	if (n) {
		blocks(c->st, p, n);
		p += n * LD_SHA256_BLOCK;
		len -= n * LD_SHA256_BLOCK;
	}
	if (len)
		memcpy(c->buf, p, len);
}

void ld_sha256_final(ld_sha256_ctx *c, uint8_t out[LD_SHA256_SIZE])
{
	size_t used = (size_t)(c->bytes % LD_SHA256_BLOCK);
	uint64_t bits = c->bytes << 3;
	int i;

	/* 0x80, zeros up to 56 mod 64, the length in bits as a 64-bit big-endian number. */
	c->buf[used++] = 0x80;
	if (used > LD_SHA256_BLOCK - 8) {
		memset(c->buf + used, 0, LD_SHA256_BLOCK - used);
		blocks(c->st, c->buf, 1);
		used = 0;
	}
	memset(c->buf + used, 0, LD_SHA256_BLOCK - 8 - used);
	ld_put_be64(c->buf + LD_SHA256_BLOCK - 8, bits);
	blocks(c->st, c->buf, 1);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(c->st[i] >> 24);
		out[4 * i + 1] = (uint8_t)(c->st[i] >> 16);
		out[4 * i + 2] = (uint8_t)(c->st[i] >> 8);
		out[4 * i + 3] = (uint8_t)c->st[i];
	}
}
