/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The dm-verity options, said once for every lukstool command that takes them (verify,
 * mksecret, mkdisk), with veritysetup's names:
 *   --verity-root-hash HEX          the root hash (as many bytes as the digest)
 *   --verity-hash-offset BYTES      where the superblock (without one: the tree) starts
 *   --verity-data-blocks N          the data blocks the tree covers
 *   --verity-salt HEX|-             the salt ("-": none)
 *   --verity-hash ALG               sha1, sha256 or sha512
 *   --verity-data-block-size N      512..4096, a power of two
 *   --verity-hash-block-size N      512..4096, a power of two
 *   --verity-format 0|1             0 Chrome OS, 1 normal
 *   --verity-no-superblock          none at the hash offset
 * What is not given defaults as in veritysetup (sha256, 4096-byte blocks, format 1, hash
 * offset 0).  With a superblock (the default) lt_verity_resolve takes every value not given
 * from it and refuses one given that disagrees, naming the field and the option: the owner
 * pins what was given, the superblock fills in the rest.
 * A getopt_long table lists LT_VERITY_OPTIONS; every one returns LT_OPT_VERITY, and the
 * option's name (the table's, by longindex) goes to lt_verity_option.  A hand-written
 * parser (mksecret) asks lt_verity_is_option first. */
#ifndef LT_VERITY_OPTS_H
#define LT_VERITY_OPTS_H

#include <getopt.h>
#include <stdio.h>

#include "base/blockdev.h"
#include "verity/verity.h"

/* The options given, one bit each: bit i is the i-th of LT_VERITY_OPTIONS. */
enum {
	LT_VO_ROOT = 1u << 0, LT_VO_OFFSET = 1u << 1, LT_VO_BLOCKS = 1u << 2,
	LT_VO_SALT = 1u << 3, LT_VO_HASH = 1u << 4, LT_VO_DBS = 1u << 5, LT_VO_HBS = 1u << 6,
	LT_VO_FORMAT = 1u << 7, LT_VO_NOSB = 1u << 8
};

typedef struct lt_verity_opts {
	const char *root_hex;   /* --verity-root-hash, or NULL */
	ld_verity_params p;     /* the values given, veritysetup's defaults for the others */
	unsigned given;         /* LT_VO_* */
} lt_verity_opts;

#define LT_OPT_VERITY 0x7600 /* getopt_long's value for every verity option */
#define LT_VERITY_OPTIONS                                                      \
	{ "verity-root-hash", required_argument, NULL, LT_OPT_VERITY },        \
	{ "verity-hash-offset", required_argument, NULL, LT_OPT_VERITY },      \
	{ "verity-data-blocks", required_argument, NULL, LT_OPT_VERITY },      \
	{ "verity-salt", required_argument, NULL, LT_OPT_VERITY },             \
	{ "verity-hash", required_argument, NULL, LT_OPT_VERITY },             \
	{ "verity-data-block-size", required_argument, NULL, LT_OPT_VERITY },  \
	{ "verity-hash-block-size", required_argument, NULL, LT_OPT_VERITY },  \
	{ "verity-format", required_argument, NULL, LT_OPT_VERITY },           \
	{ "verity-no-superblock", no_argument, NULL, LT_OPT_VERITY }

/* Nothing given; veritysetup's defaults. */
void lt_verity_opts_init(lt_verity_opts *v);

/* 1 if name (without its leading "--") is a verity option, *has_arg then 1 when it takes a
 * value; 0 otherwise. */
int lt_verity_is_option(const char *name, int *has_arg);

/* Stores one option (name without "--"; arg NULL for --verity-no-superblock).  LT_OK, or
 * LT_USAGE after "who: ..." on stderr for a malformed value or an option given twice. */
int lt_verity_option(lt_verity_opts *v, const char *name, const char *arg, const char *who);

/* "verity-salt" for LT_VO_SALT (the option of the lowest bit set in bit). */
const char *lt_verity_option_name(unsigned bit);

/* Refuses (LT_USAGE, "who: --verity-x is needed (why)") when an option of need is missing;
 * --verity-root-hash is always needed, and with --verity-no-superblock so are
 * --verity-data-blocks and --verity-salt (there is no superblock to take them from). */
int lt_verity_opts_need(const lt_verity_opts *v, unsigned need, const char *why,
			const char *who);

/* Reads and parses the superblock at off on dev into *s (and its UUID).  LT_* status;
 * the reason on stderr as "who: name: ...".  Caution: the superblock is untrusted. */
int lt_verity_read_sb(ld_blockdev *dev, const char *name, uint64_t off, ld_verity_params *s,
		      uint8_t uuid[16], const char *who);

/* The parameters: the options given; unless --verity-no-superblock, every other value from
 * the superblock at the hash offset on hash (named hname in messages) - hash NULL: there is
 * no device, what was not given keeps its default; then the root hash, which must be the
 * digest's size.  Refuses a given value that the superblock contradicts (LT_INVALID,
 * "superblock: salt disagrees with --verity-salt") and parameters that fail
 * ld_verity_params_check.  LT_* status, messages on stderr; *p is wiped on failure. */
int lt_verity_resolve(const lt_verity_opts *v, ld_blockdev *hash, const char *hname,
		      const char *who, ld_verity_params *p);

/* Writes the options that say p exactly (root hash included), one line, to f. */
void lt_verity_print_options(FILE *f, const ld_verity_params *p);

#endif
