/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* libFuzzer target for the load policy's decision (efi/policy.c): the device path handed
 * to LoadImage is the caller's, i.e. untrusted.  Input layout:
 *   byte 0      bits 0-1 number of firmware volumes (0..3), bits 2-3 number of unlocked
 *               volumes (0..3), bit 4 pins_present, bits 5-7 pinned[0..2]
 *   then        for each FV, then each volume: u16 LE length L, then L bytes (its path
 *               without the end node; the driver's own paths are well formed, but any
 *               bytes are accepted here)
 *   the rest    the device path to judge, copied into a buffer of exactly its size.
 * Each input is judged with and without an owner image running, from memory or not, and
 * with verity absent, present with verified[i] = pinned[(i + 1) % 3], and present with no
 * verified array.
 * Invariants, each checked independently of policy.c:
 *   - a path that does not walk as one instance ending in 7f ff 04 00 within maxlen is
 *     MALFORMED, and only such a path is;
 *   - ALLOW_FV: the path is one FV's path exactly, then one 20-byte PIWG file node;
 *   - ALLOW_VOLUME, DENY_NOT_PINNED, DENY_NOT_VERIFIED, DENY_BAD_VOLUME_PATH: *volume names
 *     a volume whose path is a prefix of this one, and no longer volume path is; the pin
 *     state agrees, then the verity state (verity present and the volume not verified);
 *     ALLOW_VOLUME's tail is partition nodes then file nodes, ending in a file node;
 *   - DENY_UNENCRYPTED: no volume is a prefix and the path is no platform FV file, and
 *     rule (c) does not hold;
 *   - ALLOW_OWNER_MEMORY (rule c): no volume is a prefix, the image is from memory while an
 *     owner image runs, and the path is only vendor media (04/03) and file (04/04) nodes
 *     (each input is judged with all four combinations of those two context flags);
 *   - the verdict does not change when maxlen is cut to the path's exact length. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "efi/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXCTX 3

static size_t nlen(const uint8_t *n)
{
	return (size_t)n[2] | (size_t)n[3] << 8;
}

/* Length up to the end node, walking the nodes here again; -1 if malformed. */
static long walk(const uint8_t *p, size_t max)
{
	size_t off = 0;
	for (unsigned i = 0; i < LUKSDXE_DP_MAX_NODES; i++) {
		if (max - off < 4 || nlen(p + off) < 4 || nlen(p + off) > max - off)
			return -1;
		if (p[off] == 0x7f)
			return p[off + 1] == 0xff && nlen(p + off) == 4 ? (long)off : -1;
		off += nlen(p + off);
	}
	return -1;
}

static int prefix(const luksdxe_dp *v, const uint8_t *p, size_t len)
{
	return v->len > 0 && v->len <= len && memcmp(v->bytes, p, v->len) == 0;
}

/* Rule (c)'s one case: systemd-stub's payload path, written out here from systemd 252's
 * src/boot/efi/linux.c (STUB_PAYLOAD_GUID 55c5d1f8-04cd-46b5-8a20-e56cbb3052d0 in one
 * MEDIA_DEVICE_PATH / MEDIA_VENDOR_DP node of 20 bytes), not from policy.h. */
static int stub_path(const uint8_t *p, size_t len)
{
	static const uint8_t stub[20] = { 4, 3, 20, 0, 0xf8, 0xd1, 0xc5, 0x55, 0xcd, 0x04,
					  0xb5, 0x46, 0x8a, 0x20, 0xe5, 0x6c, 0xbb, 0x30, 0x52, 0xd0 };
	return len == sizeof(stub) && memcmp(p, stub, len) == 0;
}

/* The tail after a volume: HD/CD-ROM nodes, then one or more file-path nodes. */
static int plain_tail(const uint8_t *t, size_t len)
{
	size_t off = 0;
	int files = 0;
	while (off < len) {
		if (t[off] != 0x04)
			return 0;
		if (t[off + 1] == 0x04)
			files++;
		else if (files || (t[off + 1] != 0x01 && t[off + 1] != 0x02))
			return 0;
		off += nlen(t + off);
	}
	return files > 0;
}

static void check(const luksdxe_policy_ctx *c, const uint8_t *p, size_t max)
{
	size_t vol = (size_t)-1;
	luksdxe_verdict v = luksdxe_policy_decide(c, p, max, &vol);
	long w = walk(p, max);
	if (v < LUKSDXE_ALLOW_FV || v > LUKSDXE_DENY_MEMORY)
		abort();
	if (strcmp(luksdxe_verdict_text(v), "?") == 0)
		abort();
	if ((w < 0) != (v == LUKSDXE_DENY_MALFORMED) || w != luksdxe_dp_length(p, max))
		abort();
	if (w < 0)
		return;
	size_t len = (size_t)w, best = c->n_volumes, best_len = 0;
	for (size_t i = 0; i < c->n_volumes; i++)
		if (prefix(&c->volumes[i], p, len) && c->volumes[i].len > best_len) {
			best = i;
			best_len = c->volumes[i].len;
		}
	int fv_file = 0;
	for (size_t i = 0; i < c->n_fvs; i++)
		if (c->fvs[i].len + 20 == len && memcmp(c->fvs[i].bytes, p, c->fvs[i].len) == 0 &&
		    p[len - 20] == 0x04 && p[len - 19] == 0x06 && nlen(p + len - 20) == 20)
			fv_file = 1;
	switch (v) {
	case LUKSDXE_ALLOW_FV:
		if (!fv_file)
			abort();
		break;
	case LUKSDXE_ALLOW_VOLUME:
	case LUKSDXE_DENY_NOT_PINNED:
	case LUKSDXE_DENY_NOT_VERIFIED:
	case LUKSDXE_DENY_BAD_VOLUME_PATH: {
		if (fv_file || vol >= c->n_volumes || !prefix(&c->volumes[vol], p, len) ||
		    c->volumes[vol].len != best_len)
			abort();
		int unpinned = c->pins_present && !c->pinned[vol];
		int unverified = c->verity_present && !(c->verified && c->verified[vol]);
		if ((v == LUKSDXE_DENY_NOT_PINNED) != unpinned)
			abort();
		if ((v == LUKSDXE_DENY_NOT_VERIFIED) != (!unpinned && unverified))
			abort();
		if (!unpinned && !unverified &&
		    (v == LUKSDXE_ALLOW_VOLUME) != plain_tail(p + best_len, len - best_len))
			abort();
		break;
	}
	case LUKSDXE_DENY_UNENCRYPTED:
	case LUKSDXE_ALLOW_OWNER_MEMORY:
	case LUKSDXE_DENY_MEMORY:
		if (fv_file || best != c->n_volumes)
			abort();
		if ((v == LUKSDXE_DENY_UNENCRYPTED) != !c->from_memory)
			abort();
		if ((v == LUKSDXE_ALLOW_OWNER_MEMORY) !=
		    (c->owner_running && c->from_memory && stub_path(p, len)))
			abort();
		break;
	case LUKSDXE_DENY_FOREIGN_FV:
		if (fv_file || len < 20 || p[len - 20] != 0x04 || p[len - 19] != 0x06 ||
		    nlen(p + len - 20) != 20)
			abort();
		break;
	default: /* NO_PATH is for NULL only; MALFORMED handled above */
		abort();
	}
	/* The same path with maxlen exactly its length (end node included). */
	size_t vol2 = (size_t)-1;
	if (luksdxe_policy_decide(c, p, len + 4, &vol2) != v || vol2 != vol)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned n_fvs = data[0] & 3, n_vols = (data[0] >> 2) & 3;
	luksdxe_dp fvs[MAXCTX], vols[MAXCTX];
	uint8_t pinned[MAXCTX], verified[MAXCTX];
	size_t off = 1;
	for (unsigned i = 0; i < n_fvs + n_vols; i++) {
		if (size - off < 2)
			return 0;
		size_t l = (size_t)data[off] | (size_t)data[off + 1] << 8;
		off += 2;
		if (l > size - off)
			return 0;
		luksdxe_dp d = { data + off, l };
		if (i < n_fvs)
			fvs[i] = d;
		else
			vols[i - n_fvs] = d;
		off += l;
	}
	for (unsigned i = 0; i < MAXCTX; i++)
		pinned[i] = (data[0] >> (5 + i)) & 1;
	for (unsigned i = 0; i < MAXCTX; i++)
		verified[i] = pinned[(i + 1) % MAXCTX];
	luksdxe_policy_ctx c = { fvs, n_fvs, vols, pinned, n_vols, (data[0] >> 4) & 1, 0, 0, NULL, 0 };

	size_t n = size - off;
	uint8_t *p = malloc(n ? n : 1);
	if (!p)
		return 0;
	memcpy(p, data + off, n);
	for (int k = 0; k < 12; k++) {
		c.owner_running = k & 1;
		c.from_memory = (k >> 1) & 1;
		c.verity_present = k >= 4;
		c.verified = k >= 8 ? NULL : verified;
		check(&c, p, n);
	}
	if (luksdxe_policy_decide(&c, NULL, n, NULL) != LUKSDXE_DENY_NO_PATH)
		abort();
	free(p);
	return 0;
}
