/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* fs/fat.c: FAT12/16/32 images made at test time by mkfs.vfat and filled by mcopy, read
 * back through the API and compared with the source files; API behaviour (positions,
 * case-insensitive paths, 8.3 aliases, "..", wrong types, allocation failures); and a
 * corruption sweep: one byte at a time changed over every non-zero sector of small images
 * (boot sector, FATs, directories and data alike) must give an error or some tree, never
 * a crash, an out-of-bounds read (ASan; the memory device fails the test) or a hang. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/testutil.h"
#include "fs/fat.h"

static char dir[] = "/tmp/ld-fat-XXXXXX";

static void run(const char *cmd)
{
	assert_int_equal(system(cmd), 0);
}

static void make_src(void)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; mkdir -p 'src/A Long Directory/sub' src/EFI/BOOT; cd src;"
		 "head -c 70000 /dev/urandom > 'A Long Directory/sub/some data.bin';"
		 "printf boot > EFI/BOOT/BOOTX64.EFI; : > empty.txt; printf 'x' > SHORT.TXT;"
		 "for i in $(seq 1 40); do printf \"$i\" > \"A Long Directory/entry $i\"; done",
		 dir);
	run(cmd);
}

static uint8_t *make_img(const char *name, const char *opts, unsigned kib, size_t *n)
{
	char cmd[1024], path[256];
	uint8_t *p;

	snprintf(path, sizeof(path), "%s/%s.img", dir, name);
	snprintf(cmd, sizeof(cmd),
		 "rm -f %s && mkfs.vfat -C %s %s %u >/dev/null 2>&1 && cd %s/src && "
		 "MTOOLS_SKIP_CHECK=1 mcopy -s -i %s * ::/ >/dev/null 2>&1",
		 path, opts, path, kib, dir, path);
	run(cmd);
	p = tu_read_file(path, n);
	assert_non_null(p);
	return p;
}

/* Walks every directory and reads every file; a digest of names and bytes. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

static int walk_dir(ld_fat *fs, ld_fat_file *d, int depth, uint64_t *h, unsigned *count)
{
	static uint8_t buf[1 << 15];
	ld_fat_dirent e;
	ld_fat_file *c;
	uint64_t pos = 0, off;
	size_t got;
	int r;

	if (depth > 8)
		return 1;
	while ((r = ld_fat_readdir(d, &pos, &e)) == LD_OK) {
		if (!strcmp(e.name, ".") || !strcmp(e.name, ".."))
			continue;
		if (++*count > 2000)
			return 1;
		*h = fnv(*h, e.name, strlen(e.name) + 1);
		r = ld_fat_open_entry(fs, &e, &c);
		if (r)
			return r;
		if (e.attr & LD_FAT_ATTR_DIR) {
			r = walk_dir(fs, c, depth + 1, h, count);
		} else {
			for (off = 0; !r && off < e.size; off += got) {
				r = ld_fat_read(c, off, buf, sizeof(buf), &got);
				if (!r && !got)
					r = LD_ERR_INVALID;
				if (!r)
					*h = fnv(*h, buf, got);
			}
		}
		ld_fat_close(c);
		if (r)
			return r;
	}
	return r == LD_ERR_NOTFOUND ? LD_OK : r;
}

static int walk(ld_blockdev *dev, uint64_t *h)
{
	ld_fat *fs;
	ld_fat_file *root;
	char err[200];
	unsigned count = 0;
	int r;

	*h = 0xcbf29ce484222325ull;
	r = ld_fat_mount(&fs, dev, &tu_alloc, err, sizeof(err));
	if (r)
		return r;
	r = ld_fat_open(fs, "/", &root);
	if (!r) {
		r = walk_dir(fs, root, 0, h, &count);
		ld_fat_close(root);
	}
	if (r < 0)
		assert_true(ld_fat_reason(fs)[0] != 0);
	ld_fat_unmount(fs);
	return r;
}

static void compare(ld_fat *fs, const char *rel, const char *path_in_fs)
{
	char path[512];
	uint8_t *want, *got;
	size_t wn, gn;
	ld_fat_file *f;

	snprintf(path, sizeof(path), "%s/src/%s", dir, rel);
	want = tu_read_file(path, &wn);
	assert_non_null(want);
	assert_int_equal(ld_fat_open(fs, path_in_fs, &f), LD_OK);
	got = malloc(wn + 16);
	assert_non_null(got);
	assert_int_equal(ld_fat_read(f, 0, got, wn + 16, &gn), LD_OK);
	assert_int_equal(gn, wn);
	assert_memory_equal(got, want, wn);
	if (wn > 5000) {
		assert_int_equal(ld_fat_read(f, 4999, got, wn, &gn), LD_OK);
		assert_int_equal(gn, wn - 4999);
		assert_memory_equal(got, want + 4999, wn - 4999);
		assert_int_equal(ld_fat_read(f, 0, got, 10, &gn), LD_OK); /* back to the start */
		assert_memory_equal(got, want, 10);
	}
	ld_fat_close(f);
	free(got);
	free(want);
}

static void check_image(const char *name, const char *opts, unsigned kib, int bits)
{
	uint8_t *img;
	size_t n, i;
	struct tu_mem m;
	ld_blockdev dev;
	ld_fat *fs;
	ld_fat_file *d, *f;
	ld_fat_dirent e, e2;
	uint64_t pos = 0, saved, h;
	char err[200];
	int cnt = 0;

	img = make_img(name, opts, kib, &n);
	m.p = img;
	m.n = n;
	tu_mem_dev(&dev, &m);
	assert_int_equal(ld_fat_probe(&dev), LD_OK);
	assert_int_equal(ld_fat_mount(&fs, &dev, &tu_alloc, err, sizeof(err)), LD_OK);
	assert_int_equal(ld_fat_get_info(fs)->bits, bits);
	compare(fs, "A Long Directory/sub/some data.bin", "/A Long Directory/sub/some data.bin");
	compare(fs, "A Long Directory/sub/some data.bin", "a long directory//SUB/./Some Data.BIN");
	compare(fs, "EFI/BOOT/BOOTX64.EFI", "/efi/boot/bootx64.efi");
	compare(fs, "empty.txt", "empty.txt");
	compare(fs, "A Long Directory/entry 7", "/A Long Directory/sub/../entry 7");
	/* positions resume */
	assert_int_equal(ld_fat_open(fs, "/A Long Directory", &d), LD_OK);
	for (i = 0; i < 5; i++)
		assert_int_equal(ld_fat_readdir(d, &pos, &e), LD_OK);
	saved = pos;
	assert_int_equal(ld_fat_readdir(d, &pos, &e), LD_OK);
	pos = saved;
	assert_int_equal(ld_fat_readdir(d, &pos, &e2), LD_OK);
	assert_string_equal(e.name, e2.name);
	/* the 8.3 alias opens the same file */
	assert_int_equal(ld_fat_open(fs, "/A Long Directory/entry 12", &f), LD_OK);
	pos = 0;
	while (ld_fat_readdir(d, &pos, &e) == LD_OK) {
		cnt++;
		if (!strcmp(e.name, "entry 12")) {
			char p[64];
			ld_fat_file *g;
			snprintf(p, sizeof(p), "/A Long Directory/%s", e.short_name);
			assert_int_equal(ld_fat_open(fs, p, &g), LD_OK);
			assert_int_equal(ld_fat_entry(g)->cluster, ld_fat_entry(f)->cluster);
			ld_fat_close(g);
		}
	}
	assert_int_equal(cnt, 43); /* 40 entries, sub, "." and ".." */
	ld_fat_close(f);
	/* wrong types and missing names */
	assert_int_equal(ld_fat_open(fs, "/nope", &f), LD_ERR_NOTFOUND);
	assert_int_equal(ld_fat_open(fs, "/SHORT.TXT/x", &f), LD_ERR_NOTFOUND);
	assert_int_equal(ld_fat_open(fs, "/SHORT.TXT", &f), LD_OK);
	pos = 0;
	assert_int_equal(ld_fat_readdir(f, &pos, &e), LD_ERR_INVALID);
	ld_fat_close(f);
	assert_int_equal(ld_fat_read(d, 0, err, 1, &n), LD_ERR_INVALID);
	ld_fat_close(d);
	ld_fat_unmount(fs);
	assert_int_equal(tu_alloc_live(), 0);
	/* allocation failures */
	for (i = 1; i < 100; i++) {
		int r;
		tu_alloc_failing((unsigned)i);
		r = walk(&dev, &h);
		tu_alloc_failing(0);
		assert_int_equal(tu_alloc_live(), 0);
		if (r == LD_OK)
			break;
		assert_int_equal(r, LD_ERR_NOMEM);
	}
	assert_true(i < 100);
	free(img);
}

static void test_images(void **state)
{
	(void)state;
	check_image("fat12", "-F 12 -s 2", 2048, 12);
	check_image("fat16", "-F 16 -s 1", 8192, 16);
	check_image("fat32", "-F 32 -s 1", 40000, 32);
	check_image("fat32-4k", "-F 32 -S 4096 -s 1", 300000, 32);
}

struct fat_sweep {
	ld_blockdev dev;
	struct tu_mem m;
};

static int sweep_walk(void *ctx, uint64_t *digest)
{
	return walk(&((struct fat_sweep *)ctx)->dev, digest);
}

static void sweep_resize(void *ctx, size_t size, size_t valid)
{
	(void)valid; /* no zeroed tails here (.zero_tail = 0) */
	((struct fat_sweep *)ctx)->dev.size = size;
}

/* One bit or the whole byte changed in turn (common/sweep.c): every byte of the boot
 * sector, every 5th byte of every other non-zero sector; then 32 truncations. */
static void test_corrupt(void **state)
{
	struct fat_sweep f;
	uint8_t *img;
	size_t n;

	(void)state;
	img = make_img("c12", "-F 12 -s 1", 1024, &n);
	f.m.p = img;
	f.m.n = n;
	tu_mem_dev(&f.dev, &f.m);
	struct tu_sweep s = {
		.name = "FAT12", .img = img, .size = n, .block = 512, .skip = NULL,
		.dense = 1, .stride = 5, .alt = 1, .strict = 0, .zero_tail = 0,
		.truncations = 32, .walk = sweep_walk, .resize = sweep_resize, .ctx = &f,
	};
	tu_sweep(&s);
	free(img);
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
		cmocka_unit_test(test_images),
		cmocka_unit_test(test_corrupt),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
