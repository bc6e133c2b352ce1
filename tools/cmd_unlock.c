/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* lukstool unlock / decrypt: open a volume with a key file, report the keyslot (and the
 * volume key on request), or write the whole plaintext data segment to a file. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "luks/luks.h"
#include "tools/hostdev.h"
#include "tools/lt_opts.h"
#include "tools/lukstool.h"

#define CHUNK (1u << 20)

struct args {
	lt_volargs vol;
	const char *output;
	int print_key;
};

static int parse(int argc, char **argv, struct args *a, int decrypt)
{
	static const struct option opts[] = {
		LT_VOLUME_OPTIONS,
		{ "print-volume-key", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *use = decrypt
		? "Usage: lukstool decrypt [--header HDR] [--partition N] [--key-slot N] --key-file FILE DEVICE OUTPUT\n"
		: "Usage: lukstool unlock [--header HDR] [--partition N] [--key-slot N] --key-file FILE [--print-volume-key] DEVICE\n";
	int c;

	memset(a, 0, sizeof(*a));
	lt_volargs_init(&a->vol);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h" LT_VOLUME_SHORTOPTS, opts, NULL)) != -1) {
		int known = lt_volume_option(&a->vol, c, optarg);

		if (known < 0)
			goto bad;
		if (known)
			continue;
		switch (c) {
		case 'P':
			if (decrypt)
				goto bad;
			a->print_key = 1;
			break;
		case 'h':
			printf("%s", use);
			return -1;
		default:
			goto bad;
		}
	}
	if (!a->vol.keyfile || argc - optind != (decrypt ? 2 : 1))
		goto bad;
	a->vol.device = argv[optind];
	if (decrypt)
		a->output = argv[optind + 1];
	return LT_OK;
bad:
	fprintf(stderr, "%s", use);
	return LT_USAGE;
}

/* The clock and console of the key-derivation cost limit (the firmware's are in efi/). */
static uint64_t now_us(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void notice(void *ctx, const char *line)
{
	(void)ctx;
	lt_progress_end();
	fprintf(stderr, "lukstool: %s\n", line);
}

static const ld_kdf_limit kdf_limit = { now_us, notice, NULL, LD_KDF_MAX_SECONDS };

/* Opens and unlocks; on LT_OK *vp and *t are live. */
static int open_unlock(const lt_volargs *a, lt_target *t, ld_volume **vp, int *slot)
{
	uint8_t *key = NULL;
	size_t keylen = 0;
	char err[512];
	int r;

	r = lt_read_keyfile(a->keyfile, &key, &keylen);
	if (r)
		return r;
	r = lt_open_target(t, a->device, a->header, a->partition);
	if (r) {
		lt_free_key(key, keylen);
		return r;
	}
	r = ld_volume_open(vp, t->hdr, t->data, &lt_hostdev_alloc, err, sizeof(err));
	if (r) {
		fprintf(stderr, "lukstool: %s: %s\n", a->header ? a->header : a->device, err);
		goto fail;
	}
	ld_volume_set_kdf_limit(*vp, &kdf_limit);
	r = ld_volume_unlock(*vp, key, keylen, a->keyslot, lt_progress, NULL, slot, err, sizeof(err));
	lt_progress_end();
	if (r) {
		fprintf(stderr, "lukstool: %s: %s\n", a->device, err);
		ld_volume_close(*vp);
		*vp = NULL;
		if (r == LD_ERR_NOTFOUND)
			r = LD_ERR_KEY; /* --key-slot names an empty slot */
		goto fail;
	}
	lt_free_key(key, keylen);
	return LT_OK;
fail:
	lt_free_key(key, keylen);
	lt_close_target(t);
	return lt_exit_status(r);
}

int lt_cmd_unlock(int argc, char **argv)
{
	struct args a;
	lt_target t;
	ld_volume *v;
	uint8_t key[256];
	size_t keylen = 0, i;
	int r, slot = -1;

	r = parse(argc, argv, &a, 0);
	if (r)
		return r < 0 ? LT_OK : r;
	r = open_unlock(&a.vol, &t, &v, &slot);
	if (r)
		return r;
	printf("Key slot %d unlocked.\n", slot);
	if (a.print_key) {
		r = ld_volume_key(v, key, sizeof(key), &keylen);
		if (r == LD_OK) {
			for (i = 0; i < keylen; i++)
				printf("%02x", key[i]);
			printf("\n");
		}
		ld_wipe(key, sizeof(key));
	}
	ld_volume_close(v);
	lt_close_target(&t);
	if (r)
		return lt_exit_status(r);
	return fflush(stdout) ? LT_IO : LT_OK;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int lt_cmd_decrypt(int argc, char **argv)
{
	const ld_volume_info *in;
	struct args a;
	lt_target t;
	ld_volume *v;
	uint8_t *buf = NULL;
	uint64_t sec = 0, nsec, per;
	int r, slot = -1, fd = -1;

	r = parse(argc, argv, &a, 1);
	if (r)
		return r < 0 ? LT_OK : r;
	r = open_unlock(&a.vol, &t, &v, &slot);
	if (r)
		return r;
	fprintf(stderr, "Key slot %d unlocked.\n", slot);
	in = ld_volume_get_info(v);
	nsec = in->data_size / in->sector_size;
	per = CHUNK / in->sector_size;
	buf = malloc(CHUNK);
	fd = strcmp(a.output, "-") ? open(a.output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)
				   : STDOUT_FILENO;
	if (!buf || fd < 0) {
		fprintf(stderr, "lukstool: cannot write %s: %s\n", a.output, strerror(errno));
		r = LT_IO;
		goto out;
	}
	while (sec < nsec) {
		uint64_t n = nsec - sec < per ? nsec - sec : per;
		int e = ld_volume_read_sectors(v, sec, n, buf);
		if (e) {
			fprintf(stderr, "lukstool: reading sector %llu: %s\n", (unsigned long long)sec,
				ld_strerror(e));
			r = lt_exit_status(e);
			goto out;
		}
		if (write_all(fd, buf, (size_t)(n * in->sector_size))) {
			fprintf(stderr, "lukstool: cannot write %s: %s\n", a.output, strerror(errno));
			r = LT_IO;
			goto out;
		}
		sec += n;
	}
	if (fd != STDOUT_FILENO && close(fd)) {
		fd = -1;
		fprintf(stderr, "lukstool: cannot write %s: %s\n", a.output, strerror(errno));
		r = LT_IO;
		goto out;
	}
	fd = -1;
	r = LT_OK;
out:
	if (fd >= 0 && fd != STDOUT_FILENO)
		close(fd);
	if (buf) {
		ld_wipe(buf, CHUNK);
		free(buf);
	}
	ld_volume_close(v);
	lt_close_target(&t);
	return r;
}
