/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* dm-verity in the driver (verified.h): a thin layer over verity/verity.h that speaks to
 * the console and to BlockIo. */
#include <string.h>
#include "verified.h"
#include "console.h"

/* Read failures are named on the console, the first few per volume (a host that flips
 * many blocks must not flood the console). */
#define REPORTS_MAX 8

static const char *name_of(const luksdxe_dev *d)
{
	return d->info.uuid;
}

EFI_STATUS luksdxe_verified_open(luksdxe_dev *d, ld_blockdev *data, const ld_verity_params *p)
{
	char err[160];
	int r = ld_verity_open(&d->verity, data, data, p, &luksdxe_alloc, err, sizeof(err));
	if (r != LD_OK) {
		d->verity = NULL;
		if (r == LD_ERR_NOMEM)
			return EFI_OUT_OF_RESOURCES;
		if (r == LD_ERR_IO)
			luksdxe_con_printf("LuksDxe: %s: dm-verity: cannot read the tree: %s\n",
					   name_of(d), err);
		else if (r == LD_ERR_KEY)
			luksdxe_con_printf("LuksDxe: %s: dm-verity root hash mismatch: %s (not the guest "
					   "owner's version of this volume); it is not served\n",
					   name_of(d), err);
		else /* a superblock, size or layout the owner's parameters do not describe */
			luksdxe_con_printf("LuksDxe: %s: dm-verity: %s (not the guest owner's version "
					   "of this volume); it is not served\n", name_of(d), err);
		return r == LD_ERR_IO ? EFI_DEVICE_ERROR : EFI_SECURITY_VIOLATION;
	}
	uint32_t vbs = ld_verity_block_size(d->verity);
	/* Both powers of two from 512 to 4096: the smaller divides the published size. */
	if (!d->block_size || vbs < d->block_size)
		d->block_size = vbs;
	d->size = ld_verity_size(d->verity);
	d->verified = 1;
	d->reports = 0;
	luksdxe_con_printf("LuksDxe: %s: dm-verity root hash matches (%s, %u-byte blocks, %lu "
			   "blocks); every block read is verified\n", name_of(d),
			   ld_hash_name(p->hash), (unsigned)p->data_block_size,
			   (unsigned long)p->data_blocks);
	return EFI_SUCCESS;
}

EFI_STATUS luksdxe_verified_read(luksdxe_dev *d, UINT64 offset, void *buf, UINTN len)
{
	char err[160];
	int r = ld_verity_read(d->verity, offset, buf, len, err, sizeof(err));
	if (r == LD_OK)
		return EFI_SUCCESS;
	memset(buf, 0, len); /* never unverified bytes */
	if (d->reports < REPORTS_MAX) {
		d->reports++;
		luksdxe_con_printf("LuksDxe: %s: read refused (%lu bytes from byte %lu): %s\n",
				   name_of(d), (unsigned long)len, (unsigned long)offset, err);
	}
	return r == LD_ERR_RANGE ? EFI_INVALID_PARAMETER : EFI_DEVICE_ERROR;
}

void luksdxe_verified_close(luksdxe_dev *d)
{
	if (d->verity)
		ld_verity_close(d->verity);
	d->verity = NULL;
}

int luksdxe_verified_media_match(ld_blockdev *dev)
{
	const ld_secret_summary *s = luksdxe_secret_summary();
	for (size_t i = 0; i < s->n_media; i++) {
		ld_verity_geometry g;
		ld_verity *v;
		if (ld_verity_geometry_of(&s->media[i], &g) != LD_OK || g.hash_end > dev->size)
			continue;
		if (ld_verity_open(&v, dev, dev, &s->media[i], &luksdxe_alloc, NULL, 0) == LD_OK) {
			ld_verity_close(v);
			return (int)i;
		}
	}
	return -1;
}
