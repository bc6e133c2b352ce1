/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The confidential-computing secret GUID table (OVMF AmdSev SecretDxe, Linux efi_secret,
 * GRUB efisecret), parsed and built without any UEFI header.  Layout, all little-endian
 * and packed:
 *
 *   header  { GUID 1e74f542-71dd-4d66-963e-ef4287ff173b; UINT32 total_len }   20 bytes
 *   entries { GUID guid; UINT32 len (20 + data bytes); UINT8 data[len - 20] } ...
 *
 * total_len counts the header and the entries; fewer than 20 bytes left over after the
 * last entry are padding.  An entry whose GUID is all zero was deleted (Linux-style) and
 * is skipped.  GUIDs are stored in EFI byte order: the first three fields little-endian,
 * the last eight bytes as written (so 1e74f542-... starts with bytes 42 f5 74 1e);
 * base/uuid.h converts.  The data of a per-volume entry is described in volume_secret.h. */
#ifndef LD_SECRET_TABLE_H
#define LD_SECRET_TABLE_H

#include "base/common.h"
#include "verity/verity.h"

#define LD_SECRET_HDR_SIZE 20u
#define LD_SECRET_ENTRY_HDR_SIZE 20u

/* Well-known GUIDs in EFI byte order. */
extern const uint8_t ld_secret_table_guid[16];   /* 1e74f542-71dd-4d66-963e-ef4287ff173b */
extern const uint8_t ld_secret_disk_guid[16];    /* 736869e5-84f0-4973-92ec-06879ce3da0b */
extern const uint8_t ld_secret_area_cfg_guid[16];/* adf956ad-e98c-484c-ae11-b51c7d336447 */

/* Where a secret lies inside the area. */
typedef struct ld_secret_ref {
	size_t entry_offset; /* of the entry header, from the start of the area */
	size_t data_offset;  /* of the secret's first byte */
	size_t data_len;     /* of the secret, a trailing NUL excluded */
	int generic;         /* 1 if the disk-passphrase entry was used, 0 if per-volume */
} ld_secret_ref;

/* Checks the whole table inside area[0..area_size): header GUID, total_len within the
 * area, every entry length within total_len.  LD_OK, or LD_ERR_INVALID with a reason. */
int ld_secret_table_check(const uint8_t *area, size_t area_size, char *err, size_t errlen);

/* Finds the secret for a volume whose GUID (EFI byte order) is volume_guid (NULL: only
 * the generic entry): the entry with that GUID, else the disk-passphrase entry.  Checks
 * the whole table first (a malformed table yields nothing), and refuses duplicates of
 * the chosen GUID and empty secrets.  LD_OK, LD_ERR_NOTFOUND or LD_ERR_INVALID. */
int ld_secret_table_find(const uint8_t *area, size_t area_size, const uint8_t volume_guid[16],
			 ld_secret_ref *ref, char *err, size_t errlen);

/* Steps through the entries of a valid table (deleted ones included): start with *off = 0;
 * each call returns 1 with the next entry in *ref (data_len: all of its data, generic: 1
 * for the disk-passphrase GUID) and moves *off on; 0 after the last entry, and at once for
 * a table ld_secret_table_check refuses. */
int ld_secret_table_next(const uint8_t *area, size_t area_size, size_t *off, ld_secret_ref *ref);

/* Deletes the entry ref points at the way Linux's efi_secret does: the data is zeroed,
 * the GUID set to the null GUID, len kept (so the table stays walkable). */
void ld_secret_table_wipe_entry(uint8_t *area, size_t area_size, const ld_secret_ref *ref);

/* Builder (lukstool mksecret, tests). */
typedef struct ld_secret_entry {
	uint8_t guid[16]; /* EFI byte order */
	const uint8_t *data;
	size_t len;
} ld_secret_entry;

/* Writes the table for n entries into out (capacity cap), zero-padded to a multiple of
 * align bytes (1 for none; SEV launch secrets want 16).  total_len in the header is the
 * unpadded size.  *outlen receives the padded size.  LD_ERR_RANGE if it does not fit. */
int ld_secret_table_build(uint8_t *out, size_t cap, size_t *outlen, const ld_secret_entry *e,
			  size_t n, size_t align);

/* What the whole table asks of every volume, read once before any entry is used (or
 * wiped): whether any volume record carries a pin, whether any carries dm-verity
 * parameters (then only verified volumes may boot), and the records for plaintext verified
 * media (a verity item alone, volume_secret.h), which no LUKS UUID leads to.  A record that
 * claims to be one but cannot be parsed counts as both a pin and verity: a constraint that
 * cannot be read is not dropped.  LD_OK, or LD_ERR_INVALID (and all zero) for a malformed
 * table. */
#define LD_SECRET_MEDIA_MAX 16u
typedef struct ld_secret_summary {
	int pins;
	int verity;
	size_t n_media;
	size_t media_dropped; /* media records beyond LD_SECRET_MEDIA_MAX: not served */
	ld_verity_params media[LD_SECRET_MEDIA_MAX];
} ld_secret_summary;
int ld_secret_table_summary(const uint8_t *area, size_t area_size, ld_secret_summary *s);

/* ld_secret_table_summary's pins: 1 if any entry carries a pin (or an unreadable record);
 * 0 otherwise, and for a malformed table. */
int ld_secret_table_has_pin(const uint8_t *area, size_t area_size);

#endif
