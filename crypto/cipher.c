/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* AES in ECB, CBC and XTS, and the dm-crypt sector cipher built on them.
 *
 * A dm-crypt specification is "cipher-mode-ivgen[:ivopts]" (e.g. aes-xts-plain64,
 * aes-cbc-essiv:sha256).  Each sector is encrypted on its own: for CBC and XTS the
 * sector's IV (16 bytes) comes from the IV generator applied to the sector number;
 * ECB has no IV.  IV generators, as Linux dm-crypt (and cryptsetup's userspace copy,
 * lib/crypto_backend/crypto_storage.c) compute them from the IV sector number n:
 *   null       all zero
 *   plain      le32(n mod 2^32), zero padded
 *   plain64    le64(n), zero padded
 *   plain64be  zero, then be64(n) in the last 8 bytes
 *   essiv:H    E_s(le64(n) zero padded), s = H(volume key), same cipher keyed with s
 *   benbi      zero, then be64((n << 5) + 1) in the last 8 bytes: the count of 16-byte
 *              "narrow blocks" from 1, with shift 9 - log2(16); the shift does not
 *              change with the sector size.
 * The IV sector number n is chosen by the caller (see ld_cipher_decrypt in crypto.h). */
#include "crypto/crypto.h"

#include <string.h>

#include "base/endian.h"
#include "base/str.h"
#include "crypto/aes_impl.h"
#include "mbedtls/aes.h"

typedef enum { MODE_ECB, MODE_CBC, MODE_XTS } cipher_mode;
typedef enum { IV_NONE, IV_NULL, IV_PLAIN, IV_PLAIN64, IV_PLAIN64BE, IV_ESSIV, IV_BENBI } iv_gen;

struct parsed_spec {
	cipher_mode mode;
	iv_gen iv;
	ld_hash_alg essiv_hash;
};

struct ld_cipher {
	ld_alloc alloc; /* a copy, so the caller's struct need not outlive us */
	cipher_mode mode;
	iv_gen iv;
	union {
		struct {
			mbedtls_aes_context enc, dec;
		} blk;    /* ECB, CBC */
		struct {
			mbedtls_aes_xts_context enc, dec;
			ld_aes_impl impl; /* LD_AES_PORTABLE: mbedTLS; else sched */
			struct ld_xts_sched sched;
		} xts;
	} k;
	mbedtls_aes_context essiv; /* keyed with H(key), encrypt direction */
};

/* ---- AES primitives (whole blocks, no padding) ----------------------------------- */

static int aes_keybits(size_t keylen)
{
	return (keylen == 16 || keylen == 24 || keylen == 32) ? (int)keylen * 8 : 0;
}

int ld_aes_ecb(const uint8_t *key, size_t keylen, int encrypt, const uint8_t *in, uint8_t *out,
	       size_t len)
{
	mbedtls_aes_context a;
	int bits = aes_keybits(keylen), r = 0;

	if (key == NULL || bits == 0 || len % 16 != 0 || (len != 0 && (in == NULL || out == NULL)))
		return LD_ERR_INVALID;
	mbedtls_aes_init(&a);
	r = encrypt ? mbedtls_aes_setkey_enc(&a, key, (unsigned)bits)
		    : mbedtls_aes_setkey_dec(&a, key, (unsigned)bits);
	for (size_t off = 0; r == 0 && off < len; off += 16)
		r = mbedtls_aes_crypt_ecb(&a, encrypt ? MBEDTLS_AES_ENCRYPT : MBEDTLS_AES_DECRYPT,
					  in + off, out + off);
	mbedtls_aes_free(&a); /* zeroizes the key schedule */
	return r == 0 ? LD_OK : LD_ERR_INVALID;
}

int ld_aes_cbc(const uint8_t *key, size_t keylen, int encrypt, const uint8_t iv[16],
	       const uint8_t *in, uint8_t *out, size_t len)
{
	mbedtls_aes_context a;
	uint8_t v[16];
	int bits = aes_keybits(keylen), r;

	if (key == NULL || iv == NULL || bits == 0 || len % 16 != 0 ||
	    (len != 0 && (in == NULL || out == NULL)))
		return LD_ERR_INVALID;
	memcpy(v, iv, 16); /* mbedtls updates the IV in place */
	mbedtls_aes_init(&a);
	r = encrypt ? mbedtls_aes_setkey_enc(&a, key, (unsigned)bits)
		    : mbedtls_aes_setkey_dec(&a, key, (unsigned)bits);
	if (r == 0 && len != 0)
		r = mbedtls_aes_crypt_cbc(&a, encrypt ? MBEDTLS_AES_ENCRYPT : MBEDTLS_AES_DECRYPT,
					  len, v, in, out);
	mbedtls_aes_free(&a);
	ld_wipe(v, sizeof(v));
	return r == 0 ? LD_OK : LD_ERR_INVALID;
}

int ld_aes_ctr(const uint8_t *key, size_t keylen, const uint8_t iv[16], const uint8_t *in,
	       uint8_t *out, size_t len)
{
	mbedtls_aes_context a;
	uint8_t ctr[16], stream[16];
	size_t nc_off = 0;
	int bits = aes_keybits(keylen), r;

	if (key == NULL || iv == NULL || bits == 0 || (len != 0 && (in == NULL || out == NULL)))
		return LD_ERR_INVALID;
	memcpy(ctr, iv, 16); /* mbedtls advances the counter in place */
	mbedtls_aes_init(&a);
	r = mbedtls_aes_setkey_enc(&a, key, (unsigned)bits);
	if (r == 0 && len != 0)
		r = mbedtls_aes_crypt_ctr(&a, len, &nc_off, ctr, stream, in, out);
	mbedtls_aes_free(&a);
	ld_wipe(ctr, sizeof(ctr));
	ld_wipe(stream, sizeof(stream));
	return r == 0 ? LD_OK : LD_ERR_INVALID;
}

/* mbedtls_aes_xts_setkey_* accept only 256- and 512-bit keys, but XTS is defined over
 * any AES key size and Linux accepts AES-192-XTS (48-byte keys).  So the two inner
 * contexts are keyed directly: the first half of the key encrypts the data, the second
 * half the tweak (IEEE 1619 Key1/Key2, the same split dm-crypt uses). */
static int xts_setkey(mbedtls_aes_xts_context *x, const uint8_t *key, size_t keylen, int encrypt)
{
	size_t half = keylen / 2;
	int bits = (keylen % 2 == 0) ? aes_keybits(half) : 0;
	int r;

	if (bits == 0)
		return -1;
	r = encrypt ? mbedtls_aes_setkey_enc(&x->crypt, key, (unsigned)bits)
		    : mbedtls_aes_setkey_dec(&x->crypt, key, (unsigned)bits);
	if (r == 0) /* the tweak is always encrypted, in both directions */
		r = mbedtls_aes_setkey_enc(&x->tweak, key + half, (unsigned)bits);
	return r;
}

/* Fills the fast paths' schedule from the two keyed directions of an XTS key. */
static int xts_sched(struct ld_xts_sched *s, const mbedtls_aes_xts_context *enc,
		     const mbedtls_aes_xts_context *dec)
{
	return ld_xts_sched_set(s, enc->crypt.rk, dec->crypt.rk, enc->tweak.rk, enc->crypt.nr);
}

/* One ld_aes_xts call through a fast path: x is keyed for one direction only, so the
 * other direction's data schedule is made here too (the path's input wants both). */
static int xts_fast_once(const mbedtls_aes_xts_context *x, ld_aes_impl impl,
			 const uint8_t *key, size_t keylen, int encrypt, const uint8_t tweak[16],
			 const uint8_t *in, uint8_t *out, size_t len)
{
	mbedtls_aes_xts_context other;
	struct ld_xts_sched s;
	int r;

	mbedtls_aes_xts_init(&other);
	r = xts_setkey(&other, key, keylen, !encrypt);
	if (r == 0)
		r = encrypt ? xts_sched(&s, x, &other) : xts_sched(&s, &other, x);
	if (r == 0) {
		uintptr_t g = ld_xts_fast_begin(impl);

		ld_xts_fast(impl, &s, encrypt, tweak, in, out, len / 16);
		ld_xts_fast_end(impl, g);
	}
	mbedtls_aes_xts_free(&other);
	ld_wipe(&s, sizeof(s));
	return r;
}

int ld_aes_xts(const uint8_t *key, size_t keylen, int encrypt, const uint8_t tweak[16],
	       const uint8_t *in, uint8_t *out, size_t len)
{
	mbedtls_aes_xts_context x;
	int r;

	/* Whole blocks only: no ciphertext stealing is ever needed for sectors. */
	if (key == NULL || tweak == NULL || in == NULL || out == NULL || len < 16 || len % 16 != 0)
		return LD_ERR_INVALID;
	mbedtls_aes_xts_init(&x);
	r = xts_setkey(&x, key, keylen, encrypt);
	if (r == 0) {
		ld_aes_impl impl = ld_aes_impl_current();

		if (impl != LD_AES_PORTABLE)
			r = xts_fast_once(&x, impl, key, keylen, encrypt, tweak, in, out, len);
		else
			r = mbedtls_aes_crypt_xts(&x, encrypt ? MBEDTLS_AES_ENCRYPT
							      : MBEDTLS_AES_DECRYPT,
						  len, tweak, in, out);
	}
	mbedtls_aes_xts_free(&x);
	return r == 0 ? LD_OK : LD_ERR_INVALID;
}

/* ---- error messages without snprintf --------------------------------------------- */

struct msg {
	char *buf;
	size_t cap, len;
};

static void msg_str(struct msg *m, const char *s, size_t n)
{
	if (m->buf == NULL || m->cap == 0)
		return;
	for (size_t i = 0; i < n && s[i] != '\0' && m->len + 1 < m->cap; i++)
		m->buf[m->len++] = s[i];
	m->buf[m->len] = '\0';
}

static void msg_cstr(struct msg *m, const char *s)
{
	msg_str(m, s, strlen(s));
}

static void msg_uint(struct msg *m, size_t v)
{
	char d[21];

	msg_cstr(m, ld_u64_str(v, d));
}

/* Specs in messages are cut short so that garbage input cannot flood a log. */
#define SPEC_SHOWN 64

/* Quotes untrusted text (it comes from a disk header): at most SPEC_SHOWN bytes, and
 * anything but printable ASCII shown as '?'. */
static void msg_untrusted(struct msg *m, const char *s, size_t n)
{
	for (size_t i = 0; i < n && i < SPEC_SHOWN; i++) {
		char ch = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
		msg_str(m, &ch, 1);
	}
}

static void msg_spec(struct msg *m, const char *spec, size_t len)
{
	msg_cstr(m, "\"");
	msg_untrusted(m, spec, len);
	if (len > SPEC_SHOWN)
		msg_cstr(m, "...");
	msg_cstr(m, "\"");
}

/* ---- specification parser -------------------------------------------------------- */

static int tok_is(const char *p, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(p, word, n) == 0;
}

/* Longest specification we look at; LUKS2 limits the JSON "encryption" string to
 * far less, LUKS1 to 32 + 32 bytes. */
#define SPEC_MAX 128

static int parse_spec(const char *spec, size_t keylen, struct parsed_spec *ps, struct msg *m)
{
	const char *p[3] = { NULL, NULL, NULL };
	size_t n[3] = { 0, 0, 0 }, len, parts = 0, start = 0;
	const char *opts = NULL;
	size_t optlen = 0, ivlen;

	if (spec == NULL) {
		msg_cstr(m, "no cipher specification");
		return LD_ERR_INVALID;
	}
	for (len = 0; len <= SPEC_MAX && spec[len] != '\0'; len++)
		;
	if (len == 0 || len > SPEC_MAX) {
		msg_cstr(m, len ? "cipher specification too long: " : "empty cipher specification");
		if (len)
			msg_spec(m, spec, len);
		return LD_ERR_INVALID;
	}
	/* Split into at most three '-'-separated fields; the IV field keeps any further
	 * text (it is checked below and rejected if it contains a '-'). */
	for (size_t i = 0; i <= len; i++) {
		if (i == len || (spec[i] == '-' && parts < 2)) {
			p[parts] = spec + start;
			n[parts] = i - start;
			parts++;
			start = i + 1;
		}
	}
	for (size_t i = 0; i < parts; i++) {
		if (n[i] == 0) {
			msg_cstr(m, "malformed cipher specification ");
			msg_spec(m, spec, len);
			return LD_ERR_INVALID;
		}
	}
	if (!tok_is(p[0], n[0], "aes")) {
		msg_cstr(m, "unsupported cipher \"");
		msg_untrusted(m, p[0], n[0]);
		msg_cstr(m, "\" in ");
		msg_spec(m, spec, len);
		msg_cstr(m, " (only aes is supported)");
		return LD_ERR_UNSUPPORTED;
	}
	/* dm-crypt's legacy forms: "aes" and "aes-plain" mean aes-cbc-plain. */
	if (parts == 1 || (parts == 2 && tok_is(p[1], n[1], "plain"))) {
		ps->mode = MODE_CBC;
		ps->iv = IV_PLAIN;
		goto check_key;
	}
	if (tok_is(p[1], n[1], "ecb"))
		ps->mode = MODE_ECB;
	else if (tok_is(p[1], n[1], "cbc"))
		ps->mode = MODE_CBC;
	else if (tok_is(p[1], n[1], "xts"))
		ps->mode = MODE_XTS;
	else {
		msg_cstr(m, "unsupported cipher mode \"");
		msg_untrusted(m, p[1], n[1]);
		msg_cstr(m, "\" in ");
		msg_spec(m, spec, len);
		msg_cstr(m, " (supported: ecb, cbc, xts)");
		return LD_ERR_UNSUPPORTED;
	}
	if (parts == 2) {
		/* Only ECB may go without an IV generator, as in dm-crypt. */
		if (ps->mode != MODE_ECB) {
			msg_cstr(m, "cipher specification ");
			msg_spec(m, spec, len);
			msg_cstr(m, " lacks an IV generator (e.g. -plain64)");
			return LD_ERR_INVALID;
		}
		ps->iv = IV_NONE;
		goto check_key;
	}
	ivlen = n[2];
	for (size_t i = 0; i < n[2]; i++) {
		if (p[2][i] == ':') {
			ivlen = i;
			opts = p[2] + i + 1;
			optlen = n[2] - i - 1;
			break;
		}
	}
	if (tok_is(p[2], ivlen, "null"))
		ps->iv = IV_NULL;
	else if (tok_is(p[2], ivlen, "plain"))
		ps->iv = IV_PLAIN;
	else if (tok_is(p[2], ivlen, "plain64"))
		ps->iv = IV_PLAIN64;
	else if (tok_is(p[2], ivlen, "plain64be"))
		ps->iv = IV_PLAIN64BE;
	else if (tok_is(p[2], ivlen, "essiv"))
		ps->iv = IV_ESSIV;
	else if (tok_is(p[2], ivlen, "benbi"))
		ps->iv = IV_BENBI;
	else {
		msg_cstr(m, "unsupported IV generator \"");
		msg_untrusted(m, p[2], ivlen);
		msg_cstr(m, "\" in ");
		msg_spec(m, spec, len);
		msg_cstr(m, " (supported: plain, plain64, plain64be, essiv:sha256, benbi, null)");
		return LD_ERR_UNSUPPORTED;
	}
	if (ps->iv == IV_ESSIV) {
		if (opts == NULL || ld_hash_from_name(opts, optlen, &ps->essiv_hash) != LD_OK ||
		    aes_keybits(ld_hash_size(ps->essiv_hash)) == 0) {
			/* The ESSIV key is the digest itself, so it must be an AES key size. */
			msg_cstr(m, "unsupported ESSIV hash in ");
			msg_spec(m, spec, len);
			msg_cstr(m, " (supported: essiv:sha256)");
			return LD_ERR_UNSUPPORTED;
		}
	} else if (opts != NULL) {
		msg_cstr(m, "unexpected IV options in ");
		msg_spec(m, spec, len);
		return LD_ERR_INVALID;
	}
	/* ECB has no IV: dm-crypt ignores a generator there; we accept only "null". */
	if (ps->mode == MODE_ECB && ps->iv != IV_NULL) {
		msg_cstr(m, "ECB takes no IV: use aes-ecb or aes-ecb-null, not ");
		msg_spec(m, spec, len);
		return LD_ERR_UNSUPPORTED;
	}

check_key:
	if ((ps->mode == MODE_XTS && (keylen % 2 != 0 || aes_keybits(keylen / 2) == 0)) ||
	    (ps->mode != MODE_XTS && aes_keybits(keylen) == 0)) {
		msg_cstr(m, "key of ");
		msg_uint(m, keylen);
		msg_cstr(m, " bytes does not fit ");
		msg_spec(m, spec, len);
		msg_cstr(m, ps->mode == MODE_XTS ? " (XTS needs 32, 48 or 64)"
						 : " (needs 16, 24 or 32)");
		return LD_ERR_UNSUPPORTED;
	}
	return LD_OK;
}

int ld_cipher_check(const char *spec, size_t keylen, char *err, size_t errlen)
{
	struct parsed_spec ps;
	struct msg m = { err, errlen, 0 };

	if (err != NULL && errlen != 0)
		err[0] = '\0';
	return parse_spec(spec, keylen, &ps, &m);
}

/* ---- sector cipher --------------------------------------------------------------- */

void ld_cipher_free(ld_cipher *c)
{
	ld_alloc a;

	if (c == NULL)
		return;
	a = c->alloc;
	/* mbedtls_*_free zeroize the schedules; ld_wipe then covers the whole object. */
	if (c->mode == MODE_XTS) {
		mbedtls_aes_xts_free(&c->k.xts.enc);
		mbedtls_aes_xts_free(&c->k.xts.dec);
	} else {
		mbedtls_aes_free(&c->k.blk.enc);
		mbedtls_aes_free(&c->k.blk.dec);
	}
	mbedtls_aes_free(&c->essiv);
	ld_wipe(c, sizeof(*c));
	a.free(a.ctx, c, sizeof(*c));
}

int ld_cipher_new(ld_cipher **out, const char *spec, const uint8_t *key, size_t keylen,
		  const ld_alloc *alloc, char *err, size_t errlen)
{
	struct parsed_spec ps;
	struct msg m = { err, errlen, 0 };
	ld_cipher *c;
	int r;

	if (err != NULL && errlen != 0)
		err[0] = '\0';
	if (out == NULL || key == NULL || alloc == NULL || alloc->alloc == NULL ||
	    alloc->free == NULL) {
		msg_cstr(&m, "invalid argument");
		return LD_ERR_INVALID;
	}
	*out = NULL;
	r = parse_spec(spec, keylen, &ps, &m);
	if (r != LD_OK)
		return r;
	c = alloc->alloc(alloc->ctx, sizeof(*c));
	if (c == NULL) {
		msg_cstr(&m, "out of memory");
		return LD_ERR_NOMEM;
	}
	memset(c, 0, sizeof(*c));
	c->alloc = *alloc;
	c->mode = ps.mode;
	c->iv = ps.iv;
	mbedtls_aes_init(&c->essiv);
	if (ps.mode == MODE_XTS) {
		mbedtls_aes_xts_init(&c->k.xts.enc);
		mbedtls_aes_xts_init(&c->k.xts.dec);
		r = xts_setkey(&c->k.xts.enc, key, keylen, 1);
		if (r == 0)
			r = xts_setkey(&c->k.xts.dec, key, keylen, 0);
		c->k.xts.impl = ld_aes_impl_current();
		if (r == 0 && c->k.xts.impl != LD_AES_PORTABLE)
			r = xts_sched(&c->k.xts.sched, &c->k.xts.enc, &c->k.xts.dec);
	} else {
		mbedtls_aes_init(&c->k.blk.enc);
		mbedtls_aes_init(&c->k.blk.dec);
		r = mbedtls_aes_setkey_enc(&c->k.blk.enc, key, (unsigned)keylen * 8);
		if (r == 0)
			r = mbedtls_aes_setkey_dec(&c->k.blk.dec, key, (unsigned)keylen * 8);
	}
	if (r == 0 && ps.iv == IV_ESSIV) {
		uint8_t salt[LD_HASH_MAX_SIZE];
		size_t sl = ld_hash_size(ps.essiv_hash);

		/* The ESSIV salt hashes the whole key (both XTS halves, if XTS). */
		r = ld_hash(ps.essiv_hash, key, keylen, salt);
		if (r == 0)
			r = mbedtls_aes_setkey_enc(&c->essiv, salt, (unsigned)sl * 8);
		ld_wipe(salt, sizeof(salt));
	}
	if (r != 0) {
		ld_cipher_free(c);
		msg_cstr(&m, "key setup failed");
		return LD_ERR_INVALID;
	}
	*out = c;
	return LD_OK;
}

static int make_iv(const ld_cipher *c, uint64_t n, uint8_t iv[16])
{
	memset(iv, 0, 16);
	switch (c->iv) {
	case IV_NONE:
	case IV_NULL:
		return 0;
	case IV_PLAIN:
		ld_put_le64(iv, n & 0xffffffffu);
		return 0;
	case IV_PLAIN64:
		ld_put_le64(iv, n);
		return 0;
	case IV_PLAIN64BE:
		ld_put_be64(iv + 8, n);
		return 0;
	case IV_BENBI:
		ld_put_be64(iv + 8, (n << 5) + 1);
		return 0;
	case IV_ESSIV:
		ld_put_le64(iv, n);
		return mbedtls_aes_crypt_ecb((mbedtls_aes_context *)&c->essiv, MBEDTLS_AES_ENCRYPT,
					     iv, iv);
	}
	return -1;
}

static int crypt_sectors(ld_cipher *c, int encrypt, uint8_t *buf, size_t len,
			 size_t sector_size, uint64_t iv_sector, uint64_t iv_step)
{
	const int dir = encrypt ? MBEDTLS_AES_ENCRYPT : MBEDTLS_AES_DECRYPT;
	uint8_t iv[16];
	uint64_t n = iv_sector;
	int r = 0;
	ld_aes_impl fast = LD_AES_PORTABLE;
	uintptr_t guard = 0;

	/* dm-crypt sector sizes: a power of two from 512 to 4096 bytes. */
	if (c == NULL || (buf == NULL && len != 0) || sector_size < 512 || sector_size > 4096 ||
	    (sector_size & (sector_size - 1)) != 0 || len % sector_size != 0 || iv_step == 0)
		return LD_ERR_INVALID;
	if (c->mode == MODE_XTS && len != 0) {
		fast = c->k.xts.impl;
		guard = ld_xts_fast_begin(fast);
	}
	for (size_t off = 0; r == 0 && off < len; off += sector_size, n += iv_step) {
		uint8_t *s = buf + off;

		r = make_iv(c, n, iv);
		if (r != 0)
			break;
		switch (c->mode) {
		case MODE_ECB:
			for (size_t b = 0; r == 0 && b < sector_size; b += 16)
				r = mbedtls_aes_crypt_ecb(encrypt ? &c->k.blk.enc : &c->k.blk.dec,
							  dir, s + b, s + b);
			break;
		case MODE_CBC:
			r = mbedtls_aes_crypt_cbc(encrypt ? &c->k.blk.enc : &c->k.blk.dec, dir,
						  sector_size, iv, s, s);
			break;
		case MODE_XTS:
			if (fast != LD_AES_PORTABLE)
				ld_xts_fast(fast, &c->k.xts.sched, encrypt, iv, s, s,
					    sector_size / 16);
			else
				r = mbedtls_aes_crypt_xts(encrypt ? &c->k.xts.enc : &c->k.xts.dec,
							  dir, sector_size, iv, s, s);
			break;
		}
	}
	if (fast != LD_AES_PORTABLE)
		ld_xts_fast_end(fast, guard);
	ld_wipe(iv, sizeof(iv));
	return r == 0 ? LD_OK : LD_ERR_INVALID;
}

int ld_cipher_decrypt(ld_cipher *c, uint8_t *buf, size_t len, size_t sector_size,
		      uint64_t iv_sector, uint64_t iv_step)
{
	return crypt_sectors(c, 0, buf, len, sector_size, iv_sector, iv_step);
}

int ld_cipher_encrypt(ld_cipher *c, uint8_t *buf, size_t len, size_t sector_size,
		      uint64_t iv_sector, uint64_t iv_step)
{
	return crypt_sectors(c, 1, buf, len, sector_size, iv_sector, iv_step);
}
