/* Commands not written yet; each lands in its own cmd_NAME.c, which then replaces the
 * stub here. */
#include <stdio.h>

#include "tools/lukstool.h"

int cmd_bench(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "lukstool bench: not yet implemented\n");
	return LT_USAGE;
}
