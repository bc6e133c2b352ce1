/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Console output of the driver: a small printf onto ConOut.  The format string is ASCII;
 * conversions: %s (ASCII string), %c, %d %u %x with optional l/ll, %%.  Every '\n'
 * becomes CR LF.  Nothing secret may ever be passed here. */
#ifndef LUKSDXE_CONSOLE_H
#define LUKSDXE_CONSOLE_H

#include <efi.h>

/* ConOut is looked up in st at every write: the console splitter may replace it. */
void luksdxe_con_init(EFI_SYSTEM_TABLE *st);
void luksdxe_con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
