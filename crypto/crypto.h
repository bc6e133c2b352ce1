/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* LuksDxe crypto layer: the one API that luks/, efi/ and tools/ use.
 * Backed by mbedTLS 2.28 (SHA-1, SHA-512, RIPEMD-160, AES), our own SHA-256 and SHA
 * compressions (SHA-NI where the CPU has it) and the Argon2 reference implementation.
 * No hidden allocation except where an ld_alloc is passed; every context is wiped on free. */
#ifndef LD_CRYPTO_H
#define LD_CRYPTO_H

#include "base/common.h"

/* ---- hashes ---------------------------------------------------------------------- */
typedef enum { LD_HASH_SHA1, LD_HASH_SHA256, LD_HASH_SHA512, LD_HASH_RIPEMD160 } ld_hash_alg;
#define LD_HASH_MAX_SIZE 64
#define LD_HASH_MAX_BLOCK 128

/* Name as LUKS writes it ("sha1", "sha256", "sha512", "ripemd160"); len excludes any NUL.
 * Returns LD_ERR_UNSUPPORTED for anything else. */
int ld_hash_from_name(const char *name, size_t len, ld_hash_alg *out);
const char *ld_hash_name(ld_hash_alg alg);
size_t ld_hash_size(ld_hash_alg alg);

/* Incremental hashing; the context lives on the caller's stack (no allocation). */
typedef struct ld_hash_ctx {
	ld_hash_alg alg;
	uint64_t state[56]; /* large enough for any backend context; checked at build time */
} ld_hash_ctx;
int ld_hash_init(ld_hash_ctx *ctx, ld_hash_alg alg);
int ld_hash_update(ld_hash_ctx *ctx, const void *data, size_t len);
int ld_hash_final(ld_hash_ctx *ctx, uint8_t *out); /* writes ld_hash_size() bytes, wipes ctx */
int ld_hash(ld_hash_alg alg, const void *data, size_t len, uint8_t *out);
/* SHA-384 (mbedTLS) of one message, for the AMD SEV-SNP launch digest; not a LUKS hash,
 * so it has no ld_hash_alg.  LD_OK, or LD_ERR_INVALID for a bad argument. */
#define LD_SHA384_SIZE 48u
int ld_sha384(const void *data, size_t len, uint8_t out[LD_SHA384_SIZE]);
size_t ld_hash_block_size(ld_hash_alg alg); /* 64, or 128 for SHA-512; 0 if unknown */
/* The digests of count messages of one shape, pre || block i || suf, where block i is the
 * i-th of count consecutive blocks of len bytes at blocks (dm-verity's salt || block, or
 * block || salt, over a run of data blocks): digest i at out + i * ld_hash_size(alg).
 * pre and suf may be NULL when their length is 0, blocks when count is 0.  SHA-256 hashes two messages at a time,
 * interleaved on SHA-NI (about 1.5 times the throughput of one after the other).
 * LD_ERR_INVALID for a bad argument, or when count blocks or digests overflow size_t. */
int ld_hash_each(ld_hash_alg alg, const void *pre, size_t prelen, const void *blocks,
		 size_t len, size_t count, const void *suf, size_t suflen, uint8_t *out);

/* HMAC with the key already absorbed: inner = H state after (K ^ ipad), outer = after
 * (K ^ opad).  One ld_hmac_ctx can MAC many messages (ld_hmac_mac does not modify it).
 * It holds key-derived state: call ld_hmac_wipe when done. */
typedef struct ld_hmac_ctx {
	ld_hash_ctx inner, outer;
} ld_hmac_ctx;
int ld_hmac_init(ld_hmac_ctx *h, ld_hash_alg alg, const uint8_t *key, size_t keylen);
int ld_hmac_mac(const ld_hmac_ctx *h, const void *data, size_t len, uint8_t *out);
void ld_hmac_wipe(ld_hmac_ctx *h);

int ld_hmac(ld_hash_alg alg, const uint8_t *key, size_t keylen, const void *data, size_t len,
	    uint8_t *out);
/* PBKDF2 (RFC 8018) with HMAC-alg.  progress (may be NULL) is called every 4096
 * iterations and after each output block, with done/total counted in iterations. */
int ld_pbkdf2(ld_hash_alg alg, const uint8_t *pw, size_t pwlen, const uint8_t *salt,
	      size_t saltlen, uint32_t iterations, uint8_t *out, size_t outlen,
	      ld_progress_fn progress, void *progress_ctx);

/* ---- Argon2 ---------------------------------------------------------------------- */
typedef enum { LD_ARGON2I = 1, LD_ARGON2ID = 2 } ld_argon2_type;
/* Argon2 version 0x13 (what LUKS2 uses).  m_cost in KiB.  Memory comes from alloc: one
 * block of m' KiB (m' = m rounded down to a multiple of 4*lanes, at least 8*lanes), which
 * must be aligned for uint64_t; it is wiped before it is freed.  Lanes are computed one
 * after the other (ld_argon2_keyed_par below runs them in parallel).  The compression
 * uses AVX-512, AVX2 or SSSE3 when ld_kdf_cpu_features() (kdf_cpu.h) offers them, else
 * the reference's portable code.  progress (may be NULL) is called after every slice:
 * done counts slices, total = 4 * t_cost.  Needs salt >= 8 bytes, out >= 4 bytes. */
int ld_argon2(ld_argon2_type type, uint32_t t_cost, uint32_t m_cost_kib, uint32_t lanes,
	      const uint8_t *pw, size_t pwlen, const uint8_t *salt, size_t saltlen,
	      uint8_t *out, size_t outlen, const ld_alloc *alloc,
	      ld_progress_fn progress, void *progress_ctx);
/* The same with Argon2's optional secret key K and associated data X (RFC 9106 3.1);
 * LUKS uses neither, the RFC's test vectors use both. */
int ld_argon2_keyed(ld_argon2_type type, uint32_t t_cost, uint32_t m_cost_kib, uint32_t lanes,
		    const uint8_t *pw, size_t pwlen, const uint8_t *salt, size_t saltlen,
		    const uint8_t *secret, size_t secretlen, const uint8_t *ad, size_t adlen,
		    uint8_t *out, size_t outlen, const ld_alloc *alloc,
		    ld_progress_fn progress, void *progress_ctx);

/* Running independent pieces of work in parallel, supplied by the caller: the portable
 * core has no threads.  run() calls fn(arg, 0) ... fn(arg, n - 1), possibly at the same
 * time on several processors, and returns only when all of them have returned.  fn
 * touches only memory the core already holds (no allocation, no firmware or OS calls),
 * so the host can run it on threads and firmware on application processors.  run()
 * returns LD_OK, or an error when it could not run them (the core then calls fn itself,
 * one index after the other).  Each call of fn wipes the stack it used. */
typedef struct ld_parallel {
	int (*run)(void *ctx, uint32_t n, void (*fn)(void *arg, uint32_t i), void *arg);
	void *ctx;
} ld_parallel;

/* ld_argon2_keyed with the lanes of each slice run through par (NULL: one after the
 * other on the calling processor, like ld_argon2).  All lanes of a slice finish before
 * the next slice starts (RFC 9106 3.4: blocks of other lanes' finished slices may be
 * referenced); progress is reported from the calling processor only. */
int ld_argon2_keyed_par(ld_argon2_type type, uint32_t t_cost, uint32_t m_cost_kib,
			uint32_t lanes, const uint8_t *pw, size_t pwlen, const uint8_t *salt,
			size_t saltlen, const uint8_t *secret, size_t secretlen, const uint8_t *ad,
			size_t adlen, uint8_t *out, size_t outlen, const ld_alloc *alloc,
			const ld_parallel *par, ld_progress_fn progress, void *progress_ctx);
/* The runner ld_argon2 and ld_argon2_keyed use (NULL, the default: none), for a program
 * that has one for every derivation, such as the driver with the firmware's other
 * processors, without passing it through the LUKS layer.  par must stay valid. */
void ld_argon2_set_parallel(const ld_parallel *par);

/* ---- raw AES (whole 16-byte blocks; in and out may be the same buffer) --------------- */
/* keylen 16, 24 or 32 for ECB/CBC; for XTS the concatenated data key and tweak key,
 * 32, 48 or 64 bytes, and len >= 16 (no ciphertext stealing: len % 16 must be 0). */
int ld_aes_ecb(const uint8_t *key, size_t keylen, int encrypt, const uint8_t *in, uint8_t *out,
	       size_t len);
int ld_aes_cbc(const uint8_t *key, size_t keylen, int encrypt, const uint8_t iv[16],
	       const uint8_t *in, uint8_t *out, size_t len);
int ld_aes_xts(const uint8_t *key, size_t keylen, int encrypt, const uint8_t tweak[16],
	       const uint8_t *in, uint8_t *out, size_t len);
/* CTR (NIST SP 800-38A): the counter block starts at iv and is incremented as one 128-bit
 * big-endian number; any len (the keystream's tail is dropped).  Encrypting and decrypting
 * are the same operation.  keylen 16, 24 or 32. */
int ld_aes_ctr(const uint8_t *key, size_t keylen, const uint8_t iv[16], const uint8_t *in,
	       uint8_t *out, size_t len);

/* ---- dm-crypt cipher specifications ------------------------------------------------ */
/* A LUKS cipher is "cipher-mode-ivgen[:ivopts]" as dm-crypt reads it, e.g.
 * aes-xts-plain64, aes-cbc-essiv:sha256, aes-xts-plain, aes-cbc-plain64be, aes-cbc-benbi,
 * aes-ecb-null.  The key is the whole LUKS volume/area key (both XTS halves).
 *
 * Supported: cipher "aes"; modes ecb (IV generator none or "null"), cbc and xts (any of
 * plain, plain64, plain64be, benbi, null, essiv:sha256); the legacy forms "aes" and
 * "aes-plain" mean aes-cbc-plain, as in dm-crypt.  Key sizes 16/24/32 bytes, XTS 32/48/64.
 * Anything else (serpent, twofish, gcm, lmk, tcw, capi:..., other ESSIV hashes) fails
 * with LD_ERR_UNSUPPORTED (or LD_ERR_INVALID when malformed) and a message naming it.
 *
 * IV sector numbering (checked against data cryptsetup 2.6.1 wrote, see
 * tests/unit/test_crypto_dmcrypt.c):
 *  - LUKS1 and LUKS2 count IVs in 512-byte units from the start of the data segment,
 *    WHATEVER the segment's sector_size:  iv_sector = (byte offset in segment) / 512,
 *    iv_step = sector_size / 512.  A LUKS2 4096-byte sector at byte offset 8192 has IV
 *    sector 16, the next one 24.  cryptsetup never sets dm-crypt's iv_large_sectors for
 *    LUKS (only for plain mode with --iv-large-sectors, and for BitLocker), and its
 *    userspace reencryption also counts 512-byte units.
 *  - iv_step = 1 with sector_size > 512 is dm-crypt's iv_large_sectors numbering
 *    (IVs in units of sector_size): not LUKS, but available for plain dm-crypt images.
 *  - benbi keeps its shift of 5 (16-byte blocks per 512 bytes) whatever the sector size:
 *    its IV is be64((iv_sector << 5) + 1), as dm-crypt and cryptsetup compute it. */
typedef struct ld_cipher ld_cipher; /* opaque; allocated from the ld_alloc given to init */

/* Checks that spec is supported for a key of keylen bytes without keying anything.
 * On failure, err (if not NULL) receives a NUL-terminated message naming the problem. */
int ld_cipher_check(const char *spec, size_t keylen, char *err, size_t errlen);

int ld_cipher_new(ld_cipher **out, const char *spec, const uint8_t *key, size_t keylen,
		  const ld_alloc *alloc, char *err, size_t errlen);
void ld_cipher_free(ld_cipher *c); /* wipes key schedules, then releases */

/* Decrypts (or encrypts) len bytes in place: len/sector_size whole sectors; sector_size
 * is a power of two from 512 to 4096.
 * The IV of the first sector is computed from iv_sector; each following sector adds
 * iv_step.  For LUKS1/LUKS2: iv_sector = offset / 512, iv_step = sector_size / 512
 * (see above; LUKS does not use iv_large_sectors). */
int ld_cipher_decrypt(ld_cipher *c, uint8_t *buf, size_t len, size_t sector_size,
		      uint64_t iv_sector, uint64_t iv_step);
int ld_cipher_encrypt(ld_cipher *c, uint8_t *buf, size_t len, size_t sector_size,
		      uint64_t iv_sector, uint64_t iv_step);

/* ---- random (host only: tools that create volumes) -------------------------------- */
/* There is deliberately no RNG in the portable core; tools get randomness from the OS. */

#endif
