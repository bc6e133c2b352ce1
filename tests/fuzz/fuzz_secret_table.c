/* libFuzzer target for the secret-table parser (luks/secret_table.c).
 * Input: 16 bytes of volume GUID, then the area.  The area is copied into a buffer of
 * exactly its size, so any read or write outside it is an ASan report.  Invariants:
 * a found secret lies inside the area and is non-empty; wiping the entry keeps the table
 * valid; check() agrees with find(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "luks/secret_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 16)
		return 0;
	const uint8_t *guid = data;
	size_t n = size - 16;
	uint8_t *area = malloc(n ? n : 1);
	if (!area)
		return 0;
	memcpy(area, data + 16, n);

	char err[64];
	ld_secret_ref r;
	int valid = ld_secret_table_check(area, n, err, sizeof(err));
	int rc = ld_secret_table_find(area, n, guid, &r, err, sizeof(err));
	if (valid != LD_OK && rc != LD_ERR_INVALID)
		abort();
	if (rc == LD_OK) {
		if (r.data_len == 0 || r.data_offset < r.entry_offset + LD_SECRET_ENTRY_HDR_SIZE ||
		    r.data_offset > n || r.data_len > n - r.data_offset)
			abort();
		ld_secret_table_wipe_entry(area, n, &r);
		if (ld_secret_table_check(area, n, NULL, 0) != LD_OK)
			abort();
	}
	char txt[37];
	uint8_t back[16];
	ld_guid_format(guid, txt);
	if (ld_guid_parse(txt, 36, back) != LD_OK || memcmp(back, guid, 16) != 0)
		abort();
	free(area);
	return 0;
}
