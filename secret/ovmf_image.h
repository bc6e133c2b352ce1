/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* What an OVMF firmware image (pflash unit 0) tells the hypervisor about an AMD SEV launch,
 * read from the image's bytes.  Caution: the image is untrusted input; every offset and
 * length below is checked against the image.
 *
 * The GUIDed footer table (edk2 OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm; QEMU reads it
 * in hw/i386/pc_sysfw_ovmf.c): the table's own entry ends 32 bytes before the end of the
 * image.  Every entry is { UINT8 data[n]; UINT16 len (n + 18); GUID guid }, so the entries
 * are walked backwards from the end.  The last one (nearest the image end) has the footer
 * GUID 96b582de-1fb2-45f7-baea-a366c55a082d and its len covers the whole table.  Entries
 * used here (all little-endian):
 *   SEV-ES reset block  00f771de-1a7e-4fcb-890e-68c77e2fb44e { UINT32 ap_reset_ip; ... }
 *   SEV hashes table    7255371f-3a3b-4b04-927b-1da6efa8d454 { UINT32 gpa; UINT32 size }
 *   SEV secret block    4c2eb361-7d9b-4cc3-8081-127c90d3d294 { UINT32 base; UINT32 size }
 *   SEV metadata        dc886566-984a-4798-a75e-5585a7bf67cc { UINT32 offset_from_end }
 * The SEV metadata (OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm) lies offset_from_end
 * bytes before the image end: { "ASEV"; UINT32 size; UINT32 version (1); UINT32 count }
 * then count sections { UINT32 gpa; UINT32 size; UINT32 type }, all within size. */
#ifndef LD_OVMF_IMAGE_H
#define LD_OVMF_IMAGE_H

#include "base/common.h"

#define LD_OVMF_FOOTER_END 32u   /* bytes between the footer entry and the image end */
#define LD_OVMF_ENTRY_HDR 18u    /* UINT16 len + GUID, after each entry's data */
#define LD_OVMF_SECTIONS_MAX 64u /* SEV metadata sections kept (edk2 has at most 7) */

/* SEV metadata section types (OvmfSevMetadata.asm). */
enum {
	LD_SEV_SECTION_SNP_SEC_MEM = 1,
	LD_SEV_SECTION_SNP_SECRETS = 2,
	LD_SEV_SECTION_CPUID = 3,
	LD_SEV_SECTION_SVSM_CAA = 4,
	LD_SEV_SECTION_KERNEL_HASHES = 0x10,
};

typedef struct ld_sev_section {
	uint32_t gpa, size, type;
} ld_sev_section;

/* Everything the measurement needs from an image.  has_* is 0 when the image has no such
 * entry (a plain OvmfPkgX64 build has no hashes table, an image without the footer has
 * nothing). */
typedef struct ld_ovmf_info {
	int has_footer;
	int has_reset_block;
	uint32_t ap_reset_ip;        /* SEV-ES reset block: the APs' first instruction */
	int has_hashes;
	uint32_t hashes_gpa, hashes_size;
	int has_secret;
	uint32_t secret_base, secret_size;
	int has_metadata;
	uint32_t n_sections;
	ld_sev_section sections[LD_OVMF_SECTIONS_MAX];
} ld_ovmf_info;

extern const uint8_t ld_ovmf_footer_guid[16];
extern const uint8_t ld_ovmf_sev_reset_guid[16];
extern const uint8_t ld_ovmf_sev_hashes_guid[16];
extern const uint8_t ld_ovmf_sev_secret_guid[16];
extern const uint8_t ld_ovmf_sev_metadata_guid[16];

/* Finds the footer table entry with this GUID in img[0..len): its data in *data, *dlen.
 * LD_OK; LD_ERR_NOTFOUND when the image has no footer table or no such entry;
 * LD_ERR_INVALID (with a reason) when the table is malformed (a length out of range, a
 * GUID twice).  Caution: img is untrusted. */
int ld_ovmf_table_find(const uint8_t *img, size_t len, const uint8_t guid[16],
		       const uint8_t **data, size_t *dlen, char *err, size_t errlen);

/* Checks the footer table and the SEV metadata and fills *info.  An image without a
 * footer table is valid (info says it has nothing); a malformed table, a short entry, an
 * unknown metadata signature or version is LD_ERR_INVALID with a reason (section types
 * are kept as they are: the measurement refuses the ones it does not know).
 * Caution: img is untrusted. */
int ld_ovmf_parse(const uint8_t *img, size_t len, ld_ovmf_info *info, char *err, size_t errlen);

#endif
