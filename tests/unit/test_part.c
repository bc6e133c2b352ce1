/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* fs/part.c: GPT disks made by sgdisk at test time (the partition list must equal what
 * `sgdisk -i` reports), a damaged primary GPT (the backup is used), both damaged
 * (rejected), hand-built MBR/EBR chains (including a loop), the
 * partition window device, and CRC-32's published check value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/testutil.h"
#include "fs/part.h"
#include "base/crc32.h"

static char dir[] = "/tmp/ld-part-XXXXXX";

static void test_crc32(void **state)
{
	(void)state;
	assert_int_equal(ld_crc32(0, "123456789", 9), 0xCBF43926u);
	assert_int_equal(ld_crc32(ld_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
	assert_int_equal(ld_crc32(0, "", 0), 0);
}

static void run(const char *cmd)
{
	assert_int_equal(system(cmd), 0);
}

/* First/last LBA of partition n as sgdisk reports it. */
static void sgdisk_info(const char *path, int n, uint64_t *first, uint64_t *last)
{
	char cmd[400], line[256];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "sgdisk -i %d '%s'", n, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	*first = *last = 0;
	while (fgets(line, sizeof(line), p)) {
		unsigned long long v;
		if (sscanf(line, "First sector: %llu", &v) == 1)
			*first = v;
		if (sscanf(line, "Last sector: %llu", &v) == 1)
			*last = v;
	}
	pclose(p);
	if (*first == 0 || *last == 0) {
		/* the format this parses is gdisk 1.0.9's: name the version that changed it */
		p = popen("dpkg-query -W -f='${Version}' gdisk", "r");
		line[0] = 0;
		if (p) {
			if (!fgets(line, sizeof(line), p))
				line[0] = 0;
			pclose(p);
		}
		fail_msg("sgdisk -i %d (gdisk %s) printed no 'First sector:'/'Last sector:' line", n,
			 line);
	}
}

static void test_gpt(void **state)
{
	char path[128], cmd[600];
	ld_part parts[LD_PART_MAX];
	ld_part_scheme scheme;
	struct tu_mem m;
	ld_blockdev d;
	size_t n, i;
	uint64_t first, last;

	(void)state;
	snprintf(path, sizeof(path), "%s/gpt", dir);
	snprintf(cmd, sizeof(cmd),
		 "truncate -s 16M '%s' && sgdisk -n 1:2048:+1M -n 3:0:+3M -t 3:8309 -n 7:0:0 '%s' >/dev/null",
		 path, path);
	run(cmd);
	m.p = tu_read_file(path, &m.n);
	assert_non_null(m.p);
	tu_mem_dev(&d, &m);
	assert_int_equal(ld_part_scan(&d, parts, LD_PART_MAX, &n, &scheme), LD_OK);
	assert_int_equal(scheme, LD_PT_GPT);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		static const int num[] = { 1, 3, 7 };
		assert_int_equal(parts[i].number, num[i]);
		sgdisk_info(path, num[i], &first, &last);
		assert_true(parts[i].offset == first * 512);
		assert_true(parts[i].size == (last - first + 1) * 512);
	}
	/* Linux LUKS type GUID CA7D7CCB-63ED-4C53-861C-1742536059CC, stored mixed-endian */
	assert_int_equal(parts[1].type_guid[0], 0xcb);
	assert_int_equal(parts[1].type_guid[3], 0xca);
	assert_int_equal(parts[1].type_guid[15], 0xcc);

	/* window device */
	{
		ld_part_dev pd;
		uint8_t b[4];
		assert_int_equal(ld_part_dev_init(&pd, &d, parts[0].offset, parts[0].size), LD_OK);
		assert_int_equal(ld_dev_read(&pd.dev, parts[0].size - 4, b, 4), LD_OK);
		assert_int_equal(ld_dev_read(&pd.dev, parts[0].size - 3, b, 4), LD_ERR_RANGE);
		assert_int_equal(ld_part_dev_init(&pd, &d, d.size - 1, 2), LD_ERR_RANGE);
	}

	/* primary header damaged: the backup at the last LBA gives the same partitions */
	m.p[512 + 20] ^= 1;
	assert_int_equal(ld_part_scan(&d, parts, LD_PART_MAX, &n, &scheme), LD_OK);
	assert_int_equal(n, 3);
	assert_int_equal(parts[2].number, 7);
	/* a damaged entry array in the primary is caught by its CRC as well */
	m.p[512 + 20] ^= 1;
	m.p[1024 + 40] ^= 1;
	assert_int_equal(ld_part_scan(&d, parts, LD_PART_MAX, &n, &scheme), LD_OK);
	assert_int_equal(n, 3);
	/* both headers damaged, protective MBR present: refused, not read as MBR */
	m.p[512 + 20] ^= 1;
	m.p[m.n - 512 + 20] ^= 1;
	assert_int_equal(ld_part_scan(&d, parts, LD_PART_MAX, &n, &scheme), LD_ERR_INVALID);
	/* truncated disk: the entries are cut off */
	m.p[512 + 20] ^= 1;
	m.p[1024 + 40] ^= 1;
	d.size = 2048;
	assert_int_equal(ld_part_scan(&d, parts, LD_PART_MAX, &n, &scheme), LD_ERR_INVALID);
	free(m.p);
}

static void put_ent(uint8_t *e, uint8_t type, uint32_t start, uint32_t count)
{
	memset(e, 0, 16);
	e[4] = type;
	e[8] = (uint8_t)start; e[9] = (uint8_t)(start >> 8); e[10] = (uint8_t)(start >> 16); e[11] = (uint8_t)(start >> 24);
	e[12] = (uint8_t)count; e[13] = (uint8_t)(count >> 8); e[14] = (uint8_t)(count >> 16); e[15] = (uint8_t)(count >> 24);
}

static void test_mbr(void **state)
{
	static uint8_t disk[1 << 20];
	ld_part parts[LD_PART_MAX];
	ld_part_scheme scheme;
	struct tu_mem m = { disk, sizeof(disk) };
	ld_blockdev d;

	tu_mem_dev(&d, &m);
	size_t n;

	(void)state;
	memset(disk, 0, sizeof(disk));
	assert_int_equal(ld_part_scan(&d, parts, LD_PART_MAX, &n, &scheme), LD_ERR_NOTFOUND);
	put_ent(disk + 446, 0x83, 1, 99);
	put_ent(disk + 462, 0x0f, 100, 1900);
	disk[510] = 0x55; disk[511] = 0xaa;
	/* EBR chain: 100 -> 600 -> end */
	put_ent(disk + 100 * 512 + 446, 0x83, 10, 90);
	put_ent(disk + 100 * 512 + 462, 0x05, 500, 400);
	disk[100 * 512 + 510] = 0x55; disk[100 * 512 + 511] = 0xaa;
	put_ent(disk + 600 * 512 + 446, 0x8e, 1, 50);
	disk[600 * 512 + 510] = 0x55; disk[600 * 512 + 511] = 0xaa;
	assert_int_equal(ld_part_scan(&d, parts, LD_PART_MAX, &n, &scheme), LD_OK);
	assert_int_equal(scheme, LD_PT_MBR);
	assert_int_equal(n, 3);
	assert_int_equal(parts[0].number, 1);
	assert_true(parts[0].offset == 512 && parts[0].size == 99 * 512);
	assert_int_equal(parts[1].number, 5);
	assert_true(parts[1].offset == 110 * 512 && parts[1].size == 90 * 512);
	assert_int_equal(parts[2].number, 6);
	assert_true(parts[2].offset == 601 * 512 && parts[2].mbr_type == 0x8e);
	/* a loop in the EBR chain is refused, not followed forever */
	put_ent(disk + 600 * 512 + 462, 0x05, 0, 400);
	assert_int_equal(ld_part_scan(&d, parts, LD_PART_MAX, &n, &scheme), LD_ERR_INVALID);
	put_ent(disk + 600 * 512 + 462, 0, 0, 0);
	/* a partition beyond the disk is refused */
	put_ent(disk + 446, 0x83, 1, 1u << 30);
	assert_int_equal(ld_part_scan(&d, parts, LD_PART_MAX, &n, &scheme), LD_ERR_INVALID);
	/* a bad status byte is refused */
	put_ent(disk + 446, 0x83, 1, 99);
	disk[446] = 0x12;
	assert_int_equal(ld_part_scan(&d, parts, LD_PART_MAX, &n, &scheme), LD_ERR_INVALID);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32),
		cmocka_unit_test(test_gpt),
		cmocka_unit_test(test_mbr),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
