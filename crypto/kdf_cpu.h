/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* CPU features the key-derivation code (PBKDF2, Argon2) may use, detected at run time.
 *
 * A feature counts only when the CPU has it AND, for the vector-register extensions, the
 * operating system or firmware has enabled its register state (CPUID.1:ECX.OSXSAVE and
 * the XCR0 bits read with XGETBV).  OVMF leaves XCR0 at x87 only, so in the firmware the
 * AVX paths are used only once something has enabled the state; otherwise the portable
 * code runs.  Detection is done at every derivation (a few CPUID instructions) rather than
 * cached, so that a state enabled later is seen.
 *
 * Tests and benchmarks restrict the set with ld_kdf_cpu_allow() to run each path in turn;
 * a path the CPU lacks cannot be forced on. */
#ifndef LD_KDF_CPU_H
#define LD_KDF_CPU_H

#include <stdint.h>

#define LD_KDF_CPU_SHA    (1u << 0) /* SHA-NI (SHA-1 and SHA-256) with SSSE3 and SSE4.1 */
#define LD_KDF_CPU_AVX2   (1u << 1) /* AVX2, YMM state enabled in XCR0 */
#define LD_KDF_CPU_AVX512 (1u << 2) /* AVX-512F, ZMM and opmask state enabled in XCR0 */
#define LD_KDF_CPU_SSSE3  (1u << 3) /* SSSE3: XMM only, enabled wherever x86-64 runs */
#define LD_KDF_CPU_ALL    (LD_KDF_CPU_SHA | LD_KDF_CPU_AVX2 | LD_KDF_CPU_AVX512 | LD_KDF_CPU_SSSE3)

/* What this CPU and its OS/firmware offer. */
uint32_t ld_kdf_cpu_detected(void);
/* What the KDF code uses now: detected & allowed. */
uint32_t ld_kdf_cpu_features(void);
/* 1 when the SHA-NI code may run now: LD_KDF_CPU_SHA detected and allowed.  Detected
 * once and remembered: SHA-NI needs only the XMM state, which every x86-64 OS and UEFI
 * firmware enables, so its presence cannot change while we run (and CPUID is slow, and
 * traps under SEV-ES).  Cheap enough for every hash call. */
int ld_kdf_cpu_sha_usable(void);
/* Restricts the features used to mask (LD_KDF_CPU_ALL restores the default).  Returns
 * LD_ERR_UNSUPPORTED, changing nothing, when mask names a feature not detected. */
int ld_kdf_cpu_allow(uint32_t mask);

/* Parses a path name as the tests, the benchmark and lukstool take it from the
 * environment variable LUKSDXE_KDF_CPU: "portable" (no feature), "sha", "ssse3", "avx2",
 * "avx512", or "all".  Returns LD_ERR_INVALID for anything else. */
int ld_kdf_cpu_parse(const char *name, uint32_t *mask);
/* Name of a single-feature mask as ld_kdf_cpu_parse takes it ("portable" for 0). */
const char *ld_kdf_cpu_name(uint32_t mask);

#endif
