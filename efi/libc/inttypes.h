/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Freestanding <inttypes.h>: the format macros for LP64. */
#ifndef LD_LIBC_INTTYPES_H
#define LD_LIBC_INTTYPES_H

#include <stdint.h>

#define PRId32 "d"
#define PRIu32 "u"
#define PRIx32 "x"
#define PRId64 "ld"
#define PRIu64 "lu"
#define PRIx64 "lx"

#endif
