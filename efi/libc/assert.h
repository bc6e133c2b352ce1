/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Freestanding <assert.h>: a failed assertion stops the CPU rather than continuing with
 * a broken invariant (there is nowhere to report it before the console exists). */
#ifndef LD_LIBC_ASSERT_H
#define LD_LIBC_ASSERT_H

#ifdef NDEBUG
#define assert(x) ((void)0)
#else
#define assert(x) ((x) ? (void)0 : __builtin_trap())
#endif

#endif
