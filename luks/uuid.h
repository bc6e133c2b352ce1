/* Hex digits and UUID text for the portable core and the host tools. */
#ifndef LD_UUID_H
#define LD_UUID_H

#include "crypto/ld_common.h"

/* Value of one hexadecimal digit (either case), or -1 if c is not one. */
int ld_hexval(int c);

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (exactly len == 36 bytes, hex in either case,
 * dashes at 8, 13, 18, 23) to its 16 bytes in text order (RFC 4122 byte order; EFI_GUID
 * order differs, see ld_guid_from_uuid).  LD_OK, or LD_ERR_INVALID with uuid untouched. */
int ld_uuid_parse(const char *text, size_t len, uint8_t uuid[16]);

#endif
