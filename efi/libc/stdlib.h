/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Freestanding <stdlib.h> for the firmware build.  Allocation goes to the UEFI pool
 * (efi/libc/libc.c); free() wipes the block before returning it, so library contexts
 * released with free() never leave key material in the pool. */
#ifndef LD_LIBC_STDLIB_H
#define LD_LIBC_STDLIB_H

#include <stddef.h>

void *malloc(size_t size);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);
/* No process to end in firmware: abort() halts the CPU (declared, never expected). */
__attribute__((noreturn)) void abort(void);

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

#endif
