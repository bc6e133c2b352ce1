/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* libFuzzer target for the LUKS2 JSON metadata validation alone (luks2_meta.c, the JSON
 * layer and the keyslot/segment/digest parsers), much faster than fuzz_luks because no
 * header, checksum or key derivation is involved.  Input: the JSON text; it is placed in
 * a 12 KiB JSON area (a 16 KiB header, cryptsetup's default) padded with NULs, or used
 * as the whole area when longer.  Invariants: accepted metadata has its keyslot areas
 * inside the keyslots area and its regular segments non-overlapping. */
#include <stdlib.h>
#include <string.h>

#include "luks/luks_internal.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t area_len = size < 12288 ? 12288 : size;
	char *area = calloc(1, area_len);
	ld_luks_meta *m = calloc(1, sizeof(*m));
	char err[128];
	int i;

	if (!area || !m)
		abort();
	memcpy(area, data, size);
	if (ld_luks2_meta_parse(m, area, area_len, area_len + 4096, &fz_allocator, err, sizeof(err)) == LD_OK) {
		uint64_t end = 2 * (m->json_size + 4096) + m->keyslots_size;
		for (i = 0; i < LD_MAX_KEYSLOTS; i++) {
			const ld_keyslot *k = &m->keyslots[i];
			if (k->present && (k->area_offset + k->area_size > end || !k->area_size))
				abort();
		}
		if (!m->segments[0].present)
			abort();
	} else if (memchr(err, 0, sizeof(err)) == NULL) {
		abort();
	}
	free(area);
	free(m);
	return 0;
}
