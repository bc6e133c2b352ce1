/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The JSON layer, part 2: tokenisation with jsmn after the strict syntax check
 * (json_syntax.c), navigation, string unescaping as json-c does it, and typed accessors
 * (members, strings, integers, u64-in-strings, base64).  Knows nothing of LUKS.
 * Caution: the token text is untrusted input; every accessor checks the token's type.
 *
 * Calls: json_syntax.c, base64.c, base/str.h, jsmn.
 * Called by: the LUKS2 metadata files (luks2_meta.c, luks2_keyslot.c, luks2_segment.c,
 * luks2_digest.c). */
#define JSMN_STATIC
#define JSMN_PARENT_LINKS
#define JSMN_STRICT
#include <jsmn.h>
#include <string.h>

#include "luks/json.h"

struct ld_json {
	const char *js;
	jsmntok_t *tok;
	int ntok;
	const ld_alloc *alloc;
};

int ld_json_parse(ld_json **out, const char *area, size_t area_len, const ld_alloc *alloc,
		  char *err, size_t errlen)
{
	const char *why;
	size_t end = 0, i;
	long ntok;
	ld_json *j;
	jsmn_parser p;
	int r;

	*out = NULL;
	if (area_len > 0x7fffffff) {
		ld_err3(err, errlen, "JSON area too large", NULL, NULL);
		return LD_ERR_INVALID;
	}
	ntok = ld_json_syntax_check(area, area_len, &end, &why);
	if (ntok < 0) {
		ld_err3(err, errlen, why, NULL, NULL);
		return LD_ERR_INVALID;
	}
	/* json-c consumes blanks after the object; cryptsetup then requires the rest of the
	 * area to be zero, with at least one NUL. */
	while (end < area_len && ld_json_is_ws(area[end]))
		end++;
	if (end >= area_len) {
		ld_err3(err, errlen, "JSON area has no trailing NUL", NULL, NULL);
		return LD_ERR_INVALID;
	}
	for (i = end; i < area_len; i++)
		if (area[i]) {
			ld_err3(err, errlen, "non-zero bytes after the JSON object", NULL, NULL);
			return LD_ERR_INVALID;
		}

	j = alloc->alloc(alloc->ctx, sizeof(*j));
	if (!j) {
		ld_err3(err, errlen, "out of memory", NULL, NULL);
		return LD_ERR_NOMEM;
	}
	j->tok = alloc->alloc(alloc->ctx, (size_t)ntok * sizeof(jsmntok_t));
	if (!j->tok) {
		alloc->free(alloc->ctx, j, sizeof(*j));
		ld_err3(err, errlen, "out of memory", NULL, NULL);
		return LD_ERR_NOMEM;
	}
	j->js = area;
	j->ntok = (int)ntok;
	j->alloc = alloc;
	jsmn_init(&p);
	r = jsmn_parse(&p, area, end, j->tok, (unsigned)ntok);
	if (r != ntok) { /* cannot happen after the syntax check; be safe anyway */
		ld_json_free(j);
		ld_err3(err, errlen, "malformed JSON", NULL, NULL);
		return LD_ERR_INVALID;
	}
	*out = j;
	return LD_OK;
}

void ld_json_free(ld_json *j)
{
	if (!j)
		return;
	j->alloc->free(j->alloc->ctx, j->tok, (size_t)j->ntok * sizeof(jsmntok_t));
	j->alloc->free(j->alloc->ctx, j, sizeof(*j));
}

static int valid_tok(const ld_json *j, int t)
{
	return t >= 0 && t < j->ntok;
}

int ld_json_type(const ld_json *j, int t)
{
	if (!valid_tok(j, t))
		return 0;
	switch (j->tok[t].type) {
	case JSMN_OBJECT: return LD_J_OBJ;
	case JSMN_ARRAY: return LD_J_ARR;
	case JSMN_STRING: return LD_J_STR;
	case JSMN_PRIMITIVE: return LD_J_PRIM;
	default: return 0;
	}
}

int ld_json_count(const ld_json *j, int t)
{
	return valid_tok(j, t) ? j->tok[t].size : 0;
}

/* Tokens are in pre-order; a key's size is 1 (its value), so summing sizes walks the
 * whole subtree. */
int ld_json_skip(const ld_json *j, int t)
{
	long pending = 1;

	while (pending > 0 && valid_tok(j, t)) {
		pending += j->tok[t].size - 1;
		t++;
	}
	return t;
}

const char *ld_json_str(const ld_json *j, int t, size_t *len)
{
	if (!valid_tok(j, t)) {
		*len = 0;
		return "";
	}
	*len = (size_t)(j->tok[t].end - j->tok[t].start);
	return j->js + j->tok[t].start;
}

static unsigned hex4(const char *p)
{
	unsigned v = 0;
	int k;

	for (k = 0; k < 4; k++) {
		char c = p[k];
		v = v * 16 + (unsigned)ld_hexval(c); /* the syntax check saw four hex digits */
	}
	return v;
}

/* One character of a string token's raw text p[0..len) at *i, with its JSON escape
 * resolved as json-c resolves it (cryptsetup compares and decodes the resolved text):
 * writes 0..4 bytes of UTF-8 to out, returns how many, advances *i.  The syntax check
 * has already validated every escape; a truncated one is still stopped here. */
static size_t unescape_step(const char *p, size_t len, size_t *i, char out[4])
{
	unsigned cp;
	char c = p[*i];

	if (c != '\\' || *i + 1 >= len) {
		out[0] = c;
		(*i)++;
		return 1;
	}
	c = p[*i + 1];
	*i += 2;
	switch (c) {
	case 'b': out[0] = '\b'; return 1;
	case 'f': out[0] = '\f'; return 1;
	case 'n': out[0] = '\n'; return 1;
	case 'r': out[0] = '\r'; return 1;
	case 't': out[0] = '\t'; return 1;
	case 'u': break;
	default: out[0] = c; return 1; /* '"', '\\' and '/' stand for themselves */
	}
	if (len - *i < 4)
		return 0;
	cp = hex4(p + *i);
	*i += 4;
	/* a high surrogate followed by an escaped low one is one supplementary character */
	if (cp >= 0xd800 && cp < 0xdc00 && len - *i >= 6 && p[*i] == '\\' && p[*i + 1] == 'u') {
		unsigned lo = hex4(p + *i + 2);
		if (lo >= 0xdc00 && lo < 0xe000) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			*i += 6;
		}
	}
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

int ld_json_text(const ld_json *j, int t, char *buf, size_t buflen, size_t *len)
{
	size_t rawlen, i = 0, n = 0, k, m;
	const char *p;
	char ch[4];

	*len = 0;
	if (ld_json_type(j, t) != LD_J_STR)
		return LD_ERR_INVALID;
	p = ld_json_str(j, t, &rawlen);
	while (i < rawlen) {
		m = unescape_step(p, rawlen, &i, ch);
		for (k = 0; k < m; k++, n++)
			if (n < buflen)
				buf[n] = ch[k];
	}
	*len = n;
	return LD_OK;
}

int ld_json_streq(const ld_json *j, int t, const char *s)
{
	size_t rawlen, i = 0, n = 0, k, m, sl = strlen(s);
	const char *p;
	char ch[4];

	if (ld_json_type(j, t) != LD_J_STR)
		return 0;
	p = ld_json_str(j, t, &rawlen);
	while (i < rawlen) {
		m = unescape_step(p, rawlen, &i, ch);
		for (k = 0; k < m; k++, n++)
			if (n >= sl || s[n] != ch[k])
				return 0;
	}
	return n == sl;
}

int ld_json_member(const ld_json *j, int obj, const char *key)
{
	int n, k, t, found = -1;

	if (ld_json_type(j, obj) != LD_J_OBJ)
		return -1;
	n = j->tok[obj].size;
	t = obj + 1;
	for (k = 0; k < n && valid_tok(j, t); k++) {
		if (ld_json_streq(j, t, key)) {
			if (found >= 0)
				return -2; /* duplicate keys: json-c keeps the last, we refuse */
			found = t + 1;
		}
		t = ld_json_skip(j, t + 1);
	}
	return found;
}

int ld_json_copy(const ld_json *j, int t, char *buf, size_t buflen)
{
	size_t len;

	if (!buflen || ld_json_text(j, t, buf, buflen - 1, &len) || !len || len >= buflen ||
	    memchr(buf, 0, len))
		return LD_ERR_INVALID; /* an escaped NUL would cut the name short in C */
	buf[len] = '\0';
	return LD_OK;
}

static int digits_to_u64(const char *p, size_t len, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	/* leading zeros are allowed, as cryptsetup's strtoull allows them */
	if (!len)
		return LD_ERR_INVALID;
	for (i = 0; i < len; i++) {
		unsigned d;
		if (!ld_is_digit(p[i]))
			return LD_ERR_INVALID;
		d = (unsigned)(p[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return LD_ERR_INVALID;
		x = x * 10 + d;
	}
	*v = x;
	return LD_OK;
}

int ld_json_u64str(const ld_json *j, int t, uint64_t *v)
{
	char buf[24];
	size_t len;

	if (ld_json_text(j, t, buf, sizeof(buf), &len) || len > sizeof(buf))
		return LD_ERR_INVALID;
	return digits_to_u64(buf, len, v);
}

int ld_json_strtoull(const ld_json *j, int t, uint64_t *v)
{
	char buf[32];
	size_t len, i = 0;
	int neg = 0;

	if (ld_json_text(j, t, buf, sizeof(buf), &len) || !len || len > sizeof(buf))
		return LD_ERR_INVALID;
	while (i < len && (buf[i] == ' ' || (buf[i] >= '\t' && buf[i] <= '\r')))
		i++;
	if (i < len && (buf[i] == '+' || buf[i] == '-'))
		neg = buf[i++] == '-';
	if (digits_to_u64(buf + i, len - i, v))
		return LD_ERR_INVALID;
	if (neg)
		*v = 0 - *v; /* strtoull negates modulo 2^64 */
	return LD_OK;
}

/* A JSON number is an integer (what json-c types json_type_int) when it has no fraction
 * and no exponent: an optional minus, then digits. */
static int is_int_text(const char *p, size_t len)
{
	size_t i = len && p[0] == '-';

	if (i >= len)
		return 0;
	for (; i < len; i++)
		if (!ld_is_digit(p[i]))
			return 0;
	return 1;
}

int ld_json_int(const ld_json *j, int t, int64_t min, int64_t max, int64_t *v)
{
	size_t len;
	const char *p;
	uint64_t u;
	int neg;

	if (ld_json_type(j, t) != LD_J_PRIM)
		return LD_ERR_INVALID;
	p = ld_json_str(j, t, &len);
	if (!is_int_text(p, len))
		return LD_ERR_INVALID; /* fractions, exponents, literals */
	neg = p[0] == '-';
	if (digits_to_u64(p + neg, len - (size_t)neg, &u))
		return LD_ERR_RANGE; /* beyond 64 bits */
	if (neg) {
		if (u > (uint64_t)INT64_MAX + 1)
			return LD_ERR_RANGE;
		*v = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
	} else {
		if (u > (uint64_t)INT64_MAX)
			return LD_ERR_RANGE;
		*v = (int64_t)u;
	}
	if (*v < min || *v > max)
		return LD_ERR_RANGE;
	return LD_OK;
}

int ld_json_key_id(const ld_json *j, int t, int limit)
{
	char buf[4];
	size_t len;
	uint64_t v;

	/* canonical decimal only: cryptsetup finds sections by printing their number */
	if (ld_json_text(j, t, buf, sizeof(buf), &len) || (len > 1 && buf[0] == '0') ||
	    ld_json_u64str(j, t, &v) || v >= (uint64_t)limit)
		return -1;
	return (int)v;
}

int ld_json_b64(const ld_json *j, int obj, const char *key, uint8_t *out, size_t outmax,
		size_t *outlen)
{
	int t = ld_json_member(j, obj, key);
	size_t len, i = 0, n = 0, k, m;
	const char *p;
	char ch[4], *txt;
	int r;

	*outlen = 0;
	if (ld_json_type(j, t) != LD_J_STR)
		return LD_ERR_INVALID;
	/* base64 text never needs escapes, but json-c resolves them ("\/" is what json-c
	 * itself writes for '/'): decode them into a copy first. */
	p = ld_json_str(j, t, &len);
	txt = j->alloc->alloc(j->alloc->ctx, len + 1);
	if (!txt)
		return LD_ERR_NOMEM;
	while (i < len) {
		m = unescape_step(p, len, &i, ch);
		for (k = 0; k < m; k++)
			txt[n++] = ch[k]; /* never longer than the raw text */
	}
	r = ld_base64_decode(txt, n, out, outmax, outlen);
	j->alloc->free(j->alloc->ctx, txt, len + 1);
	return r;
}
