/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* fw_cfg port I/O for the firmware build (the host shim emulates these two calls). */
#include "fwcfg.h"

#define FWCFG_PORT_SEL  0x510
#define FWCFG_PORT_DATA 0x511

void luksdxe_fwcfg_io_select(uint16_t key)
{
	__asm__ volatile("outw %0, %1" : : "a"(key), "Nd"((uint16_t)FWCFG_PORT_SEL));
}

void luksdxe_fwcfg_io_read(void *buf, size_t len)
{
	/* Each byte read from the data port advances the item's offset. */
	__asm__ volatile("rep insb"
			 : "+D"(buf), "+c"(len)
			 : "d"((uint16_t)FWCFG_PORT_DATA)
			 : "memory");
}
