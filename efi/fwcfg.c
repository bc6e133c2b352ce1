/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* fw_cfg file lookup over the port primitives (see fwcfg.h). */
#include <string.h>
#include "base/common.h"
#include "base/endian.h"
#include "fwcfg.h"

/* QEMU has at most a few thousand file slots; anything larger is not fw_cfg. */
#define FWCFG_MAX_FILES 4096

int luksdxe_fwcfg_present(void)
{
	uint8_t sig[4];
	luksdxe_fwcfg_io_select(LUKSDXE_FWCFG_SIGNATURE);
	luksdxe_fwcfg_io_read(sig, sizeof(sig));
	return memcmp(sig, "QEMU", 4) == 0;
}

int luksdxe_fwcfg_find_file(const char *name, uint16_t *select, uint32_t *size)
{
	uint8_t be[4], ent[64];
	size_t nlen = strlen(name);
	if (nlen >= LUKSDXE_FWCFG_NAME_MAX || !luksdxe_fwcfg_present())
		return LD_ERR_NOTFOUND;
	luksdxe_fwcfg_io_select(LUKSDXE_FWCFG_FILE_DIR);
	luksdxe_fwcfg_io_read(be, sizeof(be));
	uint32_t count = ld_be32(be);
	if (count > FWCFG_MAX_FILES)
		return LD_ERR_NOTFOUND;
	for (uint32_t i = 0; i < count; i++) {
		luksdxe_fwcfg_io_read(ent, sizeof(ent));
		/* name is NUL-padded to 56 bytes; match it exactly, terminator included. */
		if (memcmp(ent + 8, name, nlen) == 0 && ent[8 + nlen] == 0) {
			*size = ld_be32(ent);
			*select = ld_be16(ent + 4);
			return LD_OK;
		}
	}
	return LD_ERR_NOTFOUND;
}

void luksdxe_fwcfg_read_item(uint16_t select, void *buf, size_t len)
{
	luksdxe_fwcfg_io_select(select);
	luksdxe_fwcfg_io_read(buf, len);
}
