/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Error strings, wiping and constant-time comparison for the whole portable core. */
#include "base/common.h"

#include <string.h>

const char *ld_strerror(int err)
{
	switch (err) {
	case LD_OK: return "success";
	case LD_ERR_INVALID: return "invalid argument or malformed data";
	case LD_ERR_NOMEM: return "out of memory";
	case LD_ERR_IO: return "I/O error";
	case LD_ERR_UNSUPPORTED: return "unsupported feature";
	case LD_ERR_KEY: return "no key matches";
	case LD_ERR_RANGE: return "offset or length out of range";
	case LD_ERR_NOTFOUND: return "not found";
	case LD_ERR_CORRUPT: return "data does not verify";
	default: return "unknown error";
	}
}

/* Calling memset through a volatile function pointer: the compiler cannot prove which
 * function runs, so it cannot drop the store as dead even when p is freed right after. */
static void *(*const volatile ld_memset_v)(void *, int, size_t) = memset;

void ld_wipe(void *p, size_t n)
{
	if (p == NULL || n == 0)
		return;
	ld_memset_v(p, 0, n);
#if defined(__GNUC__)
	/* And tell the optimiser that the zeroed memory is observed. */
	__asm__ __volatile__("" : : "r"(p) : "memory");
#endif
}

int ld_ct_equal(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= (uint8_t)(x[i] ^ y[i]);
	/* Map 0 -> 1 and 1..255 -> 0 without a data-dependent branch. */
	return (int)(1 & ((uint32_t)(d - 1) >> 8));
}
