/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Run-time choice of the AES-XTS path (see aes_impl.h): CPUID and XGETBV probes, the
 * known-answer check, and the dispatch to crypto/aes_xts_x86.asm. */
#include "crypto/aes_impl.h"

#include <stddef.h>
#include <string.h>

#include "base/common.h"
#include "mbedtls/aes.h"

_Static_assert(offsetof(struct ld_xts_sched, enc) == 0, "K_ENC in aes_xts_x86.asm");
_Static_assert(offsetof(struct ld_xts_sched, dec) == 240, "K_DEC in aes_xts_x86.asm");
_Static_assert(offsetof(struct ld_xts_sched, tweak) == 480, "K_TWK in aes_xts_x86.asm");
_Static_assert(offsetof(struct ld_xts_sched, rounds) == 720, "K_NR in aes_xts_x86.asm");

typedef void xts_fn(const struct ld_xts_sched *k, const uint8_t iv[16], const uint8_t *in,
		    uint8_t *out, size_t nblocks);
xts_fn ld_xts_aesni_enc, ld_xts_aesni_dec, ld_xts_vaes256_enc, ld_xts_vaes256_dec,
	ld_xts_vaes512_enc, ld_xts_vaes512_dec;

static const struct {
	const char *name;
	xts_fn *enc, *dec;
} impls[LD_AES_IMPL_COUNT] = {
	[LD_AES_PORTABLE] = { "portable", NULL, NULL },
	[LD_AES_AESNI] = { "aesni", ld_xts_aesni_enc, ld_xts_aesni_dec },
	[LD_AES_VAES256] = { "vaes256", ld_xts_vaes256_enc, ld_xts_vaes256_dec },
	[LD_AES_VAES512] = { "vaes512", ld_xts_vaes512_enc, ld_xts_vaes512_dec },
};

const char *ld_aes_impl_name(ld_aes_impl i)
{
	return (unsigned)i < LD_AES_IMPL_COUNT ? impls[i].name : "?";
}

int ld_aes_impl_from_name(const char *s, size_t n, ld_aes_impl *out)
{
	if (s == NULL || out == NULL)
		return LD_ERR_INVALID;
	for (int i = 0; i < LD_AES_IMPL_COUNT; i++) {
		if (strlen(impls[i].name) == n && memcmp(impls[i].name, s, n) == 0) {
			*out = (ld_aes_impl)i;
			return LD_OK;
		}
	}
	return LD_ERR_INVALID;
}

/* ---- CPU probe -------------------------------------------------------------------- */

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

/* XCR0 bits: 1 SSE, 2 AVX (upper YMM), 5 opmask, 6 ZMM_Hi256, 7 Hi16_ZMM. */
#define XCR0_AVX    0x06u
#define XCR0_AVX512 0xe6u

static int supported(ld_aes_impl i)
{
	uint32_t l0[4], l1[4], l7[4] = { 0, 0, 0, 0 };
	uint64_t xcr0 = 0;
	int aes, avx2_vaes, avx512;

	if (i == LD_AES_PORTABLE)
		return 1;
	if ((unsigned)i >= LD_AES_IMPL_COUNT)
		return 0;
	cpuid(0, 0, l0);
	cpuid(1, 0, l1);
	if (l0[0] >= 7)
		cpuid(7, 0, l7);
	aes = (l1[2] >> 25) & 1; /* SSE2 is part of x86-64 */
	if (i == LD_AES_AESNI)
		return aes;
	/* XGETBV faults unless CR4.OSXSAVE is set, which CPUID.1:ECX[27] mirrors. */
	if ((l1[2] >> 27) & 1) {
		uint32_t lo, hi;

		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		xcr0 = (uint64_t)hi << 32 | lo;
	}
	avx2_vaes = aes && ((l1[2] >> 28) & 1) /* AVX */ && ((l7[1] >> 5) & 1) /* AVX2 */ &&
		    ((l7[2] >> 9) & 1) /* VAES */ && (xcr0 & XCR0_AVX) == XCR0_AVX;
	if (i == LD_AES_VAES256)
		return avx2_vaes;
	avx512 = avx2_vaes && ((l7[1] >> 16) & 1) /* AVX512F */ && ((l7[1] >> 30) & 1) /* BW */ &&
		 (xcr0 & XCR0_AVX512) == XCR0_AVX512;
	return avx512;
}

int ld_aes_impl_supported(ld_aes_impl i)
{
	return supported(i);
}

/* ---- schedules and dispatch ----------------------------------------------------- */

int ld_xts_sched_set(struct ld_xts_sched *s, const uint32_t *rk_enc, const uint32_t *rk_dec,
		     const uint32_t *rk_tweak, int rounds)
{
	size_t n = 16 * ((size_t)rounds + 1);

	if (s == NULL || rk_enc == NULL || rk_dec == NULL || rk_tweak == NULL ||
	    (rounds != 10 && rounds != 12 && rounds != 14))
		return LD_ERR_INVALID;
	memset(s, 0, sizeof(*s));
	/* mbedTLS stores each round key as four little-endian words: on x86 the bytes in
	 * memory are the round key in FIPS-197 order, as aesenc reads it. */
	memcpy(s->enc, rk_enc, n);
	memcpy(s->dec, rk_dec, n);
	memcpy(s->tweak, rk_tweak, n);
	s->rounds = (uint32_t)rounds;
	return LD_OK;
}

void ld_xts_fast(ld_aes_impl i, const struct ld_xts_sched *s, int encrypt, const uint8_t iv[16],
		 const uint8_t *in, uint8_t *out, size_t nblocks)
{
	if ((unsigned)i >= LD_AES_IMPL_COUNT || impls[i].enc == NULL || nblocks == 0)
		return;
	(encrypt ? impls[i].enc : impls[i].dec)(s, iv, in, out, nblocks);
}

static uintptr_t (*guard_enter)(void);
static void (*guard_leave)(uintptr_t);

void ld_aes_impl_set_guard(uintptr_t (*enter)(void), void (*leave)(uintptr_t))
{
	guard_enter = enter;
	guard_leave = leave;
}

static int uses_wide_registers(ld_aes_impl i)
{
	return i == LD_AES_VAES256 || i == LD_AES_VAES512;
}

uintptr_t ld_xts_fast_begin(ld_aes_impl i)
{
	return (uses_wide_registers(i) && guard_enter != NULL) ? guard_enter() : 0;
}

void ld_xts_fast_end(ld_aes_impl i, uintptr_t token)
{
	if (uses_wide_registers(i) && guard_leave != NULL)
		guard_leave(token);
}

/* ---- known-answer check --------------------------------------------------------- */

/* 71 blocks: every loop of every path runs, each group loop at least twice (so the
 * tweaks a group computes for the next are used by a group too): vaes512 two 32-block
 * groups, one 4-block vector, 3 single blocks; vaes256 four 16-block groups, 3 vectors,
 * 1 block; aesni eight 8-block groups, 7 blocks. */
#define CHECK_BLOCKS 71

static int check_keylen(ld_aes_impl i, unsigned bits)
{
	mbedtls_aes_xts_context enc, dec;
	struct ld_xts_sched s;
	/* An XTS key is two AES keys: K1 (data) then K2 (tweak), bits / 8 bytes each. */
	uint8_t key[2 * 32], iv[16], pt[16 * CHECK_BLOCKS], ref[sizeof(pt)], got[sizeof(pt)];
	int r, ok = 0;

	for (size_t j = 0; j < sizeof(key); j++)
		key[j] = (uint8_t)(j * 29 + bits);
	for (size_t j = 0; j < sizeof(iv); j++)
		iv[j] = (uint8_t)(0xf0 + j); /* top bits set: the first tweak step reduces */
	for (size_t j = 0; j < sizeof(pt); j++)
		pt[j] = (uint8_t)(j * 7 + 3);
	mbedtls_aes_xts_init(&enc);
	mbedtls_aes_xts_init(&dec);
	r = mbedtls_aes_setkey_enc(&enc.crypt, key, bits);
	r |= mbedtls_aes_setkey_dec(&dec.crypt, key, bits);
	r |= mbedtls_aes_setkey_enc(&enc.tweak, key + bits / 8, bits);
	r |= mbedtls_aes_setkey_enc(&dec.tweak, key + bits / 8, bits);
	if (r == 0)
		r = ld_xts_sched_set(&s, enc.crypt.rk, dec.crypt.rk, enc.tweak.rk, enc.crypt.nr);
	if (r == 0)
		r = mbedtls_aes_crypt_xts(&enc, MBEDTLS_AES_ENCRYPT, sizeof(pt), iv, pt, ref);
	if (r == 0) {
		uintptr_t g = ld_xts_fast_begin(i);

		ld_xts_fast(i, &s, 1, iv, pt, got, CHECK_BLOCKS);
		ok = memcmp(got, ref, sizeof(got)) == 0;
		ld_xts_fast(i, &s, 0, iv, got, got, CHECK_BLOCKS); /* in place */
		ok = ok && memcmp(got, pt, sizeof(got)) == 0;
		ld_xts_fast_end(i, g);
	}
	mbedtls_aes_xts_free(&enc);
	mbedtls_aes_xts_free(&dec);
	ld_wipe(&s, sizeof(s));
	return ok;
}

/* 0 not yet checked, 1 passed, -1 failed. */
static signed char checked[LD_AES_IMPL_COUNT];

int ld_aes_impl_usable(ld_aes_impl i)
{
	if (!supported(i))
		return 0;
	if (i == LD_AES_PORTABLE)
		return 1;
	if (checked[i] == 0)
		checked[i] = (check_keylen(i, 128) && check_keylen(i, 256)) ? 1 : -1;
	return checked[i] == 1;
}

/* ---- selection ------------------------------------------------------------------ */

static int forced = -1;

ld_aes_impl ld_aes_impl_current(void)
{
	if (forced >= 0)
		return (ld_aes_impl)forced;
	for (int i = LD_AES_IMPL_COUNT - 1; i > LD_AES_PORTABLE; i--) {
		if (ld_aes_impl_usable((ld_aes_impl)i))
			return (ld_aes_impl)i;
	}
	return LD_AES_PORTABLE;
}

int ld_aes_impl_force(ld_aes_impl i)
{
	if ((unsigned)i >= LD_AES_IMPL_COUNT || !ld_aes_impl_usable(i))
		return LD_ERR_UNSUPPORTED;
	forced = (int)i;
	return LD_OK;
}

void ld_aes_impl_auto(void)
{
	forced = -1;
}
