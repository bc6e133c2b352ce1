/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The JSON layer, part 1: a strict RFC 8259 grammar pass over one object, run before jsmn
 * (jsmn alone accepts missing commas, trailing commas and unbalanced input in places).
 * Knows nothing of LUKS.  Caution: this file parses untrusted input (the JSON area of a
 * LUKS2 header).
 *
 * Calls: base/str.h (ld_is_digit, ld_hexval).  Called by: json.c. */
#include <string.h>

#include "luks/json.h"

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
			if (n - i < 5 || ld_hexval(s[i + 1]) < 0 || ld_hexval(s[i + 2]) < 0 ||
			    ld_hexval(s[i + 3]) < 0 || ld_hexval(s[i + 4]) < 0)
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
	if (i >= n || !ld_is_digit(s[i]))
		return 0;
	if (s[i] == '0')
		i++;
	else
		while (i < n && ld_is_digit(s[i]))
			i++;
	if (i < n && s[i] == '.') {
		if (++i >= n || !ld_is_digit(s[i]))
			return 0;
		while (i < n && ld_is_digit(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !ld_is_digit(s[i]))
			return 0;
		while (i < n && ld_is_digit(s[i]))
			i++;
	}
	return i;
}

long ld_json_syntax_check(const char *s, size_t n, size_t *end, const char **why)
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
		while (i < n && ld_json_is_ws(s[i]))
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
