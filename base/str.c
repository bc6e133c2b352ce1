/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Small string helpers of the portable core, which has no printf and may use only the mem*
 * functions and strlen.  Calls nothing outside this file. */
#include <string.h>

#include "base/str.h"

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

int ld_fail(char *err, size_t errlen, const char *a, const char *b)
{
	ld_err3(err, errlen, a, b, NULL);
	return LD_ERR_INVALID;
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

int ld_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
