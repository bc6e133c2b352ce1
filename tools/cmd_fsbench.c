/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* lukstool bench-fs: the cost of the file-system layer.  Reads a file through the ext4
 * (or FAT) reader inside an unlocked volume, and the same number of bytes straight from
 * the volume's plaintext at --direct-offset (where the file lies, when it is contiguous:
 * tests/bench/fs.sh finds it with debugfs), both in 1 MiB reads, alternating, several
 * rounds; prints the median speeds and the overhead.  The two byte streams are compared
 * first, untimed, so that both sides provably read the same bytes. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/fsview.h"
#include "tools/lukstool.h"

#define CHUNK (1u << 20)

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One pass over the file through the reader: seconds, or < 0 on error. */
static double via_fs(lt_fsview *v, void *f, uint64_t size, uint8_t *buf)
{
	double t0 = now();
	uint64_t off;
	size_t got;

	for (off = 0; off < size; off += got)
		if (v->ops->read(f, off, buf, CHUNK, &got) || !got)
			return -1;
	return now() - t0;
}

/* One pass over [start, start+size) of the device. */
static double direct(ld_blockdev *d, uint64_t start, uint64_t size, uint8_t *buf)
{
	double t0 = now();
	uint64_t off;
	size_t n;

	for (off = 0; off < size; off += n) {
		n = size - off < CHUNK ? (size_t)(size - off) : CHUNK;
		if (ld_dev_read(d, start + off, buf, n))
			return -1;
	}
	return now() - t0;
}

static int same_bytes(lt_fsview *v, void *f, uint64_t start, uint64_t size, uint8_t *a, uint8_t *b)
{
	uint64_t off;
	size_t got;

	for (off = 0; off < size; off += got) {
		if (v->ops->read(f, off, a, CHUNK, &got) || !got ||
		    ld_dev_read(v->fsdev, start + off, b, got) || memcmp(a, b, got))
			return 0;
	}
	return 1;
}

int lt_cmd_fsbench(int argc, char **argv)
{
	static const struct option opts[] = {
		LT_VOLUME_OPTIONS,
		LT_INNER_PARTITION_OPTION,
		{ "direct-offset", required_argument, NULL, 'o' },
		{ "rounds", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char use[] =
"Usage: lukstool bench-fs [--header HDR] [--partition N] [--inner-partition N]\n"
"       [--key-slot N] --key-file FILE --direct-offset BYTES [--rounds N]\n"
"       DEVICE PATH\n";
	static const char help[] =
"\n"
"Measures the cost of the file-system layer: reads file PATH inside the unlocked volume\n"
"through the ext4 (or FAT) reader, and as many bytes straight from the volume's\n"
"plaintext at --direct-offset, alternately in 1 MiB reads; prints the median speeds and\n"
"the overhead.  The two byte streams are compared first (so the file must be contiguous\n"
"at that offset; tests/bench/fs.sh finds it with debugfs).\n"
"\n"
"  --header HDR            read the LUKS header from HDR (a detached header)\n"
"  --partition N           the volume is partition N of a GPT/MBR disk image\n"
"  --inner-partition N     the file system is partition N inside the volume\n"
"  --key-slot N            try only keyslot N (0..31)\n"
"  --key-file FILE         the passphrase: FILE's exact bytes; '-' reads stdin\n"
"  --direct-offset BYTES   where PATH's data lies in the plaintext\n"
"  --rounds N              timed rounds of each kind (1..64, default 5)\n";
	lt_volargs a;
	lt_fsview v;
	lt_fsstat st;
	uint64_t start = 0;
	uint32_t rounds = 5, i;
	double tf[64], td[64], sf, sd;
	uint8_t *buf = NULL, *buf2 = NULL;
	void *f = NULL;
	int c, r, have_off = 0;

	lt_volargs_init(&a);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h" LT_VOLUME_SHORTOPTS, opts, NULL)) != -1) {
		int known = lt_volume_option(&a, c, optarg);

		if (known < 0)
			goto bad;
		if (known)
			continue;
		switch (c) {
		case 'h': printf("%s%s", use, help); return LT_OK;
		case 'o': start = strtoull(optarg, NULL, 0); have_off = 1; break;
		case 'n': if (lt_parse_u32(optarg, 64, &rounds) || !rounds) goto bad; break;
		default: goto bad;
		}
	}
	if (!a.keyfile || !have_off || argc - optind != 2)
		goto bad;
	a.device = argv[optind];
	r = lt_fsview_open(&v, &a);
	if (r)
		return r;
	buf = malloc(CHUNK);
	buf2 = malloc(CHUNK);
	r = v.ops->open(v.fs, argv[optind + 1], 0, &f);
	if (r || !buf || !buf2) {
		fprintf(stderr, "lukstool: %s: %s\n", argv[optind + 1], r ? v.ops->reason(v.fs) : "out of memory");
		r = LT_IO;
		goto out;
	}
	v.ops->stat(f, &st);
	if (!same_bytes(&v, f, start, st.size, buf, buf2)) {
		fprintf(stderr, "lukstool: the file's bytes are not at --direct-offset %llu (not contiguous?)\n",
			(unsigned long long)start);
		r = LT_INVALID;
		goto out;
	}
	for (i = 0; i < rounds; i++) {
		tf[i] = via_fs(&v, f, st.size, buf);
		td[i] = direct(v.fsdev, start, st.size, buf);
		if (tf[i] < 0 || td[i] < 0) {
			fprintf(stderr, "lukstool: read error during the benchmark\n");
			r = LT_IO;
			goto out;
		}
	}
	qsort(tf, rounds, sizeof(double), cmp_double);
	qsort(td, rounds, sizeof(double), cmp_double);
	sf = st.size / tf[rounds / 2] / 1e6;
	sd = st.size / td[rounds / 2] / 1e6;
	printf("bench-fs: %s (%s), %llu bytes, median of %u rounds, 1 MiB reads\n", argv[optind + 1],
	       v.kind, (unsigned long long)st.size, rounds);
	printf("  through the %s reader   %9.1f MB/s\n", v.kind, sf);
	printf("  same bytes, direct      %9.1f MB/s\n", sd);
	printf("  file-system overhead    %9.1f %%\n", (tf[rounds / 2] / td[rounds / 2] - 1) * 100);
	r = LT_OK;
out:
	if (f)
		v.ops->close(f);
	free(buf);
	free(buf2);
	lt_fsview_close(&v);
	return r;
bad:
	fprintf(stderr, "%s", use);
	return LT_USAGE;
}
