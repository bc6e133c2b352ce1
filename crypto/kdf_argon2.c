/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Argon2i / Argon2id (RFC 9106, version 0x13) over the reference implementation that
 * cryptsetup bundles.
 *
 * We do not call argon2_ctx(): it allocates through callbacks that receive no user
 * pointer and it runs all passes without a way to report progress.  Instead this file
 * does what argon2_ctx() does, using the reference's own building blocks from core.h:
 * validate_inputs() for the parameter checks, initial_hash() + fill_first_blocks() for
 * H0 and the first two blocks of each lane, fill_segment() for every (pass, slice, lane),
 * and finalize() for the tag.  The block memory comes from the caller's ld_alloc, and
 * progress is reported after every slice (4 per pass).  No third-party file is patched.
 *
 * Where the CPU offers AVX-512, AVX2 or SSSE3 (kdf_cpu.h), segments are filled by our
 * own driver and vector compression (kdf_argon2_fill.c, kdf_argon2_{avx512,avx2,ssse3}.c)
 * instead of the reference's fill_segment().  The lanes of a slice may run in parallel
 * through a caller's ld_parallel. */
#include "crypto/crypto.h"

#include <string.h>

#include "argon2.h"
#include "core.h"
#include "crypto/kdf_argon2.h"
#include "crypto/kdf_cpu.h"

/* finalize() wipes the block memory and then hands it to free_cbk; we release it
 * ourselves through the ld_alloc afterwards, so the callback has nothing to do. */
static void argon2_keep_memory(uint8_t *memory, size_t bytes)
{
	(void)memory;
	(void)bytes;
}

/* Never called (we never call initialize()/allocate_memory()), but validate_inputs()
 * insists that allocate_cbk and free_cbk are both set or both NULL. */
static int argon2_no_alloc(uint8_t **memory, size_t bytes)
{
	(void)bytes;
	*memory = NULL;
	return ARGON2_MEMORY_ALLOCATION_ERROR;
}

/* The reference keeps block-sized temporaries on the stack and does not wipe them:
 * fill_block()'s R = ref ^ prev and its permutation (their XOR is the block it just
 * wrote) and blake2b_compress()'s message words.  After the last block, that residue is
 * enough to recompute the tag, i.e. the derived key, and a firmware stack outlives the
 * driver's work (the OS gets boot-services memory as it finds it).  So once a derivation
 * ends, the stack it used below our frame is overwritten, and so is the stack of each
 * lane's segment, which may have run on another processor.  Our vector compressions keep
 * the same two matrices on the stack.  The deepest chains are fill_segment or
 * ld_argon2_fill_segment (3 blocks) -> fill_block or a vector G (2 blocks), and
 * finalize (2 blocks) -> blake2b_long -> blake2b_compress: under 8 KiB; 16 KiB leaves
 * room for sanitizer redzones and larger frames.  noinline keeps the buffer in a frame of its own, below
 * ours, where those calls ran. */
#define ARGON2_STACK_BURN (16u * 1024)

static __attribute__((noinline)) void argon2_burn_stack(void)
{
	uint8_t scratch[ARGON2_STACK_BURN];

	ld_wipe(scratch, sizeof(scratch));
}

/* The compression for the processor this runs on: AVX-512, AVX2, SSSE3, or NULL for the
 * reference's code.  Asked on each processor, not once: XCR0 (which vector state the
 * system enabled) is per processor, and firmware may have enabled the AVX state on the
 * boot processor only.  Every path computes the same function. */
static ld_argon2_g_fn select_g(void)
{
#if defined(LD_HAVE_ARGON2_SIMD)
	uint32_t f = ld_kdf_cpu_features();

	if (f & LD_KDF_CPU_AVX512)
		return ld_argon2_g_avx512;
	if (f & LD_KDF_CPU_AVX2)
		return ld_argon2_g_avx2;
	if (f & LD_KDF_CPU_SSSE3)
		return ld_argon2_g_ssse3;
#endif
	return NULL;
}

/* One slice: what each lane's worker needs. */
struct slice_job {
	const argon2_instance_t *inst;
	uint32_t pass, slice;
};

/* Fills the segment of one lane, then wipes the stack it used: on another processor
 * (a thread, an application processor) that stack is not ours to burn afterwards. */
static void fill_lane(void *arg, uint32_t lane)
{
	const struct slice_job *j = arg;
	ld_argon2_g_fn g = select_g();

	if (g != NULL) {
		ld_argon2_fill_segment(j->inst, j->pass, lane, j->slice, g);
	} else {
		argon2_position_t pos = { j->pass, lane, (uint8_t)j->slice, 0 };
		fill_segment(j->inst, pos);
	}
	argon2_burn_stack();
}

int ld_argon2_keyed_par(ld_argon2_type type, uint32_t t_cost, uint32_t m_cost_kib,
			uint32_t lanes, const uint8_t *pw, size_t pwlen, const uint8_t *salt,
			size_t saltlen, const uint8_t *secret, size_t secretlen, const uint8_t *ad,
			size_t adlen, uint8_t *out, size_t outlen, const ld_alloc *alloc,
			const ld_parallel *par, ld_progress_fn progress, void *progress_ctx)
{
	argon2_context ctx;
	argon2_instance_t inst;
	struct slice_job job;
	uint8_t h0[ARGON2_PREHASH_SEED_LENGTH];
	uint32_t blocks, seg;
	size_t bytes;
	uint64_t total, done = 0;
	argon2_type atype;

	if (alloc == NULL || alloc->alloc == NULL || alloc->free == NULL || out == NULL ||
	    (pw == NULL && pwlen != 0) || salt == NULL || (secret == NULL && secretlen != 0) ||
	    (ad == NULL && adlen != 0))
		return LD_ERR_INVALID;
	if (type == LD_ARGON2I)
		atype = Argon2_i;
	else if (type == LD_ARGON2ID)
		atype = Argon2_id;
	else
		return LD_ERR_UNSUPPORTED;
	if (pwlen > ARGON2_MAX_PWD_LENGTH || saltlen > ARGON2_MAX_SALT_LENGTH ||
	    secretlen > ARGON2_MAX_SECRET || adlen > ARGON2_MAX_AD_LENGTH ||
	    outlen > ARGON2_MAX_OUTLEN)
		return LD_ERR_INVALID;

	memset(&ctx, 0, sizeof(ctx));
	ctx.out = out;
	ctx.outlen = (uint32_t)outlen;
	/* The reference takes non-const pointers only because ARGON2_FLAG_CLEAR_PASSWORD/SECRET
	 * may wipe the inputs; flags stays 0 here, so they are only read. */
	ctx.pwd = (uint8_t *)(uintptr_t)pw;
	ctx.pwdlen = (uint32_t)pwlen;
	ctx.salt = (uint8_t *)(uintptr_t)salt;
	ctx.saltlen = (uint32_t)saltlen;
	ctx.secret = (uint8_t *)(uintptr_t)secret;
	ctx.secretlen = (uint32_t)secretlen;
	ctx.ad = (uint8_t *)(uintptr_t)ad;
	ctx.adlen = (uint32_t)adlen;
	ctx.t_cost = t_cost;
	ctx.m_cost = m_cost_kib;
	ctx.lanes = lanes;
	ctx.threads = lanes;
	ctx.version = ARGON2_VERSION_13;
	ctx.allocate_cbk = argon2_no_alloc;
	ctx.free_cbk = argon2_keep_memory;
	ctx.flags = ARGON2_DEFAULT_FLAGS;
	if (validate_inputs(&ctx) != ARGON2_OK)
		return LD_ERR_INVALID;

	/* RFC 9106 3.2: m' = 4 * p * floor(m / 4p), at least 8p blocks of 1 KiB. */
	blocks = m_cost_kib;
	if (blocks < 2 * ARGON2_SYNC_POINTS * lanes)
		blocks = 2 * ARGON2_SYNC_POINTS * lanes;
	seg = blocks / (lanes * ARGON2_SYNC_POINTS);
	blocks = seg * lanes * ARGON2_SYNC_POINTS;
	/* blocks < 2^32 and a block is 1 KiB: with a 64-bit size_t this cannot overflow;
	 * the check matters only for 32-bit targets. */
	if ((uint64_t)blocks * sizeof(block) > (uint64_t)SIZE_MAX)
		return LD_ERR_NOMEM;
	bytes = (size_t)blocks * sizeof(block);

	memset(&inst, 0, sizeof(inst));
	inst.version = ctx.version;
	inst.passes = t_cost;
	inst.memory_blocks = blocks;
	inst.segment_length = seg;
	inst.lane_length = seg * ARGON2_SYNC_POINTS;
	inst.lanes = lanes;
	inst.threads = 1;
	inst.type = atype;
	inst.context_ptr = &ctx;
	/* block is uint64_t[128]: the allocator must return memory aligned for uint64_t. */
	inst.memory = alloc->alloc(alloc->ctx, bytes);
	if (inst.memory == NULL)
		return LD_ERR_NOMEM;

	initial_hash(h0, &ctx, atype);
	/* The last 8 bytes of the seed hold the block index and lane, set by
	 * fill_first_blocks(); they must start at zero. */
	memset(h0 + ARGON2_PREHASH_DIGEST_LENGTH, 0,
	       ARGON2_PREHASH_SEED_LENGTH - ARGON2_PREHASH_DIGEST_LENGTH);
	fill_first_blocks(h0, &inst);
	ld_wipe(h0, sizeof(h0));

	total = (uint64_t)t_cost * ARGON2_SYNC_POINTS;
	job.inst = &inst;
	for (uint32_t pass = 0; pass < t_cost; pass++) {
		for (uint32_t slice = 0; slice < ARGON2_SYNC_POINTS; slice++) {
			/* Within a slice the lanes are independent; the next slice may
			 * reference any lane, so all lanes of a slice finish first: run()
			 * returns only when every lane has. */
			job.pass = pass;
			job.slice = slice;
			if (par == NULL || par->run == NULL || lanes == 1 ||
			    par->run(par->ctx, lanes, fill_lane, &job) != LD_OK) {
				for (uint32_t lane = 0; lane < lanes; lane++)
					fill_lane(&job, lane);
			}
			done++;
			if (progress != NULL)
				progress(progress_ctx, done, total);
		}
	}

	finalize(&ctx, &inst); /* writes out, wipes the blocks */
	alloc->free(alloc->ctx, inst.memory, bytes);
	ld_wipe(&inst, sizeof(inst));
	ld_wipe(&ctx, sizeof(ctx));
	ld_wipe(&job, sizeof(job));
	argon2_burn_stack();
	return LD_OK;
}

static const ld_parallel *default_parallel;

void ld_argon2_set_parallel(const ld_parallel *par)
{
	default_parallel = par;
}

int ld_argon2_keyed(ld_argon2_type type, uint32_t t_cost, uint32_t m_cost_kib, uint32_t lanes,
		    const uint8_t *pw, size_t pwlen, const uint8_t *salt, size_t saltlen,
		    const uint8_t *secret, size_t secretlen, const uint8_t *ad, size_t adlen,
		    uint8_t *out, size_t outlen, const ld_alloc *alloc,
		    ld_progress_fn progress, void *progress_ctx)
{
	return ld_argon2_keyed_par(type, t_cost, m_cost_kib, lanes, pw, pwlen, salt, saltlen,
				   secret, secretlen, ad, adlen, out, outlen, alloc,
				   default_parallel, progress, progress_ctx);
}

int ld_argon2(ld_argon2_type type, uint32_t t_cost, uint32_t m_cost_kib, uint32_t lanes,
	      const uint8_t *pw, size_t pwlen, const uint8_t *salt, size_t saltlen,
	      uint8_t *out, size_t outlen, const ld_alloc *alloc,
	      ld_progress_fn progress, void *progress_ctx)
{
	return ld_argon2_keyed(type, t_cost, m_cost_kib, lanes, pw, pwlen, salt, saltlen, NULL, 0,
			       NULL, 0, out, outlen, alloc, progress, progress_ctx);
}
