/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* QEMU fw_cfg, legacy I/O port interface (no DMA): selector port 0x510 (16-bit write),
 * data port 0x511 (byte reads advance through the selected item).  Item 0x0000 holds the
 * signature "QEMU", item 0x0019 the file directory: be32 count, then per file
 * be32 size, be16 select, be16 reserved, char name[56]. */
#ifndef LUKSDXE_FWCFG_H
#define LUKSDXE_FWCFG_H

#include <stddef.h>
#include <stdint.h>

#define LUKSDXE_FWCFG_SIGNATURE 0x0000
#define LUKSDXE_FWCFG_FILE_DIR  0x0019
#define LUKSDXE_FWCFG_NAME_MAX  56

/* Port primitives: fwcfg_io.c in firmware, the shim's emulation on the host. */
void luksdxe_fwcfg_io_select(uint16_t key);
void luksdxe_fwcfg_io_read(void *buf, size_t len);

/* 1 if fw_cfg answers with its signature (on real hardware the port reads 0xff). */
int luksdxe_fwcfg_present(void);
/* Finds a file by name; LD_OK, or LD_ERR_NOTFOUND. */
int luksdxe_fwcfg_find_file(const char *name, uint16_t *select, uint32_t *size);
/* Reads the first len bytes of the item. */
void luksdxe_fwcfg_read_item(uint16_t select, void *buf, size_t len);

#endif
