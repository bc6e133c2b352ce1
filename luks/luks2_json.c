/* LUKS2 JSON metadata: a strict JSON syntax check (jsmn alone accepts missing commas,
 * trailing commas and unbalanced input in places), tokenisation with jsmn, typed
 * accessors, and the section-level validation that cryptsetup's
 * lib/luks2/luks2_json_metadata.c applies (LUKS2_hdr_validate). */
#define JSMN_STATIC
#define JSMN_PARENT_LINKS
#define JSMN_STRICT
#include <jsmn.h>

#include "luks/luks_internal.h"

/* ---- small string helpers ---------------------------------------------------------- */

char *ld_strlcpy(char *dst, const char *src, size_t dstlen)
{
	size_t n = 0;

	if (!dstlen)
		return dst;
	while (src && src[n] && n + 1 < dstlen) {
		dst[n] = src[n];
		n++;
	}
	dst[n] = '\0';
	return dst;
}

void ld_err3(char *err, size_t errlen, const char *a, const char *b, const char *c)
{
	const char *parts[3] = { a, b, c };
	size_t n = 0;
	int i;

	if (!err || !errlen)
		return;
	for (i = 0; i < 3; i++) {
		const char *p = parts[i];
		while (p && *p && n + 1 < errlen)
			err[n++] = *p++;
	}
	err[n] = '\0';
}

char *ld_u64_str(uint64_t v, char *buf)
{
	char tmp[21];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return buf;
}

void ld_list_add(char *list, size_t listlen, const char *word, size_t wordlen)
{
	size_t n = strlen(list);

	if (n && n + 1 < listlen)
		list[n++] = ' ';
	while (wordlen-- && n + 1 < listlen)
		list[n++] = *word++;
	list[n] = '\0';
}

/* ---- syntax check ------------------------------------------------------------------ */

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* s[i] is the opening quote; returns the index after the closing quote, 0 if invalid. */
static size_t scan_string(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"')
			return i + 1;
		if (c < 0x20)
			return 0; /* control characters (and NUL) must be escaped */
		if (c != '\\')
			continue;
		if (++i >= n)
			return 0;
		switch (s[i]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
			break;
		case 'u':
			if (n - i < 5 || !is_hex(s[i + 1]) || !is_hex(s[i + 2]) || !is_hex(s[i + 3]) ||
			    !is_hex(s[i + 4]))
				return 0;
			i += 4;
			break;
		default:
			return 0;
		}
	}
	return 0;
}

/* A number or literal at s[i]; returns the index after it, 0 if invalid. */
static size_t scan_scalar(const char *s, size_t n, size_t i)
{
	static const char *const lits[] = { "true", "false", "null" };
	size_t k;

	for (k = 0; k < 3; k++) {
		size_t l = strlen(lits[k]);
		if (n - i >= l && !memcmp(s + i, lits[k], l))
			return i + l;
	}
	if (s[i] == '-')
		i++;
	if (i >= n || !is_digit(s[i]))
		return 0;
	if (s[i] == '0')
		i++;
	else
		while (i < n && is_digit(s[i]))
			i++;
	if (i < n && s[i] == '.') {
		if (++i >= n || !is_digit(s[i]))
			return 0;
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !is_digit(s[i]))
			return 0;
		while (i < n && is_digit(s[i]))
			i++;
	}
	return i;
}

/* RFC 8259 grammar for one object at s[0]; *end receives the index after its closing
 * brace.  Returns the number of jsmn tokens it will produce (keys and values), or -1. */
static long syntax_check(const char *s, size_t n, size_t *end, const char **why)
{
	enum { VALUE, KEY_OR_END, KEY, COLON, VALUE_OR_END, AFTER } st = VALUE;
	char stack[LD_JSON_MAX_DEPTH];
	int depth = 0;
	size_t i = 0;
	long tokens = 0;

	*why = "malformed JSON";
	if (!n || s[0] != '{') {
		*why = "JSON area does not start with '{'";
		return -1;
	}
	for (;;) {
		char c;
		while (i < n && is_ws(s[i]))
			i++;
		if (i >= n || s[i] == '\0') {
			*why = "JSON ends before its closing brace";
			return -1;
		}
		c = s[i];
		switch (st) {
		case KEY_OR_END:
			if (c == '}')
				goto close;
			/* fall through */
		case KEY:
			if (c != '"' || !(i = scan_string(s, n, i)))
				return -1;
			tokens++;
			st = COLON;
			continue;
		case COLON:
			if (c != ':')
				return -1;
			i++;
			st = VALUE;
			continue;
		case VALUE_OR_END:
			if (c == ']')
				goto close;
			/* fall through */
		case VALUE:
			tokens++;
			if (tokens > LD_JSON_MAX_TOKENS) {
				*why = "JSON has too many elements";
				return -1;
			}
			if (c == '{' || c == '[') {
				if (depth == LD_JSON_MAX_DEPTH) {
					*why = "JSON nesting too deep";
					return -1;
				}
				stack[depth++] = c;
				i++;
				st = c == '{' ? KEY_OR_END : VALUE_OR_END;
				continue;
			}
			i = c == '"' ? scan_string(s, n, i) : scan_scalar(s, n, i);
			if (!i)
				return -1;
			st = AFTER;
			continue;
		case AFTER:
			if (c == ',') {
				i++;
				st = stack[depth - 1] == '{' ? KEY : VALUE;
				continue;
			}
			if ((c == '}' && stack[depth - 1] == '{') || (c == ']' && stack[depth - 1] == '['))
				goto close;
			return -1;
		}
close:
		i++;
		if (--depth == 0) {
			*end = i;
			return tokens;
		}
		st = AFTER;
	}
}

/* ---- tokens ---------------------------------------------------------------------- */

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
	ntok = syntax_check(area, area_len, &end, &why);
	if (ntok < 0) {
		ld_err3(err, errlen, why, NULL, NULL);
		return LD_ERR_INVALID;
	}
	/* json-c consumes blanks after the object; cryptsetup then requires the rest of the
	 * area to be zero, with at least one NUL. */
	while (end < area_len && is_ws(area[end]))
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
		v = v * 16 + (unsigned)(is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
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
		if (!is_digit(p[i]))
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
		if (!is_digit(p[i]))
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

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (is_digit(c))
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* The next base64 symbol at in[*i], skipping blanks around it as cryptsetup's decoder
 * does: 0..63, 64 for '=', -1 at the end, -2 for anything else. */
static int b64_next(const char *in, size_t inlen, size_t *i)
{
	int v;

	while (*i < inlen && is_ws(in[*i]))
		(*i)++;
	if (*i >= inlen)
		return -1;
	v = in[*i] == '=' ? 64 : b64val(in[*i]);
	(*i)++;
	return v < 0 ? -2 : v;
}

static void b64_put(uint8_t *out, size_t outmax, size_t *o, uint32_t byte)
{
	if (*o < outmax)
		out[*o] = (uint8_t)byte;
	(*o)++;
}

/* RFC 4648 base64 with padding, as cryptsetup's crypt_base64_decode reads it: blanks
 * anywhere are skipped, padding only ends the text, unused bits must be zero. */
int ld_base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outmax, size_t *outlen)
{
	size_t i = 0, o = 0;

	for (;;) {
		int a = b64_next(in, inlen, &i), b, c, d;
		if (a == -1)
			break;
		b = b64_next(in, inlen, &i);
		c = b64_next(in, inlen, &i);
		d = b64_next(in, inlen, &i);
		if (a < 0 || a == 64 || b < 0 || b == 64 || c < 0 || d < 0 || (c == 64 && d != 64))
			return LD_ERR_INVALID;
		b64_put(out, outmax, &o, (uint32_t)(a << 2 | b >> 4));
		if (c == 64 || d == 64) {
			if ((c == 64 && (b & 15)) || (c != 64 && (c & 3)) ||
			    b64_next(in, inlen, &i) != -1)
				return LD_ERR_INVALID; /* stray bits or text after the padding */
			if (c != 64)
				b64_put(out, outmax, &o, (uint32_t)((b << 4 | c >> 2) & 0xff));
			break;
		}
		b64_put(out, outmax, &o, (uint32_t)((b << 4 | c >> 2) & 0xff));
		b64_put(out, outmax, &o, (uint32_t)((c << 6 | d) & 0xff));
	}
	*outlen = o;
	return LD_OK;
}

/* ---- section validation ------------------------------------------------------------ */

#define FAIL(a, b) do { ld_err3(err, errlen, a, b, NULL); r = LD_ERR_INVALID; goto out; } while (0)

/* Each element of array arr must be a string naming a present id in mask; fills *bits. */
static int id_array(const ld_json *j, int arr, uint32_t present, uint32_t *bits)
{
	int n, k, t;

	if (ld_json_type(j, arr) != LD_J_ARR)
		return LD_ERR_INVALID;
	*bits = 0;
	n = ld_json_count(j, arr);
	for (k = 0, t = arr + 1; k < n; k++, t = ld_json_skip(j, t)) {
		int id = ld_json_key_id(j, t, 32);
		if (id < 0 || !(present & (1u << id)))
			return LD_ERR_INVALID;
		*bits |= 1u << id;
	}
	return LD_OK;
}

/* Each element of array arr must be a string; appends them to list. */
static int string_array(const ld_json *j, int arr, char *list, size_t listlen)
{
	int n, k, t;

	if (ld_json_type(j, arr) != LD_J_ARR)
		return LD_ERR_INVALID;
	n = ld_json_count(j, arr);
	for (k = 0, t = arr + 1; k < n; k++, t = ld_json_skip(j, t)) {
		char word[LD_LIST_LEN];
		size_t len;
		if (ld_json_text(j, t, word, sizeof(word), &len))
			return LD_ERR_INVALID;
		if (list)
			ld_list_add(list, listlen, word, len < sizeof(word) ? len : sizeof(word));
	}
	return LD_OK;
}

/* Collects the ids of a numbered section; each value must be an object. */
static int section_ids(const ld_json *j, int sec, uint32_t *ids, const char *name, char *err,
		       size_t errlen)
{
	int n, k, t;

	*ids = 0;
	n = ld_json_count(j, sec);
	for (k = 0, t = sec + 1; k < n; k++, t = ld_json_skip(j, t + 1)) {
		int id = ld_json_key_id(j, t, 32);
		if (id < 0) {
			ld_err3(err, errlen, name, " id is not a number below 32", NULL);
			return LD_ERR_INVALID;
		}
		if (*ids & (1u << id)) {
			ld_err3(err, errlen, name, " id appears twice", NULL);
			return LD_ERR_INVALID;
		}
		if (ld_json_type(j, t + 1) != LD_J_OBJ) {
			ld_err3(err, errlen, name, " is not an object", NULL);
			return LD_ERR_INVALID;
		}
		*ids |= 1u << id;
	}
	return LD_OK;
}

static int section(const ld_json *j, const char *name, int *t, char *err, size_t errlen)
{
	*t = ld_json_member(j, 0, name);
	if (ld_json_type(j, *t) != LD_J_OBJ) {
		ld_err3(err, errlen, "JSON metadata lacks the \"", name, "\" object");
		return LD_ERR_INVALID;
	}
	return LD_OK;
}

static int online_reencrypt_flag(const char *p, size_t len)
{
	size_t i;

	if (len == 16 && !memcmp(p, "online-reencrypt", 16))
		return 1;
	if (len <= 18 || memcmp(p, "online-reencrypt-v", 18))
		return 0;
	for (i = 18; i < len; i++)
		if (!is_digit(p[i]))
			return 0;
	return 1;
}

static int parse_config(ld_luks_meta *m, const ld_json *j, int cfg, int *online_reenc,
			char *err, size_t errlen)
{
	int t, req, mand, n, k, e, r = LD_OK;

	/* read as cryptsetup reads them (strtoull); the values are checked exactly below */
	t = ld_json_member(j, cfg, "json_size");
	if (ld_json_strtoull(j, t, &m->json_size))
		FAIL("config.json_size is not a numeric string", NULL);
	t = ld_json_member(j, cfg, "keyslots_size");
	if (ld_json_strtoull(j, t, &m->keyslots_size))
		FAIL("config.keyslots_size is not a numeric string", NULL);
	t = ld_json_member(j, cfg, "flags");
	if (t == -2 || (t >= 0 && string_array(j, t, m->config_flags, sizeof(m->config_flags))))
		FAIL("config.flags is not an array of strings", NULL);

	*online_reenc = 0;
	req = ld_json_member(j, cfg, "requirements");
	if (req == -1)
		goto out;
	if (ld_json_type(j, req) != LD_J_OBJ)
		FAIL("config.requirements is not an object", NULL);
	mand = ld_json_member(j, req, "mandatory");
	if (mand == -1)
		goto out;
	if (string_array(j, mand, m->requirements, sizeof(m->requirements)))
		FAIL("config.requirements.mandatory is not an array of strings", NULL);
	n = ld_json_count(j, mand);
	for (k = 0, e = mand + 1; k < n; k++, e++) {
		char word[32];
		size_t len;
		ld_json_text(j, e, word, sizeof(word), &len);
		*online_reenc += len <= sizeof(word) && online_reencrypt_flag(word, len);
	}
	if (*online_reenc > 1)
		FAIL("several online-reencrypt requirement flags", NULL);
out:
	return r;
}

static int parse_tokens(ld_luks_meta *m, const ld_json *j, int sec, uint32_t ks_ids, char *err,
			size_t errlen)
{
	int n, k, t, r = LD_OK;

	n = ld_json_count(j, sec);
	for (k = 0, t = sec + 1; k < n; k++, t = ld_json_skip(j, t + 1)) {
		int id = ld_json_key_id(j, t, 32), v = t + 1, f;
		ld_token *tk = &m->tokens[id];
		size_t len;

		/* Unknown token types are kept; an over-long name is shown truncated. */
		f = ld_json_member(j, v, "type");
		if (ld_json_text(j, f, tk->type, sizeof(tk->type) - 1, &len) || !len)
			FAIL("token has no type", NULL);
		tk->type[len < sizeof(tk->type) - 1 ? len : sizeof(tk->type) - 1] = '\0';
		f = ld_json_member(j, v, "keyslots");
		if (id_array(j, f, ks_ids, &tk->keyslots))
			FAIL("token keyslots must name existing keyslots", NULL);
		tk->present = 1;
	}
out:
	return r;
}

static int parse_digests(ld_luks_meta *m, const ld_json *j, int sec, uint32_t ks_ids,
			 uint32_t seg_ids, char *err, size_t errlen)
{
	int n, k, t, r = LD_OK;

	n = ld_json_count(j, sec);
	for (k = 0, t = sec + 1; k < n; k++, t = ld_json_skip(j, t + 1)) {
		int id = ld_json_key_id(j, t, 32), v = t + 1;
		ld_digest *d = &m->digests[id];

		if (ld_json_copy(j, ld_json_member(j, v, "type"), d->type, sizeof(d->type)))
			FAIL("digest has no valid type", NULL);
		if (id_array(j, ld_json_member(j, v, "keyslots"), ks_ids, &d->keyslots))
			FAIL("digest keyslots must name existing keyslots", NULL);
		if (id_array(j, ld_json_member(j, v, "segments"), seg_ids, &d->segments))
			FAIL("digest segments must name existing segments", NULL);
		if (!ld_strcmp(d->type, "pbkdf2")) {
			r = ld_luks2_digest_parse(d, j, v, err, errlen);
			if (r)
				goto out;
		}
		d->present = 1;
	}
out:
	return r;
}

static int parse_segments(ld_luks_meta *m, const ld_json *j, int sec, uint32_t seg_ids,
			  char *err, size_t errlen)
{
	int n, k, t, i, r = LD_OK, first_backup = -1;

	n = ld_json_count(j, sec);
	if (n < 1)
		FAIL("no segments", NULL);
	for (k = 0, t = sec + 1; k < n; k++, t = ld_json_skip(j, t + 1)) {
		int id = ld_json_key_id(j, t, 32);
		ld_segment *s = &m->segments[id];
		r = ld_luks2_segment_parse(s, j, t + 1, err, errlen);
		if (r)
			goto out;
		if (s->backup) {
			if (first_backup < 0 || id < first_backup)
				first_backup = id;
		}
	}
	/* Regular segments are 0..first_backup-1 without gaps, backups follow, no gaps. */
	for (i = 0; i < n; i++) {
		if (!(seg_ids & (1u << i)))
			FAIL("gap in segment numbering", NULL);
		if (m->segments[i].backup != (first_backup >= 0 && i >= first_backup))
			FAIL("regular segment after a backup segment", NULL);
	}
	if (first_backup == 0)
		FAIL("no regular segment", NULL);
	if (first_backup < 0)
		first_backup = n;
	for (i = 0; i < first_backup; i++) {
		const ld_segment *a = &m->segments[i];
		int q;
		if (a->dynamic && i != first_backup - 1)
			FAIL("only the last segment may have dynamic size", NULL);
		for (q = 0; q < first_backup; q++) {
			const ld_segment *b = &m->segments[q];
			if (q == i)
				continue;
			if (!b->dynamic && b->offset > UINT64_MAX - b->size)
				FAIL("segment offset+size overflows", NULL);
			if (a->offset >= b->offset && (b->dynamic || a->offset < b->offset + b->size))
				FAIL("segments overlap", NULL);
		}
	}
out:
	return r;
}

static int parse_keyslots(ld_luks_meta *m, const ld_json *j, int sec, char *err, size_t errlen)
{
	int n, k, t, r = LD_OK;

	n = ld_json_count(j, sec);
	m->nkeyslots = 0;
	for (k = 0, t = sec + 1; k < n; k++, t = ld_json_skip(j, t + 1)) {
		int id = ld_json_key_id(j, t, 32);
		r = ld_luks2_keyslot_parse(&m->keyslots[id], j, t + 1, err, errlen);
		if (r)
			goto out;
		m->keyslot_order[m->nkeyslots++] = (uint8_t)id;
	}
out:
	return r;
}

static int metadata_size_ok(uint64_t size)
{
	uint64_t s;

	for (s = LD_LUKS2_HDR_MIN; s <= LD_LUKS2_HDR_MAX; s <<= 1)
		if (size == s)
			return 1;
	return 0;
}

/* Cross-section rules: config sizes, keyslot areas, digest assignment. */
static int cross_checks(ld_luks_meta *m, uint64_t hdr_size, int online_reenc, char *err,
			size_t errlen)
{
	uint64_t meta = m->json_size + LD_LUKS2_BIN_LEN, min_off = 0, areas_end;
	int i, q, r = LD_OK, reenc_slots = 0;

	if (m->json_size > LD_LUKS2_HDR_MAX || !metadata_size_ok(meta))
		FAIL("config.json_size is not a valid LUKS2 header size", NULL);
	if (meta != hdr_size)
		FAIL("config.json_size does not match the binary header size", NULL);
	if (m->keyslots_size % 4096 || m->keyslots_size > LD_LUKS2_KEYSLOTS_MAX_SIZE)
		FAIL("config.keyslots_size is invalid", NULL);
	/* The lowest offset of the regular segments; 0 if any starts at 0 (detached header). */
	for (i = 0; i < LD_MAX_SEGMENTS; i++) {
		const ld_segment *s = &m->segments[i];
		if (!s->present || s->backup)
			continue;
		if (!s->offset) {
			min_off = 0;
			break;
		}
		if (!min_off || s->offset < min_off)
			min_off = s->offset;
	}
	/* Keyslots area lies between both header copies and the data (unless detached). */
	if (min_off && (min_off < m->keyslots_size || min_off - m->keyslots_size < 2 * meta))
		FAIL("keyslots area overlaps the data segment", NULL);
	areas_end = 2 * meta + m->keyslots_size;

	for (i = 0; i < LD_MAX_KEYSLOTS; i++) {
		const ld_keyslot *a = &m->keyslots[i];
		int ndig = 0;
		if (!a->present)
			continue;
		if (a->area_offset < 2 * meta)
			FAIL("keyslot area inside the header", NULL);
		if (!a->area_size)
			FAIL("keyslot area is empty", NULL);
		if (a->area_offset > UINT64_MAX - a->area_size || a->area_offset + a->area_size > areas_end)
			FAIL("keyslot area outside the keyslots area", NULL);
		for (q = 0; q < LD_MAX_KEYSLOTS; q++) {
			const ld_keyslot *b = &m->keyslots[q];
			if (q == i || !b->present)
				continue;
			if (a->area_offset >= b->area_offset && a->area_offset < b->area_offset + b->area_size)
				FAIL("keyslot areas overlap", NULL);
		}
		m->keyslots[i].digest = -1;
		for (q = 0; q < LD_MAX_DIGESTS; q++)
			if (m->digests[q].present && (m->digests[q].keyslots & (1u << i))) {
				ndig++;
				m->keyslots[i].digest = q;
			}
		if (a->is_luks2 && ndig != 1)
			FAIL("keyslot is not assigned to exactly one digest", NULL);
		if (!ld_strcmp(a->type, "reencrypt"))
			reenc_slots++;
	}
	if (online_reenc && !reenc_slots)
		FAIL("online reencryption requirement without reencrypt keyslot", NULL);
	if (reenc_slots > 1)
		FAIL("more than one reencrypt keyslot", NULL);
	if (reenc_slots && !online_reenc)
		FAIL("reencrypt keyslot without reencryption requirement", NULL);

	/* Every crypt segment has a digest. */
	for (i = 0; i < LD_MAX_SEGMENTS; i++) {
		int has = 0;
		if (!m->segments[i].present || ld_strcmp(m->segments[i].type, "crypt"))
			continue;
		for (q = 0; q < LD_MAX_DIGESTS; q++)
			if (m->digests[q].present && (m->digests[q].segments & (1u << i)))
				has = 1;
		if (!has)
			FAIL("crypt segment has no digest", NULL);
	}
out:
	return r;
}

int ld_luks2_meta_parse(ld_luks_meta *m, const char *area, size_t area_len, uint64_t hdr_size,
			const ld_alloc *alloc, char *err, size_t errlen)
{
	ld_json *j = NULL;
	int r, ks, tok, dig, seg, cfg, online_reenc = 0;
	uint32_t ks_ids, tok_ids, dig_ids, seg_ids;

	memset(m->keyslots, 0, sizeof(m->keyslots));
	memset(m->segments, 0, sizeof(m->segments));
	memset(m->digests, 0, sizeof(m->digests));
	memset(m->tokens, 0, sizeof(m->tokens));
	m->config_flags[0] = m->requirements[0] = '\0';

	r = ld_json_parse(&j, area, area_len, alloc, err, errlen);
	if (r)
		return r;
	if ((r = section(j, "keyslots", &ks, err, errlen)) ||
	    (r = section(j, "tokens", &tok, err, errlen)) ||
	    (r = section(j, "segments", &seg, err, errlen)) ||
	    (r = section(j, "digests", &dig, err, errlen)) ||
	    (r = section(j, "config", &cfg, err, errlen)))
		goto out;
	if ((r = section_ids(j, ks, &ks_ids, "keyslot", err, errlen)) ||
	    (r = section_ids(j, tok, &tok_ids, "token", err, errlen)) ||
	    (r = section_ids(j, seg, &seg_ids, "segment", err, errlen)) ||
	    (r = section_ids(j, dig, &dig_ids, "digest", err, errlen)))
		goto out;
	if ((r = parse_config(m, j, cfg, &online_reenc, err, errlen)) ||
	    (r = parse_tokens(m, j, tok, ks_ids, err, errlen)) ||
	    (r = parse_digests(m, j, dig, ks_ids, seg_ids, err, errlen)) ||
	    (r = parse_segments(m, j, seg, seg_ids, err, errlen)) ||
	    (r = parse_keyslots(m, j, ks, err, errlen)))
		goto out;
	r = cross_checks(m, hdr_size, online_reenc, err, errlen);
out:
	ld_json_free(j);
	return r;
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
