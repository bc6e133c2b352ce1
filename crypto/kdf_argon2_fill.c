/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Argon2 segment filling (RFC 9106 section 3.4, version 0x13) around a compression
 * function chosen at run time: the reference's fill_segment() calls its own portable
 * fill_block(), so the vector paths need this driver of their own.  The reference
 * block selection, index_alpha() from the reference core, is reused as is. */
#include "crypto/kdf_argon2.h"

#include <string.h>

/* Address block for data-independent addressing: G(0, G(0, input)), input's counter
 * (word 6) incremented first (RFC 9106 3.4.1.2). */
static void next_addresses(block *addr, block *input, const block *zero, ld_argon2_g_fn g)
{
	input->v[6]++;
	g(addr, zero, input, 0, NULL);
	g(addr, zero, addr, 0, NULL);
}

const block *ld_argon2_ref(const argon2_instance_t *inst, const argon2_position_t *pos,
			   uint64_t rnd)
{
	/* J2 picks the lane, except in the first slice of the first pass, where only the
	 * own lane exists yet; J1 picks the block within the reference area. */
	uint32_t lane = (pos->pass == 0 && pos->slice == 0) ? pos->lane
							     : (uint32_t)((rnd >> 32) % inst->lanes);
	uint32_t index = index_alpha(inst, pos, (uint32_t)rnd, lane == pos->lane);

	return &inst->memory[(size_t)lane * inst->lane_length + index];
}

void ld_argon2_fill_segment(const argon2_instance_t *inst, uint32_t pass, uint32_t lane,
			    uint32_t slice, ld_argon2_g_fn g)
{
	const uint32_t seg = inst->segment_length, lane_len = inst->lane_length;
	/* Argon2i always, Argon2id in the first half of the first pass. */
	const int indep = inst->type == Argon2_i ||
			  (inst->type == Argon2_id && pass == 0 && slice < ARGON2_SYNC_POINTS / 2);
	/* The first two blocks of each lane come from H0 (fill_first_blocks). */
	const uint32_t start = (pass == 0 && slice == 0) ? 2 : 0;
	block addr, input, zero;
	argon2_position_t pos;
	struct ld_argon2_next nx;
	uint32_t i;

	if (indep) {
		memset(&zero, 0, sizeof(zero));
		memset(&input, 0, sizeof(input));
		input.v[0] = pass;
		input.v[1] = lane;
		input.v[2] = slice;
		input.v[3] = inst->memory_blocks;
		input.v[4] = inst->passes;
		input.v[5] = (uint64_t)inst->type;
		if (start != 0) /* i = 0 would have produced the first address block */
			next_addresses(&addr, &input, &zero, g);
	}
	pos.pass = pass;
	pos.lane = lane;
	pos.slice = (uint8_t)slice;
	nx.inst = inst;
	nx.pos = pos;
	for (i = start; i < seg; i++) {
		uint32_t cur = lane * lane_len + slice * seg + i;
		/* The previous block; for the first block of a lane, the lane's last one. */
		uint32_t prev = cur % lane_len == 0 ? cur + lane_len - 1 : cur - 1;
		uint64_t rnd;

		if (indep) {
			if (i % ARGON2_ADDRESSES_IN_BLOCK == 0)
				next_addresses(&addr, &input, &zero, g);
			rnd = addr.v[i % ARGON2_ADDRESSES_IN_BLOCK];
			/* The next address is known already: prefetch its block now. */
			if (i + 1 < seg && (i + 1) % ARGON2_ADDRESSES_IN_BLOCK != 0) {
				nx.pos.index = i + 1;
				ld_argon2_prefetch(ld_argon2_ref(inst, &nx.pos,
								 addr.v[(i + 1) % ARGON2_ADDRESSES_IN_BLOCK]));
			}
		} else {
			rnd = inst->memory[prev].v[0];
		}
		pos.index = i;
		nx.pos.index = i + 1;
		g(&inst->memory[cur], &inst->memory[prev], ld_argon2_ref(inst, &pos, rnd), pass != 0,
		  indep || i + 1 == seg ? NULL : &nx);
	}
	/* addr, input: derived from public values only; kdf_argon2.c burns the stack. */
}
