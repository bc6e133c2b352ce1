/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* libFuzzer target for the dm-verity reader (verity/): parameter checks, superblock
 * parsing and building, geometry, open, verified reads and verify_all.  Input:
 *   byte 0     flags: bit 0 hash_type; bits 1-2 the hash (sha1, sha256, sha512, or
 *              byte 9 taken as an ld_hash_alg: ripemd160 and out-of-range values);
 *              bit 3 no superblock; bit 4 one device for data and tree; bit 5 the
 *              parameters (but root, hash_offset, no_superblock) from the superblock
 *              when it parses; bit 6 the root hash computed from the image (the top
 *              hash block's digest, or data block 0's), so that mutated trees open and
 *              their walk runs; bit 7 the devices are 256 KiB, zeros after the input
 *   byte 1     block sizes: bits 0-1 / 4-5 give 512 << n for data / hash blocks; bit 2 /
 *              bit 6 set: an odd size instead (n * 1000 + 100, not a power of two);
 *              bit 3: hash_offset in bytes, not 512-byte units; bit 7: salt_size + 256
 *   bytes 2-3  data_blocks (le16);  bytes 4-5 hash_offset in 512-byte units (le16)
 *   byte 6     salt_size;  bytes 7-8 the data device's length (two devices; le16)
 *   byte 9     the hash as a raw ld_hash_alg (flags bits 1-2 = 3)
 *   bytes 10.. root hash (64 bytes), then salt_size salt bytes, then the image: on one
 *              device all of it; else the data device's bytes, then the hash device's
 *              (superblock at hash_offset, tree after it).
 * Each device lives in a heap buffer of exactly its bytes (fz_mem_read aborts on a read
 * the core did not bounds-check).  Invariants: every failure writes a reason, NUL-
 * terminated inside the (small) buffer; the check and the geometry agree; a
 * superblock that parses survives build + parse unchanged; an opened volume's size is
 * data_blocks blocks; a read that succeeds returns exactly the device's bytes and one
 * that fails returns zeros (LD_ERR_CORRUPT naming a block in range, or LD_ERR_NOMEM);
 * verify_all succeeds iff every block reads. */
#include <stdlib.h>
#include <string.h>

#include "base/endian.h"
#include "tests/fuzz/fuzz_util.h"
#include "verity/verity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HDR 74u                  /* bytes before the salt */
#define PADDED_SIZE (256u << 10) /* flag bit 7 */
#define ERRLEN 48                /* small: long reasons are cut */

/* After a call that returned r with reason buffer err: a failure has a reason, and the
 * reason is a string inside the buffer. */
static void check_reason(int r, const char *err)
{
	if (!memchr(err, '\0', ERRLEN) || (r != LD_OK && !err[0]))
		abort();
}

static uint32_t block_size(uint8_t n)
{
	return (n & 4) ? (n & 3) * 1000u + 100u : 512u << (n & 3);
}

/* Bytes of an ld_blockdev over m (size: the bytes, or PADDED_SIZE when padded). */
static void mem_dev(ld_blockdev *d, struct fz_mem *m, int padded)
{
	d->read = fz_mem_read;
	d->size = padded && m->n < PADDED_SIZE ? PADDED_SIZE : m->n;
	d->block_size = 512;
	d->ctx = m;
}

/* The device's bytes at [off, off + len): the input, then zeros. */
static int dev_equals(const ld_blockdev *d, uint64_t off, const uint8_t *buf, size_t len)
{
	const struct fz_mem *m = d->ctx;
	size_t i;

	for (i = 0; i < len; i++) {
		uint64_t at = off + i;
		uint8_t want = at < m->n ? m->p[at] : 0;
		if (buf[i] != want)
			return 0;
	}
	return 1;
}

static int all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	while (n--)
		acc |= *p++;
	return acc == 0;
}

static void check_params(const ld_verity_params *p)
{
	ld_verity_geometry g;
	char err[ERRLEN];
	int c = ld_verity_params_check(p, err, sizeof(err)), r = ld_verity_geometry_of(p, &g);

	check_reason(c, err);
	if ((c == LD_OK) != (r == LD_OK))
		abort();
	if (r)
		return;
	if (g.hash_end < g.tree_offset || g.levels > 24 ||
	    (g.hash_end - g.tree_offset) / p->hash_block_size != g.hash_blocks ||
	    (g.levels == 0) != (p->data_blocks == 1) || g.tree_offset < p->hash_offset)
		abort();
}

/* A superblock that parses must come back unchanged through build and parse. */
static int check_sb(const uint8_t *sb, ld_verity_params *out)
{
	ld_verity_params a, b;
	uint8_t uuid[16], uuid2[16], again[LD_VERITY_SB_SIZE];
	char err[ERRLEN];
	int r = ld_verity_sb_parse(sb, &a, uuid, err, sizeof(err));

	check_reason(r, err);
	if (r)
		return -1;
	if (ld_verity_params_check(&a, NULL, 0) || ld_verity_sb_build(again, &a, uuid) ||
	    ld_verity_sb_parse(again, &b, uuid2, NULL, 0) || memcmp(&a, &b, sizeof(a)) ||
	    memcmp(uuid, uuid2, 16))
		abort();
	*out = a;
	return 0;
}

/* The root hash a volume with this image would have, to let mutated trees open. */
static void root_from_image(ld_verity_params *p, const ld_blockdev *data,
			    const ld_blockdev *hash)
{
	ld_verity_geometry g;
	const ld_blockdev *d = hash;
	uint64_t off;
	uint32_t len = p->hash_block_size;
	uint8_t *blk;
	ld_hash_ctx c;

	if (ld_verity_geometry_of(p, &g))
		return;
	off = g.tree_offset;
	if (g.levels == 0) {
		d = data;
		off = 0;
		len = p->data_block_size;
	}
	if (off > d->size || len > d->size - off)
		return;
	blk = malloc(len);
	if (!blk)
		return;
	d->read((ld_blockdev *)d, off, blk, len);
	ld_hash_init(&c, p->hash);
	if (p->hash_type == 1)
		ld_hash_update(&c, p->salt, p->salt_size);
	ld_hash_update(&c, blk, len);
	if (p->hash_type == 0)
		ld_hash_update(&c, p->salt, p->salt_size);
	ld_hash_final(&c, p->root_hash);
	free(blk);
}

/* Reads through an opened volume: every block alone, a few byte ranges, verify_all. */
static void exercise(ld_verity *v, const ld_verity_params *p, ld_blockdev *data,
		     const uint8_t *in, size_t inlen)
{
	uint64_t n = p->data_blocks, b, bad, first_bad = UINT64_MAX, size = ld_verity_size(v);
	uint32_t dbs = ld_verity_block_size(v);
	uint8_t *buf = malloc(2 * dbs);
	char err[ERRLEN];
	size_t i;
	int r, all_ok = 1;

	if (size != n * p->data_block_size || dbs != p->data_block_size || !buf)
		abort();
	for (b = 0; b < n; b++) {
		memset(buf, 0xee, dbs);
		bad = UINT64_MAX;
		r = ld_verity_read_blocks(v, b, 1, buf, &bad, err, sizeof(err));
		check_reason(r, err);
		if (r == LD_OK) {
			if (!dev_equals(data, b * dbs, buf, dbs))
				abort();
			continue;
		}
		if (!all_zero(buf, dbs) || (r != LD_ERR_CORRUPT && r != LD_ERR_NOMEM))
			abort();
		if (r == LD_ERR_CORRUPT && bad != b &&
		    (!(bad & LD_VERITY_BAD_HASH) || (bad & ~LD_VERITY_BAD_HASH) == 0))
			abort(); /* the top block verified at open: never named later */
		if (all_ok)
			first_bad = b;
		all_ok = 0;
	}
	/* a few byte ranges, from the input's last bytes */
	for (i = 0; i < 4 && inlen >= 4 * (i + 1); i++) {
		uint64_t off = ld_le16(in + inlen - 4 * (i + 1)) % (size + 1);
		size_t len = ld_le16(in + inlen - 4 * (i + 1) + 2) % (2 * dbs);
		if (len > size - off)
			len = (size_t)(size - off);
		memset(buf, 0xee, len);
		r = ld_verity_read(v, off, buf, len, err, sizeof(err));
		check_reason(r, err);
		if (r == LD_OK ? !dev_equals(data, off, buf, len) : !all_zero(buf, len))
			abort();
	}
	bad = UINT64_MAX;
	r = ld_verity_verify_all(v, NULL, NULL, &bad, err, sizeof(err));
	check_reason(r, err);
	if ((r == LD_OK) != all_ok && r != LD_ERR_NOMEM)
		abort();
	if (r == LD_ERR_CORRUPT && !(bad & LD_VERITY_BAD_HASH) && bad != first_bad)
		abort();
	if (ld_verity_read_blocks(v, n, 1, buf, NULL, err, sizeof(err)) != LD_ERR_RANGE)
		abort();
	check_reason(LD_ERR_RANGE, err);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ld_verity_params p, s;
	struct fz_mem md, mh;
	ld_blockdev dd, dh;
	uint8_t *img;
	size_t rest, split;
	ld_verity *v;
	char err[ERRLEN];
	uint8_t f;
	int r;

	if (size < HDR)
		return 0;
	f = data[0];
	memset(&p, 0, sizeof(p));
	p.hash_type = f & 1;
	p.hash = ((f >> 1) & 3) == 3 ? (ld_hash_alg)data[9] : (ld_hash_alg)((f >> 1) & 3);
	p.no_superblock = (f >> 3) & 1;
	p.data_block_size = block_size(data[1]);
	p.hash_block_size = block_size((uint8_t)(data[1] >> 4));
	p.data_blocks = ld_le16(data + 2);
	p.hash_offset = (uint64_t)ld_le16(data + 4) * ((data[1] & 8) ? 1 : 512);
	p.salt_size = (uint16_t)(data[6] + ((data[1] & 128) ? 256 : 0));
	memcpy(p.root_hash, data + 10, LD_HASH_MAX_SIZE);
	if (size < HDR + data[6])
		return 0;
	memcpy(p.salt, data + HDR, data[6]); /* a salt_size above 256 is refused anyway */
	rest = size - HDR - data[6];
	img = malloc(rest ? rest : 1); /* one copy: both devices are windows on it */
	if (!img)
		return 0;
	memcpy(img, data + HDR + data[6], rest);
	split = (f & 16) ? rest : ld_le16(data + 7) < rest ? ld_le16(data + 7) : rest;
	md.p = img;
	md.n = split;
	mh.p = (f & 16) ? img : img + split;
	mh.n = (f & 16) ? rest : rest - split;
	mem_dev(&dd, &md, f & 128);
	mem_dev(&dh, &mh, f & 128);

	check_params(&p);
	if (!p.no_superblock && p.hash_offset < mh.n && mh.n - p.hash_offset >= LD_VERITY_SB_SIZE &&
	    check_sb(mh.p + p.hash_offset, &s) == 0 && (f & 32)) {
		s.hash_offset = p.hash_offset;
		memcpy(s.root_hash, p.root_hash, sizeof(s.root_hash));
		p = s;
		check_params(&p);
	}
	if (f & 64)
		root_from_image(&p, &dd, (f & 16) ? &dd : &dh);
	r = ld_verity_open(&v, &dd, (f & 16) ? &dd : &dh, &p, &fz_allocator, err, sizeof(err));
	check_reason(r, err);
	if (r == LD_OK) {
		exercise(v, &p, &dd, data, size);
		ld_verity_close(v);
	}
	free(img);
	return 0;
}
