/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* libFuzzer target over LUKS1/LUKS2 header and metadata parsing, keyslot unlock and the
 * decrypted read path (luks/).  Input: one flag byte, then the start of a device image.
 *   flag bit 0: re-seal both LUKS2 header checksums first, so that mutations reach the
 *               JSON validation instead of stopping at the checksum;
 *   flag bit 1: the device is exactly the input; otherwise it is 64 MiB, the input
 *               followed by zeros (real headers announce megabytes of keyslots);
 *   flag bit 2: unlock under a key-derivation cost limit (ld_volume_set_kdf_limit) with
 *               a clock that moves one second per reading, so the measured rates are
 *               tiny and every keyslot or digest whose cost is estimated above two
 *               seconds (a few thousand iterations or KiB) is refused, not derived: the
 *               hostile cost parameters reach the estimate whatever their size;
 *               otherwise the volume is unlocked only when its KDF costs are small.
 * The image lives in a heap buffer of exactly its size: any read outside it is an ASan
 * report.  A volume that opens is unlocked with the seeds' passphrase, then read.
 * Invariants checked: info fields are within the device; under the limit, every notice
 * is one bounded line, there are no more notices than keyslots estimated above the limit,
 * and each keyslot's and digest's estimate equals the exact value computed in 128 bits
 * from the same rate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/endian.h"
#include "luks/luks_internal.h"
#include "luks/luks_meta.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void reseal(uint8_t *img, size_t n, uint64_t off)
{
	uint64_t hs;
	ld_hash_alg h;
	ld_hash_ctx c;
	uint8_t sum[LD_HASH_MAX_SIZE];
	size_t alen = 0;

	if (off > n || n - off < 4096)
		return;
	hs = ld_be64(img + off + 8);
	if (hs < 4096 || hs > n - off)
		return;
	while (alen < 31 && img[off + 72 + alen])
		alen++;
	if (ld_hash_from_name((const char *)img + off + 72, alen, &h))
		return;
	memset(img + off + 448, 0, 64);
	if (ld_hash_init(&c, h) || ld_hash_update(&c, img + off, (size_t)hs) || ld_hash_final(&c, sum))
		return;
	memcpy(img + off + 448, sum, ld_hash_size(h));
}

static int cheap(const ld_luks_meta *m)
{
	int i;

	for (i = 0; i < LD_MAX_KEYSLOTS; i++) {
		const ld_keyslot *k = &m->keyslots[i];
		if (!k->present)
			continue;
		if (k->iterations > 2000 || k->memory_kib > 1024 || k->cpus > 4)
			return 0;
	}
	for (i = 0; i < LD_MAX_DIGESTS; i++)
		if (m->digests[i].present && m->digests[i].iterations > 2000)
			return 0;
	return 1;
}

/* The limit's clock: one second per reading, from a start that each input resets. */
static uint64_t fz_clock;

static uint64_t fz_now_us(void *ctx)
{
	(void)ctx;
	return fz_clock += 1000000u;
}

static void fz_notice(void *ctx, const char *line)
{
	size_t n = strnlen(line, 1024);

	if (n == 0 || n >= 1024)
		abort();
	++*(unsigned *)ctx;
}

/* ceil(a * b / rate) exactly, saturated to UINT64_MAX; the core's overflow-safe version
 * must agree with it. */
static uint64_t exact_seconds(uint64_t a, uint64_t b, uint64_t rate)
{
	unsigned __int128 u = (unsigned __int128)a * b, s = (u + rate - 1) / rate;

	return s > UINT64_MAX ? UINT64_MAX : (uint64_t)s;
}

/* Returns how many keyslots are estimated above the limit: at most that many notices. */
static unsigned check_estimates(const ld_luks_meta *m, const ld_kdf_limit *lim)
{
	ld_kdf_rates rates;
	uint64_t secs;
	ld_hash_alg h;
	unsigned over = 0;
	int i;

	memset(&rates, 0, sizeof(rates));
	for (i = 0; i < LD_MAX_KEYSLOTS; i++) {
		const ld_keyslot *k = &m->keyslots[i];
		if (!k->present || ld_kdf_keyslot_seconds(k, lim, &rates, &fz_allocator, &secs) != LD_OK)
			continue;
		if (k->kdf == LD_KDF_PBKDF2) {
			if (ld_hash_from_name(k->kdf_hash, strlen(k->kdf_hash), &h))
				abort();
			size_t hs = ld_hash_size(h), blocks = (k->area_key_size + hs - 1) / hs;
			if (secs != exact_seconds(k->iterations, blocks ? blocks : 1, rates.rate[h]))
				abort();
		} else if (secs != exact_seconds(k->memory_kib, k->iterations, rates.rate[LD_KDF_RATE_ARGON2])) {
			abort();
		}
		over += secs > lim->max_seconds;
	}
	for (i = 0; i < LD_MAX_DIGESTS; i++) {
		const ld_digest *d = &m->digests[i];
		if (!d->present || ld_kdf_digest_seconds(d, lim, &rates, &fz_allocator, &secs) != LD_OK)
			continue;
		if (ld_hash_from_name(d->hash, strlen(d->hash), &h))
			abort();
		size_t hs = ld_hash_size(h), blocks = (d->digest_len + hs - 1) / hs;
		if (secs != exact_seconds(d->iterations, blocks ? blocks : 1, rates.rate[h]))
			abort();
	}
	return over;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_mem m;
	ld_blockdev dev;
	ld_volume *v = NULL;
	uint8_t *img;
	char err[256];
	uint8_t flag;

	if (size < 1)
		return 0;
	flag = data[0];
	data++;
	size--;
	img = malloc(size ? size : 1);
	if (!img)
		return 0;
	memcpy(img, data, size);
	if (flag & 1) {
		reseal(img, size, 0);
		if (size >= 16)
			reseal(img, size, ld_be64(img + 8));
	}
	m.p = img;
	m.n = size;
	dev.read = fz_mem_read;
	dev.size = (flag & 2) ? size : (64u << 20);
	dev.block_size = 512;
	dev.ctx = &m;

	(void)ld_volume_probe(&dev);
	if (ld_volume_open(&v, &dev, &dev, &fz_allocator, err, sizeof(err)) == LD_OK) {
		const ld_volume_info *in = ld_volume_get_info(v);
		const ld_luks_meta *meta = ld_volume_meta(v);
		int slot = -1, limited = (flag & 4) != 0;
		unsigned notices = 0, over = 0;
		const ld_kdf_limit lim = { fz_now_us, fz_notice, &notices, 2 };
		if (strlen(err) >= sizeof(err))
			abort();
		if (in->data_size > dev.size || (in->data_size && in->data_offset > dev.size - in->data_size))
			abort();
		if (limited) {
			fz_clock = 0;
			ld_volume_set_kdf_limit(v, &lim);
			over = check_estimates(meta, &lim);
		}
		if ((limited || cheap(meta)) && ld_volume_unlock(v, (const uint8_t *)"fuzz", 4, -1, NULL, NULL,
						    &slot, err, sizeof(err)) == LD_OK) {
			uint8_t buf[8192], key[256];
			size_t kl;
			if (slot < 0 || slot >= LD_MAX_KEYSLOTS)
				abort();
			if (ld_volume_key(v, key, sizeof(key), &kl) != LD_OK || !kl || kl > sizeof(key))
				abort();
			if (in->sector_size <= sizeof(buf) && in->data_size >= in->sector_size)
				(void)ld_volume_read_sectors(v, 0, 1, buf);
			if (in->data_size > 700)
				(void)ld_volume_read(v, in->data_size - 700, buf, 700);
			if (ld_volume_read_sectors(v, UINT64_MAX, 2, buf) != LD_ERR_RANGE)
				abort();
		}
		/* a notice only for a keyslot whose estimate is above the limit */
		if (notices > over)
			abort();
		ld_volume_close(v);
	}
	free(img);
	return 0;
}
