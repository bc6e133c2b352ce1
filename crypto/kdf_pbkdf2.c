/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* PBKDF2 (RFC 8018 section 5.2) with HMAC-SHA-1, -SHA-256, -SHA-512 and -RIPEMD-160.
 *
 * For the SHA family each iteration U_j = HMAC(P, U_{j-1}) is exactly two compressions:
 * one from the saved state after K ^ ipad over the block (U_{j-1} || padding), one from
 * the saved state after K ^ opad over (inner digest || padding).  Both messages are one
 * digest long, so the block's padding words are the same for both and never change: the
 * loop keeps the message as native words and calls the compression functions of
 * kdf_sha.h directly (SHA-NI for SHA-1/SHA-256 when the CPU has it).  Output blocks
 * T_i are independent; two of them run interleaved when the SHA-NI path is used (a
 * 512-bit key from PBKDF2-SHA256 is two blocks).  U_1, whose message holds the salt of
 * any length, is computed with the general HMAC of hash.c.  RIPEMD-160 (LUKS1 legacy)
 * uses the general HMAC for every iteration. */
#include "base/endian.h"
#include "crypto/crypto.h"

#include <string.h>

#include "crypto/kdf_cpu.h"
#include "crypto/kdf_sha.h"

/* How many iterations run between two progress reports. */
#define PBKDF2_PROGRESS_STEP 4096u

struct pbkdf2_run {
	ld_hash_alg alg;
	size_t hs;              /* digest bytes */
	const ld_hmac_ctx *h;   /* general HMAC keyed with P: U_1 and RIPEMD-160 */
	const uint8_t *salt;
	size_t saltlen;
	uint32_t iterations;
	ld_progress_fn progress;
	void *progress_ctx;
	uint64_t done, total;   /* iterations, for progress */
};

static void report(struct pbkdf2_run *r, uint64_t extra)
{
	if (r->progress != NULL)
		r->progress(r->progress_ctx, r->done + extra, r->total);
}

/* U_1 = HMAC(P, S || INT(blk)) */
static int pbkdf2_u1(const struct pbkdf2_run *r, uint32_t blk, uint8_t *u)
{
	ld_hash_ctx c = r->h->inner; /* plain data: copying clones the hash state */
	uint8_t be[4] = { (uint8_t)(blk >> 24), (uint8_t)(blk >> 16), (uint8_t)(blk >> 8),
			  (uint8_t)blk };
	int e = ld_hash_update(&c, r->salt, r->saltlen);

	if (e == LD_OK)
		e = ld_hash_update(&c, be, sizeof(be));
	if (e == LD_OK)
		e = ld_hash_final(&c, u);
	if (e == LD_OK) {
		c = r->h->outer;
		e = ld_hash_update(&c, u, r->hs);
		if (e == LD_OK)
			e = ld_hash_final(&c, u);
	}
	ld_wipe(&c, sizeof(c));
	return e;
}

/* ---- RIPEMD-160: the general HMAC for every iteration ------------------------------- */

static int pbkdf2_block_generic(struct pbkdf2_run *r, uint32_t blk, uint8_t *t)
{
	uint8_t u[LD_HASH_MAX_SIZE];
	int e = pbkdf2_u1(r, blk, u);

	if (e == LD_OK)
		memcpy(t, u, r->hs);
	for (uint32_t it = 1; e == LD_OK && it < r->iterations; it++) {
		e = ld_hmac_mac(r->h, u, r->hs, u);
		for (size_t k = 0; k < r->hs; k++)
			t[k] ^= u[k];
		if (it % PBKDF2_PROGRESS_STEP == 0)
			report(r, it);
	}
	ld_wipe(u, sizeof(u));
	return e;
}

/* ---- SHA-1 / SHA-256: 32-bit words -------------------------------------------------- */

typedef void (*compress32_fn)(uint32_t *st, const uint32_t *w);
typedef void (*compress32x2_fn)(uint32_t *sa, const uint32_t *wa, uint32_t *sb,
				const uint32_t *wb);

static void sha1_pair(uint32_t *sa, const uint32_t *wa, uint32_t *sb, const uint32_t *wb)
{
	ld_sha1_compress(sa, wa);
	ld_sha1_compress(sb, wb);
}

static void sha256_pair(uint32_t *sa, const uint32_t *wa, uint32_t *sb, const uint32_t *wb)
{
	ld_sha256_compress(sa, wa);
	ld_sha256_compress(sb, wb);
}

struct sha32 {
	unsigned words;         /* state and digest words: 5 or 8 */
	const uint32_t *iv;
	compress32_fn c1;
	compress32x2_fn c2;
	int interleave;         /* run two output blocks together */
	uint32_t ist[8], ost[8]; /* states after K ^ ipad and K ^ opad */
};

static void sha32_select(struct sha32 *s, ld_hash_alg alg)
{
	uint32_t f = ld_kdf_cpu_features();

	s->words = alg == LD_HASH_SHA1 ? 5 : 8;
	s->iv = alg == LD_HASH_SHA1 ? ld_sha1_iv : ld_sha256_iv;
	s->c1 = alg == LD_HASH_SHA1 ? ld_sha1_compress : ld_sha256_compress;
	s->c2 = alg == LD_HASH_SHA1 ? sha1_pair : sha256_pair;
	s->interleave = 0;
#if defined(LD_HAVE_SHA_NI)
	if (f & LD_KDF_CPU_SHA) {
		s->c1 = alg == LD_HASH_SHA1 ? ld_sha1_compress_ni : ld_sha256_compress_ni;
		s->c2 = alg == LD_HASH_SHA1 ? ld_sha1_compress2_ni : ld_sha256_compress2_ni;
		s->interleave = 1;
	}
#else
	(void)f;
#endif
}

/* The state after one compression of a 64-byte key block (K ^ pad), from the IV. */
static void sha32_keyed(const struct sha32 *s, const uint8_t *block, uint32_t *st)
{
	uint32_t w[16];

	for (int i = 0; i < 16; i++)
		w[i] = ld_be32(block + 4 * i);
	memcpy(st, s->iv, s->words * 4);
	s->c1(st, w);
	ld_wipe(w, sizeof(w));
}

/* Computes nb (1 or 2) output blocks T_blk, T_blk+1 into t[]. */
static int sha32_blocks(struct sha32 *s, struct pbkdf2_run *r, uint32_t blk, int nb,
			uint8_t t[2][LD_HASH_MAX_SIZE])
{
	uint32_t w[2][16], st[2][8], acc[2][8];
	uint8_t u[LD_HASH_MAX_SIZE];
	const size_t sb = s->words * 4;
	int e = LD_OK;

	/* Message block of every iteration: U (one digest), 0x80, zeros, and the bit length
	 * of the whole HMAC input, 64 key-block bytes + one digest. */
	memset(w, 0, sizeof(w));
	for (int n = 0; n < nb && e == LD_OK; n++) {
		e = pbkdf2_u1(r, blk + (uint32_t)n, u);
		for (unsigned k = 0; k < s->words; k++)
			acc[n][k] = w[n][k] = ld_be32(u + 4 * k);
		w[n][s->words] = 0x80000000u;
		w[n][15] = (uint32_t)((64 + sb) * 8);
	}
	for (uint32_t it = 1; e == LD_OK && it < r->iterations; it++) {
		memcpy(st[0], s->ist, sb);
		memcpy(st[1], s->ist, sb);
		if (nb == 2)
			s->c2(st[0], w[0], st[1], w[1]);
		else
			s->c1(st[0], w[0]);
		for (int n = 0; n < nb; n++) {
			memcpy(w[n], st[n], sb);
			memcpy(st[n], s->ost, sb);
		}
		if (nb == 2)
			s->c2(st[0], w[0], st[1], w[1]);
		else
			s->c1(st[0], w[0]);
		for (int n = 0; n < nb; n++) {
			for (unsigned k = 0; k < s->words; k++) {
				w[n][k] = st[n][k];
				acc[n][k] ^= st[n][k];
			}
		}
		if (it % PBKDF2_PROGRESS_STEP == 0)
			report(r, (uint64_t)it * (uint64_t)nb);
	}
	for (int n = 0; n < nb && e == LD_OK; n++)
		for (unsigned k = 0; k < s->words; k++) {
			t[n][4 * k] = (uint8_t)(acc[n][k] >> 24);
			t[n][4 * k + 1] = (uint8_t)(acc[n][k] >> 16);
			t[n][4 * k + 2] = (uint8_t)(acc[n][k] >> 8);
			t[n][4 * k + 3] = (uint8_t)acc[n][k];
		}
	ld_wipe(w, sizeof(w));
	ld_wipe(st, sizeof(st));
	ld_wipe(acc, sizeof(acc));
	ld_wipe(u, sizeof(u));
	return e;
}

/* ---- SHA-512: 64-bit words ---------------------------------------------------------- */

struct sha64 {
	uint64_t ist[8], ost[8];
};

static void sha64_keyed(const uint8_t *block, uint64_t *st)
{
	uint64_t w[16];

	for (int i = 0; i < 16; i++)
		w[i] = ld_be64(block + 8 * i);
	memcpy(st, ld_sha512_iv, sizeof(ld_sha512_iv));
	ld_sha512_compress(st, w);
	ld_wipe(w, sizeof(w));
}

static int sha64_block(struct sha64 *s, struct pbkdf2_run *r, uint32_t blk, uint8_t *t)
{
	uint64_t w[16], st[8], acc[8];
	uint8_t u[LD_HASH_MAX_SIZE];
	int e = pbkdf2_u1(r, blk, u);

	/* U, 0x80, zeros, and the 128-bit length of 128 key-block bytes + 64 digest bytes. */
	memset(w, 0, sizeof(w));
	for (int k = 0; k < 8; k++)
		acc[k] = w[k] = ld_be64(u + 8 * k);
	w[8] = 0x8000000000000000ull;
	w[15] = (128 + 64) * 8;
	for (uint32_t it = 1; e == LD_OK && it < r->iterations; it++) {
		memcpy(st, s->ist, sizeof(st));
		ld_sha512_compress(st, w);
		memcpy(w, st, sizeof(st));
		memcpy(st, s->ost, sizeof(st));
		ld_sha512_compress(st, w);
		for (int k = 0; k < 8; k++) {
			w[k] = st[k];
			acc[k] ^= st[k];
		}
		if (it % PBKDF2_PROGRESS_STEP == 0)
			report(r, it);
	}
	for (int k = 0; k < 64; k++)
		t[k] = (uint8_t)(acc[k / 8] >> (56 - 8 * (k % 8)));
	ld_wipe(w, sizeof(w));
	ld_wipe(st, sizeof(st));
	ld_wipe(acc, sizeof(acc));
	ld_wipe(u, sizeof(u));
	return e;
}

/* ---- driver ------------------------------------------------------------------------- */

/* K ^ ipad and K ^ opad, each one block of bs bytes (RFC 2104: a key longer than the
 * block is hashed first). */
static int hmac_pads(ld_hash_alg alg, const uint8_t *pw, size_t pwlen, size_t bs,
		     uint8_t *ipad, uint8_t *opad)
{
	int e = LD_OK;

	memset(ipad, 0, bs);
	if (pwlen > bs)
		e = ld_hash(alg, pw, pwlen, ipad);
	else if (pwlen != 0)
		memcpy(ipad, pw, pwlen);
	for (size_t i = 0; i < bs; i++) {
		opad[i] = ipad[i] ^ 0x5c;
		ipad[i] ^= 0x36;
	}
	return e;
}

int ld_pbkdf2(ld_hash_alg alg, const uint8_t *pw, size_t pwlen, const uint8_t *salt,
	      size_t saltlen, uint32_t iterations, uint8_t *out, size_t outlen,
	      ld_progress_fn progress, void *progress_ctx)
{
	struct pbkdf2_run r;
	ld_hmac_ctx h;
	struct sha32 s32;
	struct sha64 s64;
	uint8_t ipad[LD_HASH_MAX_BLOCK], opad[LD_HASH_MAX_BLOCK];
	uint8_t t[2][LD_HASH_MAX_SIZE];
	size_t hs, blocks, done_bytes = 0;
	uint32_t blk = 1;
	int e;

	if (ld_hash_size(alg) == 0 || (pw == NULL && pwlen != 0) ||
	    (salt == NULL && saltlen != 0) || out == NULL || outlen == 0 || iterations == 0)
		return LD_ERR_INVALID;
	hs = ld_hash_size(alg);
	blocks = outlen / hs + (outlen % hs != 0);
	/* RFC 8018: dkLen at most (2^32 - 1) * hLen, i.e. the block counter must not wrap. */
	if (blocks > 0xffffffffu)
		return LD_ERR_INVALID;

	memset(&r, 0, sizeof(r));
	r.alg = alg;
	r.hs = hs;
	r.h = &h;
	r.salt = salt;
	r.saltlen = saltlen;
	r.iterations = iterations;
	r.progress = progress;
	r.progress_ctx = progress_ctx;
	r.total = (uint64_t)blocks * iterations;

	e = ld_hmac_init(&h, alg, pw, pwlen);
	if (e != LD_OK)
		return e;
	e = hmac_pads(alg, pw, pwlen, ld_hash_block_size(alg), ipad, opad);
	if (e == LD_OK && (alg == LD_HASH_SHA1 || alg == LD_HASH_SHA256)) {
		sha32_select(&s32, alg);
		sha32_keyed(&s32, ipad, s32.ist);
		sha32_keyed(&s32, opad, s32.ost);
	} else if (e == LD_OK && alg == LD_HASH_SHA512) {
		sha64_keyed(ipad, s64.ist);
		sha64_keyed(opad, s64.ost);
	}
	while (e == LD_OK && done_bytes < outlen) {
		int nb = 1;

		if (alg == LD_HASH_SHA1 || alg == LD_HASH_SHA256) {
			nb = s32.interleave && outlen - done_bytes > hs ? 2 : 1;
			e = sha32_blocks(&s32, &r, blk, nb, t);
		} else if (alg == LD_HASH_SHA512) {
			e = sha64_block(&s64, &r, blk, t[0]);
		} else {
			e = pbkdf2_block_generic(&r, blk, t[0]);
		}
		for (int n = 0; n < nb && e == LD_OK; n++) {
			size_t k = outlen - done_bytes < hs ? outlen - done_bytes : hs;

			memcpy(out + done_bytes, t[n], k);
			done_bytes += k;
			blk++;
		}
		if (e == LD_OK) {
			r.done += (uint64_t)nb * iterations;
			report(&r, 0);
		}
	}
	ld_hmac_wipe(&h);
	ld_wipe(&s32, sizeof(s32));
	ld_wipe(&s64, sizeof(s64));
	ld_wipe(ipad, sizeof(ipad));
	ld_wipe(opad, sizeof(opad));
	ld_wipe(t, sizeof(t));
	if (e != LD_OK)
		ld_wipe(out, outlen);
	return e;
}
