/* Unit tests of luks/secret_table.c, the confidential-computing secret GUID table.
 * Oracles: the GUIDs as EDK2 and Linux declare them (32/16/16-bit fields plus 8 bytes,
 * serialized here field by field, independently of the parser), and a table written out
 * byte by byte from the layout OVMF's AmdSev SecretDxe publishes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include "luks/secret_table.h"

/* EFI_GUID {Data1, Data2, Data3, Data4[8]} serialized the way firmware stores it. */
static void efi_guid(uint8_t out[16], uint32_t d1, uint16_t d2, uint16_t d3, const uint8_t d4[8])
{
	out[0] = (uint8_t)d1; out[1] = (uint8_t)(d1 >> 8); out[2] = (uint8_t)(d1 >> 16);
	out[3] = (uint8_t)(d1 >> 24); out[4] = (uint8_t)d2; out[5] = (uint8_t)(d2 >> 8);
	out[6] = (uint8_t)d3; out[7] = (uint8_t)(d3 >> 8);
	memcpy(out + 8, d4, 8);
}

static void test_wellknown_guids(void **state)
{
	uint8_t g[16], p[16];
	/* OvmfPkg/Include/Guid/ConfidentialComputingSecret.h and Linux efi_secret. */
	efi_guid(g, 0xadf956ad, 0xe98c, 0x484c, (const uint8_t[]){ 0xae, 0x11, 0xb5, 0x1c, 0x7d, 0x33, 0x64, 0x47 });
	assert_memory_equal(g, ld_secret_area_cfg_guid, 16);
	assert_int_equal(ld_guid_parse("adf956ad-e98c-484c-ae11-b51c7d336447", 36, p), LD_OK);
	assert_memory_equal(g, p, 16);

	efi_guid(g, 0x1e74f542, 0x71dd, 0x4d66, (const uint8_t[]){ 0x96, 0x3e, 0xef, 0x42, 0x87, 0xff, 0x17, 0x3b });
	assert_memory_equal(g, ld_secret_table_guid, 16);
	assert_int_equal(ld_guid_parse("1E74F542-71DD-4D66-963E-EF4287FF173B", 36, p), LD_OK);
	assert_memory_equal(g, p, 16);

	efi_guid(g, 0x736869e5, 0x84f0, 0x4973, (const uint8_t[]){ 0x92, 0xec, 0x06, 0x87, 0x9c, 0xe3, 0xda, 0x0b });
	assert_memory_equal(g, ld_secret_disk_guid, 16);
	(void)state;
}

static void test_guid_text(void **state)
{
	/* A LUKS UUID in text order (as luks.h gives uuid_bin) becomes a mixed-endian GUID. */
	const uint8_t uuid[16] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
				   0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe };
	uint8_t g[16], p[16], want[16];
	char txt[37];
	efi_guid(want, 0x01234567, 0x89ab, 0xcdef, (const uint8_t[]){ 0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe });
	ld_guid_from_uuid(g, uuid);
	assert_memory_equal(g, want, 16);
	ld_guid_format(g, txt);
	assert_string_equal(txt, "01234567-89ab-cdef-1032-547698badcfe");
	assert_int_equal(ld_guid_parse(txt, 36, p), LD_OK);
	assert_memory_equal(p, g, 16);

	static const char *bad[] = {
		"01234567-89ab-cdef-1032-547698badcf",   /* short */
		"01234567-89ab-cdef-1032-547698badcfe0", /* long */
		"01234567x89ab-cdef-1032-547698badcfe",  /* separator */
		"0123456g-89ab-cdef-1032-547698badcfe",  /* digit */
		"01234567-89ab-cdef-1032 547698badcfe",
		"0123456789ab-cdef-1032-547698badcfe--",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ld_guid_parse(bad[i], strlen(bad[i]), p), LD_ERR_INVALID);
	(void)state;
}

/* The table from the layout, typed in: header, a per-volume entry for UUID
 * 01234567-89ab-cdef-1032-547698badcfe holding "vol\0", the disk passphrase "disk\0",
 * a deleted (null GUID) entry of 3 bytes, then 4 bytes of padding (total_len 0x5c = 92). */
static const uint8_t fixture[] = {
	0x42, 0xf5, 0x74, 0x1e, 0xdd, 0x71, 0x66, 0x4d, 0x96, 0x3e, 0xef, 0x42, 0x87, 0xff, 0x17, 0x3b,
	0x5c, 0x00, 0x00, 0x00,
	0x67, 0x45, 0x23, 0x01, 0xab, 0x89, 0xef, 0xcd, 0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
	0x18, 0x00, 0x00, 0x00, 'v', 'o', 'l', 0,
	0xe5, 0x69, 0x68, 0x73, 0xf0, 0x84, 0x73, 0x49, 0x92, 0xec, 0x06, 0x87, 0x9c, 0xe3, 0xda, 0x0b,
	0x19, 0x00, 0x00, 0x00, 'd', 'i', 's', 'k', 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0x17, 0x00, 0x00, 0x00, 0, 0, 0,
	0, 0, 0, 0,
};
static const uint8_t vol_guid[16] = { 0x67, 0x45, 0x23, 0x01, 0xab, 0x89, 0xef, 0xcd,
				      0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe };
static const uint8_t other_guid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

static void test_fixture_lookup(void **state)
{
	ld_secret_ref r;
	char err[96];
	assert_int_equal(ld_secret_table_check(fixture, sizeof(fixture), err, sizeof(err)), LD_OK);

	assert_int_equal(ld_secret_table_find(fixture, sizeof(fixture), vol_guid, &r, err, sizeof(err)), LD_OK);
	assert_int_equal(r.generic, 0);
	assert_int_equal(r.entry_offset, 20);
	assert_int_equal(r.data_len, 3); /* NUL stripped */
	assert_memory_equal(fixture + r.data_offset, "vol", 3);

	assert_int_equal(ld_secret_table_find(fixture, sizeof(fixture), other_guid, &r, err, sizeof(err)), LD_OK);
	assert_int_equal(r.generic, 1);
	assert_int_equal(r.data_len, 4);
	assert_memory_equal(fixture + r.data_offset, "disk", 4);

	assert_int_equal(ld_secret_table_find(fixture, sizeof(fixture), NULL, &r, err, sizeof(err)), LD_OK);
	assert_int_equal(r.generic, 1);

	/* The null GUID is "deleted", never a match even though an entry carries it. */
	static const uint8_t zero[16];
	assert_int_equal(ld_secret_table_find(fixture, sizeof(fixture), zero, &r, err, sizeof(err)), LD_OK);
	assert_int_equal(r.generic, 1);
	(void)state;
}

static void test_build_matches_fixture(void **state)
{
	uint8_t out[256];
	size_t n = 0;
	ld_secret_entry e[3];
	memcpy(e[0].guid, vol_guid, 16);
	e[0].data = (const uint8_t *)"vol";
	e[0].len = 4;
	memcpy(e[1].guid, ld_secret_disk_guid, 16);
	e[1].data = (const uint8_t *)"disk";
	e[1].len = 5;
	memset(e[2].guid, 0, 16);
	e[2].data = (const uint8_t *)"\0\0\0";
	e[2].len = 3;
	assert_int_equal(ld_secret_table_build(out, sizeof(out), &n, e, 3, 16), LD_OK);
	assert_int_equal(n, 96); /* 92 rounded up to 16 */
	assert_int_equal(n, sizeof(fixture));
	assert_memory_equal(out, fixture, sizeof(fixture));

	/* Too small a buffer, at every size. */
	for (size_t cap = 0; cap < n; cap++)
		assert_int_equal(ld_secret_table_build(out, cap, &n, e, 3, 16), LD_ERR_RANGE);
	assert_int_equal(ld_secret_table_build(out, sizeof(out), &n, e, 3, 0), LD_ERR_INVALID);
	assert_int_equal(ld_secret_table_build(out, sizeof(out), &n, NULL, 0, 1), LD_OK);
	assert_int_equal(n, 20);
	(void)state;
}

static void test_wipe_entry(void **state)
{
	uint8_t t[sizeof(fixture)];
	ld_secret_ref r;
	memcpy(t, fixture, sizeof(t));
	assert_int_equal(ld_secret_table_find(t, sizeof(t), vol_guid, &r, NULL, 0), LD_OK);
	ld_secret_table_wipe_entry(t, sizeof(t), &r);
	/* Linux-style: GUID null, len kept, data zero; everything else untouched. */
	static const uint8_t zero[16];
	assert_memory_equal(t + 20, zero, 16);
	assert_int_equal(ld_le32(t + 36), 24);
	assert_memory_equal(t + 40, zero, 4);
	assert_memory_equal(t + 44, fixture + 44, sizeof(t) - 44);
	assert_memory_equal(t, fixture, 20);
	assert_int_equal(ld_secret_table_check(t, sizeof(t), NULL, 0), LD_OK);
	/* The volume now falls back to the disk passphrase. */
	assert_int_equal(ld_secret_table_find(t, sizeof(t), vol_guid, &r, NULL, 0), LD_OK);
	assert_int_equal(r.generic, 1);
	ld_secret_table_wipe_entry(t, sizeof(t), &r);
	assert_int_equal(ld_secret_table_find(t, sizeof(t), vol_guid, &r, NULL, 0), LD_ERR_NOTFOUND);
	/* A stale or hostile reference stays inside the area. */
	r.entry_offset = sizeof(t) - 4;
	ld_secret_table_wipe_entry(t, sizeof(t), &r);
	r.entry_offset = (size_t)-1;
	ld_secret_table_wipe_entry(t, sizeof(t), &r);
	(void)state;
}

static void expect_invalid(const uint8_t *t, size_t n, const char *why)
{
	ld_secret_ref r;
	char err[96] = "";
	assert_int_equal(ld_secret_table_find(t, n, vol_guid, &r, err, sizeof(err)), LD_ERR_INVALID);
	assert_non_null(strstr(err, why));
}

static void test_malformed(void **state)
{
	uint8_t t[sizeof(fixture)];
	expect_invalid(fixture, 19, "smaller than");
	expect_invalid(NULL, 100, "smaller than");

	memcpy(t, fixture, sizeof(t));
	t[0] ^= 1;
	expect_invalid(t, sizeof(t), "GUID");

	/* total_len larger than the area, and smaller than its own header. */
	memcpy(t, fixture, sizeof(t));
	t[16] = sizeof(fixture) + 1;
	expect_invalid(t, sizeof(t), "outside the area");
	t[16] = 19;
	expect_invalid(t, sizeof(t), "outside the area");
	memcpy(t, fixture, sizeof(t));
	t[19] = 0x80; /* 2 GiB */
	expect_invalid(t, sizeof(t), "outside the area");

	/* Entry lengths: below the entry header, beyond total_len, huge. */
	memcpy(t, fixture, sizeof(t));
	t[36] = 19;
	expect_invalid(t, sizeof(t), "entry length");
	t[36] = 0;
	expect_invalid(t, sizeof(t), "entry length");
	memcpy(t, fixture, sizeof(t));
	t[36] = 0x49; /* 73 > 92 - 20 */
	expect_invalid(t, sizeof(t), "entry length");
	memcpy(t, fixture, sizeof(t));
	t[39] = 0xff;
	expect_invalid(t, sizeof(t), "entry length");
	/* The last entry overrunning total_len by one byte, though inside the area. */
	memcpy(t, fixture, sizeof(t));
	t[85] = 0x18;
	expect_invalid(t, sizeof(t), "entry length");

	/* The matching GUID twice is ambiguous. */
	uint8_t dup[256];
	size_t n;
	ld_secret_entry e[2];
	memcpy(e[0].guid, vol_guid, 16);
	e[0].data = (const uint8_t *)"a";
	e[0].len = 1;
	e[1] = e[0];
	assert_int_equal(ld_secret_table_build(dup, sizeof(dup), &n, e, 2, 1), LD_OK);
	expect_invalid(dup, n, "twice");

	/* An empty secret (or only a NUL) is refused, not tried. */
	e[0].len = 0;
	assert_int_equal(ld_secret_table_build(dup, sizeof(dup), &n, e, 1, 1), LD_OK);
	expect_invalid(dup, n, "empty");
	e[0].data = (const uint8_t *)"";
	e[0].len = 1;
	assert_int_equal(ld_secret_table_build(dup, sizeof(dup), &n, e, 1, 1), LD_OK);
	expect_invalid(dup, n, "empty");
	(void)state;
}

static void test_not_found(void **state)
{
	uint8_t t[256];
	size_t n;
	ld_secret_ref r;
	char err[96];
	ld_secret_entry e;
	memcpy(e.guid, other_guid, 16);
	e.data = (const uint8_t *)"x";
	e.len = 1;
	assert_int_equal(ld_secret_table_build(t, sizeof(t), &n, &e, 1, 16), LD_OK);
	assert_int_equal(ld_secret_table_find(t, n, vol_guid, &r, err, sizeof(err)), LD_ERR_NOTFOUND);
	assert_non_null(strstr(err, "no secret"));
	/* A header alone is a valid, empty table. */
	assert_int_equal(ld_secret_table_build(t, sizeof(t), &n, NULL, 0, 1), LD_OK);
	assert_int_equal(ld_secret_table_find(t, n, vol_guid, &r, err, sizeof(err)), LD_ERR_NOTFOUND);
	(void)state;
}

/* Every truncation of a valid table, in a buffer of exactly that size (so ASan sees any
 * read past it): the parser either rejects it or finds a secret wholly inside it. */
static void test_truncations(void **state)
{
	for (size_t n = 0; n <= sizeof(fixture); n++) {
		uint8_t *t = malloc(n ? n : 1);
		assert_non_null(t);
		memcpy(t, fixture, n);
		ld_secret_ref r;
		int rc = ld_secret_table_find(t, n, vol_guid, &r, NULL, 0);
		if (n < 92) {
			assert_int_equal(rc, LD_ERR_INVALID);
		} else {
			assert_int_equal(rc, LD_OK);
			assert_true(r.data_offset + r.data_len <= n);
		}
		free(t);
	}
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wellknown_guids),
		cmocka_unit_test(test_guid_text),
		cmocka_unit_test(test_fixture_lookup),
		cmocka_unit_test(test_build_matches_fixture),
		cmocka_unit_test(test_wipe_entry),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_truncations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
