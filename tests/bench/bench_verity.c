/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* make bench: verified reading (dm-verity) against OpenSSL's SHA-256, in the same run.
 *   ours       ld_verity_open + ld_verity_read_blocks of every block of a 64 MiB volume
 *              held in memory (format 1, sha256, 4096-byte data and hash blocks, a 32-byte
 *              salt, no superblock), in 1 MiB reads: the verity reader end to end, with
 *              the copy out of the in-memory device and the tree walk;
 *   reference  OpenSSL's EVP SHA-256 of 4096-byte blocks (EVP_Digest, one call per
 *              block), as `openssl speed -evp sha256 -bytes 4096` measures it: the same
 *              4096-byte buffer again and again, in cache.
 * The tree is built here with OpenSSL, so every verified read also checks our digests
 * against OpenSSL's.  Each side's thread CPU time is timed (a shared machine distorts
 * it less than wall time), TRIALS alternating runs, the median of each printed.
 * LUKSDXE_KDF_CPU=portable|sha forces the SHA-256 path; the path used is printed. */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"
#include "crypto/kdf_cpu.h"
#include "tools/lt_kdf.h"
#include "verity/verity.h"

#define DATA_BYTES (64u << 20)
#define BLK 4096u
#define NBLK (DATA_BYTES / BLK)
#define READ_BYTES (1u << 20)
#define TRIALS 7

static void die(const char *what)
{
	fprintf(stderr, "bench_verity: %s\n", what);
	exit(1);
}

static double thread_cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void *b_alloc(void *ctx, size_t n)
{
	(void)ctx;
	return calloc(1, n);
}

static void b_free(void *ctx, void *p, size_t n)
{
	(void)ctx;
	(void)n;
	free(p);
}

static const ld_alloc heap = { b_alloc, b_free, NULL };

/* A device over memory. */
struct mem {
	const uint8_t *p;
};

static int mem_read(ld_blockdev *d, uint64_t off, void *buf, size_t len)
{
	memcpy(buf, ((struct mem *)d->ctx)->p + off, len);
	return LD_OK;
}

static void sha256(const void *a, size_t alen, const void *b, size_t blen, uint8_t *out)
{
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	unsigned int n;

	if (x == NULL || EVP_DigestInit_ex(x, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(x, a, alen) != 1 || EVP_DigestUpdate(x, b, blen) != 1 ||
	    EVP_DigestFinal_ex(x, out, &n) != 1)
		die("OpenSSL SHA-256 failed");
	EVP_MD_CTX_free(x);
}

/* The tree over data as veritysetup lays it out for these parameters (format 1: each
 * digest salt || block, 128 per 4096-byte hash block; levels stored top first).  The
 * geometry comes from ld_verity_geometry_of; the digests from OpenSSL. */
static uint8_t *build_tree(ld_verity_params *p, const uint8_t *data, size_t *len)
{
	ld_verity_geometry g;
	uint64_t count[8], below = NBLK, start[8], pos = 0;
	uint32_t lv, levels = 0;
	uint8_t *t;

	if (ld_verity_geometry_of(p, &g) != LD_OK)
		die("geometry");
	while (below > 1) {
		count[levels++] = below = (below + 127) / 128;
		if (levels == 8)
			die("tree too deep");
	}
	if (levels != g.levels)
		die("levels disagree with ld_verity_geometry_of");
	for (lv = levels; lv-- > 0;) {
		start[lv] = pos;
		pos += count[lv];
	}
	if (pos != g.hash_blocks)
		die("hash blocks disagree with ld_verity_geometry_of");
	*len = (size_t)pos * BLK;
	t = calloc(1, *len);
	if (t == NULL)
		die("out of memory");
	for (lv = 0; lv < levels; lv++) {
		uint64_t n = lv ? count[lv - 1] : NBLK;
		for (uint64_t i = 0; i < n; i++) {
			const uint8_t *src = lv ? t + (start[lv - 1] + i) * BLK : data + i * BLK;
			sha256(p->salt, p->salt_size, src, BLK, t + start[lv] * BLK + i * 32);
		}
	}
	sha256(p->salt, p->salt_size, t, BLK, p->root_hash);
	return t;
}

static double ours_run(ld_blockdev *dd, ld_blockdev *hd, const ld_verity_params *p,
		       uint8_t *buf)
{
	double t0 = thread_cpu_now();
	ld_verity *v;
	char err[160];

	if (ld_verity_open(&v, dd, hd, p, &heap, err, sizeof(err)) != LD_OK)
		die(err);
	for (uint64_t b = 0; b < NBLK; b += READ_BYTES / BLK)
		if (ld_verity_read_blocks(v, b, READ_BYTES / BLK, buf, NULL, err, sizeof(err)) != LD_OK)
			die(err);
	ld_verity_close(v);
	return DATA_BYTES / (thread_cpu_now() - t0) / 1e6;
}

static double ref_run(const uint8_t *blk)
{
	double t0 = thread_cpu_now();
	uint8_t d[32];

	for (uint32_t i = 0; i < NBLK; i++)
		if (EVP_Digest(blk, BLK, d, NULL, EVP_sha256(), NULL) != 1)
			die("OpenSSL SHA-256 failed");
	return DATA_BYTES / (thread_cpu_now() - t0) / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	static ld_verity_params p;
	double ours[TRIALS], ref[TRIALS];
	uint8_t *data = malloc(DATA_BYTES), *buf = malloc(READ_BYTES), *tree;
	struct mem dm, hm;
	ld_blockdev dd, hd;
	size_t tlen;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (data == NULL || buf == NULL)
		die("out of memory");
	if (lt_kdf_cpu_from_env("bench_verity"))
		return 1;
	for (size_t i = 0; i < DATA_BYTES; i += 8) {
		uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ull;
		memcpy(data + i, &x, 8);
	}
	p.hash_type = 1;
	p.hash = LD_HASH_SHA256;
	p.data_block_size = p.hash_block_size = BLK;
	p.data_blocks = NBLK;
	p.no_superblock = 1;
	p.salt_size = 32;
	for (int i = 0; i < 32; i++)
		p.salt[i] = (uint8_t)(0xa5 ^ (i * 29));
	tree = build_tree(&p, data, &tlen);
	dm.p = data;
	hm.p = tree;
	dd = (ld_blockdev){ mem_read, DATA_BYTES, 512, &dm };
	hd = (ld_blockdev){ mem_read, tlen, 512, &hm };

	for (int t = 0; t < TRIALS; t++) {
		ours[t] = ours_run(&dd, &hd, &p, buf);
		ref[t] = ref_run(data);
	}
	qsort(ours, TRIALS, sizeof(double), cmp_d);
	qsort(ref, TRIALS, sizeof(double), cmp_d);
	printf("verity read 64 MiB sha256 4K: %.1f MB/s, OpenSSL sha256 4096: %.1f MB/s, "
	       "ratio %.2f (path: %s; medians of %d, thread CPU time)\n", ours[TRIALS / 2],
	       ref[TRIALS / 2], ours[TRIALS / 2] / ref[TRIALS / 2],
	       (ld_kdf_cpu_features() & LD_KDF_CPU_SHA) ? "sha-ni" : "portable", TRIALS);
	free(tree);
	free(buf);
	free(data);
	return 0;
}
