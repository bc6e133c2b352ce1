/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The dm-crypt sector cipher against data that cryptsetup itself encrypted.
 *
 * For each cipher specification and sector size, a file of random plaintext is
 * encrypted in place by cryptsetup 2.6.1's own code path:
 *   cryptsetup reencrypt --encrypt --type luks2 --header HDR --cipher SPEC
 *       --key-size BITS --volume-key-file VK --sector-size S FILE
 * (offline, detached header, so the data segment starts at byte 0 of FILE and its IVs
 * start at sector 0).  We then decrypt FILE with ld_cipher and the same volume key and
 * must get the plaintext back, and encrypt the plaintext and must get FILE.
 *
 * What this establishes (documented in crypto/crypto.h):
 *  - every IV generator cryptsetup accepts here (plain, plain64, plain64be, essiv:sha256,
 *    benbi, null, and ECB without IV) numbers IVs as we do;
 *  - LUKS2 with 4096-byte (and 1024, 2048) sectors still counts IVs in 512-byte units
 *    (cryptsetup does not set dm-crypt's iv_large_sectors for LUKS): the sector at
 *    byte offset o has IV sector o / 512, so iv_step = sector_size / 512 matches and
 *    iv_step 1 (iv_large_sectors numbering) does not.
 * cryptsetup refuses "aes-ecb-null" here (its userspace backend has no "null" IV for
 * ECB), and dm-crypt ignores the IV generator of ECB, so our aes-ecb-null is checked
 * against cryptsetup's aes-ecb data.  LUKS1 cannot be written offline (reencrypt needs
 * device-mapper for LUKS1); LUKS1 always uses 512-byte sectors numbered from the data
 * segment start, which the 512-byte LUKS2 cases cover. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/testutil.h"
#include "crypto/crypto.h"

#define DATA_SIZE (64 * 1024)

static char dir[] = "/tmp/ld-dmcrypt-XXXXXX";

static int setup(void **state)
{
	char p[128];

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(p, sizeof(p), "%s/pass", dir);
	return tu_write_file(p, "oracle-passphrase", 17);
}

static int teardown(void **state)
{
	(void)state;
	return tu_rmtree(dir);
}

/* Encrypts DATA_SIZE random bytes with cryptsetup; returns plaintext and ciphertext
 * (malloc'ed) and the volume key. */
static void cryptsetup_encrypt(const char *spec, size_t keylen, size_t sector, uint8_t *vk,
			       uint8_t **pt, uint8_t **ct)
{
	char img[128], hdr[128], vkf[128], log[128], cmd[1024];
	size_t n;

	snprintf(img, sizeof(img), "%s/img", dir);
	snprintf(hdr, sizeof(hdr), "%s/hdr", dir);
	snprintf(vkf, sizeof(vkf), "%s/vk", dir);
	snprintf(log, sizeof(log), "%s/log", dir);
	unlink(hdr);
	*pt = malloc(DATA_SIZE);
	assert_non_null(*pt);
	tu_rand_bytes(*pt, DATA_SIZE);
	tu_rand_bytes(vk, keylen);
	assert_int_equal(tu_write_file(img, *pt, DATA_SIZE), 0);
	assert_int_equal(tu_write_file(vkf, vk, keylen), 0);
	snprintf(cmd, sizeof(cmd),
		 "cryptsetup reencrypt -q --encrypt --type luks2 --header '%s' --cipher '%s' "
		 "--key-size %zu --key-file '%s/pass' --volume-key-file '%s' --sector-size %zu "
		 "--pbkdf pbkdf2 --pbkdf-force-iterations 1000 '%s' >'%s' 2>&1",
		 hdr, spec, keylen * 8, dir, vkf, sector, img, log);
	if (system(cmd) != 0) {
		uint8_t *l = tu_read_file(log, &n);
		fail_msg("cryptsetup failed for %s/%zu/%zu: %.*s", spec, keylen, sector,
			 l ? (int)n : 0, l ? (const char *)l : "");
	}
	*ct = tu_read_file(img, &n);
	assert_non_null(*ct);
	assert_int_equal(n, DATA_SIZE);
	/* cryptsetup did encrypt (no sector left as plaintext). */
	for (size_t off = 0; off < DATA_SIZE; off += sector)
		assert_memory_not_equal(*ct + off, *pt + off, sector);
}

struct oracle_case {
	const char *cs_spec;  /* what cryptsetup encrypts with */
	const char *our_spec; /* what we decrypt with */
	size_t keylen;
};

static const struct oracle_case cases[] = {
	{ "aes-xts-plain64", "aes-xts-plain64", 64 },
	{ "aes-xts-plain64", "aes-xts-plain64", 32 },
	{ "aes-xts-plain", "aes-xts-plain", 64 },
	{ "aes-xts-plain64be", "aes-xts-plain64be", 64 },
	{ "aes-xts-benbi", "aes-xts-benbi", 32 },
	{ "aes-xts-null", "aes-xts-null", 64 },
	{ "aes-xts-essiv:sha256", "aes-xts-essiv:sha256", 64 },
	{ "aes-cbc-essiv:sha256", "aes-cbc-essiv:sha256", 32 },
	{ "aes-cbc-essiv:sha256", "aes-cbc-essiv:sha256", 16 },
	{ "aes-cbc-essiv:sha256", "aes-cbc-essiv:sha256", 24 },
	{ "aes-cbc-plain64", "aes-cbc-plain64", 32 },
	{ "aes-cbc-plain", "aes-cbc-plain", 16 },
	{ "aes-cbc-plain64be", "aes-cbc-plain64be", 32 },
	{ "aes-cbc-benbi", "aes-cbc-benbi", 32 },
	{ "aes-cbc-null", "aes-cbc-null", 32 },
	{ "aes-ecb", "aes-ecb", 32 },
	{ "aes-ecb", "aes-ecb-null", 16 },
};

static void run_case(const struct oracle_case *k, size_t sector)
{
	uint8_t vk[64], *pt, *ct, *buf;
	char err[200];
	ld_cipher *c;
	size_t mid = DATA_SIZE / 2;

	print_message("# %s (cryptsetup %s), %zu-bit key, %zu-byte sectors\n", k->our_spec,
		      k->cs_spec, k->keylen * 8, sector);
	cryptsetup_encrypt(k->cs_spec, k->keylen, sector, vk, &pt, &ct);
	if (ld_cipher_new(&c, k->our_spec, vk, k->keylen, &tu_alloc, err, sizeof(err)) != LD_OK)
		fail_msg("%s: %s", k->our_spec, err);
	buf = malloc(DATA_SIZE);
	assert_non_null(buf);

	/* Whole segment: IVs count 512-byte units from 0, whatever the sector size. */
	memcpy(buf, ct, DATA_SIZE);
	assert_int_equal(ld_cipher_decrypt(c, buf, DATA_SIZE, sector, 0, sector / 512), LD_OK);
	if (memcmp(buf, pt, DATA_SIZE) != 0)
		fail_msg("%s %zu-byte sectors: decryption differs from cryptsetup's plaintext",
			 k->our_spec, sector);
	assert_int_equal(ld_cipher_encrypt(c, buf, DATA_SIZE, sector, 0, sector / 512), LD_OK);
	assert_memory_equal(buf, ct, DATA_SIZE);

	/* A run starting mid-segment: its first IV sector is its byte offset / 512. */
	memcpy(buf, ct + mid, DATA_SIZE - mid);
	assert_int_equal(ld_cipher_decrypt(c, buf, DATA_SIZE - mid, sector, mid / 512, sector / 512),
			 LD_OK);
	assert_memory_equal(buf, pt + mid, DATA_SIZE - mid);

	/* With large sectors, counting IVs in units of the sector size (iv_large_sectors)
	 * must NOT reproduce cryptsetup's data, except where the IV does not depend on the
	 * sector number (null IV, ECB). */
	if (sector > 512 && strstr(k->our_spec, "null") == NULL && strcmp(k->our_spec, "aes-ecb") != 0) {
		memcpy(buf, ct, DATA_SIZE);
		assert_int_equal(ld_cipher_decrypt(c, buf, DATA_SIZE, sector, 0, 1), LD_OK);
		/* sector 0 has IV sector 0 either way; from sector 1 on they differ */
		assert_memory_equal(buf, pt, sector);
		assert_memory_not_equal(buf + sector, pt + sector, sector);
	}
	ld_cipher_free(c);
	free(buf);
	free(pt);
	free(ct);
	assert_int_equal(tu_alloc_live(), 0);
	assert_int_equal(tu_alloc_unwiped(), 0); /* secrets wiped before free */
}

static void test_sector_512(void **state)
{
	(void)state;
	tu_rand_seed();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i], 512);
}

static void test_sector_4096(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i], 4096);
}

static void test_sector_1024_2048(void **state)
{
	(void)state;
	run_case(&cases[0], 1024);
	run_case(&cases[7], 2048); /* aes-cbc-essiv:sha256 */
	run_case(&cases[13], 2048); /* aes-cbc-benbi */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sector_512),
		cmocka_unit_test(test_sector_4096),
		cmocka_unit_test(test_sector_1024_2048),
	};
	return cmocka_run_group_tests_name("crypto_dmcrypt", tests, setup, teardown);
}
