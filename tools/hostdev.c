/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Host plumbing for lukstool; see hostdev.h. */
#include "tools/hostdev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luks/luks.h"
#include "tools/lukstool.h"

#define KEYFILE_MAX (8u * 1024 * 1024) /* cryptsetup's default --keyfile-size limit */

static void *h_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return calloc(1, size ? size : 1);
}

static void h_free(void *ctx, void *p, size_t size)
{
	(void)ctx;
	if (p) {
		ld_wipe(p, size);
		free(p);
	}
}

const ld_alloc lt_hostdev_alloc = { h_alloc, h_free, NULL };

static int file_read(ld_blockdev *dev, uint64_t offset, void *buf, size_t len)
{
	int fd = (int)(intptr_t)dev->ctx;
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return LD_ERR_IO;
		p += n;
		len -= (size_t)n;
		offset += (uint64_t)n;
	}
	return LD_OK;
}

int lt_hostdev_open(ld_blockdev *dev, const char *path)
{
	struct stat st;
	uint64_t size;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return LD_ERR_IO;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &size) < 0)
			goto fail;
	} else if (S_ISREG(st.st_mode)) {
		size = (uint64_t)st.st_size;
	} else {
		errno = EINVAL;
		goto fail;
	}
	dev->read = file_read;
	dev->size = size;
	dev->block_size = 512;
	dev->ctx = (void *)(intptr_t)fd;
	return LD_OK;
fail:
	close(fd);
	return LD_ERR_IO;
}

void lt_hostdev_close(ld_blockdev *dev)
{
	close((int)(intptr_t)dev->ctx);
}

int lt_exit_status(int err)
{
	switch (err) {
	case LD_OK: return LT_OK;
	case LD_ERR_IO: return LT_IO;
	case LD_ERR_NOMEM: return LT_IO;
	case LD_ERR_UNSUPPORTED: return LT_UNSUPPORTED;
	case LD_ERR_KEY: return LT_BADKEY;
	case LD_ERR_CORRUPT: return LT_CORRUPT;
	default: return LT_INVALID;
	}
}

int lt_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int lt_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

static int open_file(ld_blockdev *dev, const char *path)
{
	if (lt_hostdev_open(dev, path)) {
		fprintf(stderr, "lukstool: cannot open %s: %s\n", path, strerror(errno));
		return LT_IO;
	}
	return LT_OK;
}

/* Picks the partition of t->file to use; LT_* status. */
static int pick_partition(lt_target *t, const char *device, uint32_t want, int need_luks)
{
	ld_part parts[LD_PART_MAX];
	ld_part_scheme scheme;
	size_t n, i;
	int r = ld_part_scan(&t->file, parts, LD_PART_MAX, &n, &scheme);

	if (r == LD_ERR_IO) {
		fprintf(stderr, "lukstool: %s: I/O error reading the partition table\n", device);
		return LT_IO;
	}
	if (r == LD_ERR_NOTFOUND) {
		fprintf(stderr, "lukstool: %s: %s\n", device, want ? "no partition table"
			: "not a LUKS device and no partition table");
		return want ? LT_USAGE : LT_INVALID;
	}
	if (r) {
		fprintf(stderr, "lukstool: %s: malformed partition table\n", device);
		return LT_INVALID;
	}
	for (i = 0; i < n; i++) {
		if (want && parts[i].number != want)
			continue;
		if (ld_part_dev_init(&t->part, &t->file, parts[i].offset, parts[i].size))
			continue;
		if (want || !need_luks || ld_volume_probe(&t->part.dev) == LD_OK) {
			t->partition = parts[i].number;
			return LT_OK;
		}
	}
	if (want) {
		fprintf(stderr, "lukstool: %s: no partition %u\n", device, want);
		return LT_USAGE;
	}
	fprintf(stderr, "lukstool: %s: no LUKS partition found\n", device);
	return LT_INVALID;
}

int lt_open_target(lt_target *t, const char *device, const char *header, uint32_t partition)
{
	int r;

	memset(t, 0, sizeof(*t));
	if ((r = open_file(&t->file, device)))
		return r;
	t->have_file = 1;
	t->hdr = t->data = &t->file;
	if (header) {
		if ((r = open_file(&t->hdr_file, header)))
			goto fail;
		t->have_hdr_file = 1;
		t->hdr = &t->hdr_file;
		if (partition) {
			if ((r = pick_partition(t, device, partition, 0)))
				goto fail;
			t->data = &t->part.dev;
		}
		return LT_OK;
	}
	if (!partition && ld_volume_probe(&t->file) == LD_OK)
		return LT_OK;
	if (!partition) {
		/* Not LUKS at offset 0: a partitioned disk, or a LUKS2 volume whose primary
		 * header is damaged (the secondary copy may still open it). */
		ld_part parts[1];
		ld_part_scheme scheme;
		size_t n;
		if (ld_part_scan(&t->file, parts, 1, &n, &scheme) == LD_ERR_NOTFOUND)
			return LT_OK;
	}
	if ((r = pick_partition(t, device, partition, 1)))
		goto fail;
	t->hdr = t->data = &t->part.dev;
	return LT_OK;
fail:
	lt_close_target(t);
	return r;
}

int lt_open_plain(lt_target *t, const char *device, uint32_t partition)
{
	int r;

	if (partition)
		return lt_open_target(t, device, NULL, partition);
	memset(t, 0, sizeof(*t));
	if ((r = open_file(&t->file, device)))
		return r;
	t->have_file = 1;
	t->hdr = t->data = &t->file;
	return LT_OK;
}

void lt_close_target(lt_target *t)
{
	if (t->have_file)
		lt_hostdev_close(&t->file);
	if (t->have_hdr_file)
		lt_hostdev_close(&t->hdr_file);
	memset(t, 0, sizeof(*t));
}

void lt_free_key(uint8_t *key, size_t len)
{
	if (key) {
		ld_wipe(key, len);
		free(key);
	}
}

int lt_read_keyfile(const char *path, uint8_t **key, size_t *len)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	size_t cap = KEYFILE_MAX + 1, n = 0;
	uint8_t *buf;

	*key = NULL;
	*len = 0;
	if (fd < 0) {
		fprintf(stderr, "lukstool: cannot open key file %s: %s\n", path, strerror(errno));
		return LT_IO;
	}
	buf = malloc(cap);
	if (!buf) {
		if (fd != STDIN_FILENO)
			close(fd);
		return LT_IO;
	}
	for (;;) {
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "lukstool: cannot read key file %s: %s\n", path, strerror(errno));
			lt_free_key(buf, cap);
			if (fd != STDIN_FILENO)
				close(fd);
			return LT_IO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap)
			break;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (n > KEYFILE_MAX) {
		fprintf(stderr, "lukstool: key file %s is larger than 8 MiB\n", path);
		lt_free_key(buf, cap);
		return LT_USAGE;
	}
	/* keep the allocation size known to the wipe: shrink by copying */
	*key = malloc(n ? n : 1);
	if (!*key) {
		lt_free_key(buf, cap);
		return LT_IO;
	}
	memcpy(*key, buf, n);
	*len = n;
	lt_free_key(buf, cap);
	return LT_OK;
}

static int progress_shown;

void lt_progress(void *ctx, uint64_t done, uint64_t total)
{
	static unsigned last = 101;
	unsigned pct;

	(void)ctx;
	if (!isatty(STDERR_FILENO) || !total)
		return;
	pct = (unsigned)(done >= total ? 100 : done * 100 / total);
	if (pct == last)
		return;
	last = pct;
	progress_shown = 1;
	fprintf(stderr, "\rKey derivation: %3u%%", pct);
	fflush(stderr);
}

void lt_progress_end(void)
{
	if (progress_shown) {
		fprintf(stderr, "\r                    \r");
		fflush(stderr);
		progress_shown = 0;
	}
}
