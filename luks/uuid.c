/* Hex digits and UUID text: one implementation for luks/ and tools/. */
#include <string.h>

#include "luks/uuid.h"

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

int ld_uuid_parse(const char *text, size_t len, uint8_t uuid[16])
{
	uint8_t tmp[16];
	size_t i = 0, n = 0;

	if (!text || len != 36)
		return LD_ERR_INVALID;
	while (i < 36) {
		int hi, lo;
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (text[i] != '-')
				return LD_ERR_INVALID;
			i++;
			continue;
		}
		/* i is never 7, 12, 17, 22 or 35 here, so text[i + 1] is a digit position */
		hi = ld_hexval((unsigned char)text[i]);
		lo = ld_hexval((unsigned char)text[i + 1]);
		if (hi < 0 || lo < 0)
			return LD_ERR_INVALID;
		tmp[n++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	memcpy(uuid, tmp, 16);
	return LD_OK;
}
