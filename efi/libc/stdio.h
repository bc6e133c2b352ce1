/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Freestanding <stdio.h> for the firmware build: types and declarations only, so that
 * third-party headers parse.  Nothing is implemented: a use links as an undefined symbol,
 * which is how we notice that a library would print from firmware. */
#ifndef LD_LIBC_STDIO_H
#define LD_LIBC_STDIO_H

#include <stddef.h>
#include <stdarg.h>

typedef struct luksdxe_libc_file FILE;
#define EOF (-1)

int printf(const char *fmt, ...);
int sprintf(char *str, const char *fmt, ...);
int snprintf(char *str, size_t size, const char *fmt, ...);
int vsnprintf(char *str, size_t size, const char *fmt, va_list ap);
int fprintf(FILE *f, const char *fmt, ...);

#endif
