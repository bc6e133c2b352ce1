/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The GUIDed table an OVMF image carries just below its reset vector, which QEMU reads to
 * learn where SEV launch data goes (OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm).  Going
 * back from the image's end:
 *
 *   end - 0x20   the reset vector (not part of the table)
 *   end - 0x30   footer GUID 96b582de-1fb2-45f7-baea-a366c55a082d
 *   end - 0x32   UINT16 length of the whole table, footer included
 *   before it    entries { UINT8 data[]; UINT16 len (data + 18); GUID }, each read
 *                backwards from its GUID, until the table's start
 *
 * Caution: the image is untrusted input; every length is checked against the table. */
#ifndef LT_OVMF_TABLE_H
#define LT_OVMF_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* The size of OVMF AmdSev's secret area (PcdSevLaunchSecretSize, REFERENCES.md): the limit
 * lukstool assumes when no firmware image is given to read it from. */
#define LT_AMDSEV_SECRET_AREA 3072u

/* The SEV secret block, 4c2eb361-7d9b-4cc3-8081-127c90d3d294: { UINT32 base; UINT32 size }. */
extern const uint8_t lt_ovmf_sev_secret_guid[16];

/* Finds the entry with guid (EFI byte order) in the image: 0 with *data and *len set (its
 * data, the 18-byte trailer excluded), 1 if the table has no such entry, -1 if the image
 * has no valid table (err says why). */
int lt_ovmf_table_find(const uint8_t *img, size_t size, const uint8_t guid[16],
		       const uint8_t **data, size_t *len, char *err, size_t errlen);

/* The secret area the image advertises (the SEV secret block): 0 with *base and *size set,
 * 1 if it advertises none (no block, or a block of size 0), -1 for a malformed table or block (err says why). */
int lt_ovmf_secret_area(const uint8_t *img, size_t size, uint32_t *base, uint32_t *area_size,
			char *err, size_t errlen);

#endif
