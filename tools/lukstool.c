/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* lukstool: host companion of LuksDxe.  Dispatches argv[1] to one cmd_* per file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/aes_impl.h"
#include "base/common.h"
#include "tools/lukstool.h"
#include "tools/lt_kdf.h"
#include "lt_version.h" /* generated: LT_VERSION (tools/module.mk) */

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *usage;
} cmds[] = {
	{ "dump", lt_cmd_dump,
	  "dump    [--header HDR] [--partition N] [--verity-hash-offset BYTES] DEVICE\n"
	  "  lukstool dump    [--show-secret] SECRET" },
	{ "unlock", lt_cmd_unlock,
	  "unlock  [--header HDR] [--partition N] [--key-slot N] --key-file FILE\n"
	  "                 [--print-volume-key] DEVICE\n"
	  "  lukstool unlock  [--header HDR] [--partition N] --secret SECRET DEVICE" },
	{ "decrypt", lt_cmd_decrypt,
	  "decrypt [--header HDR] [--partition N] [--key-slot N] --key-file FILE DEVICE OUTPUT" },
	{ "ls", lt_cmd_ls,
	  "ls      [--header HDR] [--partition N] [--inner-partition N] --key-file FILE DEVICE PATH" },
	{ "cat", lt_cmd_cat,
	  "cat     [--header HDR] [--partition N] [--inner-partition N] --key-file FILE DEVICE PATH" },
	{ "cp", lt_cmd_cp,
	  "cp [-r] [--header HDR] [--partition N] [--inner-partition N] --key-file FILE DEVICE PATH DEST" },
	{ "verify", lt_cmd_verify,
	  "verify  [--key-file FILE] [--partition N] --verity-root-hash HEX [--verity-* ...]\n"
	  "                 DEVICE [HASH_DEVICE]   (see lukstool verify --help)" },
	{ "tpm2-unlock", lt_cmd_tpm2_unlock,
	  "tpm2-unlock --tpm DEV|SOCK [--pin-file FILE] [--print-volume-key] DEVICE" },
	{ "bench-fs", lt_cmd_fsbench,
	  "bench-fs [--header HDR] ... --key-file FILE --direct-offset BYTES DEVICE PATH" },
	{ "mkdisk", lt_cmd_mkdisk, "mkdisk  (see lukstool mkdisk --help)" },
	{ "mksecret", lt_cmd_mksecret, "mksecret (see lukstool mksecret --help)" },
	{ "measure", lt_cmd_measure,
	  "measure --mode sev|seves|snp --ovmf PATH [--vcpus N --vcpu-type NAME] ...\n"
	  "                 [--verify-launch-blob B64 --tik FILE ...]   (see lukstool measure --help)" },
	{ "sev-secret", lt_cmd_sevsecret, "sev-secret build|open (see lukstool sev-secret --help)" },
	{ "bench", lt_cmd_bench,
	  "bench   [--cipher SPEC] [--key-size BITS] [--pbkdf NAME] ... (see lukstool bench --help)" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: lukstool COMMAND [OPTIONS]     (lukstool COMMAND --help explains one)\n"
		   "       lukstool --version\n\nCommands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  lukstool %s\n", cmds[i].usage);
	fprintf(f, "\nDEVICE is a LUKS1/LUKS2 volume image, or a disk image with a GPT or MBR\n"
		   "partition table (the first LUKS partition is used unless --partition N).\n"
		   "--key-file FILE uses the file's exact bytes as the passphrase; '-' is stdin.\n"
		   "SECRET is a secret table as lukstool mksecret writes it (docs/owner-secret.md).\n"
		   "\nExit status: 0 success, 1 usage error, 2 I/O error, 3 not a valid LUKS volume\n"
		   "(or secret table, or firmware image), 4 no keyslot accepts the key (verify: the\n"
		   "root hash does not match; unlock --secret: the secret does not open the volume),\n"
		   "5 valid but unsupported, 6 data does not verify (verify: a data or hash block).\n"
		   "\nLUKSDXE_CPU=portable|aesni|vaes256|vaes512 forces that AES-XTS path (it must\n"
		   "be one this CPU runs); by default the fastest one is used.\n");
}

/* LUKSDXE_CPU: force one AES-XTS path (tests, benchmarks, comparing paths). */
static int force_cpu_path(void)
{
	const char *v = getenv("LUKSDXE_CPU");
	ld_aes_impl p;

	if (v == NULL || *v == '\0')
		return 0;
	if (ld_aes_impl_from_name(v, strlen(v), &p) != LD_OK) {
		fprintf(stderr, "lukstool: LUKSDXE_CPU=%s: not one of portable, aesni, vaes256, vaes512\n", v);
		return -1;
	}
	if (ld_aes_impl_force(p) != LD_OK) {
		fprintf(stderr, "lukstool: LUKSDXE_CPU=%s: this CPU (or OS) cannot run that path\n", v);
		return -1;
	}
	return 0;
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
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("lukstool (LuksDxe) %s\n", LT_VERSION);
		return fflush(stdout) ? LT_IO : LT_OK;
	}
	if (force_cpu_path() != 0)
		return LT_UNSUPPORTED;
	lt_kdf_use_threads(); /* Argon2 keyslots: lanes on the machine's CPUs */
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "lukstool: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return LT_USAGE;
}
