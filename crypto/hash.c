/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* SHA-1, SHA-512, RIPEMD-160 over mbedTLS's direct contexts, SHA-256 over our own
 * (sha256.c: whole runs of blocks per call, SHA-NI where the CPU has it); HMAC (RFC 2104)
 * built on them (PBKDF2, on the bare compression functions, is in kdf_pbkdf2.c). */
#include "crypto/crypto.h"

#include <string.h>

#include "mbedtls/ripemd160.h"
#include "mbedtls/sha1.h"
#include "mbedtls/sha512.h"

#include "crypto/sha256.h"

/* ld_hash_ctx.state is opaque storage for whichever backend context alg selects. */
_Static_assert(sizeof(mbedtls_sha1_context) <= sizeof(((ld_hash_ctx *)0)->state), "sha1 ctx");
_Static_assert(sizeof(ld_sha256_ctx) <= sizeof(((ld_hash_ctx *)0)->state), "sha256 ctx");
_Static_assert(sizeof(mbedtls_sha512_context) <= sizeof(((ld_hash_ctx *)0)->state), "sha512 ctx");
_Static_assert(sizeof(mbedtls_ripemd160_context) <= sizeof(((ld_hash_ctx *)0)->state), "rmd ctx");

static const struct {
	const char *name;
	uint8_t size, block;
} hash_info[] = {
	[LD_HASH_SHA1] = { "sha1", 20, 64 },
	[LD_HASH_SHA256] = { "sha256", 32, 64 },
	[LD_HASH_SHA512] = { "sha512", 64, 128 },
	[LD_HASH_RIPEMD160] = { "ripemd160", 20, 64 },
};
#define HASH_COUNT (sizeof(hash_info) / sizeof(hash_info[0]))

static int alg_ok(ld_hash_alg alg)
{
	return (unsigned)alg < HASH_COUNT;
}

int ld_hash_from_name(const char *name, size_t len, ld_hash_alg *out)
{
	size_t i;

	if (name == NULL || out == NULL)
		return LD_ERR_INVALID;
	for (i = 0; i < HASH_COUNT; i++) {
		if (strlen(hash_info[i].name) == len && memcmp(hash_info[i].name, name, len) == 0) {
			*out = (ld_hash_alg)i;
			return LD_OK;
		}
	}
	return LD_ERR_UNSUPPORTED;
}

const char *ld_hash_name(ld_hash_alg alg)
{
	return alg_ok(alg) ? hash_info[alg].name : NULL;
}

size_t ld_hash_size(ld_hash_alg alg)
{
	return alg_ok(alg) ? hash_info[alg].size : 0;
}

size_t ld_hash_block_size(ld_hash_alg alg)
{
	return alg_ok(alg) ? hash_info[alg].block : 0;
}

int ld_hash_init(ld_hash_ctx *ctx, ld_hash_alg alg)
{
	int r;

	if (ctx == NULL || !alg_ok(alg))
		return LD_ERR_INVALID;
	memset(ctx, 0, sizeof(*ctx));
	ctx->alg = alg;
	switch (alg) {
	case LD_HASH_SHA1:
		r = mbedtls_sha1_starts_ret((mbedtls_sha1_context *)ctx->state);
		break;
	case LD_HASH_SHA256:
		ld_sha256_init((ld_sha256_ctx *)ctx->state);
		r = 0;
		break;
	case LD_HASH_SHA512:
		r = mbedtls_sha512_starts_ret((mbedtls_sha512_context *)ctx->state, 0);
		break;
	case LD_HASH_RIPEMD160:
		r = mbedtls_ripemd160_starts_ret((mbedtls_ripemd160_context *)ctx->state);
		break;
	default:
		return LD_ERR_INVALID;
	}
	return r == 0 ? LD_OK : LD_ERR_INVALID;
}

int ld_hash_update(ld_hash_ctx *ctx, const void *data, size_t len)
{
	int r;

	if (ctx == NULL || !alg_ok(ctx->alg) || (data == NULL && len != 0))
		return LD_ERR_INVALID;
	if (len == 0)
		return LD_OK;
	switch (ctx->alg) {
	case LD_HASH_SHA1:
		r = mbedtls_sha1_update_ret((mbedtls_sha1_context *)ctx->state, data, len);
		break;
	case LD_HASH_SHA256:
		ld_sha256_update((ld_sha256_ctx *)ctx->state, data, len);
		r = 0;
		break;
	case LD_HASH_SHA512:
		r = mbedtls_sha512_update_ret((mbedtls_sha512_context *)ctx->state, data, len);
		break;
	case LD_HASH_RIPEMD160:
		r = mbedtls_ripemd160_update_ret((mbedtls_ripemd160_context *)ctx->state, data, len);
		break;
	default:
		return LD_ERR_INVALID;
	}
	return r == 0 ? LD_OK : LD_ERR_INVALID;
}

int ld_hash_final(ld_hash_ctx *ctx, uint8_t *out)
{
	int r;

	if (ctx == NULL || out == NULL || !alg_ok(ctx->alg))
		return LD_ERR_INVALID;
	switch (ctx->alg) {
	case LD_HASH_SHA1:
		r = mbedtls_sha1_finish_ret((mbedtls_sha1_context *)ctx->state, out);
		break;
	case LD_HASH_SHA256:
		ld_sha256_final((ld_sha256_ctx *)ctx->state, out);
		r = 0;
		break;
	case LD_HASH_SHA512:
		r = mbedtls_sha512_finish_ret((mbedtls_sha512_context *)ctx->state, out);
		break;
	case LD_HASH_RIPEMD160:
		r = mbedtls_ripemd160_finish_ret((mbedtls_ripemd160_context *)ctx->state, out);
		break;
	default:
		r = -1;
	}
	ld_wipe(ctx->state, sizeof(ctx->state));
	return r == 0 ? LD_OK : LD_ERR_INVALID;
}

int ld_hash(ld_hash_alg alg, const void *data, size_t len, uint8_t *out)
{
	ld_hash_ctx ctx;
	int r = ld_hash_init(&ctx, alg);

	if (r == LD_OK)
		r = ld_hash_update(&ctx, data, len);
	if (r == LD_OK)
		return ld_hash_final(&ctx, out);
	ld_wipe(&ctx, sizeof(ctx));
	return r;
}

/* H(pre || m || suf) through the incremental API. */
static int hash3(ld_hash_alg alg, const void *pre, size_t prelen, const void *m, size_t len,
		 const void *suf, size_t suflen, uint8_t *out)
{
	ld_hash_ctx ctx;
	int r = ld_hash_init(&ctx, alg);

	if (r == LD_OK)
		r = ld_hash_update(&ctx, pre, prelen);
	if (r == LD_OK)
		r = ld_hash_update(&ctx, m, len);
	if (r == LD_OK)
		r = ld_hash_update(&ctx, suf, suflen);
	if (r == LD_OK)
		return ld_hash_final(&ctx, out);
	ld_wipe(&ctx, sizeof(ctx));
	return r;
}

int ld_hash_each(ld_hash_alg alg, const void *pre, size_t prelen, const void *blocks,
		 size_t len, size_t count, const void *suf, size_t suflen, uint8_t *out)
{
	const uint8_t *b = blocks;
	size_t hs, i = 0;
	int r = LD_OK;

	if (!alg_ok(alg) || out == NULL || (pre == NULL && prelen != 0) ||
	    (suf == NULL && suflen != 0) || (blocks == NULL && count != 0))
		return LD_ERR_INVALID;
	hs = hash_info[alg].size;
	if ((len != 0 && count > SIZE_MAX / len) || count > SIZE_MAX / hs)
		return LD_ERR_INVALID;
	if (alg == LD_HASH_SHA256)
		for (; i + 1 < count; i += 2)
			ld_sha256_two(pre, prelen, b + i * len, b + (i + 1) * len, len, suf, suflen,
				      out + i * hs, out + (i + 1) * hs);
	for (; r == LD_OK && i < count; i++)
		r = hash3(alg, pre, prelen, b + i * len, len, suf, suflen, out + i * hs);
	return r;
}

/* ---- HMAC ------------------------------------------------------------------------ */

void ld_hmac_wipe(ld_hmac_ctx *h)
{
	if (h != NULL)
		ld_wipe(h, sizeof(*h));
}

int ld_hmac_init(ld_hmac_ctx *h, ld_hash_alg alg, const uint8_t *key, size_t keylen)
{
	uint8_t pad[LD_HASH_MAX_BLOCK];
	size_t bs, i;
	int r;

	if (h == NULL || !alg_ok(alg) || (key == NULL && keylen != 0))
		return LD_ERR_INVALID;
	bs = hash_info[alg].block;
	memset(pad, 0, sizeof(pad));
	/* Keys longer than the block are hashed first (RFC 2104, section 2). */
	if (keylen > bs)
		r = ld_hash(alg, key, keylen, pad);
	else {
		if (keylen)
			memcpy(pad, key, keylen);
		r = LD_OK;
	}
	/* K ^ ipad keys the inner hash, K ^ opad the outer; both states are kept so that a
	 * PBKDF2 iteration costs two compressions per hash instead of four. */
	for (i = 0; r == LD_OK && i < bs; i++)
		pad[i] ^= 0x36;
	if (r == LD_OK)
		r = ld_hash_init(&h->inner, alg);
	if (r == LD_OK)
		r = ld_hash_update(&h->inner, pad, bs);
	for (i = 0; r == LD_OK && i < bs; i++)
		pad[i] ^= 0x36 ^ 0x5c;
	if (r == LD_OK)
		r = ld_hash_init(&h->outer, alg);
	if (r == LD_OK)
		r = ld_hash_update(&h->outer, pad, bs);
	ld_wipe(pad, sizeof(pad));
	if (r != LD_OK)
		ld_hmac_wipe(h);
	return r;
}

int ld_hmac_mac(const ld_hmac_ctx *h, const void *data, size_t len, uint8_t *out)
{
	ld_hash_ctx c;
	uint8_t inner[LD_HASH_MAX_SIZE];
	size_t hs;
	int r;

	if (h == NULL || out == NULL || !alg_ok(h->inner.alg))
		return LD_ERR_INVALID;
	hs = hash_info[h->inner.alg].size;
	c = h->inner; /* the contexts are plain data: copying clones the hash state */
	r = ld_hash_update(&c, data, len);
	if (r == LD_OK)
		r = ld_hash_final(&c, inner);
	if (r == LD_OK) {
		c = h->outer;
		r = ld_hash_update(&c, inner, hs);
		if (r == LD_OK)
			r = ld_hash_final(&c, out);
	}
	ld_wipe(&c, sizeof(c));
	ld_wipe(inner, sizeof(inner));
	return r;
}

int ld_hmac(ld_hash_alg alg, const uint8_t *key, size_t keylen, const void *data, size_t len,
	    uint8_t *out)
{
	ld_hmac_ctx h;
	int r = ld_hmac_init(&h, alg, key, keylen);

	if (r == LD_OK)
		r = ld_hmac_mac(&h, data, len, out);
	ld_hmac_wipe(&h);
	return r;
}

/* PBKDF2 is in kdf_pbkdf2.c. */

int ld_sha384(const void *data, size_t len, uint8_t out[LD_SHA384_SIZE])
{
	mbedtls_sha512_context c;
	uint8_t full[64]; /* mbedtls_sha512_finish_ret's output parameter is declared [64] */
	int r;

	if (out == NULL || (data == NULL && len != 0))
		return LD_ERR_INVALID;
	mbedtls_sha512_init(&c);
	r = mbedtls_sha512_starts_ret(&c, 1);
	if (r == 0)
		r = mbedtls_sha512_update_ret(&c, data, len);
	if (r == 0)
		r = mbedtls_sha512_finish_ret(&c, full);
	mbedtls_sha512_free(&c); /* wipes it */
	if (r == 0)
		memcpy(out, full, LD_SHA384_SIZE);
	ld_wipe(full, sizeof(full));
	return r == 0 ? LD_OK : LD_ERR_INVALID;
}
