/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The corruption sweep of test_ext4.c and test_fat.c: see testutil.h. */
#include "testutil.h"

#include <string.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* One flip at byte off: the whole byte when (off / alt) is odd, else one bit; the walk
 * runs on the damaged image, which is then restored.  Returns the walk's result. */
static int flip_and_walk(const struct tu_sweep *s, size_t off, uint64_t *digest)
{
	uint8_t *p = s->img + off, save = *p;
	int r;

	*p ^= (off % s->block / s->alt) % 2 ? 0xFF : (uint8_t)(1u << (off % s->block % 8));
	r = s->walk(s->ctx, digest);
	*p = save;
	return r;
}

size_t tu_sweep(const struct tu_sweep *s)
{
	size_t flips = 0, errors = 0, same = 0;
	uint64_t d0, d;

	assert_true(s->block && s->stride && s->alt && s->truncations);
	assert_int_equal(s->walk(s->ctx, &d0), LD_OK);
	for (size_t b = 0; b < s->size / s->block; b++) {
		size_t at = b * s->block;

		if ((s->skip && s->skip[b]) || all_zero(s->img + at, s->block))
			continue;
		for (size_t o = 0; o < s->block; o += b < s->dense ? 1 : s->stride) {
			int r = flip_and_walk(s, at + o, &d);

			flips++;
			if (r != LD_OK)
				errors++;
			else if (d == d0)
				same++;
			else if (s->strict)
				fail_msg("%s: flip at block %zu byte %zu went unnoticed", s->name, b, o);
			assert_int_equal(tu_alloc_live(), 0);
		}
	}
	print_message("# %s: %zu single-bit or single-byte flips: %zu errors, %zu identical, "
		      "%zu other trees\n", s->name, flips, errors, same, flips - errors - same);
	assert_true(flips > 1000);
	/* Truncated devices must fail; the full size with a zeroed tail may give anything. */
	for (size_t o = 0; o < s->size; o += s->size / s->truncations) {
		s->resize(s->ctx, o, o);
		assert_int_not_equal(s->walk(s->ctx, &d), LD_OK);
		if (s->zero_tail) {
			s->resize(s->ctx, s->size, o);
			(void)s->walk(s->ctx, &d);
		}
	}
	s->resize(s->ctx, s->size, s->size);
	return flips;
}
