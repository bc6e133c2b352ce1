/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Every failing ld_volume_open / ld_volume_unlock writes its reason: the reason buffer is
 * filled with a poison pattern before each failing call, and what comes back must be a
 * NUL-terminated, non-empty line of printable text with no poison byte in it.  In the
 * firmware that text goes to the console, which the host reads: stack bytes that no code
 * wrote must never reach it.  Volumes are formatted by libcryptsetup, then their LUKS2
 * JSON is edited here and both header checksums re-sealed (OpenSSL's SHA-256). */
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
#include <openssl/sha.h>

#include "common/testutil.h"
#include "luks/luks_meta.h"

#define IMG_SIZE (20u << 20)
#define POISON 0xa5

static char dir[] = "/tmp/ld-reasons-XXXXXX";
static uint8_t *base;
static size_t base_n;

static int setup(void **state)
{
	char path[256];
	struct crypt_device *cd;
	struct crypt_pbkdf_type pb = { .type = CRYPT_KDF_PBKDF2, .hash = "sha256",
				       .iterations = 1000, .flags = CRYPT_PBKDF_NO_BENCHMARK };
	FILE *fp;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/base", dir);
	fp = fopen(path, "w");
	if (!fp || ftruncate(fileno(fp), IMG_SIZE))
		return -1;
	fclose(fp);
	if (crypt_init(&cd, path) || crypt_set_pbkdf_type(cd, &pb) ||
	    crypt_format(cd, CRYPT_LUKS2, "aes", "xts-plain64", NULL, NULL, 64, NULL) ||
	    crypt_keyslot_add_by_volume_key(cd, CRYPT_ANY_SLOT, NULL, 0, "pass", 4) < 0)
		return -1;
	crypt_free(cd);
	base = tu_read_file(path, &base_n);
	return base ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(base);
	return tu_rmtree(dir);
}

/* A copy of the base image whose JSON text has the first "from" after "after" replaced by
 * "to" (in both header copies), re-sealed; a test failure if "from" is not there. */
static uint8_t *edited(const char *after, const char *from, const char *to)
{
	uint8_t *img = malloc(base_n);
	uint64_t hsize = 0;
	int c, i;

	assert_non_null(img);
	memcpy(img, base, base_n);
	for (i = 8; i < 16; i++)
		hsize = hsize << 8 | img[i];
	for (c = 0; c < 2; c++) {
		uint8_t *h = img + c * hsize;
		char *json = (char *)h + 4096, *p;
		size_t area = hsize - 4096, len = strlen(json);
		char *out = calloc(1, area);

		p = strstr(json, after);
		assert_non_null(p);
		p = strstr(p, from);
		assert_non_null(p);
		assert_true(len - strlen(from) + strlen(to) < area);
		memcpy(out, json, (size_t)(p - json));
		strcat(out, to);
		strcat(out, p + strlen(from));
		memcpy(json, out, area);
		free(out);
		memset(h + 448, 0, 64);
		SHA256(h, hsize, h + 448);
	}
	return img;
}

/* The reason in err[errlen] is a real message. */
static void check_reason(const char *what, const char *err, size_t errlen)
{
	const char *nul = memchr(err, 0, errlen);
	size_t i;

	if (!nul)
		fail_msg("%s: reason not NUL-terminated", what);
	if (nul == err)
		fail_msg("%s: empty reason", what);
	for (i = 0; err + i < nul; i++)
		if ((uint8_t)err[i] == POISON || err[i] < 0x20 || err[i] > 0x7e)
			fail_msg("%s: reason byte %zu is 0x%02x (unwritten or not text)", what, i,
				 (uint8_t)err[i]);
	printf("# %s: %s\n", what, err);
}

struct fail_case {
	const char *what, *after, *from, *to;
	int open_rc;   /* what ld_volume_open returns */
	int unlock_rc; /* then what ld_volume_unlock returns (if open succeeded) */
	int keyslot;
};

static const struct fail_case cases[] = {
	{ "wrong passphrase", NULL, NULL, NULL, LD_OK, LD_ERR_KEY, -1 },
	{ "keyslot not in use", NULL, NULL, NULL, LD_OK, LD_ERR_NOTFOUND, 5 },
	/* the case of issue 11: a digest value of unexpected length */
	{ "digest value of 8 bytes", "\"digests\"", "\"digest\":\"",
	  "\"digest\":\"AAAAAAAAAAA=\",\"x\":\"", LD_OK, LD_ERR_KEY, -1 },
	{ "digest value of 48 bytes for sha256", "\"digests\"", "\"digest\":\"",
	  "\"digest\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"x\":\"",
	  LD_OK, LD_ERR_KEY, -1 },
	{ "digest value of 8 bytes, named slot", "\"digests\"", "\"digest\":\"",
	  "\"digest\":\"AAAAAAAAAAA=\",\"x\":\"", LD_OK, LD_ERR_KEY, 0 },
	{ "digest hash unknown", "\"digests\"", "\"hash\":\"sha256\"", "\"hash\":\"whirlpool\"",
	  LD_OK, LD_ERR_UNSUPPORTED, -1 },
	{ "keyslot hash unknown", "\"keyslots\"", "\"hash\":\"sha256\",\"iterations\"",
	  "\"hash\":\"whirlpool\",\"iterations\"", LD_OK, LD_ERR_UNSUPPORTED, -1 },
	{ "keyslot iterations zero", "\"keyslots\"", "\"iterations\":1000,", "\"iterations\":0,",
	  LD_OK, LD_ERR_INVALID, -1 },
	{ "keyslot cipher unknown", "\"keyslots\"", "\"encryption\":\"aes-xts-plain64\"",
	  "\"encryption\":\"camellia-xts-plain64\"", LD_OK, LD_ERR_UNSUPPORTED, -1 },
	{ "unknown requirement", "{", "\"config\":{",
	  "\"config\":{\"requirements\":{\"mandatory\":[\"x\"]},", LD_OK, LD_ERR_UNSUPPORTED, -1 },
	{ "digest salt not base64", "\"digests\"", "\"salt\":\"", "\"salt\":\"!\",\"y\":\"",
	  LD_ERR_INVALID, 0, -1 },
	{ "JSON not closed", "{", "\"config\":{", "\"config\":{{", LD_ERR_INVALID, 0, -1 },
};

static void run_case(const struct fail_case *fc, const uint8_t *img, size_t n, size_t errlen)
{
	char err[512];
	struct tu_mem m = { (uint8_t *)img, n };
	ld_blockdev d;
	ld_volume *v = NULL;
	const char *pass = strcmp(fc->what, "wrong passphrase") ? "pass" : "Pass";
	int r, slot = -1;

	tu_mem_dev(&d, &m);
	memset(err, POISON, sizeof(err));
	r = ld_volume_open(&v, &d, &d, &tu_alloc, err, errlen);
	assert_int_equal(r, fc->open_rc);
	if (r) {
		check_reason(fc->what, err, errlen);
		return;
	}
	memset(err, POISON, sizeof(err));
	r = ld_volume_unlock(v, (const uint8_t *)pass, 4, fc->keyslot, NULL, NULL, &slot, err, errlen);
	if (r != fc->unlock_rc)
		fail_msg("%s: unlock returned %d, want %d (%s)", fc->what, r, fc->unlock_rc, err);
	check_reason(fc->what, err, errlen);
	ld_volume_close(v);
	assert_int_equal(tu_alloc_live(), 0);
}

static void test_failures_have_reasons(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *img = cases[i].from ? edited(cases[i].after, cases[i].from, cases[i].to)
					     : NULL;
		run_case(&cases[i], img ? img : base, base_n, 512);
		/* a small buffer truncates, and still holds a message */
		run_case(&cases[i], img ? img : base, base_n, 12);
		free(img);
	}
}

/* Open and unlock also explain an allocation failure at every step. */
static void test_alloc_failures_have_reasons(void **state)
{
	struct tu_mem m = { base, base_n };
	ld_blockdev d;
	char err[256];
	unsigned k;

	(void)state;
	tu_mem_dev(&d, &m);
	for (k = 1; k < 100; k++) {
		ld_volume *v = NULL;
		int r, slot;

		tu_alloc_failing(k);
		memset(err, POISON, sizeof(err));
		r = ld_volume_open(&v, &d, &d, &tu_alloc, err, sizeof(err));
		if (r) {
			check_reason("open, allocation failing", err, sizeof(err));
		} else {
			memset(err, POISON, sizeof(err));
			r = ld_volume_unlock(v, (const uint8_t *)"pass", 4, -1, NULL, NULL, &slot, err,
					     sizeof(err));
			if (r)
				check_reason("unlock, allocation failing", err, sizeof(err));
			ld_volume_close(v);
		}
		tu_alloc_failing(0);
		assert_int_equal(tu_alloc_live(), 0);
		if (r == LD_OK)
			break;
	}
	assert_true(k < 100);
}

/* The key-derivation cost limit with a clock that advances one second per reading: every
 * calibration run "takes" 1 s, so PBKDF2 measures 1024 iterations/s and the base volume's
 * keyslot (1000 iterations, 64-byte area key: 2 blocks of SHA-256) is estimated at 2 s,
 * its digest (at least 1000 iterations, 32 bytes) at about 1 s. */
static uint64_t fake_us;
static int notices;
static char last_notice[200];

static uint64_t fake_now(void *ctx)
{
	(void)ctx;
	return fake_us += 1000000;
}

static void fake_notice(void *ctx, const char *line)
{
	(void)ctx;
	notices++;
	snprintf(last_notice, sizeof(last_notice), "%s", line);
}

static void test_kdf_limit(void **state)
{
	struct tu_mem m = { base, base_n };
	ld_kdf_limit lim = { fake_now, fake_notice, NULL, 1 };
	ld_blockdev d;
	ld_volume *v;
	char err[256];
	int slot = -1;

	(void)state;
	tu_mem_dev(&d, &m);
	assert_int_equal(ld_volume_open(&v, &d, &d, &tu_alloc, err, sizeof(err)), LD_OK);
	ld_volume_set_kdf_limit(v, &lim);
	notices = 0;
	memset(err, POISON, sizeof(err));
	assert_int_equal(ld_volume_unlock(v, (const uint8_t *)"pass", 4, -1, NULL, NULL, &slot, err,
					  sizeof(err)), LD_ERR_UNSUPPORTED);
	check_reason("kdf limit", err, sizeof(err));
	assert_string_equal(err, "keyslot 0: key derivation would take about 2 s, above the limit "
				 "of 1 s: skipped");
	assert_int_equal(notices, 1);
	assert_string_equal(last_notice, err);
	/* a higher limit derives; the digest estimate (about 1 s) is under it too */
	lim.max_seconds = 2;
	ld_volume_set_kdf_limit(v, &lim);
	assert_int_equal(ld_volume_unlock(v, (const uint8_t *)"pass", 4, -1, NULL, NULL, &slot, err,
					  sizeof(err)), LD_OK);
	assert_int_equal(slot, 0);
	assert_int_equal(notices, 1);
	ld_volume_close(v);
	/* without a limit nothing is estimated */
	assert_int_equal(ld_volume_open(&v, &d, &d, &tu_alloc, err, sizeof(err)), LD_OK);
	fake_us = 0;
	assert_int_equal(ld_volume_unlock(v, (const uint8_t *)"pass", 4, -1, NULL, NULL, &slot, err,
					  sizeof(err)), LD_OK);
	assert_true(fake_us == 0);
	ld_volume_close(v);
	assert_int_equal(tu_alloc_live(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failures_have_reasons),
		cmocka_unit_test(test_alloc_failures_have_reasons),
		cmocka_unit_test(test_kdf_limit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
