/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* UUID text (RFC 4122 order) and EFI GUID byte order: one implementation for the core,
 * efi/ and tools/. */
#include <string.h>

#include "base/str.h"
#include "base/uuid.h"

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

void ld_guid_from_uuid(uint8_t guid[16], const uint8_t uuid[16])
{
	/* time_low, time_mid and time_hi_and_version are little-endian in an EFI_GUID. */
	static const uint8_t order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	uint8_t tmp[16];
	for (int i = 0; i < 16; i++)
		tmp[i] = uuid[order[i]];
	memcpy(guid, tmp, 16);
}

int ld_guid_parse(const char *text, size_t len, uint8_t guid[16])
{
	uint8_t uuid[16];
	if (ld_uuid_parse(text, len, uuid) != LD_OK)
		return LD_ERR_INVALID;
	ld_guid_from_uuid(guid, uuid);
	return LD_OK;
}

void ld_uuid_format(const uint8_t uuid[16], char out[37])
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[uuid[i] >> 4];
		out[o++] = hex[uuid[i] & 15];
	}
	out[o] = 0;
}

void ld_guid_format(const uint8_t guid[16], char out[37])
{
	uint8_t uuid[16];

	ld_guid_from_uuid(uuid, guid); /* the permutation is its own inverse */
	ld_uuid_format(uuid, out);
}
