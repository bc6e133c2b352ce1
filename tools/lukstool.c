/* lukstool: host companion of LuksDxe.  Dispatches argv[1] to one cmd_* per file. */
#include <stdio.h>
#include <string.h>

#include "tools/lukstool.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *usage;
} cmds[] = {
	{ "dump", cmd_dump, "dump    [--header HDR] [--partition N] DEVICE" },
	{ "unlock", cmd_unlock,
	  "unlock  [--header HDR] [--partition N] [--key-slot N] --key-file FILE\n"
	  "                 [--print-volume-key] DEVICE" },
	{ "decrypt", cmd_decrypt,
	  "decrypt [--header HDR] [--partition N] [--key-slot N] --key-file FILE DEVICE OUTPUT" },
	{ "ls", cmd_ls,
	  "ls      [--header HDR] [--partition N] [--inner-partition N] --key-file FILE DEVICE PATH" },
	{ "cat", cmd_cat,
	  "cat     [--header HDR] [--partition N] [--inner-partition N] --key-file FILE DEVICE PATH" },
	{ "cp", cmd_cp,
	  "cp [-r] [--header HDR] [--partition N] [--inner-partition N] --key-file FILE DEVICE PATH DEST" },
	{ "bench-fs", cmd_fsbench,
	  "bench-fs [--header HDR] ... --key-file FILE --direct-offset BYTES DEVICE PATH" },
	{ "mkdisk", cmd_mkdisk, "mkdisk  (see lukstool mkdisk --help)" },
	{ "mksecret", cmd_mksecret, "mksecret (see lukstool mksecret --help)" },
	{ "bench", cmd_bench,
	  "bench   [--cipher SPEC] [--key-size BITS] [--pbkdf NAME] ... (see lukstool bench --help)" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: lukstool COMMAND [OPTIONS]\n\nCommands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  lukstool %s\n", cmds[i].usage);
	fprintf(f, "\nDEVICE is a LUKS1/LUKS2 volume image, or a disk image with a GPT or MBR\n"
		   "partition table (the first LUKS partition is used unless --partition N).\n"
		   "--key-file FILE uses the file's exact bytes as the passphrase; '-' is stdin.\n"
		   "\nExit status: 0 success, 1 usage error, 2 I/O error, 3 not a valid LUKS volume,\n"
		   "4 no keyslot accepts the key, 5 valid but unsupported.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return LT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return LT_OK;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "lukstool: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return LT_USAGE;
}
