/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Argon2's lanes on the firmware's other processors, through EFI_MP_SERVICES_PROTOCOL
 * (PI specification volume 2, section 13.4; OVMF's CpuDxe publishes it).
 *
 * The portable core asks an ld_parallel (crypto/crypto.h) to run the lanes of each slice
 * and to return when all are done.  Here the boot processor (BSP) starts every enabled
 * application processor (AP) with StartupAllAPs in non-blocking mode, takes lanes itself
 * too, and then waits for the MP services' completion event.  Lanes are handed out
 * through an atomic counter, so any number of processors serves any number of lanes.
 *
 * What runs on an AP: the core's lane filler only, which touches nothing but the Argon2
 * memory the BSP allocated (boot-services memory) and calls no firmware service.  Each AP
 * runs it on a stack of our own (MP_STACK_SIZE, allocated by the BSP for the slice and
 * wiped when freed): the firmware's AP stacks are small (PcdCpuApStackSize) and the
 * filler, with its stack wipe, needs more.  The compression is chosen on each processor
 * (kdf_argon2.c), because XCR0 is per processor.  When anything fails the core runs the
 * lanes on the BSP, as without this file. */
#include <efi.h>

#include "console.h"
#include "crypto/crypto.h"
#include "luksdxe.h"

/* EFI_MP_SERVICES_PROTOCOL; gnu-efi does not define it.  Only the members used are
 * typed. */
typedef struct luksdxe_mp_services luksdxe_mp_services;
typedef VOID(EFIAPI *luksdxe_ap_procedure)(VOID *arg);
struct luksdxe_mp_services {
	EFI_STATUS(EFIAPI *GetNumberOfProcessors)(luksdxe_mp_services *self, UINTN *all,
						  UINTN *enabled);
	VOID *GetProcessorInfo;
	EFI_STATUS(EFIAPI *StartupAllAPs)(luksdxe_mp_services *self,
					  luksdxe_ap_procedure procedure, BOOLEAN single_thread,
					  EFI_EVENT wait_event, UINTN timeout_us, VOID *arg,
					  UINTN **failed_cpus);
	VOID *StartupThisAP;
	VOID *SwitchBSP;
	VOID *EnableDisableAP;
	VOID *WhoAmI;
};

static EFI_GUID guid_mp = { 0x3fdda605, 0xa76e, 0x4f46,
			    { 0xad, 0x29, 0x12, 0xf4, 0x53, 0x1b, 0x3d, 0x08 } };

#define MP_STACK_SIZE (64u * 1024)
#define MP_MAX_APS 63

static luksdxe_mp_services *mp;
static uint32_t mp_aps;         /* enabled APs we give a stack to */
static ld_parallel mp_parallel;
static uint32_t mp_most_workers; /* most processors one slice ran on, for the report */

struct mp_job {
	void (*fn)(void *arg, uint32_t i);
	void *arg;
	uint32_t n;
	uint32_t next;    /* next lane to hand out (atomic) */
	uint32_t slot;    /* next AP stack to hand out (atomic) */
	uint32_t workers; /* processors that ran at least one lane (atomic) */
	uint8_t *stacks;  /* mp_aps stacks of MP_STACK_SIZE */
};

static void mp_work(struct mp_job *j)
{
	uint32_t i, ran = 0;

	while ((i = __atomic_fetch_add(&j->next, 1, __ATOMIC_ACQ_REL)) < j->n) {
		j->fn(j->arg, i);
		ran = 1;
	}
	if (ran)
		__atomic_fetch_add(&j->workers, 1, __ATOMIC_ACQ_REL);
	/* Blocks written here are read by other processors in the next slice. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Calls mp_work(j) with the stack pointer at top (16-byte aligned), then returns on the
 * stack it came from.  mp_work follows the compiler's default (System V) convention:
 * its argument in RDI, every other general and vector register it may change listed. */
static __attribute__((noinline)) void mp_work_on_stack(struct mp_job *j, uint8_t *top)
{
	void (*f)(struct mp_job *) = mp_work;

	__asm__ __volatile__("mov %%rsp, %%rbx\n\t"
			     "mov %[top], %%rsp\n\t"
			     "call *%[f]\n\t"
			     "mov %%rbx, %%rsp"
			     : "+D"(j), [top] "+S"(top), [f] "+a"(f)
			     :
			     : "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "memory", "cc",
			       "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
			       "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
			       "xmm15");
}

static VOID EFIAPI mp_ap_main(VOID *arg)
{
	struct mp_job *j = arg;
	uint32_t s = __atomic_fetch_add(&j->slot, 1, __ATOMIC_ACQ_REL);

	if (s >= mp_aps)
		return; /* more APs than stacks: the others do the work */
	mp_work_on_stack(j, (uint8_t *)((uintptr_t)(j->stacks + (size_t)(s + 1) * MP_STACK_SIZE) &
					~(uintptr_t)15));
}

/* Finds the MP services and the enabled APs, once they exist: a driver dispatched from a
 * firmware volume may start before CpuDxe has published the protocol, so this is asked
 * at each slice until it succeeds.  0 when there is no AP to use. */
static int mp_ready(void)
{
	UINTN all = 0, enabled = 0;
	luksdxe_mp_services *p = NULL;

	if (mp != NULL)
		return 1;
	if (luksdxe_bs->LocateProtocol(&guid_mp, NULL, (void **)&p) != EFI_SUCCESS || p == NULL ||
	    p->GetNumberOfProcessors(p, &all, &enabled) != EFI_SUCCESS || enabled < 2)
		return 0;
	mp_aps = enabled - 1 > MP_MAX_APS ? MP_MAX_APS : (uint32_t)(enabled - 1);
	mp = p;
	luksdxe_con_printf("\nLuksDxe: %u processors for Argon2 lanes\n", (unsigned)(mp_aps + 1));
	return 1;
}

static int mp_run(void *ctx, uint32_t n, void (*fn)(void *arg, uint32_t i), void *arg)
{
	struct mp_job j = { fn, arg, n, 0, 0, 0, NULL };
	size_t bytes;
	EFI_EVENT done = NULL;
	EFI_STATUS s;
	int all_returned = 0;

	(void)ctx;
	if (!mp_ready())
		return LD_ERR_UNSUPPORTED; /* the core runs the lanes here */
	bytes = (size_t)mp_aps * MP_STACK_SIZE;
	j.stacks = luksdxe_alloc.alloc(NULL, bytes);
	if (j.stacks == NULL)
		return LD_ERR_NOMEM;
	s = luksdxe_bs->CreateEvent(0, 0, NULL, NULL, &done);
	if (s == EFI_SUCCESS)
		s = mp->StartupAllAPs(mp, mp_ap_main, FALSE, done, 0, &j, NULL);
	if (s != EFI_SUCCESS) {
		/* No AP started: the core runs every lane here. */
		if (done != NULL)
			luksdxe_bs->CloseEvent(done);
		luksdxe_alloc.free(NULL, j.stacks, bytes);
		return LD_ERR_UNSUPPORTED;
	}
	/* Hand out lanes once every AP has checked in (or all have already returned): APs
	 * take a while to wake, and a lane taken early by a processor that then also takes
	 * another would leave an AP idle and double the slice's time. */
	while (__atomic_load_n(&j.slot, __ATOMIC_ACQUIRE) < mp_aps) {
		if (luksdxe_bs->CheckEvent(done) == EFI_SUCCESS) {
			all_returned = 1;
			break;
		}
	}
	mp_work(&j);
	/* Signalled by the MP services once every AP has returned. */
	while (!all_returned && luksdxe_bs->CheckEvent(done) != EFI_SUCCESS)
		;
	luksdxe_bs->CloseEvent(done);
	luksdxe_alloc.free(NULL, j.stacks, bytes); /* wipes the APs' stacks */
	if (j.workers > mp_most_workers) {
		mp_most_workers = j.workers;
		/* On a line of its own: the key derivation's progress may be half-way
		 * through one. */
		luksdxe_con_printf("\nLuksDxe: Argon2 lanes ran on %u processors\n",
				   (unsigned)mp_most_workers);
	}
	return LD_OK;
}

void luksdxe_mp_init(void)
{
	mp = NULL;
	mp_aps = 0;
	mp_most_workers = 1;
	if (luksdxe_bs->LocateProtocol == NULL) /* the host test shim has none */
		return;
	mp_parallel.run = mp_run;
	mp_parallel.ctx = NULL;
	ld_argon2_set_parallel(&mp_parallel);
}
