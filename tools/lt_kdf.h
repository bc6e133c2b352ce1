/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Host-side helpers for the key-derivation code, used by lukstool bench, the benchmark
 * (tests/bench) and the unit tests:
 *   the host's ld_parallel (crypto/crypto.h): POSIX threads for Argon2's lanes;
 *   the environment variable LUKSDXE_KDF_CPU, which forces one KDF code path. */
#ifndef LT_KDF_H
#define LT_KDF_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

/* An ld_parallel that runs at most *threads pieces at once (1 runs them all on the
 * calling thread).  It holds no resources; *threads must stay valid while it is used. */
ld_parallel lt_parallel_threads(const uint32_t *threads);

/* Makes ld_argon2 (every keyslot derivation of lukstool) run the lanes of each slice on up
 * to one thread per online CPU. */
void lt_kdf_use_threads(void);

/* Applies LUKSDXE_KDF_CPU (portable, sha, ssse3, avx2, avx512, all; unset = all) with
 * ld_kdf_cpu_allow().  Returns 0, or -1 after a message on stderr naming prog when the
 * value is unknown or names a path this CPU lacks. */
int lt_kdf_cpu_from_env(const char *prog);
/* The features in use as text, e.g. "sha+ssse3+avx2" or "portable". */
const char *lt_kdf_cpu_describe(char *buf, size_t len);

#endif
