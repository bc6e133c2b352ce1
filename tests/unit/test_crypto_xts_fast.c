/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The fast AES-XTS paths (crypto/aes_xts_x86.asm, chosen by crypto/aes_impl.c), each
 * forced in turn, against two independent references: the portable path (mbedTLS) and
 * OpenSSL EVP (aes-128-xts, aes-256-xts; OpenSSL has no AES-192-XTS, so 384-bit keys are
 * compared with the portable path and with XTS assembled from OpenSSL's AES-192-ECB).
 *  - the IEEE 1619 vectors through ld_aes_xts and through "aes-xts-plain64";
 *  - random keys (256/384/512-bit), random sector counts, every sector size 512..4096,
 *    random plain64 IV sectors, unaligned buffers, encrypt and decrypt: in place through
 *    ld_cipher, out of place (and odd block counts, which reach every tail loop) through
 *    ld_aes_xts.
 * A path this CPU (or its OS) cannot run is reported as "not run" on a TAP comment line
 * and registers no test: it is never counted as passed.  TEST_SEED replays a run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "common/cipher_ref.h"
#include "common/testutil.h"
#include "crypto/aes_impl.h"
#include "crypto/crypto.h"

/* ---- references ------------------------------------------------------------------ */

static void plain64(uint8_t iv[16], uint64_t n)
{
	memset(iv, 0, 16);
	for (int i = 0; i < 8; i++)
		iv[i] = (uint8_t)(n >> (8 * i));
}

static void force(ld_aes_impl i)
{
	assert_int_equal(ld_aes_impl_force(i), LD_OK);
	assert_int_equal(ld_aes_impl_current(), i);
}

static ld_aes_impl path_of(void **state)
{
	return (ld_aes_impl)(uintptr_t)*state;
}

/* ---- IEEE 1619 vectors through one path (common/xts_ieee1619.c) ----------------- */

static void test_ieee1619(void **state)
{
	force(path_of(state));
	assert_int_equal(tu_xts_ieee1619(), 12);
	ld_aes_impl_auto();
	assert_int_equal(tu_alloc_live(), 0);
	assert_int_equal(tu_alloc_unwiped(), 0);
}

/* ---- random sectors, in place, through ld_cipher ---------------------------------- */

#define MAX_SECTORS 9
#define BUF_MAX (MAX_SECTORS * 4096 + 64)

static void test_random_sectors(void **state)
{
	ld_aes_impl path = path_of(state);
	static const size_t keylens[] = { 32, 48, 64 };
	static uint8_t src[BUF_MAX], fast[BUF_MAX], port[BUF_MAX], ref[BUF_MAX];
	char err[128];

	tu_rand_seed();
	for (int iter = 0; iter < 120; iter++) {
		size_t keylen = keylens[tu_rand_below(3)];
		size_t ss = (size_t)512 << tu_rand_below(4);
		size_t n = 1 + tu_rand_below(MAX_SECTORS), len = n * ss;
		size_t off = tu_rand_below(64); /* buffers at any alignment */
		uint64_t s0 = tu_rand64() >> tu_rand_below(64), step = ss / 512;
		int enc = (int)tu_rand_below(2);
		uint8_t key[64], iv[16];
		ld_cipher *cf, *cp;

		tu_rand_bytes(key, keylen);
		tu_rand_bytes(src + off, len);
		memcpy(fast + off, src + off, len);
		memcpy(port + off, src + off, len);

		force(path);
		assert_int_equal(ld_cipher_new(&cf, "aes-xts-plain64", key, keylen, &tu_alloc, err,
					       sizeof(err)), LD_OK);
		force(LD_AES_PORTABLE);
		assert_int_equal(ld_cipher_new(&cp, "aes-xts-plain64", key, keylen, &tu_alloc, err,
					       sizeof(err)), LD_OK);
		ld_aes_impl_auto();
		if (enc) {
			assert_int_equal(ld_cipher_encrypt(cf, fast + off, len, ss, s0, step), LD_OK);
			assert_int_equal(ld_cipher_encrypt(cp, port + off, len, ss, s0, step), LD_OK);
		} else {
			assert_int_equal(ld_cipher_decrypt(cf, fast + off, len, ss, s0, step), LD_OK);
			assert_int_equal(ld_cipher_decrypt(cp, port + off, len, ss, s0, step), LD_OK);
		}
		for (size_t k = 0; k < n; k++) {
			plain64(iv, s0 + k * step);
			tu_ossl_xts(key, keylen, iv, enc, src + off + k * ss, ref + k * ss, ss);
		}
		if (memcmp(fast + off, port + off, len) != 0 || memcmp(fast + off, ref, len) != 0)
			fail_msg("%s: %s, key %zu bits, %zu x %zu B sectors from %llu: mismatch",
				 ld_aes_impl_name(path), enc ? "encrypt" : "decrypt", keylen * 8, n,
				 ss, (unsigned long long)s0);
		/* and back */
		if (enc)
			assert_int_equal(ld_cipher_decrypt(cf, fast + off, len, ss, s0, step), LD_OK);
		else
			assert_int_equal(ld_cipher_encrypt(cf, fast + off, len, ss, s0, step), LD_OK);
		assert_memory_equal(fast + off, src + off, len);
		ld_cipher_free(cf);
		ld_cipher_free(cp);
	}
	assert_int_equal(tu_alloc_live(), 0);
	assert_int_equal(tu_alloc_unwiped(), 0);
}

/* ---- random block counts, out of place, through ld_aes_xts ------------------------- */

static void test_random_blocks(void **state)
{
	ld_aes_impl path = path_of(state);
	static const size_t keylens[] = { 32, 48, 64 };
	static uint8_t src[4096 + 64], fast[4096 + 64], port[4096 + 64], ref[4096];

	tu_rand_seed();
	for (int iter = 0; iter < 300; iter++) {
		size_t keylen = keylens[tu_rand_below(3)];
		/* 1..256 blocks: every remainder of every path's groups and vectors. */
		size_t len = 16 * (1 + tu_rand_below(256));
		size_t io = tu_rand_below(64), oo = tu_rand_below(64);
		int enc = (int)tu_rand_below(2);
		uint8_t key[64], tw[16];

		tu_rand_bytes(key, keylen);
		tu_rand_bytes(tw, 16); /* the whole 128-bit tweak, high bits too */
		tu_rand_bytes(src + io, len);
		force(path);
		assert_int_equal(ld_aes_xts(key, keylen, enc, tw, src + io, fast + oo, len), LD_OK);
		force(LD_AES_PORTABLE);
		assert_int_equal(ld_aes_xts(key, keylen, enc, tw, src + io, port + oo, len), LD_OK);
		ld_aes_impl_auto();
		tu_ossl_xts(key, keylen, tw, enc, src + io, ref, len);
		if (memcmp(fast + oo, port + oo, len) != 0 || memcmp(fast + oo, ref, len) != 0)
			fail_msg("%s: %s, key %zu bits, %zu blocks: mismatch", ld_aes_impl_name(path),
				 enc ? "encrypt" : "decrypt", keylen * 8, len / 16);
	}
}

/* ---- the firmware's YMM/ZMM guard ------------------------------------------------- */

static int guard_depth, guard_enters, guard_bad_token;

static uintptr_t count_enter(void)
{
	guard_depth++;
	guard_enters++;
	return 0x5a00u + (uintptr_t)guard_enters;
}

static void count_leave(uintptr_t token)
{
	if (token != 0x5a00u + (uintptr_t)guard_enters)
		guard_bad_token = 1;
	guard_depth--;
}

/* A run of sectors is bracketed once by the guard on the YMM/ZMM paths, never on the
 * others, and leave gets what enter returned. */
static void test_guard(void **state)
{
	ld_aes_impl path = path_of(state);
	int wide = path == LD_AES_VAES256 || path == LD_AES_VAES512;
	uint8_t key[64], buf[4 * 512];
	char err[128];
	ld_cipher *c;

	tu_rand_bytes(key, sizeof(key));
	tu_rand_bytes(buf, sizeof(buf));
	force(path);
	assert_int_equal(ld_cipher_new(&c, "aes-xts-plain64", key, 64, &tu_alloc, err, sizeof(err)),
			 LD_OK);
	ld_aes_impl_auto();
	guard_depth = guard_enters = guard_bad_token = 0;
	ld_aes_impl_set_guard(count_enter, count_leave);
	assert_int_equal(ld_cipher_decrypt(c, buf, sizeof(buf), 512, 7, 1), LD_OK);
	assert_int_equal(ld_cipher_encrypt(c, buf, sizeof(buf), 512, 7, 1), LD_OK);
	ld_aes_impl_set_guard(NULL, NULL);
	assert_int_equal(guard_enters, wide ? 2 : 0);
	assert_int_equal(guard_depth, 0);
	assert_int_equal(guard_bad_token, 0);
	ld_cipher_free(c);
}

/* ---- the selection API (runs once, whatever the CPU) ------------------------------ */

static void test_selection(void **state)
{
	ld_aes_impl best = LD_AES_PORTABLE, got;

	(void)state;
	for (int i = 0; i < LD_AES_IMPL_COUNT; i++) {
		const char *name = ld_aes_impl_name((ld_aes_impl)i);

		assert_int_equal(ld_aes_impl_from_name(name, strlen(name), &got), LD_OK);
		assert_int_equal(got, i);
		if (ld_aes_impl_usable((ld_aes_impl)i))
			best = (ld_aes_impl)i;
		else
			assert_int_equal(ld_aes_impl_force((ld_aes_impl)i), LD_ERR_UNSUPPORTED);
	}
	assert_int_equal(ld_aes_impl_from_name("vaes", 4, &got), LD_ERR_INVALID);
	assert_int_equal(ld_aes_impl_from_name("aesni2", 6, &got), LD_ERR_INVALID);
	assert_int_equal(ld_aes_impl_force(LD_AES_IMPL_COUNT), LD_ERR_UNSUPPORTED);
	assert_true(ld_aes_impl_usable(LD_AES_PORTABLE));
	ld_aes_impl_auto();
	assert_int_equal(ld_aes_impl_current(), best); /* the fastest usable one */
	print_message("# automatic choice here: %s\n", ld_aes_impl_name(best));
}

/* A path the CPU supports must also pass its known-answer check: a path that fails it
 * is never used (the portable path takes over), but here that is a failure. */
static void test_known_answer(void **state)
{
	assert_true(ld_aes_impl_usable(path_of(state)));
}

/* ---- registration: one group of tests per path this machine can run --------------- */

static const struct {
	const char *what;
	CMUnitTestFunction fn;
} per_path[] = {
	{ "known_answer", test_known_answer },
	{ "ieee1619", test_ieee1619 },
	{ "random_sectors", test_random_sectors },
	{ "random_blocks", test_random_blocks },
	{ "guard", test_guard },
};
#define NPER (sizeof(per_path) / sizeof(per_path[0]))

int main(void)
{
	static struct CMUnitTest tests[1 + LD_AES_IMPL_COUNT * NPER];
	static char names[LD_AES_IMPL_COUNT * NPER][48];
	size_t n = 0;

	tests[n++] = (struct CMUnitTest){ "selection", test_selection, NULL, NULL, NULL };
	for (int i = 0; i < LD_AES_IMPL_COUNT; i++) {
		if (!ld_aes_impl_supported((ld_aes_impl)i)) {
			printf("# path %s: not run (this CPU or OS lacks it)\n",
			       ld_aes_impl_name((ld_aes_impl)i));
			continue;
		}
		/* A supported path that fails its check registers only the failing test. */
		for (size_t j = 0; j < (ld_aes_impl_usable((ld_aes_impl)i) ? NPER : 1); j++) {
			char *name = names[i * NPER + j];

			/* The portable path has no known-answer check: it is the reference. */
			if (i == LD_AES_PORTABLE && per_path[j].fn == test_known_answer)
				continue;

			snprintf(name, sizeof(names[0]), "%s_%s", per_path[j].what,
				 ld_aes_impl_name((ld_aes_impl)i));
			tests[n++] = (struct CMUnitTest){ name, per_path[j].fn, NULL, NULL,
							  (void *)(uintptr_t)i };
		}
	}
	return _cmocka_run_group_tests("crypto_xts_fast", tests, n, NULL, NULL);
}
