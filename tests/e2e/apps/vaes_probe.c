/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Test-only EFI application for tests/e2e/test_xts_paths.sh: does this (emulated) CPU
 * compute 256-bit VAES rounds as the instruction set defines them?  Each 128-bit lane of
 * vaesenc/vaesdec ymm must equal the 128-bit aesenc/aesdec of that lane.  (QEMU 7.2's TCG,
 * measured here, feeds the low lane's state into the high lane's round.)  The answer tells
 * the test whether the driver's vaes256 path can pass its known-answer check at all.
 * Run after LuksDxe is loaded: the driver has enabled the AVX state (XCR0) by then. */
#include <efi.h>
#include "console.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

static int osxsave_avx_vaes(void)
{
	UINT32 a, b, c, d, c7 = 0, b7 = 0, lo = 0, hi = 0;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	if (!((c >> 27) & 1) || !((c >> 28) & 1) || !((c >> 25) & 1))
		return 0;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b7), "=c"(c7), "=d"(d) : "a"(7), "c"(0));
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((c7 >> 9) & 1) && ((b7 >> 5) & 1) && (lo & 6) == 6;
}

/* in: state lanes s[0..31], key lanes k[0..31]; out: ymm result and per-lane xmm result. */
static void rounds(const UINT8 *s, const UINT8 *k, UINT8 *ymm_enc, UINT8 *xmm_enc,
		   UINT8 *ymm_dec, UINT8 *xmm_dec)
{
	__asm__ volatile("vmovdqu (%0), %%ymm0\n\t"
			 "vmovdqu (%1), %%ymm1\n\t"
			 "vaesenc %%ymm1, %%ymm0, %%ymm2\n\t"
			 "vmovdqu %%ymm2, (%2)\n\t"
			 "vaesdec %%ymm1, %%ymm0, %%ymm2\n\t"
			 "vmovdqu %%ymm2, (%3)\n\t"
			 "vzeroupper"
			 :
			 : "r"(s), "r"(k), "r"(ymm_enc), "r"(ymm_dec)
			 : "xmm0", "xmm1", "xmm2", "memory");
	for (int lane = 0; lane < 2; lane++) {
		__asm__ volatile("movdqu (%0), %%xmm0\n\t"
				 "movdqu (%1), %%xmm1\n\t"
				 "movdqa %%xmm0, %%xmm2\n\t"
				 "aesenc %%xmm1, %%xmm2\n\t"
				 "movdqu %%xmm2, (%2)\n\t"
				 "aesdec %%xmm1, %%xmm0\n\t"
				 "movdqu %%xmm0, (%3)"
				 :
				 : "r"(s + 16 * lane), "r"(k + 16 * lane), "r"(xmm_enc + 16 * lane),
				   "r"(xmm_dec + 16 * lane)
				 : "xmm0", "xmm1", "xmm2", "memory");
	}
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	UINT8 s[32], k[32], ye[32], xe[32], yd[32], xd[32];
	int same = 1;

	(void)image;
	luksdxe_con_init(st);
	if (!osxsave_avx_vaes()) {
		luksdxe_con_printf("vaes-probe: no VAES+AVX2 with the AVX state enabled\n");
		return EFI_SUCCESS;
	}
	for (int i = 0; i < 32; i++) {
		s[i] = (UINT8)(i * 37 + 11);
		k[i] = (UINT8)(i * 91 + 5);
	}
	rounds(s, k, ye, xe, yd, xd);
	for (int i = 0; i < 32; i++)
		same &= (ye[i] == xe[i]) & (yd[i] == xd[i]);
	luksdxe_con_printf("vaes-probe: 256-bit vaesenc/vaesdec %s\n",
			   same ? "match aesenc/aesdec per lane" : "DIFFER from aesenc/aesdec per lane");
	return EFI_SUCCESS;
}
