/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* dm-verity: the parameters, the superblock and the tree's geometry (verity.h).
 * Caution: ld_verity_sb_parse parses untrusted input (a superblock from the host's disk). */
#include <string.h>

#include "base/endian.h"
#include "base/str.h"
#include "verity/verity_internal.h"

#define SB_MAGIC "verity\0\0"
#define SB_MAGIC_LEN 8
#define SB_VERSION 1u
#define SB_ALG_LEN 32

/* Byte offsets of the superblock's fields (cryptsetup's struct verity_sb, packed). */
enum {
	SB_OFF_VERSION = 8,
	SB_OFF_HASH_TYPE = 12,
	SB_OFF_UUID = 16,
	SB_OFF_ALG = 32,
	SB_OFF_DATA_BS = 64,
	SB_OFF_HASH_BS = 68,
	SB_OFF_DATA_BLOCKS = 72,
	SB_OFF_SALT_SIZE = 80,
	SB_OFF_SALT = 88, /* after 6 bytes of padding; 168 more follow the salt */
};

static int block_size_check(uint32_t s, const char *what, char *err, size_t errlen)
{
	if (s < LD_VERITY_BLOCK_MIN || (s & (s - 1))) {
		ld_err3(err, errlen, what, " is not a power of two of at least 512", NULL);
		return LD_ERR_INVALID;
	}
	if (s > LD_VERITY_BLOCK_MAX) {
		ld_err3(err, errlen, what, " above 4096 is not supported", NULL);
		return LD_ERR_UNSUPPORTED;
	}
	return LD_OK;
}

static int hash_check(ld_hash_alg h, char *err, size_t errlen)
{
	switch (h) {
	case LD_HASH_SHA1:
	case LD_HASH_SHA256:
	case LD_HASH_SHA512:
		return LD_OK;
	case LD_HASH_RIPEMD160:
		ld_err3(err, errlen, "algorithm ripemd160 is not supported for verity", NULL, NULL);
		return LD_ERR_UNSUPPORTED;
	default:
		ld_err3(err, errlen, "algorithm: unknown hash", NULL, NULL);
		return LD_ERR_INVALID;
	}
}

/* floor(log2(n)) for n >= 1 */
static uint32_t log2_down(uint32_t n)
{
	uint32_t b = 0;

	while (n >> (b + 1))
		b++;
	return b;
}

int ld_verity_layout_of(const ld_verity_params *p, ld_verity_layout *l, char *err,
			size_t errlen)
{
	uint64_t n1 = p->data_blocks - 1, pos = 0, tree_bytes, hbs = p->hash_block_size;
	uint32_t i;

	memset(l, 0, sizeof(*l));
	l->digest = (uint32_t)ld_hash_size(p->hash);
	l->bits = log2_down(p->hash_block_size / l->digest);
	l->slot = p->hash_type == 1 ? p->hash_block_size >> l->bits : l->digest;
	while (l->bits * l->levels < 64 && (n1 >> (l->bits * l->levels)))
		l->levels++;
	if (l->levels > LD_VERITY_MAX_LEVELS)
		return ld_fail(err, errlen, "data_blocks: too many tree levels", NULL);
	/* the top level first: level i holds one digest per block of level i - 1 */
	for (i = l->levels; i-- > 0;) {
		uint32_t shift = (i + 1) * l->bits;
		l->start[i] = pos;
		l->count[i] = shift >= 64 ? 1 : (n1 >> shift) + 1;
		pos += l->count[i]; /* at most data_blocks / 4 in all: no overflow */
	}
	l->hash_blocks = pos;
	if (p->no_superblock) {
		l->tree_offset = p->hash_offset;
	} else {
		if (p->hash_offset > UINT64_MAX - LD_VERITY_SB_SIZE - (hbs - 1))
			return ld_fail(err, errlen, "hash_offset: the tree would start beyond 2^64",
				       NULL);
		l->tree_offset = (p->hash_offset + LD_VERITY_SB_SIZE + hbs - 1) / hbs * hbs;
	}
	if (l->hash_blocks > UINT64_MAX / hbs)
		return ld_fail(err, errlen, "data_blocks: the tree would not fit in 2^64 bytes", NULL);
	tree_bytes = l->hash_blocks * hbs;
	if (l->tree_offset > UINT64_MAX - tree_bytes)
		return ld_fail(err, errlen, "hash_offset: the tree would end beyond 2^64", NULL);
	l->hash_end = l->tree_offset + tree_bytes;
	return LD_OK;
}

int ld_verity_params_check(const ld_verity_params *p, char *err, size_t errlen)
{
	ld_verity_layout l;
	int r;

	if (err && errlen)
		err[0] = '\0';
	if (!p)
		return ld_fail(err, errlen, "no parameters", NULL);
	if (p->hash_type > 1) {
		ld_err3(err, errlen, "hash_type: only 0 (Chrome OS) and 1 (normal) are supported",
			NULL, NULL);
		return LD_ERR_UNSUPPORTED;
	}
	if ((r = hash_check(p->hash, err, errlen)) ||
	    (r = block_size_check(p->data_block_size, "data_block_size", err, errlen)) ||
	    (r = block_size_check(p->hash_block_size, "hash_block_size", err, errlen)))
		return r;
	if (p->data_blocks == 0)
		return ld_fail(err, errlen, "data_blocks is 0", NULL);
	if (p->data_blocks > UINT64_MAX / p->data_block_size)
		return ld_fail(err, errlen, "data_blocks: the data area would not fit in 2^64 bytes",
			       NULL);
	if (p->salt_size > LD_VERITY_SALT_MAX)
		return ld_fail(err, errlen, "salt_size is above 256", NULL);
	if (p->no_superblock != 0 && p->no_superblock != 1)
		return ld_fail(err, errlen, "no_superblock is neither 0 nor 1", NULL);
	if (p->hash_offset % 512)
		return ld_fail(err, errlen, "hash_offset is not a multiple of 512", NULL);
	if (p->no_superblock && p->hash_offset % p->hash_block_size)
		return ld_fail(err, errlen, "hash_offset: without a superblock it must be a multiple "
			       "of hash_block_size", NULL);
	return ld_verity_layout_of(p, &l, err, errlen);
}

int ld_verity_geometry_of(const ld_verity_params *p, ld_verity_geometry *g)
{
	ld_verity_layout l;

	memset(g, 0, sizeof(*g));
	if (ld_verity_params_check(p, NULL, 0) || ld_verity_layout_of(p, &l, NULL, 0))
		return LD_ERR_INVALID;
	g->levels = l.levels;
	g->tree_offset = l.tree_offset;
	g->hash_blocks = l.hash_blocks;
	g->hash_end = l.hash_end;
	return LD_OK;
}

/* The superblock's algorithm name in err's reason: printable ASCII, anything else '?'. */
static void name_reason(char *err, size_t errlen, const uint8_t *name, size_t len)
{
	char shown[SB_ALG_LEN + 1];
	size_t i;

	for (i = 0; i < len && i < SB_ALG_LEN; i++)
		shown[i] = name[i] >= 0x20 && name[i] < 0x7f ? (char)name[i] : '?';
	shown[i] = '\0';
	ld_err3(err, errlen, "algorithm \"", shown, "\" is not supported");
}

int ld_verity_sb_parse(const uint8_t sb[LD_VERITY_SB_SIZE], ld_verity_params *p,
		       uint8_t uuid[16], char *err, size_t errlen)
{
	const uint8_t *alg = sb + SB_OFF_ALG;
	size_t alen = 0;
	char num[21];

	if (err && errlen)
		err[0] = '\0';
	memset(p, 0, sizeof(*p));
	if (memcmp(sb, SB_MAGIC, SB_MAGIC_LEN))
		return ld_fail(err, errlen, "no verity superblock (no \"verity\" magic)", NULL);
	if (ld_le32(sb + SB_OFF_VERSION) != SB_VERSION) {
		ld_err3(err, errlen, "version ", ld_u64_str(ld_le32(sb + SB_OFF_VERSION), num),
			" is not supported (only 1)");
		return LD_ERR_UNSUPPORTED;
	}
	p->hash_type = ld_le32(sb + SB_OFF_HASH_TYPE);
	memcpy(uuid, sb + SB_OFF_UUID, 16);
	while (alen < SB_ALG_LEN && alg[alen])
		alen++;
	if (alen == SB_ALG_LEN)
		return ld_fail(err, errlen, "algorithm: the name is not NUL-terminated", NULL);
	if (ld_hash_from_name((const char *)alg, alen, &p->hash)) {
		name_reason(err, errlen, alg, alen);
		return LD_ERR_UNSUPPORTED;
	}
	p->data_block_size = ld_le32(sb + SB_OFF_DATA_BS);
	p->hash_block_size = ld_le32(sb + SB_OFF_HASH_BS);
	p->data_blocks = ld_le64(sb + SB_OFF_DATA_BLOCKS);
	p->salt_size = ld_le16(sb + SB_OFF_SALT_SIZE);
	if (p->salt_size > LD_VERITY_SALT_MAX)
		return ld_fail(err, errlen, "salt_size is above 256", NULL);
	memcpy(p->salt, sb + SB_OFF_SALT, p->salt_size);
	return ld_verity_params_check(p, err, errlen);
}

int ld_verity_sb_build(uint8_t sb[LD_VERITY_SB_SIZE], const ld_verity_params *p,
		       const uint8_t uuid[16])
{
	const char *name;

	if (ld_verity_params_check(p, NULL, 0) || p->no_superblock)
		return LD_ERR_INVALID;
	name = ld_hash_name(p->hash);
	memset(sb, 0, LD_VERITY_SB_SIZE);
	memcpy(sb, SB_MAGIC, SB_MAGIC_LEN);
	ld_put_le32(sb + SB_OFF_VERSION, SB_VERSION);
	ld_put_le32(sb + SB_OFF_HASH_TYPE, p->hash_type);
	memcpy(sb + SB_OFF_UUID, uuid, 16);
	memcpy(sb + SB_OFF_ALG, name, strlen(name)); /* "sha256": lower case, NUL padded */
	ld_put_le32(sb + SB_OFF_DATA_BS, p->data_block_size);
	ld_put_le32(sb + SB_OFF_HASH_BS, p->hash_block_size);
	ld_put_le64(sb + SB_OFF_DATA_BLOCKS, p->data_blocks);
	ld_put_le16(sb + SB_OFF_SALT_SIZE, p->salt_size);
	memcpy(sb + SB_OFF_SALT, p->salt, p->salt_size);
	return LD_OK;
}
