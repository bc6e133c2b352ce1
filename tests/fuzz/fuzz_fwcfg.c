/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* libFuzzer target for the driver's fw_cfg path (efi/fwcfg.c, then the secret-table
 * parser): everything the host controls when it hands the driver a secret through QEMU's
 * fw_cfg.  The port primitives are replaced by an emulation fed from the input:
 *   bytes 0-1   little-endian length L of the file directory (item 0x0019);
 *   next L      the directory: be32 count, then 64-byte entries (size, select, name);
 *   the rest    the contents of every other item, i.e. the secret file.
 * Reading past an item's end yields zeros, as QEMU does.  The file is then read and
 * parsed as efi/secret.c does (its size bounded the same way). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "efi/fwcfg.h"
#include "secret/secret_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SECRET_AREA_MAX (1u << 20) /* as in efi/secret.c */

static const uint8_t *item;
static size_t item_len, item_pos;
static const uint8_t *dir, *payload;
static size_t dir_len, payload_len;

void luksdxe_fwcfg_io_select(uint16_t key)
{
	static const uint8_t sig[4] = { 'Q', 'E', 'M', 'U' };

	if (key == LUKSDXE_FWCFG_SIGNATURE) {
		item = sig;
		item_len = sizeof(sig);
	} else if (key == LUKSDXE_FWCFG_FILE_DIR) {
		item = dir;
		item_len = dir_len;
	} else {
		item = payload;
		item_len = payload_len;
	}
	item_pos = 0;
}

void luksdxe_fwcfg_io_read(void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++, item_pos++)
		p[i] = item_pos < item_len ? item[item_pos] : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t guid[16] = { 0x67, 0x45, 0x23, 0x01, 0xab, 0x89, 0xef, 0xcd,
					  0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe };
	uint16_t sel;
	uint32_t fsize;
	ld_secret_ref ref;
	char err[80];

	if (size < 2)
		return 0;
	dir_len = (size_t)(data[0] | data[1] << 8);
	if (dir_len > size - 2)
		dir_len = size - 2;
	dir = data + 2;
	payload = dir + dir_len;
	payload_len = size - 2 - dir_len;

	if (luksdxe_fwcfg_find_file("opt/luksdxe/secret", &sel, &fsize) != LD_OK)
		return 0;
	if (fsize == 0 || fsize > SECRET_AREA_MAX)
		return 0;
	uint8_t *area = malloc(fsize); /* exactly the file's size: overreads are reported */
	if (!area)
		abort();
	luksdxe_fwcfg_read_item(sel, area, fsize);
	if (ld_secret_table_find(area, fsize, guid, &ref, err, sizeof(err)) == LD_OK &&
	    (ref.data_len == 0 || ref.data_offset > fsize || ref.data_len > fsize - ref.data_offset))
		abort(); /* a found secret must lie inside the file */
	free(area);
	return 0;
}
