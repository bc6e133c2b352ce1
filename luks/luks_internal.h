/* Internal interfaces between the files of luks/ (not for efi/ or tools/). */
#ifndef LD_LUKS_INTERNAL_H
#define LD_LUKS_INTERNAL_H

#include <string.h>

#include "luks/luks_meta.h"

#define LD_KEY_MAX 256          /* largest volume / area key we handle */
#define LD_LUKS2_BIN_LEN 4096   /* LUKS2 binary header, JSON area follows */
#define LD_LUKS2_HDR_MIN 0x4000
#define LD_LUKS2_HDR_MAX 0x400000
#define LD_LUKS2_KEYSLOTS_MAX_SIZE 0x8000000ULL /* 128 MiB */
#define LD_LUKS1_HDR_LEN 592
#define LD_LUKS_STRIPES 4000    /* the only AF stripe count cryptsetup reads */

/* strcmp for the core, which may use only the mem* functions and strlen. */
static inline int ld_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

/* ---- messages (no printf in the core) -------------------------------------------- */
/* err := a b c (each may be NULL); always NUL-terminated, truncated to errlen. */
void ld_err3(char *err, size_t errlen, const char *a, const char *b, const char *c);
/* Decimal text of v into buf (at least 21 bytes). */
char *ld_u64_str(uint64_t v, char *buf);
/* Copies a NUL-terminated string into dst[dstlen] (truncating), returns dst. */
char *ld_strlcpy(char *dst, const char *src, size_t dstlen);
/* Appends " word" (or "word" when empty) to a space separated list. */
void ld_list_add(char *list, size_t listlen, const char *word, size_t wordlen);

/* ---- JSON (luks2_json.c): a strict syntax check, then jsmn tokens ----------------- */
#define LD_JSON_MAX_DEPTH 32    /* json-c's default, so cryptsetup refuses deeper */
#define LD_JSON_MAX_TOKENS 65536
enum { LD_J_OBJ = 1, LD_J_ARR = 2, LD_J_STR = 3, LD_J_PRIM = 4 };
typedef struct ld_json ld_json;

/* Parses area[0..area_len): one JSON object starting at byte 0, optional blanks (json-c
 * consumes them), then only NUL bytes (at least one).  Returns LD_OK, LD_ERR_INVALID or LD_ERR_NOMEM.  Token 0 is the root. */
int ld_json_parse(ld_json **out, const char *area, size_t area_len, const ld_alloc *alloc,
		  char *err, size_t errlen);
void ld_json_free(ld_json *j);
int ld_json_type(const ld_json *j, int t);
int ld_json_count(const ld_json *j, int t);  /* object members or array elements */
int ld_json_skip(const ld_json *j, int t);   /* the token after t's whole subtree */
/* Value of member key in object obj: its token index, -1 if absent, -2 if the key
 * appears twice (ambiguous: treated as invalid by callers). */
int ld_json_member(const ld_json *j, int obj, const char *key);
const char *ld_json_str(const ld_json *j, int t, size_t *len); /* raw bytes, no quotes */
/* A string token's text with its escapes resolved (as json-c resolves them): the first
 * buflen bytes into buf, the whole decoded length in *len; LD_ERR_INVALID if t is not a
 * string. */
int ld_json_text(const ld_json *j, int t, char *buf, size_t buflen, size_t *len);
int ld_json_streq(const ld_json *j, int t, const char *s); /* compares the resolved text */
/* Copies a string token's resolved text into buf (NUL-terminated); LD_ERR_INVALID if it
 * is not a non-empty string, contains a NUL, or does not fit. */
int ld_json_copy(const ld_json *j, int t, char *buf, size_t buflen);
/* A string of decimal digits (no sign, no leading zeros except "0") as uint64. */
int ld_json_u64str(const ld_json *j, int t, uint64_t *v);
/* A string read as C's strtoull reads it (blanks, then an optional sign, then decimal
 * digits and nothing else; "-N" is 2^64-N): for the config sizes, where cryptsetup reads
 * it so and the value is then checked exactly. */
int ld_json_strtoull(const ld_json *j, int t, uint64_t *v);
/* A JSON integer (number without fraction or exponent) in [min, max]: LD_ERR_INVALID if
 * t is not an integer at all, LD_ERR_RANGE if it is one outside [min, max]. */
int ld_json_int(const ld_json *j, int t, int64_t min, int64_t max, int64_t *v);
/* A numbered section key ("0".."31"): its value, or -1. */
int ld_json_key_id(const ld_json *j, int t, int limit);
/* Base64 (RFC 4648, padded; blanks skipped) decode: the first outmax bytes into out, the
 * whole decoded length in *outlen (callers compare it with outmax). */
int ld_base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outmax, size_t *outlen);
/* Member key of object obj, a base64 string, decoded as ld_base64_decode does;
 * LD_ERR_INVALID if absent, not a string or not valid base64, LD_ERR_NOMEM. */
int ld_json_b64(const ld_json *j, int obj, const char *key, uint8_t *out, size_t outmax,
		size_t *outlen);

/* ---- LUKS2 metadata (luks2_json.c + per-section files) ---------------------------- */
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
