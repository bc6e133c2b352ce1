/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* lukstool verify: checks every data block of a dm-verity volume against the root hash
 * with the reader the driver uses (verity/verity.h), and names the first block that does
 * not verify.
 *   lukstool verify [--key-file FILE [--header HDR] [--key-slot N]] [--partition N]
 *                   --verity-root-hash HEX [--verity-* ...] DEVICE [HASH_DEVICE]
 * Without --key-file DEVICE (or its partition N) holds the data, and the tree unless
 * HASH_DEVICE is given; with --key-file DEVICE is a LUKS volume and the data and tree
 * live in its plaintext.  The tree starts at --verity-hash-offset on its device.
 * The verity options have veritysetup's names.  With a superblock (the default) every
 * value not given is taken from it, and the reader refuses one given that disagrees; with
 * --verity-no-superblock --verity-data-blocks and --verity-salt are required, the rest
 * default as in veritysetup (sha256, 4096-byte blocks, format 1). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "tools/fsview.h"
#include "tools/hostdev.h"
#include "tools/lt_opts.h"
#include "tools/lukstool.h"
#include "verity/verity.h"

static const char usage_text[] =
	"Usage: lukstool verify [--key-file FILE [--header HDR] [--key-slot N]] [--partition N]\n"
	"                       --verity-root-hash HEX [--verity-hash-offset BYTES]\n"
	"                       [--verity-data-blocks N] [--verity-salt HEX|-] [--verity-hash ALG]\n"
	"                       [--verity-data-block-size N] [--verity-hash-block-size N]\n"
	"                       [--verity-format 0|1] [--verity-no-superblock]\n"
	"                       DEVICE [HASH_DEVICE]\n"
	"Exit status 0 when every data block verifies; 4 when the root hash does not match the\n"
	"tree's top; 6 when a data or hash block does not verify (the block is named).\n";

/* The options given, one bit each: with a superblock, the others come from it. */
enum { G_BLOCKS = 1, G_SALT = 2, G_HASH = 4, G_DBS = 8, G_HBS = 16, G_FORMAT = 32 };

enum {
	O_ROOT = 256, O_OFFSET, O_BLOCKS, O_SALT, O_HASH, O_DBS, O_HBS, O_FORMAT, O_NOSB
};

struct vargs {
	lt_volargs vol;
	const char *hash_path, *root_hex;
	ld_verity_params p; /* the options given (and the defaults) */
	unsigned given;
};

/* Hex (either case, an even number of digits) into out[max]; -1 if malformed or longer. */
static int parse_hex(const char *s, uint8_t *out, size_t max, size_t *n)
{
	size_t len = strlen(s), i;

	if (len % 2 || len / 2 > max)
		return -1;
	for (i = 0; i < len / 2; i++) {
		int hi = ld_hexval((unsigned char)s[2 * i]), lo = ld_hexval((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*n = len / 2;
	return 0;
}

/* One verity option into a; 0, or -1 after a message when its value is malformed. */
static int verity_option(struct vargs *a, int c, const char *arg)
{
	uint32_t u;
	size_t n;

	switch (c) {
	case O_ROOT:
		a->root_hex = arg;
		return 0;
	case O_OFFSET:
		if (!lt_parse_u64(arg, &a->p.hash_offset))
			return 0;
		break;
	case O_BLOCKS:
		a->given |= G_BLOCKS;
		if (!lt_parse_u64(arg, &a->p.data_blocks))
			return 0;
		break;
	case O_SALT:
		a->given |= G_SALT;
		a->p.salt_size = 0;
		if (!strcmp(arg, "-") || !parse_hex(arg, a->p.salt, sizeof(a->p.salt), &n)) {
			a->p.salt_size = strcmp(arg, "-") ? (uint16_t)n : 0;
			return 0;
		}
		break;
	case O_HASH:
		a->given |= G_HASH;
		if (!ld_hash_from_name(arg, strlen(arg), &a->p.hash))
			return 0;
		break;
	case O_DBS:
	case O_HBS:
		a->given |= c == O_DBS ? G_DBS : G_HBS;
		if (!lt_parse_u32(arg, 1u << 30, &u)) {
			*(c == O_DBS ? &a->p.data_block_size : &a->p.hash_block_size) = u;
			return 0;
		}
		break;
	case O_FORMAT:
		a->given |= G_FORMAT;
		if (!lt_parse_u32(arg, 1, &a->p.hash_type))
			return 0;
		break;
	case O_NOSB:
		a->p.no_superblock = 1;
		return 0;
	}
	fprintf(stderr, "lukstool verify: bad value \"%s\"\n", arg);
	return -1;
}

/* LT_OK, -1 for --help (usage printed), or LT_USAGE after the usage. */
static int parse(int argc, char **argv, struct vargs *a)
{
	static const struct option opts[] = {
		LT_VOLUME_OPTIONS,
		{ "verity-root-hash", required_argument, NULL, O_ROOT },
		{ "verity-hash-offset", required_argument, NULL, O_OFFSET },
		{ "verity-data-blocks", required_argument, NULL, O_BLOCKS },
		{ "verity-salt", required_argument, NULL, O_SALT },
		{ "verity-hash", required_argument, NULL, O_HASH },
		{ "verity-data-block-size", required_argument, NULL, O_DBS },
		{ "verity-hash-block-size", required_argument, NULL, O_HBS },
		{ "verity-format", required_argument, NULL, O_FORMAT },
		{ "verity-no-superblock", no_argument, NULL, O_NOSB },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, nargs;

	memset(a, 0, sizeof(*a));
	lt_volargs_init(&a->vol);
	a->p.hash_type = 1; /* veritysetup's defaults */
	a->p.hash = LD_HASH_SHA256;
	a->p.data_block_size = 4096;
	a->p.hash_block_size = 4096;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h" LT_VOLUME_SHORTOPTS, opts, NULL)) != -1) {
		int known = lt_volume_option(&a->vol, c, optarg);

		if (known < 0)
			goto bad;
		if (known)
			continue;
		if (c == 'h') {
			printf("%s", usage_text);
			return -1;
		}
		if (c < O_ROOT || verity_option(a, c, optarg))
			goto bad;
	}
	nargs = argc - optind;
	if (!a->root_hex || nargs < 1 || nargs > 2)
		goto bad;
	if ((a->vol.header || a->vol.keyslot >= 0) && !a->vol.keyfile)
		goto bad;
	if (a->p.no_superblock && (a->given & (G_BLOCKS | G_SALT)) != (G_BLOCKS | G_SALT)) {
		fprintf(stderr, "lukstool verify: --verity-no-superblock needs --verity-data-blocks "
				"and --verity-salt\n");
		goto bad;
	}
	a->vol.device = argv[optind];
	a->hash_path = nargs == 2 ? argv[optind + 1] : NULL;
	return LT_OK;
bad:
	fprintf(stderr, "%s", usage_text);
	return LT_USAGE;
}

/* The devices: data (DEVICE, its partition or the LUKS plaintext) and hash. */
struct vdevs {
	lt_fsview fv;     /* with --key-file */
	lt_target t;      /* plain, with --partition */
	ld_blockdev file; /* plain DEVICE */
	ld_blockdev hfile; /* HASH_DEVICE */
	ld_blockdev *data, *hash;
	int have_fv, have_t, have_file, have_hfile;
};

static void close_devs(struct vdevs *d)
{
	if (d->have_fv)
		lt_fsview_close(&d->fv);
	if (d->have_t)
		lt_close_target(&d->t);
	if (d->have_file)
		lt_hostdev_close(&d->file);
	if (d->have_hfile)
		lt_hostdev_close(&d->hfile);
}

static int open_path(ld_blockdev *dev, const char *path)
{
	if (lt_hostdev_open(dev, path)) {
		fprintf(stderr, "lukstool: cannot open %s\n", path);
		return LT_IO;
	}
	return LT_OK;
}

static int open_devs(struct vdevs *d, const struct vargs *a)
{
	int r;

	memset(d, 0, sizeof(*d));
	if (a->vol.keyfile) {
		if ((r = lt_fsview_unlock(&d->fv, &a->vol)))
			return r;
		d->have_fv = 1;
		d->data = &d->fv.voldev;
	} else if (a->vol.partition) {
		if ((r = lt_open_target(&d->t, a->vol.device, NULL, a->vol.partition)))
			return r;
		d->have_t = 1;
		d->data = d->t.data;
	} else {
		if ((r = open_path(&d->file, a->vol.device)))
			return r;
		d->have_file = 1;
		d->data = &d->file;
	}
	d->hash = d->data;
	if (a->hash_path) {
		if ((r = open_path(&d->hfile, a->hash_path))) {
			close_devs(d);
			return r;
		}
		d->have_hfile = 1;
		d->hash = &d->hfile;
	}
	return LT_OK;
}

/* The parameters: the options given, the rest from the superblock (when there is one),
 * and the root hash.  LT_* status, messages on stderr. */
static int params_of(struct vargs *a, ld_blockdev *hash, const char *hname,
		     ld_verity_params *p)
{
	uint8_t sb[LD_VERITY_SB_SIZE], uuid[16];
	ld_verity_params s;
	char err[160];
	size_t n = 0;
	int r;

	*p = a->p;
	if (!p->no_superblock) {
		r = ld_dev_read(hash, p->hash_offset, sb, sizeof(sb));
		if (r) {
			fprintf(stderr, "lukstool: %s: no verity superblock at offset %llu (%s)\n",
				hname, (unsigned long long)p->hash_offset, ld_strerror(r));
			return r == LD_ERR_IO ? LT_IO : LT_INVALID;
		}
		r = ld_verity_sb_parse(sb, &s, uuid, err, sizeof(err));
		if (r) {
			fprintf(stderr, "lukstool: %s: verity superblock at offset %llu: %s\n", hname,
				(unsigned long long)p->hash_offset, err);
			return lt_exit_status(r);
		}
		if (!(a->given & G_BLOCKS))
			p->data_blocks = s.data_blocks;
		if (!(a->given & G_SALT)) {
			p->salt_size = s.salt_size;
			memcpy(p->salt, s.salt, sizeof(p->salt));
		}
		if (!(a->given & G_HASH))
			p->hash = s.hash;
		if (!(a->given & G_DBS))
			p->data_block_size = s.data_block_size;
		if (!(a->given & G_HBS))
			p->hash_block_size = s.hash_block_size;
		if (!(a->given & G_FORMAT))
			p->hash_type = s.hash_type;
	}
	if (parse_hex(a->root_hex, p->root_hash, sizeof(p->root_hash), &n) ||
	    n != ld_hash_size(p->hash)) {
		fprintf(stderr, "lukstool verify: --verity-root-hash must be %zu hex digits for %s\n",
			2 * ld_hash_size(p->hash), ld_hash_name(p->hash) ? ld_hash_name(p->hash) : "?");
		return LT_USAGE;
	}
	return LT_OK;
}

int lt_cmd_verify(int argc, char **argv)
{
	struct vargs a;
	struct vdevs d;
	ld_verity_params p;
	ld_verity *v = NULL;
	uint64_t bad = 0;
	char err[256];
	int r;

	r = parse(argc, argv, &a);
	if (r)
		return r < 0 ? LT_OK : r;
	r = open_devs(&d, &a);
	if (r)
		return r;
	r = params_of(&a, d.hash, a.hash_path ? a.hash_path : a.vol.device, &p);
	if (r)
		goto out;
	r = ld_verity_open(&v, d.data, d.hash, &p, &lt_hostdev_alloc, err, sizeof(err));
	if (r == LD_OK)
		r = ld_verity_verify_all(v, NULL, NULL, &bad, err, sizeof(err));
	if (r) {
		fprintf(stderr, "lukstool: %s: %s\n", a.vol.device, err[0] ? err : ld_strerror(r));
		r = lt_exit_status(r);
		goto out;
	}
	printf("Verified %llu data blocks of %u bytes against the root hash.\n",
	       (unsigned long long)p.data_blocks, p.data_block_size);
	r = fflush(stdout) ? LT_IO : LT_OK;
out:
	ld_verity_close(v);
	ld_wipe(&p, sizeof(p));
	close_devs(&d);
	return r;
}
