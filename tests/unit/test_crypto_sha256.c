/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* SHA-256 (crypto/sha256.c over the multi-block compressions of crypto/kdf_sha.h) on
 * every path this CPU offers, each forced in turn with ld_kdf_cpu_allow: portable, and
 * SHA-NI where CPUID reports it (otherwise printed as "# not run").  On each path:
 *   - published vectors, whole and fed in pieces;
 *   - every message length 0..300 against OpenSSL's SHA-256, whole and split once at a
 *     random point (so that each buffer fill level meets each tail length);
 *   - random long messages (up to 70000 bytes) fed in random pieces, some of many blocks
 *     at odd addresses, against OpenSSL;
 *   - the multi-block compressions themselves against the one-block portable one, from
 *     random states (the two-message SHA-NI form with two different states);
 *   - ld_hash_each (two messages at a time) against OpenSSL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "common/testutil.h"
#include "crypto/crypto.h"
#include "crypto/kdf_cpu.h"
#include "crypto/kdf_sha.h"

/* NIST CAVP, SHA Validation System test vectors for FIPS 180-4, byte-oriented
 * SHA256ShortMsg.rsp (Len = 0, 8, 16, 24, 448, 504, 512 bits: around the one-block
 * padding boundary), and FIPS 180-2 Appendix B.1-B.3 (the "abc", two-block and
 * one-million-'a' examples, NULL below).  Messages in hex, except the FIPS ones. */
static const struct {
	const char *hex, *text, *md;
} vec[] = {
	{ "", NULL, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "d3", NULL, "28969cdfa74a12c82f3bad960b0b000aca2ac329deea5c2328ebc6f2ba9802c1" },
	{ "11af", NULL, "5ca7133fa735326081558ac312c620eeca9970d1e70a4b95533d956f072d1f98" },
	{ "b4190e", NULL, "dff2e73091f6c05e528896c4c831b9448653dc2ff043528f6769437bc7b975c2" },
	{ "2d52447d1244d2ebc28650e7b05654bad35b3a68eedc7f8515306b496d75f3e73385dd1b002625024b"
	  "81a02f2fd6dffb6e6d561cb7d0bd7a", NULL,
	  "cfb88d6faf2de3a69d36195acec2e255e2af2b7d933997f348e09f6ce5758360" },
	{ "e2f76e97606a872e317439f1a03fcd92e632e5bd4e7cbc4e97f1afc19a16fde92d77cbe546416b5164"
	  "0cddb92af996534dfd81edb17c4424cf1ac4d75aceeb", NULL,
	  "18041bd4665083001fba8c5411d2d748e8abbfdcdfd9218cb02b68a78e7d4c23" },
	{ "5a86b737eaea8ee976a0a24da63e7ed7eefad18a101c1211e2b3650c5187c2a8a650547208251f6d42"
	  "37e661c7bf4c77f335390394c37fa1a9f9be836ac28509", NULL,
	  "42e61e174fbb3897d6dd6cef3dd2802fe67b331953b06114a65c772859dfc1aa" },
	{ NULL, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ NULL, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ NULL, NULL, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
};

static void force(uint32_t mask)
{
	assert_int_equal(ld_kdf_cpu_allow(mask), LD_OK);
	assert_int_equal(ld_kdf_cpu_features() & LD_KDF_CPU_SHA, mask & LD_KDF_CPU_SHA);
}

static int restore(void **state)
{
	(void)state;
	return ld_kdf_cpu_allow(LD_KDF_CPU_ALL);
}

static void ossl(const uint8_t *m, size_t n, uint8_t out[32])
{
	unsigned int len;

	assert_int_equal(EVP_Digest(m, n, out, &len, EVP_sha256(), NULL), 1);
	assert_int_equal(len, 32);
}

/* The digest of m through ld_hash_init/update/final, fed in pieces of at most max bytes
 * (random sizes), starting at m (whatever its alignment). */
static void pieces(const uint8_t *m, size_t n, size_t max, uint8_t out[32])
{
	ld_hash_ctx c;
	size_t off = 0;

	assert_int_equal(ld_hash_init(&c, LD_HASH_SHA256), LD_OK);
	while (off < n) {
		size_t k = 1 + tu_rand_below((uint32_t)(n - off < max ? n - off : max));
		assert_int_equal(ld_hash_update(&c, m + off, k), LD_OK);
		off += k;
	}
	assert_int_equal(ld_hash_final(&c, out), LD_OK);
}

static void vectors(void)
{
	static uint8_t million[1000000];
	uint8_t m[64], d[32];

	memset(million, 'a', sizeof(million));
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		const uint8_t *p = million;
		size_t n = sizeof(million);

		if (vec[i].hex) {
			n = strlen(vec[i].hex) / 2;
			assert_true(n <= sizeof(m));
			assert_int_equal(tu_unhex(vec[i].hex, m, n), 0);
			p = m;
		} else if (vec[i].text) {
			p = (const uint8_t *)vec[i].text;
			n = strlen(vec[i].text);
		}
		assert_int_equal(ld_hash(LD_HASH_SHA256, p, n, d), LD_OK);
		tu_expect_hex(d, 32, vec[i].md);
		pieces(p, n, 150, d);
		tu_expect_hex(d, 32, vec[i].md);
	}
}

/* Every length 0..300, whole and split once. */
static void short_lengths(void)
{
	uint8_t m[301], a[32], b[32];
	ld_hash_ctx c;

	for (size_t n = 0; n <= 300; n++) {
		size_t cut = tu_rand_below((uint32_t)n + 1);

		tu_rand_bytes(m, n);
		ossl(m, n, b);
		assert_int_equal(ld_hash(LD_HASH_SHA256, m, n, a), LD_OK);
		assert_memory_equal(a, b, 32);
		assert_int_equal(ld_hash_init(&c, LD_HASH_SHA256), LD_OK);
		assert_int_equal(ld_hash_update(&c, m, cut), LD_OK);
		assert_int_equal(ld_hash_update(&c, m + cut, n - cut), LD_OK);
		assert_int_equal(ld_hash_final(&c, a), LD_OK);
		assert_memory_equal(a, b, 32);
	}
}

/* Long messages at every alignment, whole and in pieces up to 5000 bytes (runs of
 * blocks that start at any offset of the buffer and of the block). */
static void long_messages(void)
{
	enum { MAX = 70000 };
	uint8_t *buf = malloc(MAX + 16), a[32], b[32];

	assert_non_null(buf);
	for (int round = 0; round < 60; round++) {
		size_t n = tu_rand_below(MAX + 1), skew = tu_rand_below(16);
		uint8_t *m = buf + skew;

		tu_rand_bytes(m, n);
		ossl(m, n, b);
		assert_int_equal(ld_hash(LD_HASH_SHA256, m, n, a), LD_OK);
		assert_memory_equal(a, b, 32);
		pieces(m, n, round & 1 ? 5000 : 300, a);
		assert_memory_equal(a, b, 32);
	}
	free(buf);
}

/* The multi-block compressions from random states over blocks at odd addresses: the
 * same as one-block portable compressions of the decoded words. */
static void compressions(uint32_t mask)
{
	enum { NB = 9 };
	uint8_t buf[2][NB * 64 + 3];
	uint32_t s0[2][8], s[2][8], t[2][8], w[16];

	for (int round = 0; round < 50; round++) {
		size_t nb = tu_rand_below(NB + 1);

		for (int k = 0; k < 2; k++) {
			tu_rand_bytes(buf[k], sizeof(buf[k]));
			tu_rand_bytes(s0[k], sizeof(s0[k]));
		}
		/* the reference: decode, one block at a time */
		for (int k = 0; k < 2; k++) {
			const uint8_t *p = buf[k] + 1 + k;
			memcpy(s[k], s0[k], sizeof(s[k]));
			for (size_t i = 0; i < nb; i++) {
				for (int j = 0; j < 16; j++) {
					const uint8_t *q = p + 64 * i + 4 * j;
					w[j] = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
					       (uint32_t)q[2] << 8 | q[3];
				}
				ld_sha256_compress(s[k], w);
			}
		}
		memcpy(t, s0, sizeof(t));
		ld_sha256_blocks(t[0], buf[0] + 1, nb);
		assert_memory_equal(t[0], s[0], 32);
#ifdef LD_HAVE_SHA_NI
		if (mask & LD_KDF_CPU_SHA) {
			memcpy(t, s0, sizeof(t));
			ld_sha256_blocks_ni(t[0], buf[0] + 1, nb);
			assert_memory_equal(t[0], s[0], 32);
			memcpy(t, s0, sizeof(t));
			ld_sha256_blocks2_ni(t[0], buf[0] + 1, t[1], buf[1] + 2, nb);
			assert_memory_equal(t, s, sizeof(t));
		}
#else
		(void)mask;
#endif
	}
}

/* ld_hash_each over runs of blocks with a prefix, a suffix, both or neither (dm-verity's
 * salt || block and block || salt), counts odd and even (SHA-256 takes the messages in
 * pairs), block lengths around the block size: each digest against OpenSSL's. */
static void each(void)
{
	static uint8_t blocks[7 * 4200];
	uint8_t pre[300], suf[300], out[7 * 32], want[32];
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	unsigned int n;

	assert_non_null(x);
	for (int round = 0; round < 300; round++) {
		size_t count = tu_rand_below(8), len = round < 130 ? (size_t)round : tu_rand_below(4200);
		size_t prelen = round % 3 == 1 ? 0 : tu_rand_below(300);
		size_t suflen = round % 3 == 2 ? 0 : tu_rand_below(300);

		if (round % 5 == 0) /* dm-verity's case: a 32-byte salt, a 4096-byte block */
			len = 4096, prelen = round % 2 ? 32 : 0, suflen = round % 2 ? 0 : 32;
		tu_rand_bytes(pre, prelen);
		tu_rand_bytes(suf, suflen);
		tu_rand_bytes(blocks, count * len);
		assert_int_equal(ld_hash_each(LD_HASH_SHA256, prelen ? pre : NULL, prelen, blocks,
					      len, count, suflen ? suf : NULL, suflen, out), LD_OK);
		for (size_t i = 0; i < count; i++) {
			assert_int_equal(EVP_DigestInit_ex(x, EVP_sha256(), NULL), 1);
			assert_int_equal(EVP_DigestUpdate(x, pre, prelen), 1);
			assert_int_equal(EVP_DigestUpdate(x, blocks + i * len, len), 1);
			assert_int_equal(EVP_DigestUpdate(x, suf, suflen), 1);
			assert_int_equal(EVP_DigestFinal_ex(x, want, &n), 1);
			assert_memory_equal(out + 32 * i, want, 32);
		}
	}
	EVP_MD_CTX_free(x);
}

static void path(uint32_t mask)
{
	tu_rand_seed();
	force(mask);
	vectors();
	short_lengths();
	long_messages();
	compressions(mask);
	each();
}

static void test_portable(void **state)
{
	(void)state;
	path(0);
}

static void test_sha_ni(void **state)
{
	(void)state;
	path(LD_KDF_CPU_SHA);
}

int main(void)
{
	struct CMUnitTest run[2];
	size_t n = 0;

	run[n++] = (struct CMUnitTest)cmocka_unit_test_teardown(test_portable, restore);
	if (ld_kdf_cpu_detected() & LD_KDF_CPU_SHA)
		run[n++] = (struct CMUnitTest)cmocka_unit_test_teardown(test_sha_ni, restore);
	else
		printf("# not run: SHA-256 SHA-NI (this CPU does not offer it)\n");
	return _cmocka_run_group_tests("crypto_sha256", run, n, NULL, NULL);
}
