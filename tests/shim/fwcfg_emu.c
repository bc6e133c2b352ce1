/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* fw_cfg emulation for the host shim: the two port primitives of efi/fwcfg.h over an
 * in-memory item table laid out the way QEMU lays it out (signature item 0x0000, file
 * directory 0x0019 with big-endian fields, files from selector 0x0020). */
#include <stdlib.h>
#include <string.h>
#include "shim.h"
#include "fwcfg.h"

#define MAX_FILES 8
static int present;
static struct {
	char name[56];
	uint8_t *data;
	size_t len;
} files[MAX_FILES];
static unsigned nfiles;
static uint8_t dir[4 + MAX_FILES * 64];
static const uint8_t *cur;
static size_t cur_len, cur_off;

void shim_fwcfg_reset(int is_present)
{
	for (unsigned i = 0; i < nfiles; i++)
		free(files[i].data);
	nfiles = 0;
	present = is_present;
	cur = NULL;
	cur_len = cur_off = 0;
}

void shim_fwcfg_add_file(const char *name, const void *data, size_t len)
{
	if (nfiles == MAX_FILES || strlen(name) >= 56)
		abort();
	memset(files[nfiles].name, 0, 56);
	memcpy(files[nfiles].name, name, strlen(name));
	files[nfiles].data = malloc(len ? len : 1);
	memcpy(files[nfiles].data, data, len);
	files[nfiles].len = len;
	nfiles++;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

void luksdxe_fwcfg_io_select(uint16_t key)
{
	cur_off = 0;
	cur = NULL;
	cur_len = 0;
	if (!present)
		return;
	if (key == 0x0000) {
		cur = (const uint8_t *)"QEMU";
		cur_len = 4;
	} else if (key == 0x0019) {
		memset(dir, 0, sizeof(dir));
		be32(dir, nfiles);
		for (unsigned i = 0; i < nfiles; i++) {
			uint8_t *e = dir + 4 + 64 * i;
			be32(e, (uint32_t)files[i].len);
			e[4] = 0;
			e[5] = (uint8_t)(0x20 + i);
			memcpy(e + 8, files[i].name, 56);
		}
		cur = dir;
		cur_len = 4 + 64 * nfiles;
	} else if (key >= 0x20 && key < 0x20 + nfiles) {
		cur = files[key - 0x20].data;
		cur_len = files[key - 0x20].len;
	}
}

void luksdxe_fwcfg_io_read(void *buf, size_t len)
{
	uint8_t *p = buf;
	for (size_t i = 0; i < len; i++) {
		/* No device: the bus floats high.  Past an item's end QEMU reads 0. */
		if (!present)
			p[i] = 0xff;
		else
			p[i] = cur_off < cur_len ? cur[cur_off] : 0;
		cur_off++;
	}
}
