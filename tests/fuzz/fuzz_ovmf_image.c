/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* libFuzzer target for the OVMF image parser (secret/ovmf_image.c: GUIDed footer table,
 * SEV metadata) and the launch digests built on it (secret/sev_launch.c).
 * Input: one byte of launch options (bits 0-1 mode, 2-3 vCPUs - 1, 4-5 hypervisor,
 * 6 VMSA style, 7 a kernel hashes table), then the image, copied into a buffer of exactly
 * its size so that any read outside it is an ASan report.  Invariants: parse and find
 * return LD_OK, LD_ERR_NOTFOUND (find) or LD_ERR_INVALID with a reason; every entry found
 * lies inside the table, before the footer; what parse reports agrees with find; a digest
 * has the mode's size; the SEV digest is the SHA-256 of the image; measuring twice gives
 * the same digest. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "secret/ovmf_image.h"
#include "secret/sev_launch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *const guids[] = {
	ld_ovmf_sev_reset_guid, ld_ovmf_sev_hashes_guid, ld_ovmf_sev_secret_guid,
	ld_ovmf_sev_metadata_guid, ld_ovmf_footer_guid,
};

/* Pages the SNP digest would walk for the sections: bounded so that one input stays fast
 * (a 4 GiB section is a million SHA-384s, fine for the tool, too slow for fuzzing). */
static uint64_t section_pages(const ld_ovmf_info *info)
{
	uint64_t n = 0;
	for (uint32_t i = 0; i < info->n_sections; i++)
		n += info->sections[i].size / LD_SEV_PAGE + 1;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t opt = data[0];
	size_t len = size - 1;
	uint8_t *img = malloc(len ? len : 1);
	ld_ovmf_info *info = malloc(sizeof(*info));
	if (!img || !info)
		abort();
	memcpy(img, data + 1, len);

	char err[128];
	int found[5] = { 0 };
	size_t dl[5] = { 0 };
	int table_ok = 1;
	for (size_t g = 0; g < 5; g++) {
		const uint8_t *d;
		size_t dlen;
		err[0] = 0;
		int r = ld_ovmf_table_find(img, len, guids[g], &d, &dlen, err, sizeof(err));
		if (r == LD_OK) {
			/* Inside the image, ending with its {len, GUID} before the footer entry. */
			if (d < img || dlen > len || (size_t)(d - img) > len - dlen ||
			    (size_t)(d - img) + dlen + LD_OVMF_ENTRY_HDR > len - LD_OVMF_FOOTER_END - LD_OVMF_ENTRY_HDR ||
			    memcmp(d + dlen + 2, guids[g], 16) != 0)
				abort();
			found[g] = 1;
			dl[g] = dlen;
		} else if (r == LD_ERR_INVALID) {
			if (!err[0])
				abort();
			/* The footer GUID (g 4) given twice inside the table is refused when it
			 * is asked for, and parse never asks for it. */
			if (g < 4)
				table_ok = 0;
		} else if (r != LD_ERR_NOTFOUND || d != NULL || dlen != 0) {
			abort();
		}
	}
	/* (found[4]: an entry inside the table may carry the footer's GUID too.) */

	err[0] = 0;
	int r = ld_ovmf_parse(img, len, info, err, sizeof(err));
	if (r != LD_OK && (r != LD_ERR_INVALID || !err[0]))
		abort();
	if (!table_ok && r == LD_OK)
		abort();
	if (r == LD_OK) {
		if (info->has_reset_block != (found[0] && dl[0] >= 4) ||
		    info->has_hashes != (found[1] && dl[1] >= 8) ||
		    info->has_secret != (found[2] && dl[2] >= 8) ||
		    info->has_metadata != (found[3] && dl[3] >= 4) ||
		    info->n_sections > LD_OVMF_SECTIONS_MAX || (!info->has_metadata && info->n_sections))
			abort();

		static const uint8_t seed[48] = { 1 };
		uint8_t ht[LD_SEV_HASHES_TABLE_SIZE], h[32], out[LD_SEV_DIGEST_MAX], again[LD_SEV_DIGEST_MAX];
		memset(h, 0x5a, sizeof(h));
		ld_sev_hashes_table(ht, h, h, h);
		ld_sev_launch l = {
			.mode = (ld_sev_mode)((opt & 3) % 3),
			.vcpus = ((opt >> 2) & 3) + 1u,
			.vcpu_sig = 0x800f12,
			.vmm = (ld_sev_vmm)(((opt >> 4) & 3) % 3),
			.style = (opt & 0x40) ? LD_SEV_VMSA_LEGACY : LD_SEV_VMSA_INIT2,
			.guest_features = 1,
			.hashes = (opt & 0x80) ? ht : NULL,
			.snp_seed = (opt & 3) == 3 ? seed : NULL, /* mode 3 is SNP from a seed */
		};
		if (l.mode != LD_SEV_MODE_SNP || section_pages(info) <= 256) {
			size_t n = 0, n2 = 0;
			err[0] = 0;
			int m = ld_sev_measure(img, len, info, &l, out, &n, err, sizeof(err));
			if (m == LD_OK) {
				if (n != (l.mode == LD_SEV_MODE_SNP ? 48u : 32u))
					abort();
				if (l.mode == LD_SEV_MODE_SEV && !l.hashes) {
					ld_hash(LD_HASH_SHA256, img, len, h);
					if (memcmp(h, out, 32) != 0)
						abort();
				}
				if (ld_sev_measure(img, len, info, &l, again, &n2, NULL, 0) != LD_OK || n2 != n ||
				    memcmp(out, again, n) != 0)
					abort();
			} else if (m != LD_ERR_INVALID || !err[0] || n != 0) {
				abort();
			}
		}
	}
	free(info);
	free(img);
	return 0;
}
