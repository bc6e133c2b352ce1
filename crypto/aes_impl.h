/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Which AES-XTS implementation the sector cipher uses, chosen at run time.
 *
 *   portable  mbedTLS, one block at a time (it uses AES-NI itself where it can); any CPU
 *   aesni     crypto/aes_xts_x86.asm, AES-NI with 8 blocks in flight (SSE state only)
 *   vaes256   VAES + AVX2, 16 blocks in flight in ymm registers (needs the AVX state)
 *   vaes512   VAES + AVX-512F/BW, 32 blocks in flight in zmm registers (needs the
 *             AVX-512 state too)
 *
 * A path is supported when CPUID says the CPU has its instructions AND XGETBV says the
 * OS (or, in the firmware, efi/cpu.c) has enabled the register state it uses: the probe
 * is the same on the host and in the firmware, and is made again at every
 * ld_cipher_new, so enabling the state after load is seen.  Before a fast path is first
 * used it must also agree with the portable path on a built-in known-answer check
 * (AES-128 and AES-256, both directions): a path that fails is never used.
 *
 * ld_cipher_new and ld_aes_xts take the fastest supported path unless one is forced
 * (tests, benchmarks, lukstool's LUKSDXE_CPU).  Not thread-safe: force before use. */
#ifndef LD_AES_IMPL_H
#define LD_AES_IMPL_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
	LD_AES_PORTABLE = 0,
	LD_AES_AESNI,
	LD_AES_VAES256,
	LD_AES_VAES512,
	LD_AES_IMPL_COUNT
} ld_aes_impl;

/* "portable", "aesni", "vaes256", "vaes512" (or "?" for a value out of range). */
const char *ld_aes_impl_name(ld_aes_impl i);
/* Parses one of those names (n bytes, no NUL needed); LD_OK or LD_ERR_INVALID. */
int ld_aes_impl_from_name(const char *s, size_t n, ld_aes_impl *out);

/* 1 if the CPU has i's instructions and their register state is enabled, else 0. */
int ld_aes_impl_supported(ld_aes_impl i);
/* 1 if i is supported and passed the known-answer check (run once per path), else 0. */
int ld_aes_impl_usable(ld_aes_impl i);

/* The path new ciphers use: the forced one, else the fastest usable one. */
ld_aes_impl ld_aes_impl_current(void);
/* Forces i; LD_ERR_UNSUPPORTED (nothing changes) if i is not usable here. */
int ld_aes_impl_force(ld_aes_impl i);
void ld_aes_impl_auto(void); /* back to the fastest usable path */

/* A guard around every use of a path that uses YMM/ZMM registers (vaes256, vaes512),
 * for the firmware: its interrupt entry saves only the legacy SSE state, so nothing may
 * re-enter such a path from an event callback while it runs (efi/cpu.c raises the TPL).
 * enter's result is passed to leave.  NULL, NULL (the default) for none. */
void ld_aes_impl_set_guard(uintptr_t (*enter)(void), void (*leave)(uintptr_t));

/* ---- for crypto/cipher.c ---------------------------------------------------------- */
/* Round keys as the assembly reads them (offsets fixed in crypto/aes_xts_x86.asm). */
struct ld_xts_sched {
	uint8_t enc[240];   /* E_K1: round keys 0..rounds, FIPS-197 byte order */
	uint8_t dec[240];   /* D_K1: equivalent inverse cipher, last round key first */
	uint8_t tweak[240]; /* E_K2 */
	uint32_t rounds;    /* 10, 12 or 14 */
};

/* Copies schedules in mbedTLS's layout (mbedtls_aes_context.rk: enc as FIPS-197, dec
 * as the equivalent inverse cipher, which is what AES-NI's aesdec expects). */
int ld_xts_sched_set(struct ld_xts_sched *s, const uint32_t *rk_enc, const uint32_t *rk_dec,
		     const uint32_t *rk_tweak, int rounds);
/* XTS over nblocks >= 1 whole blocks with the fast path i (not LD_AES_PORTABLE);
 * in == out or disjoint.  iv is the unencrypted tweak (E_K2 is applied here). */
void ld_xts_fast(ld_aes_impl i, const struct ld_xts_sched *s, int encrypt, const uint8_t iv[16],
		 const uint8_t *in, uint8_t *out, size_t nblocks);
/* Bracket a run of ld_xts_fast calls with path i: the guard above, if i needs it. */
uintptr_t ld_xts_fast_begin(ld_aes_impl i);
void ld_xts_fast_end(ld_aes_impl i, uintptr_t token);

#endif
