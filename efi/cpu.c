/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The processor state the fast AES-XTS paths need (crypto/aes_impl.h), enabled once from
 * efi_main.
 *
 * OVMF leaves CR4.OSXSAVE = 0 and XCR0 = 1 (x87 only, measured): any VEX or EVEX
 * instruction then faults with #UD, so the VAES paths would be unusable.  Here, on the
 * processor that runs the driver (the BSP; application processors keep their own CR4 and
 * XCR0), we set CR4.OSFXSR and CR4.OSXMMEXCPT if clear (SSE, which UEFI already
 * requires), CR4.OSXSAVE, and XCR0 |= SSE|AVX, plus opmask|ZMM_Hi256|Hi16_ZMM when the
 * CPU has AVX-512F.  Only bits the CPU reports in CPUID leaf 0xD are set, none is
 * cleared, and the state is left enabled: the OS sets CR4 and XCR0 itself when it boots.
 *
 * Interrupts: OVMF's exception/interrupt entry (UefiCpuPkg CpuExceptionHandlerLib) saves
 * and restores only the legacy FXSAVE area (x87 and the low 128 bits of XMM0-15).  That
 * is enough for the timer interrupt itself: EDK2 builds firmware C with -march=x86-64, so
 * no firmware code uses VEX, and legacy SSE instructions leave the upper YMM/ZMM bits
 * alone.  But an event notification function dispatched from the timer interrupt could
 * call back into this driver (read our BlockIo) and run a VAES path in the middle of
 * another one, clobbering its upper halves, which FXRSTOR does not restore.  So each use
 * of a YMM/ZMM path runs at TPL_NOTIFY (the guard below), where no event notification of
 * TPL_CALLBACK or TPL_NOTIFY can run; disk reads stay outside it, at the caller's TPL.
 *
 * SEV-ES/SNP: CR4 and XSETBV are executed as ordinary instructions; nothing here touches
 * the GHCB.  KVM does not intercept XSETBV for SEV-ES/SNP guests (sev_es_init_vmcb in
 * Linux's arch/x86/kvm/svm/sev.c: the hypervisor cannot change the encrypted XCR0), and
 * CR4 writes are trap intercepts that the hardware completes, so neither raises #VC.
 * Had a hypervisor intercepted XSETBV, OVMF would have to handle it: OVMF 2022.11's #VC
 * handler (OvmfPkg/Library/CcExitLib) has no XSETBV case.  Its CPUID handler passes the
 * current XCR0 to the hypervisor, so CPUID leaf 0xD follows the new XCR0.  Not run under
 * SEV here: this machine has no SEV hardware.
 *
 * In the host shim (tests/shim) the code runs at CPL 3: there it only reports the path. */
#include "luksdxe.h"

#include "console.h"
#include "crypto/aes_impl.h"

#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_OSXSAVE    (1ull << 18)

#define XCR0_X87    0x01ull
#define XCR0_SSE    0x02ull
#define XCR0_AVX    0x04ull
#define XCR0_AVX512 0xe0ull /* opmask, ZMM_Hi256, Hi16_ZMM: only all three together */

static void cpuid(UINT32 leaf, UINT32 sub, UINT32 r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static unsigned cpl(void)
{
	UINT16 cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	return cs & 3;
}

static UINT64 read_cr4(void)
{
	UINT64 v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void write_cr4(UINT64 v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static UINT64 xgetbv0(void)
{
	UINT32 lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (UINT64)hi << 32 | lo;
}

static void xsetbv0(UINT64 v)
{
	__asm__ volatile("xsetbv" : : "a"((UINT32)v), "d"((UINT32)(v >> 32)), "c"(0) : "memory");
}

/* CPL 0 only.  Returns the XCR0 now in force (0 if the CPU has no XSAVE). */
static UINT64 enable_vector_state(void)
{
	UINT32 l0[4], l1[4], l7[4] = { 0, 0, 0, 0 }, ld[4];
	UINT64 cr4 = read_cr4(), want = cr4 | CR4_OSFXSR | CR4_OSXMMEXCPT, xcr0, add = 0;
	int xsave, avx;

	cpuid(0, 0, l0);
	cpuid(1, 0, l1);
	if (l0[0] >= 7)
		cpuid(7, 0, l7);
	xsave = (l1[2] >> 26) & 1;
	avx = (l1[2] >> 28) & 1;
	if (xsave)
		want |= CR4_OSXSAVE; /* setting it without XSAVE support would #GP */
	if (want != cr4)
		write_cr4(want);
	if (!xsave || l0[0] < 0xd)
		return 0;
	cpuid(0xd, 0, ld); /* EAX: the XCR0 bits this CPU supports (low half) */
	xcr0 = xgetbv0();
	if (avx && (ld[0] & (XCR0_SSE | XCR0_AVX)) == (XCR0_SSE | XCR0_AVX)) {
		add = XCR0_SSE | XCR0_AVX;
		if (((l7[1] >> 16) & 1) && (ld[0] & XCR0_AVX512) == XCR0_AVX512)
			add |= XCR0_AVX512;
	}
	if ((xcr0 | XCR0_X87 | add) != xcr0) {
		xsetbv0(xcr0 | XCR0_X87 | add);
		xcr0 = xgetbv0();
	}
	return xcr0;
}

/* The YMM/ZMM guard: TPL_NOTIFY while a VAES path runs (see above).  RaiseTPL to
 * TPL_HIGH_LEVEL first only to learn the current TPL without ever lowering it. */
static uintptr_t guard_enter(void)
{
	EFI_TPL old = luksdxe_bs->RaiseTPL(TPL_HIGH_LEVEL);

	luksdxe_bs->RestoreTPL(old < TPL_NOTIFY ? TPL_NOTIFY : old);
	return (uintptr_t)old;
}

static void guard_leave(uintptr_t old)
{
	luksdxe_bs->RestoreTPL((EFI_TPL)old);
}

/* A faster path the CPU has but that failed its known-answer check is worth a line: it
 * means an emulator or CPU that computes something else than its documentation says. */
static void report_failed_checks(ld_aes_impl used)
{
	for (int i = used + 1; i < LD_AES_IMPL_COUNT; i++) {
		if (ld_aes_impl_supported((ld_aes_impl)i) && !ld_aes_impl_usable((ld_aes_impl)i))
			luksdxe_con_printf("LuksDxe: AES-XTS path %s failed its known-answer check: "
					   "not used\n", ld_aes_impl_name((ld_aes_impl)i));
	}
}

void luksdxe_cpu_init(void)
{
	ld_aes_impl path;

	if (cpl() == 0) {
		UINT64 xcr0 = enable_vector_state();

		ld_aes_impl_set_guard(guard_enter, guard_leave);
		path = ld_aes_impl_current();
		report_failed_checks(path);
		luksdxe_con_printf("LuksDxe: AES-XTS path %s (XCR0 0x%llx)\n", ld_aes_impl_name(path),
				   (unsigned long long)xcr0);
		return;
	}
	path = ld_aes_impl_current();
	report_failed_checks(path);
	luksdxe_con_printf("LuksDxe: AES-XTS path %s\n", ld_aes_impl_name(path));
}

void luksdxe_cpu_exit_boot_services(void)
{
	/* RaiseTPL is gone with the boot services; no event can run any more either. */
	ld_aes_impl_set_guard(NULL, NULL);
}
