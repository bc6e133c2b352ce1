/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Small string helpers of the portable core (no printf; only mem* and strlen). */
#ifndef LD_STR_H
#define LD_STR_H

#include "base/common.h"

/* strcmp for the core. */
static inline int ld_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

/* 1 if c is a decimal digit. */
static inline int ld_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* err := a b c (each may be NULL); always NUL-terminated, truncated to errlen. */
void ld_err3(char *err, size_t errlen, const char *a, const char *b, const char *c);
/* err := a b (as ld_err3); returns LD_ERR_INVALID, so that a parser writes
 * "return ld_fail(err, errlen, "keyslot: ", "bad salt");". */
int ld_fail(char *err, size_t errlen, const char *a, const char *b);
/* Decimal text of v into buf (at least 21 bytes). */
char *ld_u64_str(uint64_t v, char *buf);
/* Copies a NUL-terminated string into dst[dstlen] (truncating), returns dst. */
char *ld_strlcpy(char *dst, const char *src, size_t dstlen);
/* Appends " word" (or "word" when empty) to a space separated list. */
void ld_list_add(char *list, size_t listlen, const char *word, size_t wordlen);

/* Value of one hexadecimal digit (either case), or -1 if c is not one. */
int ld_hexval(int c);

#endif
