/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* luks/ through its public API against volumes that libcryptsetup formats at test time
 * (crypt_format + crypt_keyslot_add_by_volume_key on plain files): the volume key we
 * unlock must be the one libcryptsetup generated (crypt_volume_key_get), for LUKS2 and
 * LUKS1, several ciphers, sector sizes and KDFs.  Also: every allocation failure on the
 * open/unlock path fails cleanly without leaks, the read path agrees with itself on
 * arbitrary byte ranges, and out-of-range reads are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libcryptsetup.h>

#include "common/testutil.h"
#include "luks/luks_meta.h"

#define IMG_SIZE (20u << 20)

static char dir[] = "/tmp/ld-luksvol-XXXXXX";

struct fmt {
	const char *type, *cipher, *mode, *kdf, *hash;
	size_t key_bytes;
	uint32_t sector;
};

/* Formats dir/NAME with libcryptsetup; returns the image and the volume key. */
static uint8_t *make(const char *name, const struct fmt *f, uint8_t *vk, size_t *vklen, size_t *n)
{
	char path[256];
	struct crypt_device *cd;
	struct crypt_pbkdf_type pb = { 0 };
	struct crypt_params_luks2 p2 = { 0 };
	struct crypt_params_luks1 p1 = { 0 };
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(ftruncate(fileno(fp), IMG_SIZE), 0);
	fclose(fp);
	assert_int_equal(crypt_init(&cd, path), 0);
	pb.type = f->kdf;
	pb.hash = f->hash;
	pb.flags = CRYPT_PBKDF_NO_BENCHMARK;
	if (!strcmp(f->kdf, CRYPT_KDF_PBKDF2)) {
		pb.iterations = 1000;
	} else {
		pb.iterations = 4;
		pb.max_memory_kb = 32;
		pb.parallel_threads = 1;
	}
	assert_int_equal(crypt_set_pbkdf_type(cd, &pb), 0);
	if (!strcmp(f->type, CRYPT_LUKS2)) {
		p2.sector_size = f->sector;
		assert_int_equal(crypt_format(cd, CRYPT_LUKS2, f->cipher, f->mode, NULL, NULL,
					      f->key_bytes, &p2), 0);
	} else {
		p1.hash = f->hash;
		assert_int_equal(crypt_format(cd, CRYPT_LUKS1, f->cipher, f->mode, NULL, NULL,
					      f->key_bytes, &p1), 0);
	}
	assert_true(crypt_keyslot_add_by_volume_key(cd, CRYPT_ANY_SLOT, NULL, 0, "pass", 4) >= 0);
	*vklen = 256;
	assert_true(crypt_volume_key_get(cd, CRYPT_ANY_SLOT, (char *)vk, vklen, "pass", 4) >= 0);
	crypt_free(cd);
	return tu_read_file(path, n);
}

static const struct fmt fmts[] = {
	{ CRYPT_LUKS2, "aes", "xts-plain64", CRYPT_KDF_PBKDF2, "sha256", 64, 4096 },
	{ CRYPT_LUKS2, "aes", "xts-plain64", CRYPT_KDF_ARGON2ID, NULL, 32, 512 },
	{ CRYPT_LUKS2, "aes", "cbc-essiv:sha256", CRYPT_KDF_ARGON2I, NULL, 32, 1024 },
	{ CRYPT_LUKS2, "aes", "xts-plain64", CRYPT_KDF_PBKDF2, "sha512", 64, 2048 },
	{ CRYPT_LUKS1, "aes", "xts-plain64", CRYPT_KDF_PBKDF2, "sha1", 64, 512 },
	{ CRYPT_LUKS1, "aes", "cbc-essiv:sha256", CRYPT_KDF_PBKDF2, "ripemd160", 16, 512 },
};

static void test_formats(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		uint8_t vk[256], key[256], *img;
		size_t vklen, keylen, n;
		char name[32], err[256], spec[64];
		struct tu_mem m;
		ld_blockdev d;
		ld_volume *v;
		const ld_volume_info *in;
		int slot = -1;

		snprintf(name, sizeof(name), "fmt%zu", i);
		img = make(name, &fmts[i], vk, &vklen, &n);
		assert_non_null(img);
		m.p = img;
		m.n = n;
		tu_mem_dev(&d, &m);
		assert_int_equal(ld_volume_probe(&d), LD_OK);
		assert_int_equal(ld_volume_open(&v, &d, &d, &tu_alloc, err, sizeof(err)), LD_OK);
		in = ld_volume_get_info(v);
		assert_int_equal(in->version, strcmp(fmts[i].type, CRYPT_LUKS2) ? 1 : 2);
		snprintf(spec, sizeof(spec), "%s-%s", fmts[i].cipher, fmts[i].mode);
		assert_string_equal(in->cipher, spec);
		assert_int_equal(in->key_bytes, fmts[i].key_bytes);
		assert_int_equal(in->sector_size, fmts[i].sector);
		assert_int_equal(in->data_size, IMG_SIZE - in->data_offset);
		assert_int_equal(ld_volume_unlock(v, (const uint8_t *)"pasS", 4, -1, NULL, NULL, &slot,
						  err, sizeof(err)), LD_ERR_KEY);
		assert_int_equal(ld_volume_key(v, key, sizeof(key), &keylen), LD_ERR_INVALID);
		assert_int_equal(ld_volume_unlock(v, (const uint8_t *)"pass", 4, -1, NULL, NULL, &slot,
						  err, sizeof(err)), LD_OK);
		assert_int_equal(slot, 0);
		assert_int_equal(ld_volume_key(v, key, sizeof(key), &keylen), LD_OK);
		assert_int_equal(keylen, vklen);
		assert_memory_equal(key, vk, vklen);
		ld_volume_close(v);
		assert_int_equal(tu_alloc_live(), 0);
		free(img);
	}
}

/* Every allocation on the open + unlock path may fail: the failure is reported and
 * nothing leaks. */
static void test_alloc_failures(void **state)
{
	uint8_t vk[256], *img;
	size_t vklen, n;
	unsigned k;
	struct tu_mem m;
	ld_blockdev d;
	char err[256];

	(void)state;
	img = make("allocfail", &fmts[1], vk, &vklen, &n); /* argon2: allocates the most */
	m.p = img;
	m.n = n;
	tu_mem_dev(&d, &m);
	for (k = 1; k < 200; k++) {
		ld_volume *v = NULL;
		int slot, r;
		tu_alloc_failing(k);
		r = ld_volume_open(&v, &d, &d, &tu_alloc, err, sizeof(err));
		if (r == LD_OK) {
			r = ld_volume_unlock(v, (const uint8_t *)"pass", 4, -1, NULL, NULL, &slot, err,
					     sizeof(err));
			ld_volume_close(v);
		}
		tu_alloc_failing(0);
		assert_int_equal(tu_alloc_live(), 0);
		if (r == LD_OK)
			break;
		assert_true(r == LD_ERR_NOMEM || r == LD_ERR_INVALID || r == LD_ERR_KEY);
	}
	assert_true(k < 200);
	free(img);
}

/* No key material stays behind: after open + unlock + a read + close, neither the stack
 * below the caller nor any block the core released holds an 8-byte piece of the volume
 * key (which libcryptsetup gave us) or of a PBKDF2 keyslot's area key (recomputed here
 * from the keyslot's salt).  The stack is painted first, so what is found there was
 * written by this unlock. */
#define STACK_SCAN (64u * 1024)

static __attribute__((noinline)) void stack_paint(void)
{
	volatile uint8_t buf[STACK_SCAN];
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = 0xa5;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
/* Offset in the scanned region of the first 8-byte piece of secret found, or -1. */
static __attribute__((noinline)) long stack_find(const uint8_t *secret, size_t len)
{
	volatile uint8_t buf[STACK_SCAN];
	static uint8_t copy[STACK_SCAN]; /* not in this frame: buf must be the only local */
	size_t i, k;

	for (i = 0; i < sizeof(buf); i++)
		copy[i] = buf[i];
	for (k = 0; k + 8 <= len; k += 8)
		for (i = 0; i + 8 <= sizeof(copy); i++)
			if (!memcmp(copy + i, secret + k, 8))
				return (long)i;
	return -1;
}
#pragma GCC diagnostic pop

/* The area key of the keyslot "pass" opens, if it is a PBKDF2 one (else *len = 0). */
static void area_key_of(ld_blockdev *d, uint8_t *ak, size_t *len)
{
	const ld_luks_meta *meta;
	ld_hash_alg h;
	ld_volume *v;
	char err[256];
	int i;

	*len = 0;
	assert_int_equal(ld_volume_open(&v, d, d, &tu_alloc, err, sizeof(err)), LD_OK);
	meta = ld_volume_meta(v);
	for (i = 0; i < LD_MAX_KEYSLOTS; i++) {
		const ld_keyslot *ks = &meta->keyslots[i];
		if (!ks->present || ks->kdf != LD_KDF_PBKDF2)
			continue;
		assert_int_equal(ld_hash_from_name(ks->kdf_hash, strlen(ks->kdf_hash), &h), LD_OK);
		*len = ks->area_key_size;
		assert_int_equal(ld_pbkdf2(h, (const uint8_t *)"pass", 4, ks->salt, ks->salt_len,
					   ks->iterations, ak, *len, NULL, NULL), LD_OK);
		break;
	}
	ld_volume_close(v);
}

/* The heap side: an allocator over tu_alloc that, when a block is released, looks in it
 * for the same secrets before tu_alloc wipes it. */
static const uint8_t *heap_secret[2];
static size_t heap_secret_len[2];
static int heap_leaks;

static void *scan_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return tu_alloc.alloc(tu_alloc.ctx, size);
}

static void scan_free(void *ctx, void *p, size_t size)
{
	const uint8_t *b = p;
	size_t s, k, i;

	(void)ctx;
	for (s = 0; s < 2 && b; s++)
		for (k = 0; k + 8 <= heap_secret_len[s]; k += 8)
			for (i = 0; i + 8 <= size; i++)
				if (!memcmp(b + i, heap_secret[s] + k, 8)) {
					heap_leaks++;
					k = heap_secret_len[s];
					break;
				}
	tu_alloc.free(tu_alloc.ctx, p, size);
}

static const ld_alloc scan_heap = { scan_alloc, scan_free, NULL };

static __attribute__((noinline)) void unlock_read_close(ld_blockdev *d)
{
	uint8_t sector[128];
	ld_volume *v;
	char err[256];
	int slot;

	assert_int_equal(ld_volume_open(&v, d, d, &scan_heap, err, sizeof(err)), LD_OK);
	assert_int_equal(ld_volume_unlock(v, (const uint8_t *)"pass", 4, -1, NULL, NULL, &slot, err,
					  sizeof(err)), LD_OK);
	assert_int_equal(ld_volume_read(v, 1000, sector, 100), LD_OK);
	ld_volume_close(v);
	memset(sector, 0, sizeof(sector));
}

static void test_key_residue(void **state)
{
	static const size_t which[] = { 0, 2, 4 }; /* pbkdf2 xts-512, argon2i essiv, LUKS1 */
	size_t w;

	(void)state;
	for (w = 0; w < sizeof(which) / sizeof(which[0]); w++) {
		uint8_t vk[256], ak[256], *img;
		size_t vklen, aklen, n;
		char name[32];
		long at;
		struct tu_mem m;
		ld_blockdev d;

		snprintf(name, sizeof(name), "stack%zu", w);
		img = make(name, &fmts[which[w]], vk, &vklen, &n);
		m.p = img;
		m.n = n;
		tu_mem_dev(&d, &m);
		area_key_of(&d, ak, &aklen); /* before painting: it uses the stack too */
		heap_secret[0] = vk;
		heap_secret_len[0] = vklen;
		heap_secret[1] = ak;
		heap_secret_len[1] = aklen;
		heap_leaks = 0;
		stack_paint();
		unlock_read_close(&d);
		if (heap_leaks)
			fail_msg("format %zu: %d released blocks still held key bytes", which[w],
				 heap_leaks);
		assert_int_equal(tu_alloc_live(), 0);
		at = stack_find(vk, vklen);
		if (at >= 0)
			fail_msg("format %zu: volume key bytes left on the stack (scan offset %ld)",
				 which[w], at);
		at = stack_find(ak, aklen);
		if (at >= 0)
			fail_msg("format %zu: keyslot area key bytes left on the stack (scan offset %ld)",
				 which[w], at);
		free(img);
	}
}

/* ld_volume_read over random byte ranges equals the same bytes of a sector read. */
static void test_read_ranges(void **state)
{
	uint8_t vk[256], *img, *all, *part;
	size_t vklen, n, i;
	struct tu_mem m;
	ld_blockdev d;
	ld_volume *v;
	char err[256];
	int slot;
	const ld_volume_info *in;
	uint64_t nsec;

	(void)state;
	tu_rand_seed();
	img = make("ranges", &fmts[0], vk, &vklen, &n);
	for (i = 16u << 20; i < n; i++) /* some ciphertext to decrypt */
		img[i] = (uint8_t)tu_rand64();
	m.p = img;
	m.n = n;
	tu_mem_dev(&d, &m);
	assert_int_equal(ld_volume_open(&v, &d, &d, &tu_alloc, err, sizeof(err)), LD_OK);
	assert_int_equal(ld_volume_unlock(v, (const uint8_t *)"pass", 4, 0, NULL, NULL, &slot, err,
					  sizeof(err)), LD_OK);
	in = ld_volume_get_info(v);
	nsec = in->data_size / in->sector_size;
	all = malloc(in->data_size);
	part = malloc(in->data_size);
	assert_int_equal(ld_volume_read_sectors(v, 0, nsec, all), LD_OK);
	for (i = 0; i < 300; i++) {
		uint64_t off = tu_rand_below((uint32_t)in->data_size);
		size_t len = tu_rand_below((uint32_t)(in->data_size - off) < 20000
					   ? (uint32_t)(in->data_size - off) : 20000) + 1;
		if (off + len > in->data_size)
			len = (size_t)(in->data_size - off);
		assert_int_equal(ld_volume_read(v, off, part, len), LD_OK);
		assert_memory_equal(part, all + off, len);
	}
	assert_int_equal(ld_volume_read_sectors(v, nsec, 1, part), LD_ERR_RANGE);
	assert_int_equal(ld_volume_read_sectors(v, nsec - 1, 2, part), LD_ERR_RANGE);
	assert_int_equal(ld_volume_read_sectors(v, UINT64_MAX, 1, part), LD_ERR_RANGE);
	assert_int_equal(ld_volume_read(v, in->data_size, part, 1), LD_ERR_RANGE);
	assert_int_equal(ld_volume_read(v, 1, part, in->data_size), LD_ERR_RANGE);
	assert_int_equal(ld_volume_read_sectors(v, 0, 0, part), LD_OK);
	ld_volume_close(v);
	assert_int_equal(tu_alloc_live(), 0);
	free(all);
	free(part);
	free(img);
}

/* A detached header: the data device is separate and may be smaller than the header. */
static void test_detached(void **state)
{
	uint8_t vk[256], *img, data[65536];
	size_t vklen, n;
	struct tu_mem mh, md;
	ld_blockdev dh, dd;
	ld_volume *v;
	char err[256];
	int slot;

	(void)state;
	img = make("detached", &fmts[0], vk, &vklen, &n);
	mh.p = img;
	mh.n = n;
	tu_mem_dev(&dh, &mh);
	memset(data, 0x5a, sizeof(data));
	md.p = data;
	md.n = sizeof(data);
	tu_mem_dev(&dd, &md);
	/* the header says data starts at 16 MiB: a 64 KiB data device is too small */
	assert_int_equal(ld_volume_open(&v, &dh, &dd, &tu_alloc, err, sizeof(err)), LD_OK);
	assert_int_equal(ld_volume_unlock(v, (const uint8_t *)"pass", 4, -1, NULL, NULL, &slot, err,
					  sizeof(err)), LD_ERR_INVALID);
	ld_volume_close(v);
	assert_int_equal(tu_alloc_live(), 0);
	free(img);
}

static int setup(void **state)
{
	(void)state;
	crypt_set_log_callback(NULL, NULL, NULL);
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
		cmocka_unit_test(test_alloc_failures),
		cmocka_unit_test(test_key_residue),
		cmocka_unit_test(test_read_ranges),
		cmocka_unit_test(test_detached),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
