/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* UUID text and EFI GUID byte order for the portable core, efi/ and tools/. */
#ifndef LD_UUID_H
#define LD_UUID_H

#include "base/common.h"

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (exactly len == 36 bytes, hex in either case,
 * dashes at 8, 13, 18, 23) to its 16 bytes in text order (RFC 4122 byte order; EFI_GUID
 * order differs, see ld_guid_from_uuid).  LD_OK, or LD_ERR_INVALID with uuid untouched. */
int ld_uuid_parse(const char *text, size_t len, uint8_t uuid[16]);

/* The reverse: 16 bytes in text order as 36 lower-case characters plus a NUL. */
void ld_uuid_format(const uint8_t uuid[16], char out[37]);

/* Converts a UUID's 16 bytes in text (RFC 4122) order to EFI GUID byte order. */
void ld_guid_from_uuid(uint8_t guid[16], const uint8_t uuid[16]);

/* Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (either case; exactly 36 characters of
 * len) into EFI GUID byte order.  LD_ERR_INVALID if malformed. */
int ld_guid_parse(const char *text, size_t len, uint8_t guid[16]);

/* Formats an EFI-order GUID as 36 lower-case characters plus a NUL (out has 37 bytes). */
void ld_guid_format(const uint8_t guid[16], char out[37]);

#endif
