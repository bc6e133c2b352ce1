/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The options that name a volume and its key: see lt_opts.h. */
#include "tools/lt_opts.h"

#include <string.h>

#include "tools/hostdev.h"

/* Partition numbers beyond any real table; 0 means "none" and is refused as a value. */
#define PART_MAX (1u << 20)

void lt_volargs_init(lt_volargs *a)
{
	memset(a, 0, sizeof(*a));
	a->keyslot = -1;
}

int lt_volume_option(lt_volargs *a, int c, const char *arg)
{
	uint32_t v;

	switch (c) {
	case 'H':
		a->header = arg;
		return 1;
	case 'p':
		return lt_parse_u32(arg, PART_MAX, &a->partition) || !a->partition ? -1 : 1;
	case 'i':
		return lt_parse_u32(arg, PART_MAX, &a->inner_partition) || !a->inner_partition ? -1 : 1;
	case 'S':
		if (lt_parse_u32(arg, 31, &v))
			return -1;
		a->keyslot = (int)v;
		return 1;
	case 'd':
		a->keyfile = arg;
		return 1;
	default:
		return 0;
	}
}
