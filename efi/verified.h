/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* efi/verified.c: dm-verity in the driver.  A volume whose secret carries the owner's
 * verity parameters is served only through verity/'s reader: its child publishes exactly
 * the verified data region, every block handed over is checked from the caller's buffer,
 * and a block that does not verify is a read error named on the console.  Plaintext media
 * that the secret vouches for by root hash are found here too. */
#ifndef LUKSDXE_VERIFIED_H
#define LUKSDXE_VERIFIED_H

#include "luksdxe.h"

/* Opens d's verified view over data (the LUKS plaintext, or the parent disk for media)
 * with the owner's parameters p; the tree lies on data too.  Says on the console what was
 * verified, or why the volume stays unpublished (a root hash that does not match: not the
 * owner's version of the volume).  Sets d->verity, d->verified and the published geometry
 * (d->block_size, d->size).  EFI_SUCCESS, EFI_SECURITY_VIOLATION (does not verify; a lasting
 * refusal), EFI_DEVICE_ERROR, EFI_OUT_OF_RESOURCES. */
EFI_STATUS luksdxe_verified_open(luksdxe_dev *d, ld_blockdev *data, const ld_verity_params *p);

/* Reads len bytes at offset of the verified data into buf.  EFI_DEVICE_ERROR, buf zeroed,
 * and a console line naming the volume and the block, when a block does not verify. */
EFI_STATUS luksdxe_verified_read(luksdxe_dev *d, UINT64 offset, void *buf, UINTN len);

/* Wipes and frees the verified view (its cached hash blocks). */
void luksdxe_verified_close(luksdxe_dev *d);

/* The plaintext-media record of the secret (luksdxe_secret_summary) whose tree dev's
 * content verifies against: its index, or -1.  Cheap enough for Supported(): per record, a
 * size check, the superblock and the top hash block. */
int luksdxe_verified_media_match(ld_blockdev *dev);

#endif
