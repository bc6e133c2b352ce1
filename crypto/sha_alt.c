/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* mbedTLS's SHA-1 block function (MBEDTLS_SHA1_PROCESS_ALT in ld_mbedtls_config.h),
 * mapped onto the compression function PBKDF2 already uses (kdf_sha.c, and kdf_sha_ni.c
 * where the CPU has SHA-NI).  mbedTLS keeps the buffering and padding; what changes is
 * that the LUKS1 header checksums, the anti-forensic diffusion and every other ld_hash
 * user of SHA-1 get SHA-NI, which mbedTLS 2.28 does not have.  (SHA-256 is ours
 * altogether, sha256.c, which also takes whole runs of blocks per call.)
 *
 * Whether SHA-NI runs is asked at each block (ld_kdf_cpu_sha_usable: detected once,
 * combined with the mask tests set through ld_kdf_cpu_allow). */
#include <stdint.h>

#include "mbedtls/sha1.h"

#include "crypto/kdf_cpu.h"
#include "crypto/kdf_sha.h"
#include "base/common.h"

int mbedtls_internal_sha1_process(mbedtls_sha1_context *ctx, const unsigned char data[64]);

static void load_be32(uint32_t w[16], const unsigned char *p)
{
	for (int i = 0; i < 16; i++, p += 4)
		w[i] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int mbedtls_internal_sha1_process(mbedtls_sha1_context *ctx, const unsigned char data[64])
{
	uint32_t w[16];

	load_be32(w, data);
#ifdef LD_HAVE_SHA_NI
	if (ld_kdf_cpu_sha_usable())
		ld_sha1_compress_ni(ctx->state, w);
	else
#endif
		ld_sha1_compress(ctx->state, w);
	ld_wipe(w, sizeof(w));
	return 0;
}
