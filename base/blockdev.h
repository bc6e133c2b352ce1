/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The one storage interface of the portable core.  A UEFI DiskIo, a host file and a
 * test's memory buffer all implement it.  The core never writes: there is no write. */
#ifndef LD_BLOCKDEV_H
#define LD_BLOCKDEV_H

#include "base/common.h"

typedef struct ld_blockdev {
	/* Reads len bytes at byte offset; LD_OK or LD_ERR_IO.  Callers keep offset+len <= size. */
	int (*read)(struct ld_blockdev *dev, uint64_t offset, void *buf, size_t len);
	uint64_t size;       /* bytes */
	uint32_t block_size; /* natural alignment of the medium (512 or 4096) */
	void *ctx;
} ld_blockdev;

/* Bounds-checked read: LD_ERR_RANGE if [offset, offset+len) is not inside the device. */
static inline int ld_dev_read(ld_blockdev *dev, uint64_t offset, void *buf, size_t len)
{
	if (offset > dev->size || len > dev->size - offset)
		return LD_ERR_RANGE;
	return dev->read(dev, offset, buf, len);
}

#endif
