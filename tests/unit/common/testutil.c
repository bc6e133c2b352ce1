/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Shared helpers for the unit tests: see testutil.h. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

/* Each block carries its requested size in front, so free() can check it. */
struct tu_hdr {
	size_t size;
	uint64_t magic;
};
#define TU_MAGIC 0x4c44414c4c4f4321ull

static size_t live, live_bytes, unwiped;
static unsigned fail_in;

static void *tu_do_alloc(void *ctx, size_t size)
{
	struct tu_hdr *h;

	(void)ctx;
	if (fail_in != 0 && --fail_in == 0)
		return NULL;
	if (size > SIZE_MAX - sizeof(*h))
		return NULL;
	h = calloc(1, sizeof(*h) + size);
	if (h == NULL)
		return NULL;
	h->size = size;
	h->magic = TU_MAGIC;
	live++;
	live_bytes += size;
	return h + 1;
}

static void tu_do_free(void *ctx, void *p, size_t size)
{
	struct tu_hdr *h;

	(void)ctx;
	if (p == NULL)
		return;
	h = (struct tu_hdr *)p - 1;
	if (h->magic != TU_MAGIC || h->size != size) {
		fprintf(stderr, "tu_alloc: free(%p, %zu) does not match its allocation\n", p, size);
		abort();
	}
	for (size_t i = 0; i < size; i++) {
		if (((const uint8_t *)p)[i] != 0) {
			unwiped++;
			break;
		}
	}
	memset(h, 0, sizeof(*h) + size);
	free(h);
	live--;
	live_bytes -= size;
}

const ld_alloc tu_alloc = { tu_do_alloc, tu_do_free, NULL };

size_t tu_alloc_live(void) { return live; }
size_t tu_alloc_live_bytes(void) { return live_bytes; }
void tu_alloc_failing(unsigned n) { fail_in = n; }
size_t tu_alloc_unwiped(void) { return unwiped; }

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int tu_unhex(const char *hex, uint8_t *out, size_t n)
{
	if (strlen(hex) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

uint8_t *tu_unhex_alloc(const char *hex, size_t *n)
{
	size_t len = strlen(hex);
	uint8_t *p;

	if (len % 2 != 0)
		return NULL;
	p = malloc(len / 2 + 1); /* +1: never malloc(0) */
	if (p == NULL || tu_unhex(hex, p, len / 2) != 0) {
		free(p);
		return NULL;
	}
	*n = len / 2;
	return p;
}

void tu_hex(const uint8_t *in, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void tu_expect_hex(const uint8_t *got, size_t n, const char *want)
{
	char h[2 * 256 + 1];

	assert_true(n <= 256);
	tu_hex(got, n, h);
	assert_string_equal(h, want);
}

static uint64_t rs, seed;

uint64_t tu_rand_seed(void)
{
	if (seed == 0) {
		const char *e = getenv("TEST_SEED");
		seed = e ? strtoull(e, NULL, 0) : (uint64_t)time(NULL) ^ ((uint64_t)clock() << 32);
		if (seed == 0)
			seed = 1;
		rs = seed;
		printf("# TEST_SEED=%llu\n", (unsigned long long)seed);
	}
	return seed;
}

uint64_t tu_rand64(void)
{
	tu_rand_seed();
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return rs * 0x2545F4914F6CDD1Dull;
}

uint32_t tu_rand_below(uint32_t n)
{
	return (uint32_t)(tu_rand64() % n);
}

void tu_rand_bytes(void *p, size_t n)
{
	uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(tu_rand64() >> 56);
}

uint8_t *tu_read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p = NULL;
	long len;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		p = malloc((size_t)len + 1);
		if (p != NULL && fread(p, 1, (size_t)len, f) != (size_t)len) {
			free(p);
			p = NULL;
		}
		if (p != NULL)
			*n = (size_t)len;
	}
	fclose(f);
	return p;
}

int tu_write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (f == NULL)
		return -1;
	ok = fwrite(p, 1, n, f) == n;
	ok &= fclose(f) == 0;
	return ok ? 0 : -1;
}

int tu_rmtree(const char *dir)
{
	char cmd[4200];
	int n;

	/* Scratch directories come from mkdtemp templates without quotes in them. */
	if (dir == NULL || dir[0] != '/' || strchr(dir, '\'') != NULL)
		return -1;
	n = snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -1;
	return system(cmd) == 0 ? 0 : -1;
}

static int tu_mem_read(ld_blockdev *d, uint64_t off, void *buf, size_t len)
{
	const struct tu_mem *m = d->ctx;

	assert_true(off <= m->n && len <= m->n - off);
	memcpy(buf, m->p + off, len);
	return LD_OK;
}

void tu_mem_dev(ld_blockdev *d, struct tu_mem *m)
{
	d->read = tu_mem_read;
	d->size = m->n;
	d->block_size = 512;
	d->ctx = m;
}
