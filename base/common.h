/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Error codes, the allocator and wiping: shared by the whole portable core (base/, crypto/,
 * luks/, fs/, secret/, verity/).
 *
 * The core assumes only <stddef.h>, <stdint.h> and memcpy/memset/memcmp/memmove/strlen;
 * every allocation goes through an ld_alloc that the caller passes in. */
#ifndef LD_COMMON_H
#define LD_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Error codes: 0 is success, negatives are failures.  The lukstool exit status and the
 * driver's EFI_STATUS are both derived from these. */
typedef enum {
	LD_OK = 0,
	LD_ERR_INVALID = -1,     /* bad argument or malformed input (header, JSON, table) */
	LD_ERR_NOMEM = -2,       /* allocation failed */
	LD_ERR_IO = -3,          /* the block device failed to read */
	LD_ERR_UNSUPPORTED = -4, /* valid, but a feature we do not implement */
	LD_ERR_KEY = -5,         /* no keyslot accepts the key / digest mismatch */
	LD_ERR_RANGE = -6,       /* offset or length outside the device or segment */
	LD_ERR_NOTFOUND = -7,    /* no such item (keyslot, secret entry, partition) */
	LD_ERR_CORRUPT = -8,     /* data does not verify (a dm-verity block or hash block) */
} ld_err;

const char *ld_strerror(int err);

/* Allocator passed to everything that allocates.  free() receives the size that was
 * requested, so that implementations can wipe before releasing. */
typedef struct ld_alloc {
	void *(*alloc)(void *ctx, size_t size); /* zeroed memory or NULL */
	void (*free)(void *ctx, void *ptr, size_t size);
	void *ctx;
} ld_alloc;

/* Progress of long work (key derivation): done out of total, in arbitrary units.
 * Returning non-zero is ignored for now (no cancellation). */
typedef void (*ld_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* Wipe memory in a way the compiler cannot elide. */
void ld_wipe(void *p, size_t n);

/* Constant-time equality over n bytes: 1 if equal, 0 otherwise. */
int ld_ct_equal(const void *a, const void *b, size_t n);

#endif
