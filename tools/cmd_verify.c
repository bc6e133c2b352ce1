/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* lukstool verify: checks every data block of a dm-verity volume against the root hash
 * with the reader the driver uses (verity/verity.h), and names the first block that does
 * not verify.
 *   lukstool verify [--key-file FILE [--header HDR] [--key-slot N]] [--partition N]
 *                   --verity-root-hash HEX [--verity-* ...] DEVICE [HASH_DEVICE]
 * Without --key-file DEVICE (or its partition N) holds the data, and the tree unless
 * HASH_DEVICE is given; with --key-file DEVICE is a LUKS volume and the data and tree
 * live in its plaintext.  The tree starts at --verity-hash-offset on its device.
 * The verity options (tools/lt_verity_opts.h, shared with mksecret and mkdisk) have
 * veritysetup's names.  With a superblock (the default) every value not given is taken
 * from it, and one given that disagrees is refused; with --verity-no-superblock
 * --verity-data-blocks and --verity-salt are required, the rest default as in veritysetup
 * (sha256, 4096-byte blocks, format 1). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tools/fsview.h"
#include "tools/hostdev.h"
#include "tools/lt_opts.h"
#include "tools/lt_verity_opts.h"
#include "tools/lukstool.h"
#include "verity/verity.h"

#define WHO "lukstool verify"

static const char usage_text[] =
	"Usage: lukstool verify [--key-file FILE [--header HDR] [--key-slot N]] [--partition N]\n"
	"                       --verity-root-hash HEX [--verity-hash-offset BYTES]\n"
	"                       [--verity-data-blocks N] [--verity-salt HEX|-] [--verity-hash ALG]\n"
	"                       [--verity-data-block-size N] [--verity-hash-block-size N]\n"
	"                       [--verity-format 0|1] [--verity-no-superblock]\n"
	"                       DEVICE [HASH_DEVICE]\n"
	"Exit status 0 when every data block verifies; 4 when the root hash does not match the\n"
	"tree's top; 6 when a data or hash block does not verify (the block is named).\n";

struct vargs {
	lt_volargs vol;
	const char *hash_path;
	lt_verity_opts vo;
};

/* LT_OK, -1 for --help (usage printed), or LT_USAGE after the usage. */
static int parse(int argc, char **argv, struct vargs *a)
{
	static const struct option opts[] = {
		LT_VOLUME_OPTIONS,
		LT_VERITY_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, nargs, idx;

	memset(a, 0, sizeof(*a));
	lt_volargs_init(&a->vol);
	lt_verity_opts_init(&a->vo);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h" LT_VOLUME_SHORTOPTS, opts, &idx)) != -1) {
		int known = lt_volume_option(&a->vol, c, optarg);

		if (known < 0)
			goto bad;
		if (known)
			continue;
		if (c == 'h') {
			printf("%s", usage_text);
			return -1;
		}
		if (c != LT_OPT_VERITY || lt_verity_option(&a->vo, opts[idx].name, optarg, WHO))
			goto bad;
	}
	nargs = argc - optind;
	if (nargs < 1 || nargs > 2 || lt_verity_opts_need(&a->vo, 0, NULL, WHO))
		goto bad;
	if ((a->vol.header || a->vol.keyslot >= 0) && !a->vol.keyfile)
		goto bad;
	a->vol.device = argv[optind];
	a->hash_path = nargs == 2 ? argv[optind + 1] : NULL;
	return LT_OK;
bad:
	fprintf(stderr, "%s", usage_text);
	return LT_USAGE;
}

/* The devices: data (DEVICE, its partition or the LUKS plaintext) and hash. */
struct vdevs {
	lt_fsview fv;      /* with --key-file */
	lt_target t;       /* plain: DEVICE or its partition */
	ld_blockdev hfile; /* HASH_DEVICE */
	ld_blockdev *data, *hash;
	int have_fv, have_t, have_hfile;
};

static void close_devs(struct vdevs *d)
{
	if (d->have_fv)
		lt_fsview_close(&d->fv);
	if (d->have_t)
		lt_close_target(&d->t);
	if (d->have_hfile)
		lt_hostdev_close(&d->hfile);
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
	} else {
		if ((r = lt_open_plain(&d->t, a->vol.device, a->vol.partition)))
			return r;
		d->have_t = 1;
		d->data = d->t.data;
	}
	d->hash = d->data;
	if (a->hash_path) {
		if (lt_hostdev_open(&d->hfile, a->hash_path)) {
			fprintf(stderr, "lukstool: cannot open %s\n", a->hash_path);
			close_devs(d);
			return LT_IO;
		}
		d->have_hfile = 1;
		d->hash = &d->hfile;
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
	r = lt_verity_resolve(&a.vo, d.hash, a.hash_path ? a.hash_path : a.vol.device, WHO, &p);
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
