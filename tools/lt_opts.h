/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The command-line options that name a volume and its key, said once for every lukstool
 * command that opens one (unlock, decrypt, ls, cat, cp, bench-fs):
 *   --header HDR            detached LUKS header
 *   --partition N           the volume is partition N of a GPT/MBR disk image (N >= 1)
 *   --inner-partition N     (commands that read a file system) partition N inside it
 *   --key-slot N            only keyslot N (0..31)
 *   --key-file FILE         the passphrase or key, required
 * A command's option table lists LT_VOLUME_OPTIONS (and LT_INNER_PARTITION_OPTION where
 * it applies), its short options include LT_VOLUME_SHORTOPTS, and it hands each result
 * of getopt_long to lt_volume_option() before its own cases. */
#ifndef LT_OPTS_H
#define LT_OPTS_H

#include <getopt.h>
#include <stdint.h>

typedef struct lt_volargs {
	const char *header, *keyfile, *device;
	uint32_t partition, inner_partition; /* 0: none */
	int keyslot;                         /* -1: every keyslot */
} lt_volargs;

#define LT_VOLUME_OPTIONS                                      \
	{ "header", required_argument, NULL, 'H' },            \
	{ "partition", required_argument, NULL, 'p' },         \
	{ "key-slot", required_argument, NULL, 'S' },          \
	{ "key-file", required_argument, NULL, 'd' }
#define LT_INNER_PARTITION_OPTION { "inner-partition", required_argument, NULL, 'i' }
#define LT_VOLUME_SHORTOPTS "S:d:"

/* No header, partitions or key file; every keyslot. */
void lt_volargs_init(lt_volargs *a);
/* If c (a getopt_long result) is a volume option, stores arg in *a and returns 1, or -1
 * if arg is not a valid value; returns 0 for any other c. */
int lt_volume_option(lt_volargs *a, int c, const char *arg);

#endif
