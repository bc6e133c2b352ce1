/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Internal interfaces between the files of luks/ (not for efi/ or tools/). */
#ifndef LD_LUKS_INTERNAL_H
#define LD_LUKS_INTERNAL_H

#include <string.h>

#include "base/endian.h"
#include "base/str.h"
#include "luks/json.h"
#include "luks/luks_meta.h"

/* The binary header's first bytes: LUKS1 and the primary LUKS2 copy start with
 * LD_LUKS_MAGIC, the secondary LUKS2 copy with LD_LUKS_MAGIC2 (cryptsetup's LUKS_MAGIC,
 * LUKS2_MAGIC_1ST, LUKS2_MAGIC_2ND); a big-endian version follows. */
#define LD_LUKS_MAGIC "LUKS\xba\xbe"
#define LD_LUKS_MAGIC2 "SKUL\xba\xbe"
#define LD_LUKS_MAGIC_LEN 6

#define LD_KEY_MAX 256          /* largest volume / area key we handle */
#define LD_LUKS2_BIN_LEN 4096   /* LUKS2 binary header, JSON area follows */
#define LD_LUKS2_HDR_MIN 0x4000
#define LD_LUKS2_HDR_MAX 0x400000
#define LD_LUKS2_KEYSLOTS_MAX_SIZE 0x8000000ULL /* 128 MiB */
#define LD_LUKS1_HDR_LEN 592
#define LD_LUKS_STRIPES 4000    /* the only AF stripe count cryptsetup reads */

/* ---- LUKS2 metadata (luks2_meta.c + per-section files) ---------------------------- */
/* Validates the JSON metadata as cryptsetup does and fills m's sections and config.
 * hdr_size is the binary header's size of this copy. */
int ld_luks2_meta_parse(ld_luks_meta *m, const char *area, size_t area_len, uint64_t hdr_size,
			const ld_alloc *alloc, char *err, size_t errlen);
int ld_luks2_keyslot_parse(ld_keyslot *ks, const ld_json *j, int t, char *err, size_t errlen);
int ld_luks2_segment_parse(ld_segment *s, const ld_json *j, int t, char *err, size_t errlen);
int ld_luks2_digest_parse(ld_digest *d, const ld_json *j, int t, char *err, size_t errlen);

/* ---- binary headers ---------------------------------------------------------------- */
int ld_luks2_read(ld_luks_meta *m, ld_blockdev *hdr, const ld_alloc *alloc, char *err,
		  size_t errlen);
int ld_luks1_read(ld_luks_meta *m, ld_blockdev *hdr, char *err, size_t errlen);
/* Name of another signature (LVM2 label, file system, partition table) written over the
 * start of the device, or NULL (signatures.c). */
const char *ld_foreign_signature(ld_blockdev *dev);

/* ---- unlocking ---------------------------------------------------------------------- */
/* AF merge (cryptsetup's "luks1" anti-forensic split): src holds stripes*keylen bytes. */
int ld_af_merge(const uint8_t *src, uint8_t *dst, size_t keylen, uint32_t stripes,
		ld_hash_alg hash);
/* Bytes of the AF-split key material, rounded up to 512-byte sectors; 0 on overflow. */
uint64_t ld_af_area_size(size_t keylen, uint32_t stripes);
/* Checks everything about a keyslot that can be checked without the passphrase:
 * LD_OK, LD_ERR_UNSUPPORTED (reason in err) or LD_ERR_INVALID. */
int ld_keyslot_check(const ld_keyslot *ks, char *err, size_t errlen);
/* Derives the area key, decrypts the key material and merges it into key[ks->key_size]. */
int ld_keyslot_open(const ld_keyslot *ks, ld_blockdev *hdr, const uint8_t *pass, size_t passlen,
		    uint8_t *key, const ld_alloc *alloc, ld_progress_fn progress, void *pctx,
		    char *err, size_t errlen);
/* Checks a candidate volume key against the digest: LD_OK or LD_ERR_KEY. */
int ld_digest_check(const ld_digest *d, char *err, size_t errlen);
int ld_digest_verify(const ld_digest *d, const uint8_t *key, size_t keylen);
/* Estimated seconds of a keyslot's KDF or of a digest check (kdf_cost.c), from a rate
 * measured once per kind with the limit's clock and kept in rates; LD_ERR_NOTFOUND when
 * no estimate can be made (unknown kind, a clock that does not move). */
enum { LD_KDF_RATE_ARGON2 = 4, LD_KDF_RATES = 5 }; /* 0..3: PBKDF2 per ld_hash_alg */
typedef struct ld_kdf_rates {
	uint8_t measured[LD_KDF_RATES];
	uint64_t rate[LD_KDF_RATES];
} ld_kdf_rates;
int ld_kdf_keyslot_seconds(const ld_keyslot *ks, const ld_kdf_limit *lim, ld_kdf_rates *rates,
			   const ld_alloc *alloc, uint64_t *secs);
int ld_kdf_digest_seconds(const ld_digest *d, const ld_kdf_limit *lim, ld_kdf_rates *rates,
			  const ld_alloc *alloc, uint64_t *secs);
/* Plaintext size of a segment on a data device of dev_size bytes. */
int ld_segment_data_size(const ld_segment *s, uint64_t dev_size, uint64_t *size);

#endif
