/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* fs/ext4_*.c: the API on images that mke2fs -d makes at test time, and corruption
 * sweeps.
 *
 *   - crc32c against its published check value;
 *   - a walk of the whole tree compared with the source tree it was made from (bytes,
 *     sizes, types, link targets), on several feature sets;
 *   - API behaviour: readdir positions resume, lookups relative to a directory, "..",
 *     NOFOLLOW, symlink loops, readlink into a short buffer, reading a directory,
 *     every allocation released, allocation failures cleanly reported;
 *   - corruption: single-bit and whole-byte flips over every metadata block (every block that is not
 *     file data, as debugfs reports the data blocks) of a metadata_csum image must give
 *     an error or exactly the pristine tree; on images without checksums they must give
 *     an error or some tree - never a crash, an out-of-bounds read (ASan, and the memory
 *     device fails the test) or a hang; truncations and zeroed tails likewise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/testutil.h"
#include "fs/ext4.h"
#include "fs/ext4_internal.h"

static char dir[] = "/tmp/ld-ext4-XXXXXX";

static void run(const char *cmd)
{
	assert_int_equal(system(cmd), 0);
}

static void test_crc32c(void **state)
{
	(void)state;
	/* CRC-32C check value (RFC 3720 / the Castagnoli parameter set): 0xE3069283 */
	assert_int_equal(~ld_ext4_crc32c(0xFFFFFFFFu, "123456789", 9), 0xE3069283u);
	assert_int_equal(~ld_ext4_crc32c(ld_ext4_crc32c(0xFFFFFFFFu, "1234", 4), "56789", 5), 0xE3069283u);
}

/* ---- the source tree and images ---------------------------------------------------- */

static void make_src(void)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; rm -rf src; mkdir -p src/sub/deeper src/many; cd src;"
		 "printf 'hello\\n' > hello; : > empty; head -c 5000 /dev/urandom > r5000;"
		 "head -c 70000 /dev/urandom > sub/r70000; printf abc > sub/deeper/abc;"
		 "printf x | dd of=sparse bs=1 seek=300000 conv=notrunc 2>/dev/null;"
		 "ln -s hello fast; ln -s sub/deeper/$(printf 'n%%.0s' $(seq 70)) slow;"
		 "ln -s sub dirlink; ln -s loop1 loop2; ln -s loop2 loop1;"
		 "for i in $(seq 1 150); do printf \"$i\" > many/file-with-long-name-$i; done",
		 dir);
	run(cmd);
}

/* Makes dir/NAME.img with mke2fs options opts; returns the image in memory. */
static uint8_t *make_img(const char *name, const char *size, const char *opts, size_t *n)
{
	char cmd[1024], path[256];
	uint8_t *p;

	snprintf(path, sizeof(path), "%s/%s.img", dir, name);
	snprintf(cmd, sizeof(cmd), "rm -f %s && truncate -s %s %s && mke2fs -q -F -N 256 %s -d %s/src %s >/dev/null 2>&1",
		 path, size, path, opts, dir, path);
	run(cmd);
	p = tu_read_file(path, n);
	assert_non_null(p);
	return p;
}

/* A device over an image where bytes at or past 'valid' read as zeros (a zeroed tail);
 * reads outside size fail the test. */
struct zdev {
	const uint8_t *p;
	size_t valid;
};

static int zdev_read(ld_blockdev *d, uint64_t off, void *buf, size_t len)
{
	const struct zdev *z = d->ctx;
	size_t have = 0;

	if (off > d->size || len > d->size - off)
		fail_msg("read outside the device: %llu+%zu", (unsigned long long)off, len);
	if (off < z->valid)
		have = z->valid - off < len ? (size_t)(z->valid - off) : len;
	memcpy(buf, z->p + off, have);
	memset((uint8_t *)buf + have, 0, len - have);
	return LD_OK;
}

/* ---- walking ------------------------------------------------------------------------ */

/* FNV-1a over everything a walk sees: names, types, modes, sizes, contents, targets. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

#define WALK_LIMIT (-100) /* not an ld_err: the test's bound on loops in damaged trees */

struct walkres {
	uint64_t digest;
	unsigned entries;
};

static int walk_dir(ld_ext4 *fs, ld_ext4_file *d, int depth, struct walkres *w)
{
	static uint8_t buf[1 << 16];
	ld_ext4_dirent e;
	ld_ext4_stat st;
	ld_ext4_file *c;
	uint64_t pos = 0, off;
	size_t got;
	int r;

	if (depth > 16)
		return WALK_LIMIT; /* a directory loop in a damaged image: the walk's own bound */
	while ((r = ld_ext4_readdir(d, &pos, &e)) == LD_OK) {
		if (!strcmp(e.name, ".") || !strcmp(e.name, ".."))
			continue;
		if (++w->entries > 5000)
			return WALK_LIMIT;
		w->digest = fnv(w->digest, e.name, e.name_len + 1u);
		r = ld_ext4_open_inode(fs, e.ino, &c);
		if (r)
			return r;
		ld_ext4_fstat(c, &st);
		w->digest = fnv(w->digest, &st.mode, sizeof(st.mode));
		w->digest = fnv(w->digest, &st.size, sizeof(st.size));
		if (st.type == LD_EXT4_T_DIR) {
			r = walk_dir(fs, c, depth + 1, w);
		} else {
			for (off = 0; !r && off < st.size && off < (4u << 20); off += got) {
				r = ld_ext4_read(c, off, buf, sizeof(buf), &got);
				if (!r && !got)
					r = LD_ERR_INVALID; /* short file */
				if (!r)
					w->digest = fnv(w->digest, buf, got);
			}
		}
		ld_ext4_close(c);
		if (r)
			return r;
	}
	return r == LD_ERR_NOTFOUND ? LD_OK : r;
}

/* Mounts dev and walks everything: LD_OK with *w, or the first error. */
static int walk(ld_blockdev *dev, struct walkres *w)
{
	ld_ext4 *fs;
	ld_ext4_file *root;
	char err[200];
	int r;

	memset(w, 0, sizeof(*w));
	w->digest = 0xcbf29ce484222325ull;
	r = ld_ext4_mount(&fs, dev, &tu_alloc, err, sizeof(err));
	if (r) {
		assert_true(err[0] != 0); /* a reason is always given */
		return r;
	}
	r = ld_ext4_open(fs, NULL, "/", 0, &root);
	if (!r) {
		r = walk_dir(fs, root, 0, w);
		ld_ext4_close(root);
	}
	if (r && r != WALK_LIMIT)
		assert_true(ld_ext4_reason(fs)[0] != 0); /* every failure says why */
	ld_ext4_unmount(fs);
	return r;
}

/* ---- comparison with the source tree ------------------------------------------------ */

static void compare_file(ld_ext4 *fs, const char *rel)
{
	char path[512];
	uint8_t *want, *got;
	size_t wn, gn;
	ld_ext4_file *f;
	ld_ext4_stat st;

	snprintf(path, sizeof(path), "%s/src/%s", dir, rel);
	want = tu_read_file(path, &wn);
	assert_non_null(want);
	assert_int_equal(ld_ext4_open(fs, NULL, rel, 0, &f), LD_OK);
	ld_ext4_fstat(f, &st);
	assert_int_equal(st.type, LD_EXT4_T_REG);
	assert_int_equal(st.size, wn);
	got = malloc(wn + 10);
	assert_non_null(got);
	assert_int_equal(ld_ext4_read(f, 0, got, wn + 10, &gn), LD_OK);
	assert_int_equal(gn, wn);
	assert_memory_equal(got, want, wn);
	/* reads at an odd offset, and past the end */
	if (wn > 3) {
		assert_int_equal(ld_ext4_read(f, 3, got, wn, &gn), LD_OK);
		assert_int_equal(gn, wn - 3);
		assert_memory_equal(got, want + 3, wn - 3);
	}
	assert_int_equal(ld_ext4_read(f, wn, got, 1, &gn), LD_OK);
	assert_int_equal(gn, 0);
	ld_ext4_close(f);
	free(got);
	free(want);
}

static void check_link(ld_ext4 *fs, const char *rel)
{
	char path[512], want[512], got[512];
	ssize_t wn;
	size_t gn;
	ld_ext4_file *f;

	snprintf(path, sizeof(path), "%s/src/%s", dir, rel);
	wn = readlink(path, want, sizeof(want) - 1);
	assert_true(wn > 0);
	want[wn] = 0;
	assert_int_equal(ld_ext4_open(fs, NULL, rel, LD_EXT4_NOFOLLOW, &f), LD_OK);
	assert_int_equal(ld_ext4_readlink(f, got, sizeof(got), &gn), LD_OK);
	assert_string_equal(got, want);
	assert_int_equal(gn, (size_t)wn);
	assert_int_equal(ld_ext4_readlink(f, got, (size_t)wn, &gn), LD_ERR_RANGE);
	ld_ext4_close(f);
}

static void check_api(ld_ext4 *fs)
{
	ld_ext4_file *root, *sub, *f;
	ld_ext4_dirent e, e2;
	uint64_t pos = 0, saved;
	uint32_t ino;
	size_t got;
	int i, n = 0;
	char b[8];

	assert_int_equal(ld_ext4_open(fs, NULL, "/", 0, &root), LD_OK);
	/* positions resume: remember the position after the 3rd entry, read on from there */
	for (i = 0; i < 3; i++)
		assert_int_equal(ld_ext4_readdir(root, &pos, &e), LD_OK);
	saved = pos;
	assert_int_equal(ld_ext4_readdir(root, &pos, &e), LD_OK);
	pos = saved;
	assert_int_equal(ld_ext4_readdir(root, &pos, &e2), LD_OK);
	assert_string_equal(e.name, e2.name);
	pos = 0;
	while (ld_ext4_readdir(root, &pos, &e) == LD_OK)
		n++;
	assert_int_equal(ld_ext4_readdir(root, &pos, &e), LD_ERR_NOTFOUND);
	assert_true(n >= 12);
	/* relative lookups, "..", symlinks */
	assert_int_equal(ld_ext4_open(fs, root, "sub", 0, &sub), LD_OK);
	assert_int_equal(ld_ext4_open(fs, sub, "deeper/abc", 0, &f), LD_OK);
	assert_int_equal(ld_ext4_read(f, 0, b, sizeof(b), &got), LD_OK);
	assert_int_equal(got, 3);
	ld_ext4_close(f);
	assert_int_equal(ld_ext4_open(fs, sub, "../hello", 0, &f), LD_OK);
	ld_ext4_close(f);
	assert_int_equal(ld_ext4_open(fs, sub, "/dirlink/deeper/../deeper/abc", 0, &f), LD_OK);
	ld_ext4_close(f);
	assert_int_equal(ld_ext4_open(fs, NULL, "//..//../hello/", 0, &f), LD_ERR_NOTFOUND);
	assert_int_equal(ld_ext4_open(fs, NULL, "fast/", 0, &f), LD_ERR_NOTFOUND);
	assert_int_equal(ld_ext4_open(fs, NULL, "dirlink/", 0, &f), LD_OK);
	ld_ext4_close(f);
	assert_int_equal(ld_ext4_open(fs, NULL, "fast", 0, &f), LD_OK);
	ld_ext4_close(f);
	assert_int_equal(ld_ext4_open(fs, NULL, "//..//../hello", 0, &f), LD_OK);
	ld_ext4_close(f);
	assert_int_equal(ld_ext4_open(fs, NULL, "loop1", 0, &f), LD_ERR_INVALID);
	assert_non_null(strstr(ld_ext4_reason(fs), "symbolic links"));
	assert_int_equal(ld_ext4_open(fs, NULL, "loop1", LD_EXT4_NOFOLLOW, &f), LD_OK);
	ld_ext4_close(f);
	assert_int_equal(ld_ext4_open(fs, NULL, "missing", 0, &f), LD_ERR_NOTFOUND);
	assert_int_equal(ld_ext4_open(fs, NULL, "hello/x", 0, &f), LD_ERR_NOTFOUND);
	assert_int_equal(ld_ext4_lookup(root, "hello", 5, &ino), LD_OK);
	assert_int_equal(ld_ext4_lookup(root, "hell", 4, &ino), LD_ERR_NOTFOUND);
	/* wrong types */
	assert_int_equal(ld_ext4_read(sub, 0, b, 1, &got), LD_ERR_INVALID);
	assert_int_equal(ld_ext4_open(fs, NULL, "hello", 0, &f), LD_OK);
	assert_int_equal(ld_ext4_readdir(f, &pos, &e), LD_ERR_INVALID);
	ld_ext4_close(f);
	ld_ext4_close(sub);
	ld_ext4_close(root);
}

static void check_image(const char *name, const char *size, const char *opts)
{
	static const char *const files[] = { "hello", "empty", "r5000", "sub/r70000",
					     "sub/deeper/abc", "sparse", "many/file-with-long-name-77" };
	static const char *const links[] = { "fast", "slow", "dirlink" };
	uint8_t *img;
	size_t n, i;
	struct tu_mem m;
	ld_blockdev dev;
	ld_ext4 *fs;
	char err[200];
	struct walkres w;

	img = make_img(name, size, opts, &n);
	m.p = img;
	m.n = n;
	tu_mem_dev(&dev, &m);
	assert_int_equal(ld_ext4_probe(&dev), LD_OK);
	assert_int_equal(ld_ext4_mount(&fs, &dev, &tu_alloc, err, sizeof(err)), LD_OK);
	assert_string_equal(ld_ext4_get_info(fs)->label, "unit");
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		compare_file(fs, files[i]);
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		check_link(fs, links[i]);
	check_api(fs);
	ld_ext4_unmount(fs);
	assert_int_equal(walk(&dev, &w), LD_OK);
	assert_true(w.entries > 160);
	assert_int_equal(tu_alloc_live(), 0);
	/* every allocation failing in turn: an error, never a leak or a crash */
	for (i = 1; i < 100000; i += 1 + i / 16) {
		int r;
		tu_alloc_failing((unsigned)i);
		r = walk(&dev, &w);
		tu_alloc_failing(0);
		assert_int_equal(tu_alloc_live(), 0);
		if (r == LD_OK)
			break;
		assert_int_equal(r, LD_ERR_NOMEM);
	}
	assert_true(i < 100000);
	free(img);
}

static void test_images(void **state)
{
	(void)state;
	check_image("ext4", "2M", "-t ext4 -b 1024 -L unit");
	check_image("ext4-4k", "8M", "-t ext4 -b 4096 -L unit -O ^has_journal");
	check_image("inline", "2M", "-t ext4 -b 1024 -I 256 -L unit -O inline_data,^has_journal");
	check_image("noext", "2M", "-t ext4 -b 1024 -L unit -O ^extent,^64bit,^has_journal");
	check_image("ext2", "2M", "-t ext2 -b 1024 -I 128 -L unit");
	check_image("ext3", "4M", "-t ext3 -b 2048 -L unit");
}

/* ---- corruption ------------------------------------------------------------------------ */

/* Marks in isdata[] the data blocks of path, from the BLOCKS/EXTENTS list of debugfs
 * stat: "(0-11):1000-1011, (IND):1012, (ETB0):1300, ..." - ranges whose label is a
 * logical block range are data; (IND), (DIND), (TIND) and (ETBn) are metadata. */
static void mark_data(const char *img, const char *path, uint8_t *isdata, size_t nblocks)
{
	char cmd[512], label[64], *out = NULL, *p;
	unsigned long long a, b;
	size_t cap = 0, len = 0, got;
	FILE *f;
	int k;

	snprintf(cmd, sizeof(cmd), "debugfs -R 'stat \"%s\"' %s 2>/dev/null", path, img);
	f = popen(cmd, "r");
	assert_non_null(f);
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = 2 * cap + 8192;
			out = realloc(out, cap);
			assert_non_null(out);
		}
		got = fread(out + len, 1, 4096, f);
		if (!got)
			break;
		len += got;
	}
	out[len] = 0;
	pclose(f);
	p = strstr(out, "BLOCKS:\n");
	if (!p)
		p = strstr(out, "EXTENTS:\n");
	while (p && (p = strchr(p, '(')) != NULL) {
		k = sscanf(p, "(%63[^)]):%llu-%llu", label, &a, &b);
		if (k >= 2 && label[0] >= '0' && label[0] <= '9') {
			if (k == 2)
				b = a;
			for (; a <= b && a < nblocks; a++)
				isdata[a] = 1;
		}
		p++;
	}
	free(out);
}

static void data_blocks(const char *img, uint8_t *isdata, size_t nblocks)
{
	static const char *const paths[] = { "/hello", "/r5000", "/sub/r70000", "/sub/deeper/abc",
					     "/sparse", "/slow", "/empty" };
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		mark_data(img, paths[i], isdata, nblocks);
	for (i = 1; i <= 150; i++) {
		snprintf(path, sizeof(path), "/many/file-with-long-name-%zu", i);
		mark_data(img, path, isdata, nblocks);
	}
}

struct ext4_sweep {
	ld_blockdev dev;
	struct zdev z;
};

static int sweep_walk(void *ctx, uint64_t *digest)
{
	struct ext4_sweep *e = ctx;
	struct walkres w;
	int r = walk(&e->dev, &w);

	*digest = w.digest;
	return r;
}

static void sweep_resize(void *ctx, size_t size, size_t valid)
{
	struct ext4_sweep *e = ctx;

	e->dev.size = size;
	e->z.valid = valid;
}

/* Flips one bit or one whole byte at a time (common/sweep.c) in every non-data, non-zero
 * block: every byte of the first blocks, every stride-th byte elsewhere; block 0 (the
 * boot block before the superblock) is left alone.  strict: the result must be an error
 * or the pristine tree.  Truncations and zeroed tails: 64 cuts. */
static void sweep(const char *name, const char *opts, int strict, unsigned stride)
{
	char path[256];
	struct ext4_sweep e;
	const uint32_t bs = 1024;
	uint8_t *img, *isdata;
	size_t n, nblocks;

	img = make_img(name, "1M", opts, &n);
	snprintf(path, sizeof(path), "%s/%s.img", dir, name);
	nblocks = n / bs;
	isdata = calloc(nblocks, 1);
	assert_non_null(isdata);
	data_blocks(path, isdata, nblocks);
	isdata[0] = 1;
	e.z.p = img;
	e.z.valid = n;
	e.dev.read = zdev_read;
	e.dev.size = n;
	e.dev.block_size = 512;
	e.dev.ctx = &e.z;
	struct tu_sweep s = {
		.name = name, .img = img, .size = n, .block = bs, .skip = isdata,
		.dense = 3, .stride = stride, .alt = stride, .strict = strict, .zero_tail = 1,
		.truncations = 64, .walk = sweep_walk, .resize = sweep_resize, .ctx = &e,
	};
	tu_sweep(&s);
	free(isdata);
	free(img);
}

static void test_corrupt_csum(void **state)
{
	(void)state;
	sweep("c-csum", "-t ext4 -b 1024 -L unit -O ^has_journal,metadata_csum,64bit", 1, 3);
}

static void test_corrupt_csum_inline(void **state)
{
	(void)state;
	sweep("c-inline", "-t ext4 -b 1024 -I 256 -L unit -O ^has_journal,metadata_csum,inline_data", 1, 3);
}

static void test_corrupt_nocsum(void **state)
{
	(void)state;
	sweep("c-nocsum", "-t ext4 -b 1024 -L unit -O ^has_journal,^metadata_csum", 0, 7);
}

static void test_corrupt_ext2(void **state)
{
	(void)state;
	sweep("c-ext2", "-t ext2 -b 1024 -I 128 -L unit", 0, 7);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	make_src();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_images),
		cmocka_unit_test(test_corrupt_csum),
		cmocka_unit_test(test_corrupt_csum_inline),
		cmocka_unit_test(test_corrupt_nocsum),
		cmocka_unit_test(test_corrupt_ext2),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
