/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* verity/ through its public API against hash trees that veritysetup (cryptsetup) makes at
 * test time over random data: veritysetup is the oracle, never a builder of our own.
 * Covered: every algorithm and both hash types read back (with and without superblock,
 * same device and separate hash device); the superblock against the parameters field by
 * field; a wrong root hash; a flipped data byte, leaf hash byte, middle-level hash byte
 * and zero-padding byte; a data_blocks that truncates the volume; truncated devices; overlapping areas; every allocation failing;
 * random unaligned ranges; hash blocks read once and kept; a device that fails its reads;
 * and a device that changes its bytes between two reads, which must never make a read
 * return unverified bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/testutil.h"
#include "verity/verity.h"

static char dir[] = "/tmp/ld-verity-XXXXXX";

enum { SALT_DEFAULT, SALT_EMPTY, SALT_256 };

struct vcase {
	const char *alg;
	uint32_t type, dbs, hbs;
	uint64_t blocks;
	int salt;
	int same;             /* the tree on the data device, after the data */
	int nosb;
	uint64_t hash_offset; /* 0: after the data (same) or at 0 (separate) */
};

struct vimg {
	uint8_t *data, *hash; /* the same buffer when same */
	size_t data_n, hash_n;
	int same;
	struct tu_mem md, mh;
	ld_blockdev dd, dh;
	ld_verity_params p;
	uint64_t vs_hash_blocks; /* "Hash blocks:" in veritysetup's output */
	uint8_t uuid[16];
};

/* The value of "Key:  value" in a line of veritysetup's output, or NULL. */
static const char *field(const char *line, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(line, key, n))
		return NULL;
	line += n;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

/* Makes data + tree with veritysetup format; fills img (params from the case and
 * veritysetup's output: salt, root hash). */
static void make(const struct vcase *c, struct vimg *img)
{
	char dpath[300], hpath[300], cmd[2048], salt[600] = "", line[1024], uuid[64] = "";
	char root[200] = "", vsalt[600] = "";
	uint64_t hoff = c->hash_offset;
	uint8_t *pre;
	size_t n;
	FILE *f;

	memset(img, 0, sizeof(*img));
	snprintf(dpath, sizeof(dpath), "%s/data", dir);
	snprintf(hpath, sizeof(hpath), "%s/hash", dir);
	remove(dpath);
	remove(hpath);
	n = (size_t)(c->blocks * c->dbs);
	img->data = malloc(n);
	assert_non_null(img->data);
	tu_rand_bytes(img->data, n);
	if (c->same && !hoff)
		hoff = (n + 4095) / 4096 * 4096;
	assert_int_equal(tu_write_file(dpath, img->data, n), 0);
	free(img->data);
	if (!c->same && hoff) { /* bytes before the hash area that are nobody's */
		pre = malloc((size_t)hoff);
		memset(pre, 0xa5, (size_t)hoff);
		assert_int_equal(tu_write_file(hpath, pre, (size_t)hoff), 0);
		free(pre);
	}
	if (c->salt == SALT_EMPTY) {
		strcpy(salt, "--salt -");
	} else if (c->salt == SALT_256) {
		uint8_t s[256];
		tu_rand_bytes(s, sizeof(s));
		strcpy(salt, "--salt ");
		tu_hex(s, sizeof(s), salt + strlen(salt));
	}
	snprintf(cmd, sizeof(cmd),
		 "veritysetup format --hash %s --format %u --data-block-size %u "
		 "--hash-block-size %u --data-blocks %llu %s %s --hash-offset %llu %s %s 2>&1",
		 c->alg, c->type, c->dbs, c->hbs, (unsigned long long)c->blocks, salt,
		 c->nosb ? "--no-superblock" : "", (unsigned long long)hoff, dpath,
		 c->same ? dpath : hpath);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		const char *v;
		chomp(line);
		if ((v = field(line, "Root hash:")))
			snprintf(root, sizeof(root), "%s", v);
		else if ((v = field(line, "Salt:")))
			snprintf(vsalt, sizeof(vsalt), "%s", v);
		else if ((v = field(line, "Hash blocks:")))
			img->vs_hash_blocks = strtoull(v, NULL, 10);
		else if ((v = field(line, "UUID:")))
			snprintf(uuid, sizeof(uuid), "%s", v);
	}
	if (pclose(f) != 0 || !root[0])
		fail_msg("veritysetup format failed: %s", cmd);

	img->same = c->same;
	img->data = tu_read_file(dpath, &img->data_n);
	assert_non_null(img->data);
	if (c->same) {
		img->hash = img->data;
		img->hash_n = img->data_n;
	} else {
		img->hash = tu_read_file(hpath, &img->hash_n);
		assert_non_null(img->hash);
	}
	img->md.p = img->data;
	img->md.n = img->data_n;
	tu_mem_dev(&img->dd, &img->md);
	img->mh.p = img->hash;
	img->mh.n = img->hash_n;
	tu_mem_dev(&img->dh, &img->mh);

	img->p.hash_type = c->type;
	assert_int_equal(ld_hash_from_name(c->alg, strlen(c->alg), &img->p.hash), LD_OK);
	img->p.data_block_size = c->dbs;
	img->p.hash_block_size = c->hbs;
	img->p.data_blocks = c->blocks;
	img->p.hash_offset = hoff;
	img->p.no_superblock = c->nosb;
	if (strcmp(vsalt, "-")) {
		img->p.salt_size = (uint16_t)(strlen(vsalt) / 2);
		assert_int_equal(tu_unhex(vsalt, img->p.salt, img->p.salt_size), 0);
	}
	assert_int_equal(tu_unhex(root, img->p.root_hash, ld_hash_size(img->p.hash)), 0);
	if (!c->nosb) {
		char hex[33], *o = hex;
		for (const char *u = uuid; *u; u++)
			if (*u != '-')
				*o++ = *u;
		*o = '\0';
		assert_int_equal(tu_unhex(hex, img->uuid, 16), 0);
	}
}

static void drop(struct vimg *img)
{
	if (!img->same)
		free(img->hash);
	free(img->data);
	memset(img, 0, sizeof(*img));
}

static ld_blockdev *hashdev(struct vimg *img)
{
	return img->same ? &img->dd : &img->dh;
}

static int vopen(struct vimg *img, const ld_verity_params *p, ld_verity **v, char *err,
		 size_t errlen)
{
	return ld_verity_open(v, &img->dd, hashdev(img), p, &tu_alloc, err, errlen);
}

/* Where hash block pos (from the top) of img's tree is in img->hash. */
static size_t hash_block_at(const struct vimg *img, uint64_t pos)
{
	ld_verity_geometry g;

	assert_int_equal(ld_verity_geometry_of(&img->p, &g), LD_OK);
	return (size_t)(g.tree_offset + pos * img->p.hash_block_size);
}

/* Every data block read back equals the bytes veritysetup hashed, in one call, block by
 * block and through verify_all. */
static void read_back(struct vimg *img, const char *what)
{
	uint64_t nb = img->p.data_blocks, b, bad = 0;
	size_t dbs = img->p.data_block_size;
	uint8_t *buf = malloc((size_t)(nb * dbs));
	ld_verity *v;
	char err[256];
	int r;

	assert_non_null(buf);
	r = vopen(img, &img->p, &v, err, sizeof(err));
	if (r)
		fail_msg("%s: open: %s", what, err);
	assert_int_equal(ld_verity_size(v), nb * dbs);
	assert_int_equal(ld_verity_block_size(v), dbs);
	assert_int_equal(ld_verity_read_blocks(v, 0, nb, buf, &bad, err, sizeof(err)), LD_OK);
	assert_memory_equal(buf, img->data, (size_t)(nb * dbs));
	for (b = 0; b < nb; b += 1 + nb / 7) {
		memset(buf, 0x55, dbs);
		assert_int_equal(ld_verity_read_blocks(v, b, 1, buf, &bad, err, sizeof(err)), LD_OK);
		assert_memory_equal(buf, img->data + b * dbs, dbs);
	}
	r = ld_verity_verify_all(v, NULL, NULL, &bad, err, sizeof(err));
	if (r)
		fail_msg("%s: verify_all: %s", what, err);
	assert_int_equal(ld_verity_read_blocks(v, nb, 1, buf, NULL, err, sizeof(err)), LD_ERR_RANGE);
	assert_int_equal(ld_verity_read_blocks(v, nb - 1, 2, buf, NULL, err, sizeof(err)),
			 LD_ERR_RANGE);
	assert_int_equal(ld_verity_read_blocks(v, UINT64_MAX, 1, buf, NULL, err, sizeof(err)),
			 LD_ERR_RANGE);
	assert_int_equal(ld_verity_read_blocks(v, 0, UINT64_MAX, buf, NULL, err, sizeof(err)),
			 LD_ERR_RANGE);
	assert_int_equal(ld_verity_read_blocks(v, nb, 0, buf, NULL, err, sizeof(err)), LD_OK);
	ld_verity_close(v);
	assert_int_equal(tu_alloc_live(), 0);
	free(buf);
}

/* Geometry against veritysetup's count, and our superblock against its bytes. */
static void check_layout(struct vimg *img)
{
	ld_verity_geometry g;
	ld_verity_params sp;
	uint8_t sb[LD_VERITY_SB_SIZE], uuid[16];
	char err[128];

	assert_int_equal(ld_verity_geometry_of(&img->p, &g), LD_OK);
	assert_int_equal(g.hash_blocks, img->vs_hash_blocks);
	assert_true(g.hash_end <= img->hash_n);
	if (img->p.no_superblock)
		return;
	assert_int_equal(ld_verity_sb_build(sb, &img->p, img->uuid), LD_OK);
	assert_memory_equal(sb, img->hash + img->p.hash_offset, sizeof(sb));
	assert_int_equal(ld_verity_sb_parse(img->hash + img->p.hash_offset, &sp, uuid, err,
					    sizeof(err)), LD_OK);
	assert_memory_equal(uuid, img->uuid, 16);
	assert_int_equal(sp.hash_type, img->p.hash_type);
	assert_int_equal(sp.hash, img->p.hash);
	assert_int_equal(sp.data_blocks, img->p.data_blocks);
	assert_int_equal(sp.salt_size, img->p.salt_size);
	assert_memory_equal(sp.salt, img->p.salt, sp.salt_size);
}

static const struct vcase cases[] = {
	/* alg, type, dbs, hbs, blocks, salt, same, nosb, hash_offset */
	{ "sha256", 1, 4096, 4096, 1, SALT_DEFAULT, 0, 0, 0 },
	{ "sha256", 1, 4096, 4096, 129, SALT_DEFAULT, 0, 0, 0 },
	{ "sha256", 1, 4096, 4096, 300, SALT_EMPTY, 1, 0, 0 },
	{ "sha256", 0, 512, 512, 1000, SALT_256, 0, 0, 0 },
	{ "sha256", 1, 1024, 512, 700, SALT_DEFAULT, 1, 1, 0 },
	{ "sha1", 1, 4096, 4096, 129, SALT_DEFAULT, 0, 0, 0 },
	{ "sha1", 0, 4096, 4096, 129, SALT_DEFAULT, 0, 0, 0 },
	{ "sha1", 1, 512, 512, 300, SALT_EMPTY, 0, 1, 0 },
	{ "sha1", 0, 512, 512, 300, SALT_256, 1, 0, 0 },
	{ "sha1", 0, 512, 2048, 1, SALT_EMPTY, 0, 0, 0 },
	{ "sha512", 1, 4096, 4096, 129, SALT_256, 0, 0, 0 },
	{ "sha512", 0, 512, 512, 1000, SALT_DEFAULT, 0, 0, 0 },
	{ "sha512", 1, 512, 4096, 2000, SALT_EMPTY, 1, 1, 0 },
	{ "sha512", 0, 2048, 1024, 1, SALT_DEFAULT, 1, 0, 0 },
	{ "sha256", 1, 4096, 1024, 64, SALT_DEFAULT, 0, 0, 8192 },
	{ "sha256", 1, 2048, 4096, 64, SALT_DEFAULT, 0, 1, 8192 },
	{ "sha1", 1, 4096, 512, 257, SALT_DEFAULT, 0, 0, 1536 },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void test_formats(void **state)
{
	size_t i;

	(void)state;
	tu_rand_seed();
	for (i = 0; i < NCASES; i++) {
		struct vimg img;
		char what[160];
		const struct vcase *c = &cases[i];

		snprintf(what, sizeof(what), "%s format %u %u/%u %llu blocks%s%s", c->alg, c->type,
			 c->dbs, c->hbs, (unsigned long long)c->blocks, c->same ? " same" : "",
			 c->nosb ? " no-sb" : "");
		make(c, &img);
		check_layout(&img);
		read_back(&img, what);
		drop(&img);
	}
}

/* A superblock that differs from the parameters in one field is refused, naming it; and so
 * is the same difference in the superblock on disk. */
static void test_superblock_fields(void **state)
{
	static const struct vcase c = { "sha256", 1, 4096, 4096, 129, SALT_DEFAULT, 0, 0, 0 };
	static const char *const names[] = { "hash_type", "algorithm", "data_block_size",
					     "hash_block_size", "data_blocks", "salt_size", "salt" };
	struct vimg img;
	ld_verity *v;
	char err[256];
	int f;

	(void)state;
	make(&c, &img);
	for (f = 0; f < 7; f++) {
		ld_verity_params p = img.p;
		uint8_t sb[LD_VERITY_SB_SIZE], keep[LD_VERITY_SB_SIZE], uuid[16];
		ld_verity_params sp;

		switch (f) {
		case 0: p.hash_type = 0; break;
		case 1: p.hash = LD_HASH_SHA512; break;
		case 2: p.data_block_size = 2048; p.data_blocks *= 2; break;
		case 3: p.hash_block_size = 2048; break;
		case 4: p.data_blocks--; break;
		case 5: p.salt_size--; break;
		case 6: p.salt[7] ^= 1; break;
		}
		assert_int_equal(vopen(&img, &p, &v, err, sizeof(err)), LD_ERR_INVALID);
		if (!strstr(err, names[f]) || !strstr(err, "superblock") ||
		    (f == 6 && strstr(err, "salt_size")))
			fail_msg("field %s: reason \"%s\"", names[f], err);
		/* the same change written into the superblock instead */
		memcpy(keep, img.hash, sizeof(keep));
		if (f == 2)
			p.data_blocks /= 2; /* the data device is only 129 blocks of 4096 */
		assert_int_equal(ld_verity_sb_build(sb, &p, img.uuid), LD_OK);
		memcpy(img.hash, sb, sizeof(sb));
		assert_int_equal(vopen(&img, &img.p, &v, err, sizeof(err)), LD_ERR_INVALID);
		if (!strstr(err, names[f]) || (f == 6 && strstr(err, "salt_size")))
			fail_msg("field %s on disk: reason \"%s\"", names[f], err);
		assert_int_equal(ld_verity_sb_parse(img.hash, &sp, uuid, err, sizeof(err)), LD_OK);
		memcpy(img.hash, keep, sizeof(keep));
	}
	/* magic, version, algorithm and sizes the parser refuses */
	for (f = 0; f < 6; f++) {
		uint8_t keep[LD_VERITY_SB_SIZE];
		static const char *const want[] = { "magic", "version", "algorithm", "algorithm",
						    "salt_size", "data_block_size" };
		memcpy(keep, img.hash, sizeof(keep));
		switch (f) {
		case 0: img.hash[3] ^= 0x20; break;
		case 1: img.hash[8] = 2; break;
		case 2: memcpy(img.hash + 32, "sha384", 6); break;
		case 3: memset(img.hash + 32, 'a', 32); break;
		case 4: img.hash[81] = 1; break; /* salt_size 256 + 32 */
		case 5: img.hash[65] = 0x20; break; /* data_block_size 8192 */
		}
		assert_int_equal(vopen(&img, &img.p, &v, err, sizeof(err)), LD_ERR_INVALID);
		if (!strstr(err, want[f]))
			fail_msg("case %d: reason \"%s\"", f, err);
		memcpy(img.hash, keep, sizeof(keep));
	}
	assert_int_equal(tu_alloc_live(), 0);
	drop(&img);
}

/* A wrong root hash is LD_ERR_KEY at open, with a tree and without one. */
static void test_wrong_root(void **state)
{
	static const struct vcase cs[] = {
		{ "sha256", 1, 4096, 4096, 129, SALT_DEFAULT, 0, 0, 0 },
		{ "sha1", 0, 4096, 4096, 1, SALT_DEFAULT, 0, 0, 0 },
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct vimg img;
		ld_verity *v;
		char err[256];

		make(&cs[i], &img);
		for (k = 0; k < ld_hash_size(img.p.hash); k += 7) {
			ld_verity_params p = img.p;
			p.root_hash[k] ^= 0x80;
			assert_int_equal(vopen(&img, &p, &v, err, sizeof(err)), LD_ERR_KEY);
			assert_non_null(strstr(err, "root hash"));
		}
		/* the top hash block (or the only data block) changed: the same */
		if (cs[i].blocks == 1)
			img.data[0] ^= 1;
		else
			img.hash[hash_block_at(&img, 0)] ^= 1;
		assert_int_equal(vopen(&img, &img.p, &v, err, sizeof(err)), LD_ERR_KEY);
		assert_int_equal(tu_alloc_live(), 0);
		drop(&img);
	}
}

/* Reads data block b into a buffer full of 0xee: the result and, on failure, that the
 * buffer is zero. */
static int read_one(ld_verity *v, uint64_t b, size_t dbs, uint64_t *bad, char *err)
{
	uint8_t *buf = malloc(dbs * 3);
	int r;
	size_t i;

	memset(buf, 0xee, dbs * 3);
	r = ld_verity_read_blocks(v, b, 1, buf, bad, err, 256);
	if (r)
		for (i = 0; i < dbs; i++)
			if (buf[i])
				fail_msg("block %llu: buffer not zeroed after error %d",
					 (unsigned long long)b, r);
	free(buf);
	return r;
}

/* A flipped data byte: that block fails (LD_ERR_CORRUPT, named, zeroed), its neighbours
 * do not; a multi-block read that includes it is zeroed whole. */
static void test_flipped_data(void **state)
{
	static const struct vcase cs[] = {
		{ "sha256", 1, 4096, 4096, 129, SALT_DEFAULT, 0, 0, 0 },
		{ "sha1", 0, 512, 512, 300, SALT_EMPTY, 1, 0, 0 },
		{ "sha512", 1, 1024, 1024, 1, SALT_256, 0, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct vimg img;
		ld_verity *v;
		char err[256];
		uint64_t b = cs[i].blocks > 1 ? cs[i].blocks - 2 : 0, bad = 0;
		size_t dbs = cs[i].dbs, n = (size_t)(cs[i].blocks * dbs);
		uint8_t *buf = malloc(n);

		make(&cs[i], &img);
		assert_int_equal(vopen(&img, &img.p, &v, err, sizeof(err)), LD_OK);
		img.data[b * dbs + dbs / 2] ^= 0x10; /* after open: the block is read later */
		assert_int_equal(read_one(v, b, dbs, &bad, err), LD_ERR_CORRUPT);
		assert_int_equal(bad, b);
		if (!strstr(err, "data block"))
			fail_msg("reason \"%s\"", err);
		if (b)
			assert_int_equal(read_one(v, b - 1, dbs, &bad, err), LD_OK);
		memset(buf, 0xee, n);
		assert_int_equal(ld_verity_read_blocks(v, 0, cs[i].blocks, buf, &bad, err,
						       sizeof(err)), LD_ERR_CORRUPT);
		for (size_t k = 0; k < n; k++)
			if (buf[k])
				fail_msg("byte %zu not zeroed", k);
		bad = 0;
		assert_int_equal(ld_verity_verify_all(v, NULL, NULL, &bad, err, sizeof(err)),
				 LD_ERR_CORRUPT);
		assert_int_equal(bad, b);
		memset(buf, 0xee, n);
		assert_int_equal(ld_verity_read(v, 1, buf, n - 2, err, sizeof(err)), LD_ERR_CORRUPT);
		for (size_t k = 0; k < n - 2; k++)
			if (buf[k])
				fail_msg("ld_verity_read: byte %zu not zeroed", k);
		ld_verity_close(v);
		free(buf);
		drop(&img);
	}
	assert_int_equal(tu_alloc_live(), 0);
}

/* Three levels (sha256, 512-byte hash blocks: 16 digests per block; 300 data blocks):
 * a byte flipped in a leaf block, in a middle block, in a block's zero tail, and in the
 * 12 zero bytes after a sha1 digest in its 32-byte slot (format 1). */
static void test_flipped_hash(void **state)
{
	static const struct vcase c3 = { "sha256", 1, 512, 512, 300, SALT_DEFAULT, 0, 0, 0 };
	static const struct vcase c1 = { "sha1", 1, 512, 512, 300, SALT_DEFAULT, 0, 0, 0 };
	static const struct vcase c0 = { "sha1", 0, 4096, 4096, 129, SALT_DEFAULT, 0, 0, 0 };
	struct vimg img;
	ld_verity_geometry g;
	ld_verity *v;
	char err[256];
	uint64_t bad;
	size_t at;

	(void)state;
	make(&c3, &img);
	assert_int_equal(ld_verity_geometry_of(&img.p, &g), LD_OK);
	assert_int_equal(g.levels, 3); /* 1 top, 2 middle, 19 leaf blocks */
	assert_int_equal(g.hash_blocks, 22);
	/* leaf block 5 of 19 (hash block 3 + 5 from the top) covers data blocks 80..95 */
	at = hash_block_at(&img, 3 + 5) + 33;
	img.hash[at] ^= 4;
	assert_int_equal(vopen(&img, &img.p, &v, err, sizeof(err)), LD_OK);
	assert_int_equal(read_one(v, 79, 512, &bad, err), LD_OK);
	assert_int_equal(read_one(v, 85, 512, &bad, err), LD_ERR_CORRUPT);
	assert_int_equal(bad, (3 + 5) | LD_VERITY_BAD_HASH);
	if (!strstr(err, "hash block 8"))
		fail_msg("reason \"%s\"", err);
	img.hash[at] ^= 4; /* the host puts it back: now it verifies (and is kept) */
	assert_int_equal(read_one(v, 85, 512, &bad, err), LD_OK);
	/* middle block 1 (hash block 2) covers data blocks 256..299 */
	at = hash_block_at(&img, 2) + 1;
	img.hash[at] ^= 1;
	assert_int_equal(read_one(v, 255, 512, &bad, err), LD_OK);
	assert_int_equal(read_one(v, 256, 512, &bad, err), LD_ERR_CORRUPT);
	assert_int_equal(bad, 2 | LD_VERITY_BAD_HASH);
	img.hash[at] ^= 1;
	/* the zero tail of the last leaf block (300 - 18 * 16 = 12 digests of 16) */
	at = hash_block_at(&img, 21) + 12 * 32 + 5;
	assert_int_equal(img.hash[at], 0);
	img.hash[at] = 1;
	assert_int_equal(read_one(v, 299, 512, &bad, err), LD_ERR_CORRUPT);
	assert_int_equal(bad, 21 | LD_VERITY_BAD_HASH);
	assert_int_equal(ld_verity_verify_all(v, NULL, NULL, &bad, err, sizeof(err)),
			 LD_ERR_CORRUPT);
	assert_int_equal(bad, 21 | LD_VERITY_BAD_HASH);
	ld_verity_close(v);
	drop(&img);

	/* sha1, format 1: a 20-byte digest and 12 zero bytes per 32-byte slot */
	make(&c1, &img);
	at = hash_block_at(&img, 3) + 32 + 25;
	assert_int_equal(img.hash[at], 0);
	img.hash[at] = 0x80;
	assert_int_equal(vopen(&img, &img.p, &v, err, sizeof(err)), LD_OK);
	assert_int_equal(read_one(v, 0, 512, &bad, err), LD_ERR_CORRUPT);
	assert_int_equal(bad, 3 | LD_VERITY_BAD_HASH);
	ld_verity_close(v);
	/* ... and in the top block: the root hash no longer matches */
	img.hash[at] = 0;
	at = hash_block_at(&img, 0) + 2 * 32 + 20;
	img.hash[at] = 1;
	assert_int_equal(vopen(&img, &img.p, &v, err, sizeof(err)), LD_ERR_KEY);
	drop(&img);

	/* sha1, format 0: 128 digests of 20 bytes packed, then 1536 zero bytes */
	make(&c0, &img);
	at = hash_block_at(&img, 1) + 128 * 20 + 100;
	assert_int_equal(img.hash[at], 0);
	img.hash[at] = 2;
	assert_int_equal(vopen(&img, &img.p, &v, err, sizeof(err)), LD_OK);
	assert_int_equal(read_one(v, 3, 4096, &bad, err), LD_ERR_CORRUPT);
	assert_int_equal(bad, 1 | LD_VERITY_BAD_HASH);
	assert_int_equal(read_one(v, 128, 4096, &bad, err), LD_OK); /* the other leaf */
	ld_verity_close(v);
	drop(&img);
	assert_int_equal(tu_alloc_live(), 0);
}

/* A superblock (and parameters) that claim fewer data blocks than the tree covers: the
 * blocks read are authentic, but the volume would be truncated.  The unused slots that
 * must then be zero hold digests, and the reader refuses (as veritysetup verify does);
 * with fewer levels than the tree has, the hashes themselves fail. */
static void test_truncating_data_blocks(void **state)
{
	static const struct vcase c = { "sha256", 1, 512, 512, 300, SALT_DEFAULT, 0, 0, 0 };
	static const struct {
		uint64_t blocks, bad; /* the data blocks claimed, the hash block found bad */
	} t[] = {
		{ 299, 21 | LD_VERITY_BAD_HASH }, /* the last leaf block holds one digest more */
		{ 288, 2 | LD_VERITY_BAD_HASH },  /* a leaf block more: its middle block says so */
		{ 290, 21 | LD_VERITY_BAD_HASH },
		{ 256, 0 },                       /* two levels: data block 0 no longer matches */
		{ 16, 0 },                        /* one level, the top block read as the leaf */
	};
	struct vimg img;
	uint8_t keep[LD_VERITY_SB_SIZE];
	size_t i;

	(void)state;
	make(&c, &img);
	memcpy(keep, img.hash, sizeof(keep));
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ld_verity_params p = img.p;
		ld_verity *v;
		uint64_t bad = UINT64_MAX;
		char err[256];
		int r;

		p.data_blocks = t[i].blocks;
		assert_int_equal(ld_verity_sb_build(img.hash, &p, img.uuid), LD_OK);
		r = vopen(&img, &p, &v, err, sizeof(err));
		if (r == LD_OK) {
			r = ld_verity_verify_all(v, NULL, NULL, &bad, err, sizeof(err));
			ld_verity_close(v);
		}
		if (r != LD_ERR_CORRUPT && r != LD_ERR_KEY)
			fail_msg("%llu blocks claimed: %d (%s)", (unsigned long long)t[i].blocks, r, err);
		if (r == LD_ERR_CORRUPT && bad != t[i].bad)
			fail_msg("%llu blocks claimed: bad %llx (%s)", (unsigned long long)t[i].blocks,
				 (unsigned long long)bad, err);
		if (t[i].bad && !strstr(err, "padding"))
			fail_msg("%llu blocks claimed: reason \"%s\"", (unsigned long long)t[i].blocks,
				 err);
	}
	memcpy(img.hash, keep, sizeof(keep));
	assert_int_equal(tu_alloc_live(), 0);
	drop(&img);
}

/* Devices one byte too small, and a hash device too small for its superblock. */
static void test_truncated(void **state)
{
	static const struct vcase cs[] = {
		{ "sha256", 1, 4096, 4096, 129, SALT_DEFAULT, 0, 0, 0 },
		{ "sha256", 1, 4096, 4096, 129, SALT_DEFAULT, 0, 1, 0 },
		{ "sha256", 1, 4096, 4096, 1, SALT_DEFAULT, 0, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct vimg img;
		ld_verity_geometry g;
		ld_verity *v;
		char err[256];

		make(&cs[i], &img);
		assert_int_equal(ld_verity_geometry_of(&img.p, &g), LD_OK);
		img.dd.size = img.p.data_blocks * img.p.data_block_size - 1;
		assert_int_equal(vopen(&img, &img.p, &v, err, sizeof(err)), LD_ERR_RANGE);
		assert_non_null(strstr(err, "data device"));
		img.dd.size = img.data_n;
		if (g.hash_blocks) {
			img.dh.size = g.hash_end - 1;
			assert_int_equal(vopen(&img, &img.p, &v, err, sizeof(err)), LD_ERR_RANGE);
			assert_non_null(strstr(err, "hash device"));
		}
		if (!cs[i].nosb) {
			img.dh.size = LD_VERITY_SB_SIZE - 1;
			assert_int_equal(vopen(&img, &img.p, &v, err, sizeof(err)), LD_ERR_RANGE);
			assert_non_null(strstr(err, "superblock"));
		}
		img.dh.size = img.hash_n;
		assert_int_equal(vopen(&img, &img.p, &v, err, sizeof(err)), LD_OK);
		ld_verity_close(v);
		drop(&img);
	}
	assert_int_equal(tu_alloc_live(), 0);
}

/* On one device the hash area must not start inside the data blocks: without a
 * superblock, and with one that agrees with the parameters (written by ld_verity_sb_build
 * inside the data area). */
static void test_overlap(void **state)
{
	static const struct vcase c = { "sha256", 1, 4096, 4096, 64, SALT_DEFAULT, 1, 1, 0 };
	struct vimg img;
	ld_verity_params p;
	ld_verity *v;
	char err[256];

	(void)state;
	make(&c, &img);
	assert_int_equal(vopen(&img, &img.p, &v, err, sizeof(err)), LD_OK);
	ld_verity_close(v);
	p = img.p;
	p.hash_offset -= 4096;
	assert_int_equal(vopen(&img, &p, &v, err, sizeof(err)), LD_ERR_INVALID);
	assert_non_null(strstr(err, "overlap"));
	p = img.p;
	p.data_blocks += 1; /* the data would cover the tree's first block */
	assert_int_equal(vopen(&img, &p, &v, err, sizeof(err)), LD_ERR_INVALID);
	assert_non_null(strstr(err, "overlap"));
	/* a superblock inside the data area that agrees with such parameters */
	p = img.p;
	p.no_superblock = 0;
	p.hash_offset = 4096 * 10;
	assert_int_equal(ld_verity_sb_build(img.data + p.hash_offset, &p, img.uuid), LD_OK);
	assert_int_equal(vopen(&img, &p, &v, err, sizeof(err)), LD_ERR_INVALID);
	assert_non_null(strstr(err, "overlap"));
	/* separate devices: the same offsets are fine (the root does not match, though) */
	assert_int_equal(ld_verity_open(&v, &img.dd, &img.dh, &p, &tu_alloc, err, sizeof(err)),
			 LD_ERR_KEY);
	assert_int_equal(tu_alloc_live(), 0);
	drop(&img);
}

/* Every allocation of open + verify_all may fail: a clean LD_ERR_NOMEM, nothing leaked,
 * and no released block still holding data. */
static void test_alloc_failures(void **state)
{
	static const struct vcase cs[] = {
		{ "sha256", 1, 512, 512, 300, SALT_DEFAULT, 0, 0, 0 },
		{ "sha1", 0, 4096, 4096, 1, SALT_DEFAULT, 0, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct vimg img;
		size_t unwiped = tu_alloc_unwiped();
		uint8_t buf[700];
		unsigned k;

		make(&cs[i], &img);
		for (k = 1; k < 100; k++) {
			ld_verity *v = NULL;
			char err[256] = "";
			int r;
			tu_alloc_failing(k);
			r = vopen(&img, &img.p, &v, err, sizeof(err));
			if (r == LD_OK) {
				r = ld_verity_read(v, 100, buf, sizeof(buf), err, sizeof(err));
				if (r == LD_OK)
					r = ld_verity_verify_all(v, NULL, NULL, NULL, err, sizeof(err));
				ld_verity_close(v);
			}
			tu_alloc_failing(0);
			assert_int_equal(tu_alloc_live(), 0);
			if (r == LD_OK)
				break;
			assert_int_equal(r, LD_ERR_NOMEM);
			assert_non_null(strstr(err, "out of memory"));
		}
		assert_true(k > 3 && k < 100);
		assert_int_equal(tu_alloc_unwiped(), unwiped);
		drop(&img);
	}
}

/* ld_verity_read over random byte ranges equals the file's bytes. */
static void test_read_ranges(void **state)
{
	static const struct vcase cs[] = {
		{ "sha256", 1, 4096, 4096, 300, SALT_DEFAULT, 1, 0, 0 },
		{ "sha512", 0, 512, 1024, 777, SALT_256, 0, 0, 0 },
	};
	size_t i, k;

	(void)state;
	tu_rand_seed();
	for (i = 0; i < 2; i++) {
		struct vimg img;
		ld_verity *v;
		char err[256];
		uint64_t size;
		uint8_t *buf;

		make(&cs[i], &img);
		size = cs[i].blocks * cs[i].dbs;
		buf = malloc((size_t)size + 1);
		assert_int_equal(vopen(&img, &img.p, &v, err, sizeof(err)), LD_OK);
		for (k = 0; k < 400; k++) {
			uint64_t off = tu_rand_below((uint32_t)size);
			uint32_t max = (uint32_t)(size - off) < 3 * cs[i].dbs
				       ? (uint32_t)(size - off) : 3 * cs[i].dbs;
			size_t len = k % 8 ? tu_rand_below(max) + 1 : (size_t)(size - off);
			assert_int_equal(ld_verity_read(v, off, buf, len, err, sizeof(err)), LD_OK);
			assert_memory_equal(buf, img.data + off, len);
		}
		assert_int_equal(ld_verity_read(v, 0, buf, (size_t)size, err, sizeof(err)), LD_OK);
		assert_memory_equal(buf, img.data, (size_t)size);
		assert_int_equal(ld_verity_read(v, size, buf, 0, err, sizeof(err)), LD_OK);
		memset(buf, 0x77, 2);
		assert_int_equal(ld_verity_read(v, size, buf, 1, err, sizeof(err)), LD_ERR_RANGE);
		assert_int_equal(ld_verity_read(v, 1, buf, (size_t)size, err, sizeof(err)),
				 LD_ERR_RANGE);
		assert_int_equal(ld_verity_read(v, UINT64_MAX, buf, 2, err, sizeof(err)),
				 LD_ERR_RANGE);
		assert_int_equal(buf[0], 0x77); /* a refused range touches nothing */
		ld_verity_close(v);
		free(buf);
		drop(&img);
	}
	assert_int_equal(tu_alloc_live(), 0);
}

/* ---- devices the host changes ------------------------------------------------------ */

/* A device over good bytes and a tampered copy (one byte changed in every 512): each read
 * is served from one of them, by mode: always the good bytes; the good ones for the first
 * switch_at reads and the tampered ones after; or either at random.  Reads at or after
 * count_from are counted. */
enum { SERVE_GOOD, SERVE_SWITCH, SERVE_RANDOM };
struct shifty {
	const uint8_t *good;
	uint8_t *bad;
	size_t n;
	int mode;
	uint64_t reads, switch_at;
	uint64_t count_from;   /* reads at or after this offset are counted */
	uint64_t counted;      /* reads there */
};

static int shifty_read(ld_blockdev *d, uint64_t off, void *buf, size_t len)
{
	struct shifty *s = d->ctx;
	int use_bad;

	assert_true(off <= s->n && len <= s->n - off);
	use_bad = s->mode == SERVE_SWITCH ? s->reads >= s->switch_at
		: s->mode == SERVE_RANDOM ? (int)(tu_rand64() & 1) : 0;
	s->reads++;
	if (off >= s->count_from)
		s->counted++;
	memcpy(buf, (use_bad ? s->bad : s->good) + off, len);
	return LD_OK;
}

static void shifty_init(struct shifty *s, ld_blockdev *d, const uint8_t *good, size_t n,
			int mode)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->good = good;
	s->n = n;
	s->mode = mode;
	s->count_from = UINT64_MAX;
	s->bad = malloc(n);
	memcpy(s->bad, good, n);
	for (i = 0; i < n; i += 512)
		if (i + (i / 512 * 37) % 512 < n)
			s->bad[i + (i / 512 * 37) % 512] ^= 0x01;
	d->read = shifty_read;
	d->size = n;
	d->block_size = 512;
	d->ctx = s;
}

/* Whatever the device does between two reads, a read that succeeds returns exactly the
 * bytes veritysetup hashed, and one that fails returns zeros. */
static void test_changing_device(void **state)
{
	static const struct vcase cs[] = {
		{ "sha256", 1, 512, 512, 300, SALT_DEFAULT, 1, 0, 0 },
		{ "sha1", 0, 1024, 4096, 1, SALT_EMPTY, 1, 0, 0 },
		{ "sha512", 1, 4096, 1024, 100, SALT_256, 1, 1, 0 },
	};
	size_t i;
	int mode;

	(void)state;
	tu_rand_seed();
	for (i = 0; i < 3; i++) {
		struct vimg img;
		size_t dbs = cs[i].dbs, size;
		uint8_t *buf;
		unsigned ok = 0, failed = 0;

		make(&cs[i], &img);
		size = (size_t)(cs[i].blocks * dbs);
		buf = malloc(size);
		for (mode = SERVE_SWITCH; mode <= SERVE_RANDOM; mode++) {
			int round;
			for (round = 0; round < 40; round++) {
				struct shifty s;
				ld_blockdev d;
				ld_verity *v;
				char err[256];
				int r, k;

				shifty_init(&s, &d, img.data, img.data_n, mode);
				s.switch_at = (uint64_t)round;
				r = ld_verity_open(&v, &d, &d, &img.p, &tu_alloc, err, sizeof(err));
				if (r) {
					assert_true(r == LD_ERR_KEY || r == LD_ERR_INVALID);
					free(s.bad);
					continue;
				}
				for (k = 0; k < 30; k++) {
					uint64_t off = tu_rand_below((uint32_t)size);
					size_t len = tu_rand_below((uint32_t)(size - off)) + 1, j;
					memset(buf, 0xee, len);
					r = k % 2 ? ld_verity_read(v, off, buf, len, err, sizeof(err))
						  : ld_verity_read_blocks(v, off / dbs, 1, buf, NULL, err,
									  sizeof(err));
					if (k % 2 == 0) {
						off = off / dbs * dbs;
						len = dbs;
					}
					if (r == LD_OK) {
						assert_memory_equal(buf, img.data + off, len);
						ok++;
						continue;
					}
					assert_int_equal(r, LD_ERR_CORRUPT);
					for (j = 0; j < len; j++)
						if (buf[j])
							fail_msg("unverified byte %zu handed over", j);
					failed++;
				}
				ld_verity_close(v);
				free(s.bad);
			}
		}
		if (!ok || !failed)
			fail_msg("case %zu: %u reads verified, %u refused: both must happen", i, ok,
				 failed);
		free(buf);
		drop(&img);
	}
	assert_int_equal(tu_alloc_live(), 0);
}

/* Hash blocks are read once and kept: after a full pass, verifying again reads no hash
 * block, and a hash device whose tree is then replaced changes nothing. */
static void test_hash_blocks_kept(void **state)
{
	static const struct vcase c = { "sha256", 1, 512, 512, 300, SALT_DEFAULT, 0, 0, 0 };
	struct vimg img;
	struct shifty s;
	ld_blockdev d;
	ld_verity_geometry g;
	ld_verity *v;
	char err[256];

	(void)state;
	make(&c, &img);
	assert_int_equal(ld_verity_geometry_of(&img.p, &g), LD_OK);
	shifty_init(&s, &d, img.hash, img.hash_n, SERVE_GOOD);
	s.count_from = g.tree_offset;
	assert_int_equal(ld_verity_open(&v, &img.dd, &d, &img.p, &tu_alloc, err, sizeof(err)),
			 LD_OK);
	assert_int_equal(s.counted, 1); /* the top block */
	assert_int_equal(ld_verity_verify_all(v, NULL, NULL, NULL, err, sizeof(err)), LD_OK);
	assert_int_equal(s.counted, g.hash_blocks);
	s.mode = SERVE_RANDOM;
	assert_int_equal(ld_verity_verify_all(v, NULL, NULL, NULL, err, sizeof(err)), LD_OK);
	assert_int_equal(s.counted, g.hash_blocks);
	ld_verity_close(v);
	free(s.bad);
	drop(&img);
	assert_int_equal(tu_alloc_live(), 0);
}

/* A device that fails every read after the first n: each call returns LD_OK with the right
 * bytes or LD_ERR_IO with a reason and zeros, never anything else. */
struct failing {
	const uint8_t *p;
	size_t n;
	unsigned left;
};

static int failing_read(ld_blockdev *d, uint64_t off, void *buf, size_t len)
{
	struct failing *f = d->ctx;

	assert_true(off <= f->n && len <= f->n - off);
	if (!f->left)
		return LD_ERR_IO;
	f->left--;
	memcpy(buf, f->p + off, len);
	return LD_OK;
}

static void test_io_errors(void **state)
{
	static const struct vcase c = { "sha256", 1, 512, 512, 300, SALT_DEFAULT, 1, 0, 0 };
	struct vimg img;
	unsigned n, opened = 0;

	(void)state;
	make(&c, &img);
	for (n = 0; n < 40; n++) {
		struct failing f = { img.data, img.data_n, n };
		ld_blockdev d = { failing_read, img.data_n, 512, &f };
		uint8_t buf[1500];
		ld_verity *v;
		char err[256] = "";
		int r, k;

		r = ld_verity_open(&v, &d, &d, &img.p, &tu_alloc, err, sizeof(err));
		if (r) {
			assert_int_equal(r, LD_ERR_IO);
			assert_non_null(strstr(err, "I/O error"));
			continue;
		}
		opened++;
		for (k = 0; k < 8; k++) {
			uint64_t off = (uint64_t)k * 17000 + 100;
			size_t i;
			memset(buf, 0xee, sizeof(buf));
			r = ld_verity_read(v, off, buf, sizeof(buf), err, sizeof(err));
			if (r == LD_OK) {
				assert_memory_equal(buf, img.data + off, sizeof(buf));
				continue;
			}
			assert_int_equal(r, LD_ERR_IO);
			assert_non_null(strstr(err, "I/O error"));
			for (i = 0; i < sizeof(buf); i++)
				assert_int_equal(buf[i], 0);
		}
		ld_verity_close(v);
	}
	assert_true(opened > 30);
	assert_int_equal(tu_alloc_live(), 0);
	drop(&img);
}

/* Parameters the check refuses, each with its code. */
static void test_params_check(void **state)
{
	static const struct vcase c = { "sha256", 1, 4096, 4096, 129, SALT_DEFAULT, 0, 0, 0 };
	struct vimg img;
	ld_verity *v;
	char err[256];
	int f;

	(void)state;
	make(&c, &img);
	for (f = 0; f < 16; f++) {
		ld_verity_params p = img.p;
		int want = LD_ERR_INVALID;
		switch (f) {
		case 0: p.hash_type = 2; want = LD_ERR_UNSUPPORTED; break;
		case 1: p.hash = LD_HASH_RIPEMD160; want = LD_ERR_UNSUPPORTED; break;
		case 2: p.hash = (ld_hash_alg)9; break;
		case 3: p.data_block_size = 8192; want = LD_ERR_UNSUPPORTED; break;
		case 4: p.hash_block_size = 256; break;
		case 5: p.data_block_size = 3000; break;
		case 6: p.hash_block_size = 0; break;
		case 7: p.data_blocks = 0; break;
		case 8: p.data_blocks = UINT64_MAX / 2048; break;
		case 9: p.salt_size = 257; break;
		case 10: p.hash_offset = 100; break;
		case 11: p.no_superblock = 1; p.hash_offset = 512; break;
		case 12: p.no_superblock = 2; break;
		case 13: p.hash_offset = UINT64_MAX - 511; break;
		case 14:
			p.data_blocks = 1ull << 30;
			p.hash_offset = (UINT64_MAX - (1ull << 30)) / 512 * 512;
			break;
		case 15: p.data_blocks = (1ull << 40); want = LD_ERR_UNSUPPORTED; break;
		}
		/* case 15 is valid, but its tree is too big to open */
		assert_int_equal(ld_verity_params_check(&p, err, sizeof(err)), f == 15 ? LD_OK : want);
		if (f < 15 && !err[0])
			fail_msg("case %d: no reason", f);
		assert_int_equal(vopen(&img, &p, &v, err, sizeof(err)), want);
		if (f == 15 && !strstr(err, "2^24"))
			fail_msg("case 15: reason \"%s\"", err);
	}
	assert_int_equal(tu_alloc_live(), 0);
	drop(&img);
}

static int setup(void **state)
{
	(void)state;
	if (system("veritysetup --version >/dev/null 2>&1") != 0) {
		fprintf(stderr, "veritysetup is missing (cryptsetup-bin)\n");
		return -1;
	}
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_superblock_fields),
		cmocka_unit_test(test_wrong_root),
		cmocka_unit_test(test_flipped_data),
		cmocka_unit_test(test_flipped_hash),
		cmocka_unit_test(test_truncating_data_blocks),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_alloc_failures),
		cmocka_unit_test(test_read_ranges),
		cmocka_unit_test(test_changing_device),
		cmocka_unit_test(test_hash_blocks_kept),
		cmocka_unit_test(test_io_errors),
		cmocka_unit_test(test_params_check),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
