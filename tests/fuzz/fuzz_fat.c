/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* libFuzzer target for the FAT12/16/32 reader (fs/fat.c).  Input: one flag byte (bit 0:
 * the device is exactly the rest of the input; else 64 MiB, zeros past the input, so that
 * seeds can be the first part of a FAT32 image), then the image.  The target mounts it,
 * walks the tree (bounded depth and entry count), opens every entry, reads files at
 * their start, middle and end, and resolves a few paths.  Any crash, sanitizer report,
 * out-of-device read (fz_mem_read aborts) or hang is a finding. */
#include <stdlib.h>
#include <string.h>

#include "fs/fat.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_DEPTH 6
#define MAX_ENTRIES 400

static uint8_t buf[1u << 16];
static unsigned entries;

static void walk(ld_fat *fs, ld_fat_file *dir, int depth)
{
	ld_fat_dirent ent;
	ld_fat_file *c;
	uint64_t pos = 0, offs[3];
	size_t got, i;

	while (ld_fat_readdir(dir, &pos, &ent) == LD_OK) {
		if (strnlen(ent.name, sizeof(ent.name)) == sizeof(ent.name) || !ent.name[0])
			abort();
		if (++entries > MAX_ENTRIES)
			return;
		if (!strcmp(ent.name, ".") || !strcmp(ent.name, ".."))
			continue;
		if (ld_fat_open_entry(fs, &ent, &c) != LD_OK)
			continue;
		if (ent.attr & LD_FAT_ATTR_DIR) {
			if (depth < MAX_DEPTH)
				walk(fs, c, depth + 1);
		} else {
			offs[0] = 0;
			offs[1] = ent.size / 2;
			offs[2] = ent.size > sizeof(buf) ? ent.size - sizeof(buf) : 0;
			for (i = 0; i < 3; i++)
				if (ld_fat_read(c, offs[i], buf, sizeof(buf), &got) == LD_OK && got > sizeof(buf))
					abort();
		}
		ld_fat_close(c);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "/", "EFI/BOOT/BOOTX64.EFI", "a/../b", "..", "x/." };
	ld_fat *fs;
	ld_fat_file *root, *f;
	ld_blockdev dev;
	struct fz_mem m;
	char err[200];
	size_t i;

	if (size < 1)
		return 0;
	m.p = data + 1;
	m.n = size - 1;
	dev.read = fz_mem_read;
	dev.size = (data[0] & 1) ? size - 1 : (64u << 20);
	dev.block_size = 512;
	dev.ctx = &m;
	if (ld_fat_probe(&dev) != LD_OK && !(data[0] & 2))
		return 0;
	if (ld_fat_mount(&fs, &dev, &fz_allocator, err, sizeof(err)) != LD_OK)
		return 0;
	entries = 0;
	if (ld_fat_open(fs, "/", &root) == LD_OK) {
		walk(fs, root, 0);
		ld_fat_close(root);
	}
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (ld_fat_open(fs, paths[i], &f) == LD_OK)
			ld_fat_close(f);
	ld_fat_unmount(fs);
	return 0;
}
