/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* mbedTLS 2.28 configuration for LuksDxe: only the primitives crypto/ uses.
 *
 * Compiled unchanged for the host (lukstool, tests, bench) and freestanding for the UEFI
 * driver, so nothing here may need a file system, sockets, a clock, an entropy source or
 * any libc function beyond memcpy/memset/memcmp/memmove/strlen.  crypto/ calls the
 * algorithm contexts directly (no mbedtls_md/mbedtls_cipher layers, which allocate). */
#ifndef LD_MBEDTLS_CONFIG_H
#define LD_MBEDTLS_CONFIG_H

/* System support: x86-64 inline assembly for AES-NI (runtime CPUID check, falls back to
 * the portable tables when the CPU lacks AES-NI). */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_AESNI_C

/* No libc through the platform layer: without MBEDTLS_PLATFORM_C and with
 * NO_STD_FUNCTIONS, platform.h pulls in neither stdio.h nor stdlib.h, and none of the
 * modules below calls calloc/free/printf outside their (disabled) self-tests. */
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS

/* Constant AES tables: no run-time table generation, so no writable global state in
 * the firmware image and nothing to initialise. */
#define MBEDTLS_AES_ROM_TABLES

/* Algorithms. */
#define MBEDTLS_AES_C
#define MBEDTLS_CIPHER_MODE_CBC
#define MBEDTLS_CIPHER_MODE_XTS
/* CTR: only lukstool sev-secret (SEV LAUNCH_SECRET payloads are AES-128-CTR). */
#define MBEDTLS_CIPHER_MODE_CTR
/* The SHA-1 block function is ours (crypto/sha_alt.c: SHA-NI when the CPU has it);
 * mbedTLS keeps the buffering and padding.  SHA-256 is ours altogether (crypto/sha256.c). */
#define MBEDTLS_SHA1_PROCESS_ALT
#define MBEDTLS_SHA1_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_RIPEMD160_C
/* Base64 text (host tools); constant-time, and unused by the driver. */
#define MBEDTLS_BASE64_C

/* Deliberately absent: MBEDTLS_FS_IO, MBEDTLS_NET_C, MBEDTLS_HAVE_TIME(_DATE),
 * MBEDTLS_ENTROPY_C, MBEDTLS_CTR_DRBG_C, MBEDTLS_MD_C, MBEDTLS_CIPHER_C, MBEDTLS_SELF_TEST,
 * MBEDTLS_PADLOCK_C (32-bit only), MBEDTLS_CHECK_PARAMS. */

#include "mbedtls/check_config.h"

#endif
