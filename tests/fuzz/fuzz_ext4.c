/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* libFuzzer target for the ext2/3/4 reader (fs/ext4_*.c).  Input: one flag byte (bit 0:
 * the device is exactly the rest of the input; else 4 MiB, zeros past the input), then
 * the file system image.  Seeds are mke2fs images with their trailing zero blocks cut
 * (a 256 KiB image keeps about 70 KiB), which keeps inputs small and the fuzzer fast.
 * The target mounts the image and walks the tree: every directory entry is opened and
 * stat'ed, directories are listed (bounded depth and entry count), files are read at
 * their start, middle and end, symlinks are read, and a few paths (with "..", symlinks
 * and trailing slashes) are resolved.  Any crash, sanitizer report, out-of-device read
 * (fz_mem_read aborts) or hang is a finding; the reader may refuse anything, but only
 * with an error code. */
#include <stdlib.h>
#include <string.h>

#include "fs/ext4.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_DEPTH 6
#define MAX_ENTRIES 400
#define MAX_LOOKUPS 24

static uint8_t buf[1u << 16];
static unsigned entries, lookups;

static void read_file(ld_ext4_file *f, uint64_t size)
{
	uint64_t offs[3] = { 0, size / 2, size > sizeof(buf) ? size - sizeof(buf) : 0 };
	size_t got, i;
	char link[LD_EXT4_SYMLINK_MAX + 1];

	for (i = 0; i < 3; i++) {
		if (ld_ext4_read(f, offs[i], buf, sizeof(buf), &got) == LD_OK && got > sizeof(buf))
			abort();
	}
	(void)ld_ext4_readlink(f, link, sizeof(link), &got);
}

static void walk(ld_ext4 *fs, ld_ext4_file *dir, int depth)
{
	ld_ext4_dirent ent;
	ld_ext4_stat st;
	ld_ext4_file *c;
	uint64_t pos = 0, prev;
	uint32_t ino;

	for (;;) {
		prev = pos;
		if (ld_ext4_readdir(dir, &pos, &ent) != LD_OK)
			break;
		if (pos <= prev && prev != 0)
			abort(); /* the position must advance */
		if (ent.name_len == 0 || ent.name[ent.name_len] != 0 || strlen(ent.name) != ent.name_len)
			abort();
		if (++entries > MAX_ENTRIES)
			return;
		/* Looking every name up again is quadratic in the directory size and made a
		 * 90-entry directory most of each run; the first few names exercise lookup. */
		if (lookups < MAX_LOOKUPS) {
			lookups++;
			if (ld_ext4_lookup(dir, ent.name, ent.name_len, &ino) != LD_OK)
				continue;
		}
		if (ld_ext4_open_inode(fs, ent.ino, &c) != LD_OK)
			continue;
		ld_ext4_fstat(c, &st);
		if (st.type == LD_EXT4_T_DIR) {
			if (depth < MAX_DEPTH && strcmp(ent.name, ".") && strcmp(ent.name, ".."))
				walk(fs, c, depth + 1);
		} else {
			read_file(c, st.size);
		}
		ld_ext4_close(c);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "/", "lost+found/..", "/a/b/c", "link", "dir/",
					     "/../../.", "x/../y" };
	ld_ext4 *fs;
	ld_ext4_file *root, *f;
	ld_blockdev dev;
	struct fz_mem m;
	char err[200];
	size_t i;

	uint8_t flag;

	if (size < 1)
		return 0;
	flag = data[0];
	m.p = data + 1;
	m.n = size - 1;
	dev.read = fz_mem_read;
	dev.size = (flag & 1) || m.n > (4u << 20) ? m.n : (4u << 20);
	dev.block_size = 512;
	dev.ctx = &m;
	(void)ld_ext4_probe(&dev);
	if (ld_ext4_mount(&fs, &dev, &fz_allocator, err, sizeof(err)) != LD_OK) {
		if (strnlen(err, sizeof(err)) == sizeof(err))
			abort();
		return 0;
	}
	(void)ld_ext4_get_info(fs);
	entries = 0;
	lookups = 0;
	if (ld_ext4_open(fs, NULL, "/", 0, &root) == LD_OK) {
		walk(fs, root, 0);
		for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
			if (ld_ext4_open(fs, root, paths[i], 0, &f) == LD_OK)
				ld_ext4_close(f);
			if (ld_ext4_open(fs, NULL, paths[i], LD_EXT4_NOFOLLOW, &f) == LD_OK)
				ld_ext4_close(f);
		}
		ld_ext4_close(root);
	}
	for (i = 1; i < 40; i++) {
		ld_ext4_stat st;
		(void)ld_ext4_stat_inode(fs, (uint32_t)i, &st);
	}
	ld_ext4_unmount(fs);
	return 0;
}
