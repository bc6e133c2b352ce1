/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* dm-verity: opening a volume, the hash-block cache, the walk from the root down to a
 * data block, and verified reads (verity.h).
 * Caution: both devices are untrusted and may change between two reads.  Every byte
 * that decides is read once, into memory the host cannot reach, and checked there: a
 * hash block is read into a fresh private block, verified against its (already verified)
 * parent and only then kept; a data block is hashed from the caller's buffer, the very
 * bytes handed over. */
#include <string.h>

#include "base/str.h"
#include "verity/verity_internal.h"

/* The hash-block cache.  One pointer per hash block of the tree, counted from the top
 * (the order on disk).  A pointer is set only after its block verified against its parent
 * (the top block: against the root hash): NULL is "not verified yet", non-NULL is
 * "verified, and these are the bytes that verified".  Nothing unverified is ever stored,
 * and nothing stored is read from the device again. */
typedef struct ld_verity_cache {
	uint8_t **blk;
	uint64_t n;
	uint32_t size; /* hash_block_size */
} ld_verity_cache;

struct ld_verity {
	const ld_alloc *alloc;
	ld_blockdev *data, *hash;
	ld_verity_params p;
	ld_verity_layout l;
	ld_verity_cache cache;
	uint8_t *bounce; /* one data block for unaligned ld_verity_read edges */
};

/* ---- reasons ------------------------------------------------------------------------- */

/* err := why; returns code. */
static int fail(char *err, size_t errlen, int code, const char *why)
{
	ld_err3(err, errlen, why, NULL, NULL);
	return code;
}

/* err := a <num> b; returns code. */
static int fail_num(char *err, size_t errlen, int code, const char *a, uint64_t num,
		    const char *b)
{
	char digits[21];

	ld_err3(err, errlen, a, ld_u64_str(num, digits), b);
	return code;
}

/* ---- hashing ------------------------------------------------------------------------- */

/* The digests of count consecutive blocks of len bytes as dm-verity computes them:
 * salt || block (format 1) or block || salt (format 0), one pass over each block.
 * ld_hash_each takes them together (SHA-256: two at a time). */
static int block_digests(const ld_verity_params *p, const uint8_t *blk, size_t len,
			 size_t count, uint8_t *out)
{
	const uint8_t *salt = p->salt_size ? p->salt : NULL;

	if (p->hash_type == 1)
		return ld_hash_each(p->hash, salt, p->salt_size, blk, len, count, NULL, 0, out);
	return ld_hash_each(p->hash, NULL, 0, blk, len, count, salt, p->salt_size, out);
}

/* 1 when blk hashes to want (constant-time compare), 0 when it does not, or an error. */
static int block_matches(const ld_verity *v, const uint8_t *blk, size_t len,
			 const uint8_t *want)
{
	uint8_t d[LD_HASH_MAX_SIZE];
	int r = block_digests(&v->p, blk, len, 1, d);

	if (r == LD_OK)
		r = ld_ct_equal(d, want, v->l.digest);
	ld_wipe(d, sizeof(d));
	return r;
}

/* ---- the cache ----------------------------------------------------------------------- */

static int cache_init(ld_verity_cache *c, uint64_t n, uint32_t size, const ld_alloc *a)
{
	c->n = n;
	c->size = size;
	if (!n)
		return LD_OK;
	if (n > SIZE_MAX / sizeof(*c->blk))
		return LD_ERR_NOMEM;
	c->blk = a->alloc(a->ctx, (size_t)n * sizeof(*c->blk));
	return c->blk ? LD_OK : LD_ERR_NOMEM;
}

static void cache_free(ld_verity_cache *c, const ld_alloc *a)
{
	uint64_t i;

	if (!c->blk)
		return;
	for (i = 0; i < c->n; i++)
		if (c->blk[i]) {
			ld_wipe(c->blk[i], c->size);
			a->free(a->ctx, c->blk[i], c->size);
		}
	ld_wipe(c->blk, (size_t)c->n * sizeof(*c->blk));
	a->free(a->ctx, c->blk, (size_t)c->n * sizeof(*c->blk));
	c->blk = NULL;
}

/* Why hash block pos did not verify: against the root hash (the top block, at open:
 * LD_ERR_KEY) or against its parent (LD_ERR_CORRUPT, *bad tagged). */
static int hash_mismatch(uint64_t pos, uint64_t *bad, char *err, size_t errlen)
{
	if (pos == 0)
		return fail(err, errlen, LD_ERR_KEY, "the root hash does not match the top hash "
			    "block of the tree");
	if (bad)
		*bad = pos | LD_VERITY_BAD_HASH;
	return fail_num(err, errlen, LD_ERR_CORRUPT, "hash block ", pos,
			" of the tree does not verify against its parent");
}

/* 1 if every byte of the verified hash block b (block idx of level lv) that holds no
 * digest is zero: the bytes after each digest in its slot (format 1) and the slots past
 * the last block of the level below.  veritysetup writes them zero and its verify checks
 * them; a digest where the geometry says zero means the tree covers more data blocks
 * than data_blocks (a superblock, or a caller, that truncates the volume). */
static int padding_is_zero(const ld_verity *v, uint32_t lv, uint64_t idx, const uint8_t *b)
{
	uint64_t below = lv ? v->l.count[lv - 1] : v->p.data_blocks, first = idx << v->l.bits;
	uint64_t per = (uint64_t)1 << v->l.bits, used = below - first < per ? below - first : per;
	size_t i, k, end = (size_t)used * v->l.slot;
	uint8_t acc = 0;

	for (i = 0; i < used && v->l.slot > v->l.digest; i++)
		for (k = v->l.digest; k < v->l.slot; k++)
			acc |= b[i * v->l.slot + k];
	for (i = end; i < v->cache.size; i++)
		acc |= b[i];
	return acc == 0;
}

/* Reads block idx of level lv into fresh memory and keeps it if it hashes to want, the
 * digest its verified parent (for the top block: the root hash) holds for it, and its
 * padding is zero.  LD_OK with the cache entry set; LD_ERR_KEY (the top block does not
 * match the root hash), LD_ERR_CORRUPT, LD_ERR_IO, LD_ERR_NOMEM. */
static int cache_load(ld_verity *v, uint32_t lv, uint64_t idx, const uint8_t *want,
		      uint64_t *bad, char *err, size_t errlen)
{
	const ld_alloc *a = v->alloc;
	uint32_t hbs = v->cache.size;
	uint64_t pos = v->l.start[lv] + idx;
	uint8_t *b = a->alloc(a->ctx, hbs);
	int r, m;

	if (!b)
		return fail_num(err, errlen, LD_ERR_NOMEM, "out of memory for hash block ", pos, "");
	/* inside the device: open checked that the tree fits */
	r = ld_dev_read(v->hash, v->l.tree_offset + pos * hbs, b, hbs);
	if (r)
		r = fail_num(err, errlen, LD_ERR_IO, "I/O error reading hash block ", pos, "");
	else if ((m = block_matches(v, b, hbs, want)) < 0)
		r = fail_num(err, errlen, m, "hashing hash block ", pos, " failed");
	else if (m == 0)
		r = hash_mismatch(pos, bad, err, errlen);
	else if (!padding_is_zero(v, lv, idx, b)) {
		if (bad)
			*bad = pos | LD_VERITY_BAD_HASH;
		r = fail_num(err, errlen, LD_ERR_CORRUPT, "hash block ", pos, " of the tree has "
			     "non-zero padding (or digests beyond data_blocks: a truncated volume)");
	}
	if (r) {
		ld_wipe(b, hbs);
		a->free(a->ctx, b, hbs);
		return r;
	}
	v->cache.blk[pos] = b;
	return LD_OK;
}

/* ---- the walk ------------------------------------------------------------------------ */

/* Where a verified hash block holds the digest of block idx of the level below (a data
 * block for the leaf level): slot idx mod 2^k. */
static const uint8_t *slot_in(const ld_verity *v, const uint8_t *parent, uint64_t idx)
{
	uint64_t mask = ((uint64_t)1 << v->l.bits) - 1;

	return parent + (size_t)(idx & mask) * v->l.slot;
}

/* The digest that data block b must have: from the root down, every hash block on the
 * way verified against its parent (and cached) the first time it is needed.  The top
 * block was verified against the root hash at open; with no tree it is the root hash. */
static int expected_digest(ld_verity *v, uint64_t b, const uint8_t **want, uint64_t *bad,
			   char *err, size_t errlen)
{
	const uint8_t *parent;
	uint32_t lv;
	int r;

	if (v->l.levels == 0) {
		*want = v->p.root_hash;
		return LD_OK;
	}
	parent = v->cache.blk[0];
	for (lv = v->l.levels - 1; lv-- > 0;) {
		uint64_t idx = b >> ((lv + 1) * v->l.bits), pos = v->l.start[lv] + idx;
		if (!v->cache.blk[pos]) {
			r = cache_load(v, lv, idx, slot_in(v, parent, idx), bad, err, errlen);
			if (r)
				return r;
		}
		parent = v->cache.blk[pos];
	}
	*want = slot_in(v, parent, b);
	return LD_OK;
}

/* Data blocks hashed together, before their digests are checked one by one. */
#define DIGESTS_PER_STEP 8

/* Verifies data blocks block .. block + count - 1 from p (the caller's bytes), in order:
 * for each, the digest its verified parent holds (loading hash blocks on the way), then
 * the digest of its bytes, compared in constant time.  The first block that fails
 * decides the error, as if they were checked one at a time. */
static int verify_data_blocks(ld_verity *v, uint64_t block, uint64_t count, const uint8_t *p,
			      uint64_t *bad, char *err, size_t errlen)
{
	uint8_t d[DIGESTS_PER_STEP * LD_HASH_MAX_SIZE];
	size_t dbs = v->p.data_block_size, ds = v->l.digest, n, k;
	const uint8_t *want;
	uint64_t i;
	int r = LD_OK;

	for (i = 0; !r && i < count; i += n) {
		n = count - i < DIGESTS_PER_STEP ? (size_t)(count - i) : DIGESTS_PER_STEP;
		r = block_digests(&v->p, p + i * dbs, dbs, n, d);
		if (r) {
			r = fail_num(err, errlen, r, "hashing data block ", block + i, " failed");
			break;
		}
		for (k = 0; !r && k < n; k++) {
			r = expected_digest(v, block + i + k, &want, bad, err, errlen);
			if (!r && !ld_ct_equal(d + k * ds, want, ds)) {
				if (bad)
					*bad = block + i + k;
				r = fail_num(err, errlen, LD_ERR_CORRUPT, "data block ", block + i + k,
					     " does not verify");
			}
		}
	}
	ld_wipe(d, sizeof(d));
	return r;
}

/* ---- open ------------------------------------------------------------------------------ */

/* The superblock at hash_offset against the owner's parameters, field by field.  Checked
 * before the devices' sizes and areas, so that a data_blocks that differs from the
 * superblock's is reported as that. */
static int check_superblock(ld_verity *v, char *err, size_t errlen)
{
	static const char *const fields[] = { "hash_type", "algorithm", "data_block_size",
					      "hash_block_size", "data_blocks", "salt_size",
					      "salt" };
	const ld_verity_params *p = &v->p;
	uint8_t sb[LD_VERITY_SB_SIZE], uuid[16];
	ld_verity_params s;
	char why[128];
	int r, i, differs[7];

	r = ld_dev_read(v->hash, p->hash_offset, sb, sizeof(sb));
	if (r == LD_ERR_RANGE)
		return fail(err, errlen, r, "the hash device is too small for the superblock at "
			    "hash_offset");
	if (r)
		return fail(err, errlen, LD_ERR_IO, "I/O error reading the superblock");
	r = ld_verity_sb_parse(sb, &s, uuid, why, sizeof(why));
	if (r) {
		ld_err3(err, errlen, "superblock: ", why, NULL);
		return LD_ERR_INVALID;
	}
	differs[0] = s.hash_type != p->hash_type;
	differs[1] = s.hash != p->hash;
	differs[2] = s.data_block_size != p->data_block_size;
	differs[3] = s.hash_block_size != p->hash_block_size;
	differs[4] = s.data_blocks != p->data_blocks;
	differs[5] = s.salt_size != p->salt_size;
	differs[6] = !differs[5] && memcmp(s.salt, p->salt, p->salt_size);
	for (i = 0; i < 7; i++)
		if (differs[i]) {
			ld_err3(err, errlen, "superblock: ", fields[i],
				" disagrees with the parameters");
			return LD_ERR_INVALID;
		}
	return LD_OK;
}

/* Sizes of both devices, and that on one device the data and hash areas are apart. */
static int check_devices(ld_verity *v, char *err, size_t errlen)
{
	const ld_verity_params *p = &v->p;
	uint64_t data_end = p->data_blocks * p->data_block_size;
	/* where the hash area starts and ends: the superblock, then the tree */
	uint64_t hash_start = p->no_superblock ? v->l.tree_offset : p->hash_offset;
	uint64_t hash_end = v->l.hash_blocks ? v->l.hash_end
			  : p->no_superblock ? hash_start : p->hash_offset + LD_VERITY_SB_SIZE;

	if (v->data == v->hash && hash_end > hash_start && hash_start < data_end)
		return ld_fail(err, errlen, "the data and hash areas overlap on one device "
			       "(hash_offset is inside the data_blocks blocks)", NULL);
	if (v->data->size < data_end)
		return fail_num(err, errlen, LD_ERR_RANGE, "the data device is smaller than ",
				p->data_blocks, " data blocks");
	if (v->hash->size < hash_end)
		return fail_num(err, errlen, LD_ERR_RANGE, "the hash device is smaller than the "
				"tree (it ends at byte ", hash_end, ")");
	return LD_OK;
}

/* The top of the tree against the root hash: the top hash block is read into the cache
 * (kept only if it matches); with no tree, data block 0 itself is checked, from a copy
 * that is then wiped (every later read hashes the caller's bytes again). */
static int check_root(ld_verity *v, char *err, size_t errlen)
{
	int r;

	if (v->l.levels)
		return cache_load(v, v->l.levels - 1, 0, v->p.root_hash, NULL, err, errlen);
	r = ld_dev_read(v->data, 0, v->bounce, v->p.data_block_size);
	if (r)
		return fail(err, errlen, LD_ERR_IO, "I/O error reading data block 0");
	r = block_matches(v, v->bounce, v->p.data_block_size, v->p.root_hash);
	ld_wipe(v->bounce, v->p.data_block_size);
	if (r == 1)
		return LD_OK;
	if (r == 0)
		return fail(err, errlen, LD_ERR_KEY, "the root hash does not match data block 0 "
			    "(a one-block volume has no tree)");
	return r;
}

int ld_verity_open(ld_verity **out, ld_blockdev *data, ld_blockdev *hash,
		   const ld_verity_params *p, const ld_alloc *alloc, char *err, size_t errlen)
{
	ld_verity *v;
	int r;

	*out = NULL;
	r = ld_verity_params_check(p, err, errlen);
	if (r)
		return r;
	v = alloc->alloc(alloc->ctx, sizeof(*v));
	if (!v)
		return fail(err, errlen, LD_ERR_NOMEM, "out of memory");
	v->alloc = alloc;
	v->data = data;
	v->hash = hash;
	v->p = *p;
	r = ld_verity_layout_of(&v->p, &v->l, err, errlen);
	if (!r && v->l.hash_blocks > LD_VERITY_HASH_BLOCKS_MAX)
		r = fail_num(err, errlen, LD_ERR_UNSUPPORTED, "the tree has ", v->l.hash_blocks,
			     " hash blocks, more than 2^24");
	if (!r && !p->no_superblock)
		r = check_superblock(v, err, errlen);
	if (!r)
		r = check_devices(v, err, errlen);
	if (!r && cache_init(&v->cache, v->l.hash_blocks, p->hash_block_size, alloc))
		r = fail(err, errlen, LD_ERR_NOMEM, "out of memory for the hash-block cache");
	if (!r && !(v->bounce = alloc->alloc(alloc->ctx, p->data_block_size)))
		r = fail(err, errlen, LD_ERR_NOMEM, "out of memory");
	if (!r)
		r = check_root(v, err, errlen);
	if (r) {
		ld_verity_close(v);
		return r;
	}
	*out = v;
	return LD_OK;
}

uint64_t ld_verity_size(const ld_verity *v)
{
	return v->p.data_blocks * v->p.data_block_size;
}

uint32_t ld_verity_block_size(const ld_verity *v)
{
	return v->p.data_block_size;
}

/* ---- reads ----------------------------------------------------------------------------- */

int ld_verity_read_blocks(ld_verity *v, uint64_t block, uint64_t count, void *buf,
			  uint64_t *bad, char *err, size_t errlen)
{
	uint64_t dbs = v->p.data_block_size;
	uint8_t *p = buf;
	size_t len;
	int r;

	if (err && errlen)
		err[0] = '\0';
	if (block > v->p.data_blocks || count > v->p.data_blocks - block || count > SIZE_MAX / dbs)
		return fail(err, errlen, LD_ERR_RANGE, "read beyond the last data block");
	len = (size_t)(count * dbs);
	if (!len)
		return LD_OK;
	r = ld_dev_read(v->data, block * dbs, p, len);
	if (r)
		r = fail_num(err, errlen, LD_ERR_IO, "I/O error reading data blocks from ", block, "");
	if (!r)
		r = verify_data_blocks(v, block, count, p, bad, err, errlen);
	if (r)
		ld_wipe(p, len); /* unverified bytes are never handed over */
	return r;
}

int ld_verity_read(ld_verity *v, uint64_t offset, void *buf, size_t len, char *err,
		   size_t errlen)
{
	uint64_t dbs = v->p.data_block_size, size = ld_verity_size(v);
	uint8_t *p = buf;
	size_t done = 0;
	int r = LD_OK;

	if (err && errlen)
		err[0] = '\0';
	if (offset > size || len > size - offset)
		return fail(err, errlen, LD_ERR_RANGE, "read beyond the end of the verified data");
	while (!r && done < len) {
		uint64_t at = offset + done, blk = at / dbs, in = at % dbs;
		size_t left = len - done;
		if (in || left < dbs) { /* a partial block: verified whole in the bounce buffer */
			size_t n = (size_t)(dbs - in) < left ? (size_t)(dbs - in) : left;
			r = ld_verity_read_blocks(v, blk, 1, v->bounce, NULL, err, errlen);
			if (!r)
				memcpy(p + done, v->bounce + in, n);
			ld_wipe(v->bounce, (size_t)dbs);
			done += n;
		} else {
			uint64_t cnt = left / dbs;
			r = ld_verity_read_blocks(v, blk, cnt, p + done, NULL, err, errlen);
			done += (size_t)(cnt * dbs);
		}
	}
	if (r)
		ld_wipe(p, len);
	return r;
}

/* Data blocks per step of verify_all (1 MiB of 4096-byte blocks). */
#define VERIFY_CHUNK_BYTES (1u << 20)

int ld_verity_verify_all(ld_verity *v, ld_progress_fn progress, void *progress_ctx,
			 uint64_t *bad, char *err, size_t errlen)
{
	const ld_alloc *a = v->alloc;
	uint64_t n = v->p.data_blocks, per = VERIFY_CHUNK_BYTES / v->p.data_block_size, b = 0;
	size_t len;
	uint8_t *chunk;
	int r = LD_OK;

	if (per > n)
		per = n;
	len = (size_t)(per * v->p.data_block_size);
	chunk = a->alloc(a->ctx, len);
	if (!chunk)
		return fail(err, errlen, LD_ERR_NOMEM, "out of memory");
	while (!r && b < n) {
		uint64_t cnt = n - b < per ? n - b : per;
		r = ld_verity_read_blocks(v, b, cnt, chunk, bad, err, errlen);
		b += cnt;
		if (!r && progress)
			progress(progress_ctx, b, n);
	}
	ld_wipe(chunk, len);
	a->free(a->ctx, chunk, len);
	return r;
}

void ld_verity_close(ld_verity *v)
{
	const ld_alloc *a;

	if (!v)
		return;
	a = v->alloc;
	cache_free(&v->cache, a);
	if (v->bounce) {
		ld_wipe(v->bounce, v->p.data_block_size);
		a->free(a->ctx, v->bounce, v->p.data_block_size);
	}
	ld_wipe(v, sizeof(*v));
	a->free(a->ctx, v, sizeof(*v));
}
