/* LuksDxe crypto layer: the one API that luks/, efi/ and tools/ use.
 * Backed by mbedTLS 2.28 (hashes, HMAC, AES) and the Argon2 reference implementation.
 * No hidden allocation except where an ld_alloc is passed; every context is wiped on free. */
#ifndef LD_CRYPTO_H
#define LD_CRYPTO_H

#include "ld_common.h"

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

int ld_hmac(ld_hash_alg alg, const uint8_t *key, size_t keylen, const void *data, size_t len,
	    uint8_t *out);
int ld_pbkdf2(ld_hash_alg alg, const uint8_t *pw, size_t pwlen, const uint8_t *salt,
	      size_t saltlen, uint32_t iterations, uint8_t *out, size_t outlen,
	      ld_progress_fn progress, void *progress_ctx);

/* ---- Argon2 ---------------------------------------------------------------------- */
typedef enum { LD_ARGON2I = 1, LD_ARGON2ID = 2 } ld_argon2_type;
/* Argon2 version 0x13 (what LUKS2 uses).  m_cost in KiB.  Memory comes from alloc. */
int ld_argon2(ld_argon2_type type, uint32_t t_cost, uint32_t m_cost_kib, uint32_t lanes,
	      const uint8_t *pw, size_t pwlen, const uint8_t *salt, size_t saltlen,
	      uint8_t *out, size_t outlen, const ld_alloc *alloc,
	      ld_progress_fn progress, void *progress_ctx);

/* ---- dm-crypt cipher specifications ------------------------------------------------ */
/* A LUKS cipher is "cipher-mode-ivgen[:ivopts]" as dm-crypt reads it, e.g.
 * aes-xts-plain64, aes-cbc-essiv:sha256, aes-xts-plain, aes-cbc-plain64be, aes-cbc-benbi,
 * aes-ecb-null.  The key is the whole LUKS volume/area key (both XTS halves). */
typedef struct ld_cipher ld_cipher; /* opaque; allocated from the ld_alloc given to init */

/* Checks that spec is supported for a key of keylen bytes without keying anything.
 * On failure, err (if not NULL) receives a NUL-terminated message naming the problem. */
int ld_cipher_check(const char *spec, size_t keylen, char *err, size_t errlen);

int ld_cipher_new(ld_cipher **out, const char *spec, const uint8_t *key, size_t keylen,
		  const ld_alloc *alloc, char *err, size_t errlen);
void ld_cipher_free(ld_cipher *c); /* wipes key schedules, then releases */

/* Decrypts (or encrypts) len bytes in place: len/sector_size whole sectors.
 * The IV of the first sector is computed from iv_sector; each following sector adds
 * iv_step (1 when IVs count in units of sector_size as LUKS2 does with
 * iv_large_sectors, sector_size/512 when they count 512-byte sectors). */
int ld_cipher_decrypt(ld_cipher *c, uint8_t *buf, size_t len, size_t sector_size,
		      uint64_t iv_sector, uint64_t iv_step);
int ld_cipher_encrypt(ld_cipher *c, uint8_t *buf, size_t len, size_t sector_size,
		      uint64_t iv_sector, uint64_t iv_step);

/* ---- random (host only: tools that create volumes) -------------------------------- */
/* There is deliberately no RNG in the portable core; tools get randomness from the OS. */

#endif
