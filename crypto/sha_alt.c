/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* mbedTLS's SHA-1 and SHA-256 block functions (MBEDTLS_SHA1_PROCESS_ALT and
 * MBEDTLS_SHA256_PROCESS_ALT in ld_mbedtls_config.h), mapped onto the compression
 * functions PBKDF2 already uses (kdf_sha.c, and kdf_sha_ni.c where the CPU has SHA-NI).
 * mbedTLS keeps the buffering and padding; what changes is that the LUKS header
 * checksums, the anti-forensic diffusion and every other ld_hash user get SHA-NI, which
 * mbedTLS 2.28 does not have (its portable block function was most of the time spent
 * opening a volume, after the KDF).
 *
 * SHA-NI works on XMM registers, whose state every x86-64 environment has enabled, so
 * its presence cannot change while we run: it is detected once (CPUID is slow, and under
 * SEV-ES it traps) and combined at each block with the mask tests set through
 * ld_kdf_cpu_allow. */
#include <stdint.h>

#include "mbedtls/sha1.h"
#include "mbedtls/sha256.h"

#include "crypto/kdf_cpu.h"
#include "crypto/kdf_sha.h"
#include "base/common.h"

int mbedtls_internal_sha1_process(mbedtls_sha1_context *ctx, const unsigned char data[64]);
int mbedtls_internal_sha256_process(mbedtls_sha256_context *ctx, const unsigned char data[64]);

static void load_be32(uint32_t w[16], const unsigned char *p)
{
	for (int i = 0; i < 16; i++, p += 4)
		w[i] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int use_sha_ni(void)
{
#ifdef LD_HAVE_SHA_NI
	/* 0: not yet detected; 1: no SHA-NI; 2: SHA-NI.  Threads racing here store the same
	 * value. */
	static int state;
	int s = __atomic_load_n(&state, __ATOMIC_RELAXED);

	if (s == 0) {
		s = (ld_kdf_cpu_detected() & LD_KDF_CPU_SHA) ? 2 : 1;
		__atomic_store_n(&state, s, __ATOMIC_RELAXED);
	}
	return s == 2 && (ld_kdf_cpu_allowed() & LD_KDF_CPU_SHA);
#else
	return 0;
#endif
}

int mbedtls_internal_sha1_process(mbedtls_sha1_context *ctx, const unsigned char data[64])
{
	uint32_t w[16];

	load_be32(w, data);
#ifdef LD_HAVE_SHA_NI
	if (use_sha_ni())
		ld_sha1_compress_ni(ctx->state, w);
	else
#endif
		ld_sha1_compress(ctx->state, w);
	ld_wipe(w, sizeof(w));
	return 0;
}

int mbedtls_internal_sha256_process(mbedtls_sha256_context *ctx, const unsigned char data[64])
{
	uint32_t w[16];

	load_be32(w, data);
#ifdef LD_HAVE_SHA_NI
	if (use_sha_ni())
		ld_sha256_compress_ni(ctx->state, w);
	else
#endif
		ld_sha256_compress(ctx->state, w);
	ld_wipe(w, sizeof(w));
	return 0;
}
