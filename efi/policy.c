/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* See policy.h.  Pure: no UEFI calls, no globals, so that the host tests and the fuzzer
 * run exactly this code.  Caution: this file parses untrusted input (device paths handed
 * to LoadImage). */
#include <string.h>
#include "policy.h"

/* UEFI 2.10 section 10.3: node header { UINT8 Type; UINT8 SubType; UINT16 Length }. */
#define DP_HDR 4u
#define DP_TYPE_MEDIA 0x04
#define DP_TYPE_END 0x7f
#define DP_END_INSTANCE 0x01
#define DP_END_ENTIRE 0xff
#define DP_MEDIA_HARDDRIVE 0x01
#define DP_MEDIA_CDROM 0x02
#define DP_MEDIA_VENDOR 0x03
#define DP_MEDIA_FILEPATH 0x04
#define DP_MEDIA_PIWG_FW_FILE 0x06
#define DP_PIWG_FW_FILE_LEN (DP_HDR + 16u)

static size_t node_len(const uint8_t *n)
{
	return (size_t)n[2] | (size_t)n[3] << 8;
}

long luksdxe_dp_length(const uint8_t *path, size_t maxlen)
{
	size_t off = 0;
	if (!path)
		return -1;
	for (unsigned i = 0; i < LUKSDXE_DP_MAX_NODES; i++) {
		if (maxlen - off < DP_HDR)
			return -1;
		const uint8_t *n = path + off;
		size_t len = node_len(n);
		if (len < DP_HDR || len > maxlen - off)
			return -1;
		if (n[0] == DP_TYPE_END) {
			/* A file to load is one path: a second instance is not a file path. */
			if (n[1] != DP_END_ENTIRE || len != DP_HDR)
				return -1;
			return (long)off;
		}
		off += len;
	}
	return -1;
}

/* Does the path start with prefix p, on a node boundary? (p is well formed: ours.) */
static int has_prefix(const uint8_t *path, size_t len, const luksdxe_dp *p)
{
	return p->len > 0 && p->len <= len && memcmp(path, p->bytes, p->len) == 0;
}

/* Rule (a): exactly one platform FV, then one PIWG firmware-file node. */
static int is_fv_file(const luksdxe_policy_ctx *ctx, const uint8_t *path, size_t len,
		      int *foreign)
{
	*foreign = 0;
	if (len < DP_PIWG_FW_FILE_LEN)
		return 0;
	const uint8_t *last = path + len - DP_PIWG_FW_FILE_LEN;
	if (last[0] != DP_TYPE_MEDIA || last[1] != DP_MEDIA_PIWG_FW_FILE ||
	    node_len(last) != DP_PIWG_FW_FILE_LEN)
		return 0;
	size_t fvlen = len - DP_PIWG_FW_FILE_LEN;
	for (size_t i = 0; i < ctx->n_fvs; i++)
		if (ctx->fvs[i].len == fvlen && memcmp(ctx->fvs[i].bytes, path, fvlen) == 0) {
			/* The file node must be the one right after the FV's path, i.e. the
			 * FV path ends on a node boundary exactly where the file node begins:
			 * equal length and bytes guarantee it. */
			return 1;
		}
	*foreign = 1;
	return 0;
}

/* After a volume's path: media nodes only - partitions (HD, CD-ROM) then one or more
 * file path nodes, the last node being a file path. */
static int plain_file_tail(const uint8_t *tail, size_t len)
{
	size_t off = 0;
	int files = 0;
	while (off < len) {
		const uint8_t *n = tail + off;
		if (n[0] != DP_TYPE_MEDIA)
			return 0;
		if (n[1] == DP_MEDIA_FILEPATH)
			files++;
		else if ((n[1] == DP_MEDIA_HARDDRIVE || n[1] == DP_MEDIA_CDROM) && files == 0)
			;
		else
			return 0;
		off += node_len(n); /* checked by luksdxe_dp_length */
	}
	return files > 0;
}

/* Rule (c): is the path, end node excluded, exactly one of the named hand-overs? */
static int is_memory_case(const uint8_t *path, size_t len)
{
	static const uint8_t stub[] = LUKSDXE_MEMORY_SYSTEMD_STUB_PATH;
	static const struct {
		const uint8_t *path;
		size_t len;
	} cases[] = { { stub, sizeof(stub) } };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (len == cases[i].len && memcmp(path, cases[i].path, len) == 0)
			return 1;
	return 0;
}

luksdxe_verdict luksdxe_policy_decide(const luksdxe_policy_ctx *ctx, const uint8_t *path,
				      size_t maxlen, size_t *volume)
{
	if (!path)
		return LUKSDXE_DENY_NO_PATH;
	long l = luksdxe_dp_length(path, maxlen);
	if (l < 0)
		return LUKSDXE_DENY_MALFORMED;
	size_t len = (size_t)l;

	int foreign;
	if (is_fv_file(ctx, path, len, &foreign))
		return LUKSDXE_ALLOW_FV;
	if (foreign)
		return LUKSDXE_DENY_FOREIGN_FV;

	/* The longest matching volume wins (a LuksDxe volume inside another one). */
	size_t best = ctx->n_volumes, best_len = 0;
	for (size_t i = 0; i < ctx->n_volumes; i++)
		if (has_prefix(path, len, &ctx->volumes[i]) && ctx->volumes[i].len > best_len) {
			best = i;
			best_len = ctx->volumes[i].len;
		}
	if (best == ctx->n_volumes) {
		if (!ctx->from_memory)
			return LUKSDXE_DENY_UNENCRYPTED;
		if (ctx->owner_running && is_memory_case(path, len))
			return LUKSDXE_ALLOW_OWNER_MEMORY;
		return LUKSDXE_DENY_MEMORY;
	}
	if (volume)
		*volume = best;
	if (ctx->pins_present && !ctx->pinned[best])
		return LUKSDXE_DENY_NOT_PINNED;
	if (ctx->verity_present && !(ctx->verified && ctx->verified[best]))
		return LUKSDXE_DENY_NOT_VERIFIED;
	if (!plain_file_tail(path + best_len, len - best_len))
		return LUKSDXE_DENY_BAD_VOLUME_PATH;
	return LUKSDXE_ALLOW_VOLUME;
}

const char *luksdxe_verdict_text(luksdxe_verdict v)
{
	switch (v) {
	case LUKSDXE_ALLOW_FV: return "in the platform's firmware volume";
	case LUKSDXE_ALLOW_VOLUME: return "on an unlocked volume";
	case LUKSDXE_ALLOW_OWNER_MEMORY: return "handed over from memory by an image from an unlocked volume";
	case LUKSDXE_DENY_MEMORY: return "an image from memory that is not systemd-stub's kernel hand-over from a running owner image";
	case LUKSDXE_DENY_NO_PATH: return "no device path (an image from memory)";
	case LUKSDXE_DENY_MALFORMED: return "malformed device path";
	case LUKSDXE_DENY_FOREIGN_FV: return "a firmware volume the platform did not publish";
	case LUKSDXE_DENY_NOT_PINNED: return "on an unlocked volume that the secret does not pin";
	case LUKSDXE_DENY_BAD_VOLUME_PATH: return "on an unlocked volume, but not a file path";
	case LUKSDXE_DENY_UNENCRYPTED: return "not on a volume the guest owner encrypted";
	case LUKSDXE_DENY_NOT_VERIFIED: return "on an unlocked volume that no dm-verity tree of the secret vouches for";
	}
	return "?";
}
