/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Run-time CPU feature detection for the KDF fast paths (see kdf_cpu.h). */
#include "crypto/kdf_cpu.h"

#include <string.h>

#include "base/common.h"

#if defined(__x86_64__)
#include <cpuid.h>

/* XCR0 bits: x87, SSE (XMM), AVX (upper YMM), then for AVX-512 the opmask registers, the
 * upper halves of ZMM0-15 and ZMM16-31. */
#define XCR0_SSE_AVX 0x06u
#define XCR0_AVX512  0xe6u

static uint64_t read_xcr0(void)
{
	uint32_t lo, hi;

	/* XGETBV with ECX = 0; written as asm so that no -mxsave target is needed. */
	__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

static uint32_t detect(void)
{
	unsigned int a, b, c, d, max, ecx1;
	uint32_t f = 0;
	uint64_t xcr0 = 0;

	if (!__get_cpuid(0, &max, &b, &c, &d) || max < 1)
		return 0;
	__cpuid(1, a, b, ecx1, d);
	b = 0;
	if (max >= 7)
		__cpuid_count(7, 0, a, b, c, d);
	/* SHA-NI code also uses PSHUFB/PALIGNR (SSSE3) and PBLENDW (SSE4.1); it touches only
	 * XMM registers, whose state every x86-64 OS and UEFI firmware enables. */
	if ((b & bit_SHA) && (ecx1 & bit_SSSE3) && (ecx1 & bit_SSE4_1))
		f |= LD_KDF_CPU_SHA;
	if (ecx1 & bit_SSSE3)
		f |= LD_KDF_CPU_SSSE3;
	/* XGETBV faults unless CR4.OSXSAVE is set; CPUID.1:ECX.OSXSAVE mirrors that bit. */
	if (ecx1 & bit_OSXSAVE)
		xcr0 = read_xcr0();
	if ((ecx1 & bit_AVX) && (b & bit_AVX2) && (xcr0 & XCR0_SSE_AVX) == XCR0_SSE_AVX)
		f |= LD_KDF_CPU_AVX2;
	if ((f & LD_KDF_CPU_AVX2) && (b & bit_AVX512F) && (xcr0 & XCR0_AVX512) == XCR0_AVX512)
		f |= LD_KDF_CPU_AVX512;
	return f;
}
#else
static uint32_t detect(void)
{
	return 0;
}
#endif

/* Set only by tests and benchmarks (ld_kdf_cpu_allow), before they derive keys. */
static uint32_t allowed = LD_KDF_CPU_ALL;

uint32_t ld_kdf_cpu_detected(void)
{
	return detect();
}

uint32_t ld_kdf_cpu_features(void)
{
	return detect() & allowed;
}

int ld_kdf_cpu_sha_usable(void)
{
	/* 0: not yet detected; 1: no SHA-NI; 2: SHA-NI.  Threads racing here store the same
	 * value. */
	static int state;
	int s = __atomic_load_n(&state, __ATOMIC_RELAXED);

	if (s == 0) {
		s = (detect() & LD_KDF_CPU_SHA) ? 2 : 1;
		__atomic_store_n(&state, s, __ATOMIC_RELAXED);
	}
	return s == 2 && (allowed & LD_KDF_CPU_SHA);
}

int ld_kdf_cpu_allow(uint32_t mask)
{
	if (mask != LD_KDF_CPU_ALL && (mask & ~detect()) != 0)
		return LD_ERR_UNSUPPORTED;
	allowed = mask;
	return LD_OK;
}

static const struct {
	const char *name;
	uint32_t mask;
} cpu_names[] = {
	{ "portable", 0 },
	{ "sha", LD_KDF_CPU_SHA },
	{ "ssse3", LD_KDF_CPU_SSSE3 },
	{ "avx2", LD_KDF_CPU_AVX2 },
	{ "avx512", LD_KDF_CPU_AVX512 },
	{ "all", LD_KDF_CPU_ALL },
};

int ld_kdf_cpu_parse(const char *name, uint32_t *mask)
{
	size_t i;

	if (name == NULL || mask == NULL)
		return LD_ERR_INVALID;
	for (i = 0; i < sizeof(cpu_names) / sizeof(cpu_names[0]); i++) {
		if (strcmp(cpu_names[i].name, name) == 0) {
			*mask = cpu_names[i].mask;
			return LD_OK;
		}
	}
	return LD_ERR_INVALID;
}

const char *ld_kdf_cpu_name(uint32_t mask)
{
	size_t i;

	for (i = 0; i < sizeof(cpu_names) / sizeof(cpu_names[0]); i++)
		if (cpu_names[i].mask == mask)
			return cpu_names[i].name;
	return "mixed";
}
