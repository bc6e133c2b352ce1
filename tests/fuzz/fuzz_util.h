/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Shared by the libFuzzer targets: an in-memory ld_blockdev and a bounded allocator.
 * The device holds the input and reads zeros past it up to dev.size; a read the core did
 * not bounds-check first aborts, so the fuzzer reports it. */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "base/blockdev.h"

struct fz_mem {
	const uint8_t *p;
	size_t n;
};

static inline int fz_mem_read(ld_blockdev *d, uint64_t off, void *buf, size_t len)
{
	const struct fz_mem *m = d->ctx;
	size_t have = 0;

	if (off > d->size || len > d->size - off)
		abort(); /* the core must bounds-check before reading */
	if (off < m->n)
		have = m->n - off < len ? (size_t)(m->n - off) : len;
	if (have)
		memcpy(buf, m->p + off, have);
	memset((uint8_t *)buf + have, 0, len - have);
	return LD_OK;
}

/* Allocations above 64 MiB fail, to keep the fuzzer's memory bounded. */
static inline void *fz_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return size > (64u << 20) ? NULL : calloc(1, size ? size : 1);
}

static inline void fz_free(void *ctx, void *p, size_t size)
{
	(void)ctx;
	(void)size;
	free(p);
}

static const ld_alloc fz_allocator = { fz_alloc, fz_free, NULL };

#endif
