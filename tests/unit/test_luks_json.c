/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The JSON layer of luks/ (json_syntax.c, json.c, base64.c): the strict syntax check that runs before jsmn,
 * the trailing-NUL rule of the LUKS2 JSON area, typed accessors, and base64.
 * Vectors: RFC 8259 grammar examples (valid and invalid documents, in the spirit of the
 * JSONTestSuite "y_"/"n_" cases) and the RFC 4648 section 10 base64 test vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/testutil.h"
#include "luks/luks_internal.h"


static void check_valid(const char *text, int valid)
{
	ld_json *j = NULL;
	size_t n = strlen(text);
	char *area = calloc(1, n + 8);
	int r;

	memcpy(area, text, n);
	r = ld_json_parse(&j, area, n + 8, &tu_alloc, NULL, 0);
	if ((r == LD_OK) != valid)
		fail_msg("%s: expected %s", text, valid ? "valid" : "invalid");
	ld_json_free(j);
	free(area);
	assert_int_equal(tu_alloc_live(), 0);
}

static void test_syntax(void **state)
{
	static const char *const good[] = {
		"{}", "{ }", "{\"a\":1}", "{\"a\":[]}", "{\"a\":[1,2,3]}", "{\"a\":{\"b\":{}}}",
		"{\"a\":-0.5e+10}", "{\"a\":true,\"b\":false,\"c\":null}", "{\"\\u00e9\":\"\\n\\\"\"}",
		"{\"a\" : [ { } , [ ] , \"x\" ] }", "{\"a\":0}", "{\"a\":1E3}", "{\"a\":\"\\/\"}",
		/* json-c consumes blanks after the object; only NULs may follow them */
		"{\"a\":1} ", "{\"a\":1} \n\t\r ",
	};
	static const char *const bad[] = {
		"", " {}", "[]", "\"x\"", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}",
		"{\"a\":1 \"b\":2}", "{\"a\":[1 2]}", "{\"a\":[1,]}", "{\"a\":01}", "{\"a\":1.}",
		"{\"a\":.5}", "{\"a\":+1}", "{\"a\":tru}", "{\"a\":True}", "{\"a\":\"\\x\"}",
		"{\"a\":\"\\u12\"}", "{a:1}", "{\"a\":1}}", "{\"a\":[}", "{\"a\":\"\t\"}",
		"{\"a\":1}x", "{\"a\":1} x", "{'a':1}", "{\"a\":nul}", "{\"a\":1e}", "{\"a\":-}",
		"{\"a\"::1}", "{\"a\":1,,\"b\":2}", "{\"a\":{\"b\":1}", "{\"a\":\"unterminated}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		check_valid(good[i], 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_valid(bad[i], 0);
}

static void test_depth_and_trailer(void **state)
{
	char text[200], area[256];
	ld_json *j = NULL;
	int d;

	(void)state;
	/* json-c (cryptsetup's parser) allows 32 levels of nesting, so do we */
	for (d = 31; d <= 33; d++) {
		size_t k = 0;
		int i;
		text[k++] = '{';
		text[k++] = '"';
		text[k++] = 'a';
		text[k++] = '"';
		text[k++] = ':';
		for (i = 1; i < d; i++)
			text[k++] = '[';
		for (i = 1; i < d; i++)
			text[k++] = ']';
		text[k++] = '}';
		text[k] = 0;
		check_valid(text, d <= 32);
	}
	/* the area must end in at least one NUL and contain only NULs after the object */
	memset(area, 0, sizeof(area));
	memcpy(area, "{}", 2);
	assert_int_equal(ld_json_parse(&j, area, 2, &tu_alloc, NULL, 0), LD_ERR_INVALID);
	area[100] = 1;
	assert_int_equal(ld_json_parse(&j, area, sizeof(area), &tu_alloc, NULL, 0), LD_ERR_INVALID);
	area[100] = 0;
	assert_int_equal(ld_json_parse(&j, area, sizeof(area), &tu_alloc, NULL, 0), LD_OK);
	ld_json_free(j);
	assert_int_equal(tu_alloc_live(), 0);
}

static void test_accessors(void **state)
{
	static const char text[] =
		"{\"s\":\"abc\",\"n\":\"18446744073709551615\",\"big\":\"18446744073709551616\","
		"\"lead\":\"012\",\"i\":-42,\"f\":1.5,\"u\":4294967295,\"dup\":1,\"dup\":2,"
		"\"o\":{\"k\":[\"0\",\"31\",\"32\"]},\"e\":\"\",\"esc\":\"a\\\"b\","
		"\"k\\u0065y\":\"\\u0031\\u00e9\\/\",\"nul\":\"a\\u0000\",\"su\":\" +12\",\"sn\":\"-1\",\"sx\":\"1x\",\"b64\":\"Zm9v\\/\\/\\n\\/\\/\"}";
	char area[sizeof(text) + 1], buf[8];
	ld_json *j;
	uint64_t u;
	int64_t v;
	int o, k;

	(void)state;
	memset(area, 0, sizeof(area));
	memcpy(area, text, sizeof(text) - 1);
	assert_int_equal(ld_json_parse(&j, area, sizeof(area), &tu_alloc, NULL, 0), LD_OK);
	assert_int_equal(ld_json_type(j, 0), LD_J_OBJ);
	assert_int_equal(ld_json_copy(j, ld_json_member(j, 0, "s"), buf, sizeof(buf)), LD_OK);
	assert_string_equal(buf, "abc");
	assert_int_equal(ld_json_copy(j, ld_json_member(j, 0, "s"), buf, 3), LD_ERR_INVALID);
	assert_int_equal(ld_json_copy(j, ld_json_member(j, 0, "e"), buf, sizeof(buf)), LD_ERR_INVALID);
	/* escapes are resolved as json-c resolves them: in values and in keys */
	assert_int_equal(ld_json_copy(j, ld_json_member(j, 0, "esc"), buf, sizeof(buf)), LD_OK);
	assert_string_equal(buf, "a\"b");
	assert_int_equal(ld_json_copy(j, ld_json_member(j, 0, "key"), buf, sizeof(buf)), LD_OK);
	assert_string_equal(buf, "1\xc3\xa9/");
	assert_true(ld_json_streq(j, ld_json_member(j, 0, "key"), "1\xc3\xa9/"));
	assert_false(ld_json_streq(j, ld_json_member(j, 0, "key"), "1\xc3\xa9"));
	assert_int_equal(ld_json_copy(j, ld_json_member(j, 0, "nul"), buf, sizeof(buf)), LD_ERR_INVALID);
	{
		uint8_t b[8];
		size_t n;
		assert_int_equal(ld_json_b64(j, 0, "b64", b, sizeof(b), &n), LD_OK);
		assert_int_equal(n, 6);
		assert_memory_equal(b, "foo\xff\xff\xff", 6);
	}
	assert_int_equal(ld_json_u64str(j, ld_json_member(j, 0, "n"), &u), LD_OK);
	assert_true(u == UINT64_MAX);
	assert_int_equal(ld_json_u64str(j, ld_json_member(j, 0, "big"), &u), LD_ERR_INVALID);
	/* strtoull's reading, for the config sizes: blanks, a sign, "-N" modulo 2^64 */
	assert_int_equal(ld_json_strtoull(j, ld_json_member(j, 0, "su"), &u), LD_OK);
	assert_true(u == 12);
	assert_int_equal(ld_json_strtoull(j, ld_json_member(j, 0, "sn"), &u), LD_OK);
	assert_true(u == UINT64_MAX);
	assert_int_equal(ld_json_strtoull(j, ld_json_member(j, 0, "sx"), &u), LD_ERR_INVALID);
	assert_int_equal(ld_json_u64str(j, ld_json_member(j, 0, "su"), &u), LD_ERR_INVALID);
	/* leading zeros: cryptsetup's strtoull reads them */
	assert_int_equal(ld_json_u64str(j, ld_json_member(j, 0, "lead"), &u), LD_OK);
	assert_true(u == 12);
	assert_int_equal(ld_json_u64str(j, ld_json_member(j, 0, "i"), &u), LD_ERR_INVALID);
	assert_int_equal(ld_json_int(j, ld_json_member(j, 0, "i"), INT32_MIN, INT32_MAX, &v), LD_OK);
	assert_int_equal(v, -42);
	assert_int_equal(ld_json_int(j, ld_json_member(j, 0, "i"), 0, 10, &v), LD_ERR_RANGE);
	assert_int_equal(ld_json_int(j, ld_json_member(j, 0, "f"), 0, 10, &v), LD_ERR_INVALID);
	assert_int_equal(ld_json_int(j, ld_json_member(j, 0, "u"), 0, UINT32_MAX, &v), LD_OK);
	assert_int_equal(ld_json_int(j, ld_json_member(j, 0, "u"), 0, INT32_MAX, &v), LD_ERR_RANGE);
	assert_int_equal(ld_json_int(j, ld_json_member(j, 0, "s"), 0, 10, &v), LD_ERR_INVALID);
	assert_int_equal(ld_json_member(j, 0, "dup"), -2);
	assert_int_equal(ld_json_member(j, 0, "missing"), -1);
	o = ld_json_member(j, 0, "o");
	assert_int_equal(ld_json_type(j, o), LD_J_OBJ);
	k = ld_json_member(j, o, "k");
	assert_int_equal(ld_json_count(j, k), 3);
	assert_int_equal(ld_json_key_id(j, k + 1, 32), 0);
	assert_int_equal(ld_json_key_id(j, k + 2, 32), 31);
	assert_int_equal(ld_json_key_id(j, k + 3, 32), -1);
	assert_int_equal(ld_json_skip(j, o), ld_json_member(j, 0, "e") - 1);
	/* lookups on non-objects fail cleanly */
	assert_int_equal(ld_json_member(j, k, "x"), -1);
	assert_int_equal(ld_json_type(j, -1), 0);
	assert_int_equal(ld_json_type(j, 100000), 0);
	ld_json_free(j);
	assert_int_equal(tu_alloc_live(), 0);
}

static void test_base64(void **state)
{
	/* RFC 4648 section 10 */
	static const char *const vec[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	static const char *const bad[] = { "Zg=", "Zg", "Z===", "Zm9v=", "Zm=v", "Zm9\n", "Zg==Zg==",
					   "Zm9-", "=Zg=", "Zh==", "Zm9=", "Zg== x", "Zg\\==" };
	/* cryptsetup's decoder skips blanks anywhere */
	static const char *const blank[] = { " Zm9v YmFy", "Zm9v\nYmFy\n", "\tZ m 9 v Y m F y \r" };
	uint8_t out[16];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		assert_int_equal(ld_base64_decode(vec[i][1], strlen(vec[i][1]), out, sizeof(out), &n),
				 LD_OK);
		assert_int_equal(n, strlen(vec[i][0]));
		assert_memory_equal(out, vec[i][0], n);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ld_base64_decode(bad[i], strlen(bad[i]), out, sizeof(out), &n),
				 LD_ERR_INVALID);
	for (i = 0; i < sizeof(blank) / sizeof(blank[0]); i++) {
		assert_int_equal(ld_base64_decode(blank[i], strlen(blank[i]), out, sizeof(out), &n),
				 LD_OK);
		assert_int_equal(n, 6);
		assert_memory_equal(out, "foobar", 6);
	}
	/* output bound respected; the whole length is still reported */
	memset(out, 0xee, sizeof(out));
	assert_int_equal(ld_base64_decode("Zm9vYmFy", 8, out, 5, &n), LD_OK);
	assert_int_equal(n, 6);
	assert_memory_equal(out, "fooba", 5);
	assert_int_equal(out[5], 0xee);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_depth_and_trailer),
		cmocka_unit_test(test_accessors),
		cmocka_unit_test(test_base64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
