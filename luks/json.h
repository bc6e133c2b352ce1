/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The JSON layer of the portable core: a strict syntax check (json_syntax.c), then jsmn
 * tokens with typed accessors (json.c) and base64 (base64.c).  It knows nothing of LUKS;
 * luks2_meta.c and the keyslot, segment and digest parsers use it.  Caution: the text
 * given to ld_json_parse is untrusted; every accessor checks the token it is given (an
 * index of -1 or past the end reads as "absent", never out of bounds). */
#ifndef LD_JSON_H
#define LD_JSON_H

#include "base/common.h"
#include "base/str.h"

#define LD_JSON_MAX_DEPTH 32    /* json-c's default, so cryptsetup refuses deeper */
#define LD_JSON_MAX_TOKENS 65536
enum { LD_J_OBJ = 1, LD_J_ARR = 2, LD_J_STR = 3, LD_J_PRIM = 4 };
typedef struct ld_json ld_json;

/* Parses area[0..area_len): one JSON object starting at byte 0, optional blanks (json-c
 * consumes them), then only NUL bytes (at least one).  Returns LD_OK, LD_ERR_INVALID or
 * LD_ERR_NOMEM.  Token 0 is the root. */
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
/* Base64 encode (RFC 4648, standard alphabet, padded) of in[0..inlen) into out with a
 * NUL: LD_ERR_RANGE if out cannot hold 4*ceil(inlen/3)+1 bytes. */
int ld_base64_encode(const uint8_t *in, size_t inlen, char *out, size_t outmax, size_t *outlen);
/* Member key of object obj, a base64 string, decoded as ld_base64_decode does;
 * LD_ERR_INVALID if absent, not a string or not valid base64, LD_ERR_NOMEM. */
int ld_json_b64(const ld_json *j, int obj, const char *key, uint8_t *out, size_t outmax,
		size_t *outlen);


/* ---- inside the JSON layer --------------------------------------------------------- */
/* JSON's blanks (RFC 8259 "ws"); json-c and cryptsetup's base64 decoder skip these. */
static inline int ld_json_is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
/* RFC 8259 grammar for one object at s[0] (json_syntax.c); *end receives the index after
 * its closing brace.  Returns the number of jsmn tokens it will produce (keys and values),
 * or -1 with a reason in *why. */
long ld_json_syntax_check(const char *s, size_t n, size_t *end, const char **why);

#endif
