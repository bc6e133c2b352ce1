/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* base/uuid.c and base/str.c: hex digits and UUID text, checked against glibc's own hex
 * conversion (sscanf "%2hhx" and printf "%02x"/"%02X") over random UUIDs in mixed case,
 * and every malformed shape rejected without touching the output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/str.h"
#include "base/uuid.h"

static void test_hexval(void **state)
{
	int c;

	(void)state;
	for (c = -1; c < 256; c++) {
		char s[2] = { (char)c, 0 };
		unsigned v;
		int ref = (c > 0 && strchr("0123456789abcdefABCDEF", c) && sscanf(s, "%1x", &v) == 1)
			? (int)v : -1;
		assert_int_equal(ld_hexval(c), ref);
	}
}

static void fmt_uuid(const uint8_t b[16], char out[37], unsigned casemask)
{
	size_t i, o = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		o += (size_t)sprintf(out + o, (casemask >> i) & 1 ? "%02X" : "%02x", b[i]);
	}
	out[o] = '\0';
}

static void test_roundtrip(void **state)
{
	int k;

	(void)state;
	srand(1234);
	for (k = 0; k < 2000; k++) {
		uint8_t b[16], got[16], ref[16];
		char t[37];
		int i;
		for (i = 0; i < 16; i++)
			b[i] = (uint8_t)rand();
		fmt_uuid(b, t, (unsigned)rand());
		assert_int_equal(sscanf(t, "%2hhx%2hhx%2hhx%2hhx-%2hhx%2hhx-%2hhx%2hhx-%2hhx%2hhx-"
					"%2hhx%2hhx%2hhx%2hhx%2hhx%2hhx",
					&ref[0], &ref[1], &ref[2], &ref[3], &ref[4], &ref[5], &ref[6],
					&ref[7], &ref[8], &ref[9], &ref[10], &ref[11], &ref[12],
					&ref[13], &ref[14], &ref[15]), 16);
		assert_memory_equal(ref, b, 16);
		assert_int_equal(ld_uuid_parse(t, 36, got), LD_OK);
		assert_memory_equal(got, ref, 16);
	}
}

static void test_malformed(void **state)
{
	static const char good[] = "0123abcd-45EF-6789-aBcD-0123456789ef";
	static const char *const bad[] = {
		"0123abcd-45ef-6789-abcd-0123456789e",    /* 35 */
		"0123abcd-45ef-6789-abcd-0123456789eff",  /* 37 */
		"0123abcd045ef-6789-abcd-0123456789ef",   /* dash replaced */
		"0123abc-d45ef-6789-abcd-0123456789ef",   /* dash moved */
		"0123abcd-45ef-6789-abcd-0123456789eg",   /* not hex, last digit */
		"g123abcd-45ef-6789-abcd-0123456789ef",   /* not hex, first digit */
		"0123abcd-45ef-6789-abcd-01234567 9ef",
		"{123abcd-45ef-6789-abcd-0123456789e}",
		"0123abcd-45ef-6789-abcd-0123456789-f",
		"",
	};
	uint8_t out[16], ones[16];
	size_t i;

	(void)state;
	memset(ones, 0xa5, sizeof(ones));
	assert_int_equal(ld_uuid_parse(good, 36, out), LD_OK);
	assert_int_equal(out[0], 0x01);
	assert_int_equal(out[15], 0xef);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(out, ones, 16);
		if (ld_uuid_parse(bad[i], strlen(bad[i]), out) != LD_ERR_INVALID)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_memory_equal(out, ones, 16);
	}
	/* the length is the caller's: a NUL inside the 36 bytes is just a bad digit */
	assert_int_equal(ld_uuid_parse("0123abcd-45ef-6789-abcd-0123456789e\0", 36, out),
			 LD_ERR_INVALID);
	assert_int_equal(ld_uuid_parse(NULL, 36, out), LD_ERR_INVALID);
	assert_int_equal(ld_uuid_parse(good, 35, out), LD_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hexval),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
