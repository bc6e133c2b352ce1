/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Estimated time of a key derivation, before it starts.  A keyslot's cost parameters are
 * untrusted: a host can put a keyslot with PBKDF2 iterations near 2^32, or Argon2 with
 * 4 GiB and a time cost near 2^32, in front of the owner's keyslot, and firmware has no
 * Ctrl-C.  With a clock from the caller (the core has none), we time a small derivation of
 * the same kind, double it until it takes CAL_US, and scale by the slot's parameters:
 * PBKDF2 costs iterations x output blocks, Argon2 costs time x memory (lanes are computed
 * one after the other).  Small Argon2 runs cost more per KiB than large ones (fixed
 * overheads), so the estimate errs on the long side, which only matters near the limit. */
#include "luks/luks_internal.h"

#define CAL_US 20000u              /* calibrate until one run takes 20 ms */
#define PBKDF2_CAL_MAX (1u << 20)  /* iterations: a clock that never moves stops here */
#define ARGON2_CAL_MAX (64u << 10) /* KiB */

static uint64_t elapsed(const ld_kdf_limit *lim, uint64_t t0)
{
	uint64_t t1 = lim->now_us(lim->ctx);

	return t1 > t0 ? t1 - t0 : 0;
}

/* PBKDF2-alg iterations per second for one output block; 0 if it cannot be measured. */
static uint64_t pbkdf2_rate(ld_hash_alg alg, const ld_kdf_limit *lim)
{
	static const uint8_t salt[16] = { 0 };
	uint8_t out[LD_HASH_MAX_SIZE];
	uint32_t it;

	for (it = 1024; it <= PBKDF2_CAL_MAX; it *= 2) {
		uint64_t t0 = lim->now_us(lim->ctx), us;
		if (ld_pbkdf2(alg, (const uint8_t *)"x", 1, salt, sizeof(salt), it, out,
			      ld_hash_size(alg), NULL, NULL))
			return 0;
		us = elapsed(lim, t0);
		if (us >= CAL_US)
			return (uint64_t)it * 1000000u / us;
	}
	return 0;
}

/* Argon2 KiB x passes per second; 0 if it cannot be measured. */
static uint64_t argon2_rate(const ld_kdf_limit *lim, const ld_alloc *alloc)
{
	static const uint8_t salt[16] = { 0 };
	uint8_t out[32];
	uint32_t kib;

	for (kib = 256; kib <= ARGON2_CAL_MAX; kib *= 2) {
		uint64_t t0 = lim->now_us(lim->ctx), us;
		if (ld_argon2(LD_ARGON2ID, 1, kib, 1, (const uint8_t *)"x", 1, salt, sizeof(salt), out,
			      sizeof(out), alloc, NULL, NULL))
			return 0;
		us = elapsed(lim, t0);
		if (us >= CAL_US)
			return (uint64_t)kib * 1000000u / us;
	}
	return 0;
}

/* units / rate in whole seconds, rounded up; UINT64_MAX when it does not fit. */
static uint64_t seconds(uint64_t units_hi, uint64_t units_lo, uint64_t rate)
{
	/* units = units_hi * units_lo may need more than 64 bits: divide first */
	uint64_t q = units_hi / rate, r = units_hi % rate, s;

	if (q && units_lo > UINT64_MAX / q)
		return UINT64_MAX;
	s = q * units_lo;
	/* + r * units_lo / rate, where r < rate < 2^64 and units_lo < 2^32 */
	if (r && units_lo > UINT64_MAX / r)
		return UINT64_MAX;
	return s + (r * units_lo + rate - 1) / rate;
}

static int rate_for(ld_kdf_rates *rates, int idx, const ld_kdf_limit *lim, ld_hash_alg h,
		    const ld_alloc *alloc, uint64_t *rate)
{
	if (!rates->measured[idx]) {
		rates->rate[idx] = idx == LD_KDF_RATE_ARGON2 ? argon2_rate(lim, alloc)
							      : pbkdf2_rate(h, lim);
		rates->measured[idx] = 1;
	}
	*rate = rates->rate[idx];
	return *rate ? LD_OK : LD_ERR_NOTFOUND;
}

int ld_kdf_keyslot_seconds(const ld_keyslot *ks, const ld_kdf_limit *lim, ld_kdf_rates *rates,
			   const ld_alloc *alloc, uint64_t *secs)
{
	uint64_t rate;
	ld_hash_alg h;
	size_t blocks;

	*secs = 0;
	if (ks->kdf == LD_KDF_PBKDF2) {
		if (ld_hash_from_name(ks->kdf_hash, strlen(ks->kdf_hash), &h) ||
		    rate_for(rates, (int)h, lim, h, alloc, &rate))
			return LD_ERR_NOTFOUND;
		blocks = (ks->area_key_size + ld_hash_size(h) - 1) / ld_hash_size(h);
		*secs = seconds(ks->iterations, blocks ? blocks : 1, rate);
		return LD_OK;
	}
	if (ks->kdf == LD_KDF_ARGON2I || ks->kdf == LD_KDF_ARGON2ID) {
		if (rate_for(rates, LD_KDF_RATE_ARGON2, lim, LD_HASH_SHA256, alloc, &rate))
			return LD_ERR_NOTFOUND;
		*secs = seconds(ks->memory_kib, ks->iterations, rate);
		return LD_OK;
	}
	return LD_ERR_NOTFOUND;
}

int ld_kdf_digest_seconds(const ld_digest *d, const ld_kdf_limit *lim, ld_kdf_rates *rates,
			  const ld_alloc *alloc, uint64_t *secs)
{
	uint64_t rate;
	ld_hash_alg h;
	size_t blocks;

	*secs = 0;
	if (ld_hash_from_name(d->hash, strlen(d->hash), &h) ||
	    rate_for(rates, (int)h, lim, h, alloc, &rate))
		return LD_ERR_NOTFOUND;
	blocks = (d->digest_len + ld_hash_size(h) - 1) / ld_hash_size(h);
	*secs = seconds(d->iterations, blocks ? blocks : 1, rate);
	return LD_OK;
}
