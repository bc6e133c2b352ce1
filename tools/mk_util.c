/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Host-only helpers for mkdisk and mksecret; see mk_util.h. */
#include "mk_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/common.h"

int lt_random(void *buf, size_t n)
{
	uint8_t *p = buf;
	while (n > 0) {
		/* getrandom() blocks only until the pool is initialised, never afterwards. */
		ssize_t r = getrandom(p, n > 256 ? 256 : n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int lt_guid_random(uint8_t out[16])
{
	if (lt_random(out, 16) != 0)
		return -1;
	out[7] = (uint8_t)((out[7] & 0x0f) | 0x40); /* version 4: high nibble of Data3 */
	out[8] = (uint8_t)((out[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	return 0;
}

int lt_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end != '\0') {
		switch (*end) {
		case 'K': case 'k': shift = 10; break;
		case 'M': case 'm': shift = 20; break;
		case 'G': case 'g': shift = 30; break;
		case 'T': case 't': shift = 40; break;
		default: return -1;
		}
		end++;
		if (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0)
			end += strlen(end);
		if (*end != '\0')
			return -1;
	}
	if (shift != 0 && v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

int lt_read_file(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	struct stat st;
	uint8_t *b = NULL;
	size_t cap = 0, n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			errno = EISDIR;
		goto fail;
	}
	/* Read until EOF rather than trusting st_size, so pipes and /dev/fd work too; the
	 * buffer is grown by copying so that no partial secret is left in freed memory. */
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			if (cap >= max + 1) {
				errno = EFBIG;
				goto fail;
			}
			if (ncap > max + 1)
				ncap = max + 1;
			uint8_t *nb = malloc(ncap);
			if (nb == NULL)
				goto fail;
			if (b != NULL) {
				memcpy(nb, b, n);
				lt_free_wipe(b, cap);
			}
			b = nb;
			cap = ncap;
		}
		ssize_t r = read(fd, b + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			errno = EFBIG;
			goto fail;
		}
	}
	close(fd);
	if (b == NULL && (b = malloc(1)) == NULL)
		return -1;
	*buf = b;
	*len = n;
	return 0;
fail:
	{
		int e = errno;
		if (b != NULL)
			lt_free_wipe(b, cap);
		close(fd);
		errno = e;
	}
	return -1;
}

void lt_free_wipe(void *p, size_t len)
{
	if (p == NULL)
		return;
	ld_wipe(p, len);
	free(p);
}

int lt_pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;
	while (len > 0) {
		ssize_t w = pwrite(fd, p, len, (off_t)off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

int lt_pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;
	while (len > 0) {
		ssize_t r = pread(fd, p, len, (off_t)off);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0) {
			errno = EIO;
			return -1;
		}
		p += r;
		len -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}
