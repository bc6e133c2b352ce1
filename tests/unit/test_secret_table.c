/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Unit tests of secret/secret_table.c, the confidential-computing secret GUID table.
 * Oracles: the GUIDs as EDK2 and Linux declare them (32/16/16-bit fields plus 8 bytes,
 * serialized here field by field, independently of the parser), and a table written out
 * byte by byte from the layout OVMF's AmdSev SecretDxe publishes.  Volume records
 * (secret/volume_secret.c): records typed in byte by byte from the format in volume_secret.h,
 * the pin checked against OpenSSL's SHA-256 of the documented input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>
#include <openssl/sha.h>

#include "base/endian.h"
#include "secret/secret_table.h"
#include "secret/volume_secret.h"
#include "base/uuid.h"

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

/* ld_secret_table_next walks the typed-in fixture: three entries (the deleted one
 * included) at the offsets the layout gives, then stops; a malformed table yields none. */
static void test_next(void **state)
{
	static const size_t want_off[] = { 20, 44, 69 }, want_len[] = { 4, 5, 3 };
	uint8_t bad[sizeof(fixture)];
	ld_secret_ref r;
	size_t off = 0, i = 0;

	while (ld_secret_table_next(fixture, sizeof(fixture), &off, &r)) {
		assert_true(i < 3);
		assert_int_equal(r.entry_offset, want_off[i]);
		assert_int_equal(r.data_offset, want_off[i] + 20);
		assert_int_equal(r.data_len, want_len[i]);
		assert_int_equal(r.generic, i == 1);
		i++;
	}
	assert_int_equal(i, 3);
	assert_int_equal(ld_secret_table_next(fixture, sizeof(fixture), &off, &r), 0); /* stays done */
	memcpy(bad, fixture, sizeof(bad));
	bad[44 + 16] = 0x60; /* the second entry's length runs past total_len */
	off = 0;
	assert_int_equal(ld_secret_table_next(bad, sizeof(bad), &off, &r), 0);
	off = 7; /* an offset the caller made up */
	assert_int_equal(ld_secret_table_next(fixture, sizeof(fixture), &off, &r), 0);
	(void)state;
}

/* The driver's rules for an entry that is to unlock a LUKS volume. */
static void test_for_luks(void **state)
{
	static const uint8_t pw[] = "pw", key[32], pin[LD_PIN_SIZE];
	ld_volume_secret vs;
	char err[120];

	memset(&vs, 0, sizeof(vs));
	vs.passphrase = pw;
	vs.passphrase_len = 2;
	assert_int_equal(ld_volume_secret_for_luks(&vs, 0, err, sizeof(err)), LD_OK);
	assert_int_equal(ld_volume_secret_for_luks(&vs, 1, err, sizeof(err)), LD_OK);
	vs.pin = pin; /* a pinned passphrase: its own entry only */
	assert_int_equal(ld_volume_secret_for_luks(&vs, 0, err, sizeof(err)), LD_OK);
	assert_int_equal(ld_volume_secret_for_luks(&vs, 1, err, sizeof(err)), LD_ERR_INVALID);
	assert_non_null(strstr(err, "shared disk-passphrase entry cannot hold"));
	memset(&vs, 0, sizeof(vs));
	vs.volume_key = key;
	vs.volume_key_len = sizeof(key);
	assert_int_equal(ld_volume_secret_for_luks(&vs, 0, err, sizeof(err)), LD_OK);
	assert_int_equal(ld_volume_secret_for_luks(&vs, 1, err, sizeof(err)), LD_ERR_INVALID);
	memset(&vs, 0, sizeof(vs));
	vs.passphrase = pw;
	vs.passphrase_len = 2;
	vs.has_verity = 1;
	assert_int_equal(ld_volume_secret_for_luks(&vs, 1, err, sizeof(err)), LD_ERR_INVALID);
	memset(&vs, 0, sizeof(vs));
	vs.has_verity = 1; /* plaintext media: no key at all */
	assert_int_equal(ld_volume_secret_for_luks(&vs, 0, err, sizeof(err)), LD_ERR_INVALID);
	assert_non_null(strstr(err, "plaintext verified media cannot unlock"));
	assert_int_equal(ld_volume_secret_for_luks(&vs, 0, err, 8), LD_ERR_INVALID);
	assert_int_equal(strlen(err), 7); /* truncated, terminated */
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

/* ---- volume records (secret/volume_secret.c) ----------------------------------------- */

/* "\0LDXVOL\1", passphrase "pw", volume key 16 x 0x11, pin 32 x 0x22, typed in. */
static const uint8_t rec_fixture[] = {
	0x00, 'L', 'D', 'X', 'V', 'O', 'L', 0x01,
	0x01, 0x00, 0x02, 0x00, 'p', 'w',
	0x03, 0x00, 0x20, 0x00,
	0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
	0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
};

static int vs_parse(const uint8_t *d, size_t n, ld_volume_secret *vs, char *err)
{
	/* In an exact-size buffer, so that ASan reports any read past the entry. */
	uint8_t *b = malloc(n ? n : 1);
	assert_non_null(b);
	if (n)
		memcpy(b, d, n);
	err[0] = 0;
	int r = ld_volume_secret_parse(n ? b : NULL, n, vs, err, 96);
	if (r == LD_OK) {
		/* Fields point into the buffer: rebase them onto d for the caller. */
		if (vs->passphrase)
			vs->passphrase = d + (vs->passphrase - b);
		if (vs->volume_key)
			vs->volume_key = d + (vs->volume_key - b);
		if (vs->pin)
			vs->pin = d + (vs->pin - b);
	}
	free(b);
	return r;
}

static void expect_record_invalid(const uint8_t *d, size_t n, const char *why)
{
	ld_volume_secret vs;
	char err[96];
	assert_int_equal(vs_parse(d, n, &vs, err), LD_ERR_INVALID);
	if (!strstr(err, why))
		fail_msg("want \"%s\", got \"%s\"", why, err);
	assert_null(vs.passphrase);
	assert_null(vs.volume_key);
	assert_null(vs.pin);
	assert_int_equal(vs.has_verity, 0);
}

/* A record from tag/length/value triples; returns its length. */
static size_t mkrec(uint8_t *out, const uint8_t *items, size_t ilen)
{
	memcpy(out, ld_volrec_magic, LD_VOLREC_MAGIC_SIZE);
	memcpy(out + LD_VOLREC_MAGIC_SIZE, items, ilen);
	return LD_VOLREC_MAGIC_SIZE + ilen;
}

static size_t item(uint8_t *p, uint8_t tag, size_t len, uint8_t fill)
{
	p[0] = tag;
	p[1] = 0;
	p[2] = (uint8_t)len;
	p[3] = (uint8_t)(len >> 8);
	memset(p + 4, fill, len);
	return 4 + len;
}

static void test_volrec_fixture(void **state)
{
	(void)state;
	ld_volume_secret vs, in;
	char err[96];
	uint8_t pin[32], out[128];
	size_t n;
	assert_memory_equal(ld_volrec_magic, "\0LDXVOL\1", 8);
	assert_int_equal(vs_parse(rec_fixture, sizeof(rec_fixture), &vs, err), LD_OK);
	assert_ptr_equal(vs.passphrase, rec_fixture + 12);
	assert_int_equal(vs.passphrase_len, 2);
	assert_null(vs.volume_key);
	assert_ptr_equal(vs.pin, rec_fixture + 18);

	/* The builder writes exactly the typed-in bytes. */
	memset(pin, 0x22, sizeof(pin));
	memset(&in, 0, sizeof(in));
	in.passphrase = (const uint8_t *)"pw";
	in.passphrase_len = 2;
	in.pin = pin;
	assert_int_equal(ld_volume_secret_build(out, sizeof(out), &n, &in), LD_OK);
	assert_int_equal(n, sizeof(rec_fixture));
	assert_memory_equal(out, rec_fixture, n);
	for (size_t cap = 0; cap < n; cap++)
		assert_int_equal(ld_volume_secret_build(out, cap, &n, &in), LD_ERR_RANGE);
}

/* Round trips for every allowed combination and size edge. */
static void test_volrec_round_trip(void **state)
{
	(void)state;
	uint8_t key[64], pin[32], pass[512], out[700];
	char err[96];
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0xa0 + i);
	memset(pin, 0x5c, sizeof(pin));
	memset(pass, 'p', sizeof(pass));
	static const size_t klens[] = { 16, 32, 48, 64 };
	static const size_t plens[] = { 1, 7, 511, 512 };
	for (int with_pin = 0; with_pin < 2; with_pin++) {
		for (size_t k = 0; k < 4; k++) {
			ld_volume_secret in = { 0 }, vs;
			size_t n;
			in.volume_key = key;
			in.volume_key_len = klens[k];
			in.pin = with_pin ? pin : NULL;
			assert_int_equal(ld_volume_secret_build(out, sizeof(out), &n, &in), LD_OK);
			assert_int_equal(n, 8 + 4 + klens[k] + (with_pin ? 36 : 0));
			assert_int_equal(vs_parse(out, n, &vs, err), LD_OK);
			assert_null(vs.passphrase);
			assert_int_equal(vs.volume_key_len, klens[k]);
			assert_memory_equal(vs.volume_key, key, klens[k]);
			if (with_pin)
				assert_memory_equal(vs.pin, pin, 32);
			else
				assert_null(vs.pin);
		}
		for (size_t k = 0; k < 4; k++) {
			ld_volume_secret in = { 0 }, vs;
			size_t n;
			in.passphrase = pass;
			in.passphrase_len = plens[k];
			in.pin = with_pin ? pin : NULL;
			assert_int_equal(ld_volume_secret_build(out, sizeof(out), &n, &in), LD_OK);
			assert_int_equal(vs_parse(out, n, &vs, err), LD_OK);
			assert_int_equal(vs.passphrase_len, plens[k]);
			assert_memory_equal(vs.passphrase, pass, plens[k]);
			assert_null(vs.volume_key);
			assert_true(with_pin ? vs.pin != NULL : vs.pin == NULL);
		}
	}
	/* The builder refuses what the parser would refuse. */
	ld_volume_secret bad = { 0 };
	size_t n;
	assert_int_equal(ld_volume_secret_build(out, sizeof(out), &n, &bad), LD_ERR_INVALID);
	bad.pin = pin;
	assert_int_equal(ld_volume_secret_build(out, sizeof(out), &n, &bad), LD_ERR_INVALID);
	bad.passphrase = pass;
	bad.passphrase_len = 4;
	bad.volume_key = key;
	bad.volume_key_len = 32;
	assert_int_equal(ld_volume_secret_build(out, sizeof(out), &n, &bad), LD_ERR_INVALID);
	bad.volume_key = NULL;
	bad.passphrase_len = 0;
	assert_int_equal(ld_volume_secret_build(out, sizeof(out), &n, &bad), LD_ERR_INVALID);
	bad.passphrase_len = 513;
	assert_int_equal(ld_volume_secret_build(out, sizeof(out), &n, &bad), LD_ERR_INVALID);
	bad.passphrase = (const uint8_t *)"a\0b";
	bad.passphrase_len = 3;
	assert_int_equal(ld_volume_secret_build(out, sizeof(out), &n, &bad), LD_ERR_INVALID);
	bad.passphrase = NULL;
	bad.volume_key = key;
	bad.volume_key_len = 15;
	assert_int_equal(ld_volume_secret_build(out, sizeof(out), &n, &bad), LD_ERR_INVALID);
	bad.volume_key_len = 65;
	assert_int_equal(ld_volume_secret_build(out, sizeof(out), &n, &bad), LD_ERR_INVALID);
}

static void test_volrec_refusals(void **state)
{
	(void)state;
	uint8_t d[1500], it[1400];
	size_t n, k;

	/* Wrong magic or version: every byte of the magic. */
	for (size_t i = 1; i < 8; i++) {
		memcpy(d, rec_fixture, sizeof(rec_fixture));
		d[i] ^= 0x01;
		expect_record_invalid(d, sizeof(rec_fixture), "unknown record format or version");
	}
	memcpy(d, rec_fixture, sizeof(rec_fixture));
	d[7] = 2;
	expect_record_invalid(d, sizeof(rec_fixture), "unknown record format or version");
	expect_record_invalid(rec_fixture, 7, "unknown record format or version");
	expect_record_invalid(rec_fixture, 1, "unknown record format or version");

	/* A truncated item header: 1..3 bytes after the last item. */
	for (size_t extra = 1; extra < 4; extra++) {
		memcpy(d, rec_fixture, sizeof(rec_fixture));
		memset(d + sizeof(rec_fixture), 0x80, extra);
		expect_record_invalid(d, sizeof(rec_fixture) + extra, "truncated item header");
	}
	/* An item longer than the entry: every truncation inside the pin item. */
	for (size_t cut = 19; cut < sizeof(rec_fixture); cut++)
		expect_record_invalid(rec_fixture, cut, "item longer than the entry");
	memcpy(d, rec_fixture, sizeof(rec_fixture));
	d[11] = 0xff; /* passphrase length 0xff02 */
	expect_record_invalid(d, sizeof(rec_fixture), "item longer than the entry");
	/* Nonzero reserved byte, in each item. */
	memcpy(d, rec_fixture, sizeof(rec_fixture));
	d[9] = 1;
	expect_record_invalid(d, sizeof(rec_fixture), "nonzero reserved byte");
	memcpy(d, rec_fixture, sizeof(rec_fixture));
	d[15] = 0x80;
	expect_record_invalid(d, sizeof(rec_fixture), "nonzero reserved byte");

	/* Duplicate tags. */
	k = item(it, 1, 3, 'a');
	k += item(it + k, 1, 3, 'b');
	n = mkrec(d, it, k);
	expect_record_invalid(d, n, "two passphrases");
	k = item(it, 2, 32, 1);
	k += item(it + k, 2, 32, 1);
	n = mkrec(d, it, k);
	expect_record_invalid(d, n, "two volume keys");
	k = item(it, 2, 32, 1);
	k += item(it + k, 3, 32, 2);
	k += item(it + k, 3, 32, 2);
	n = mkrec(d, it, k);
	expect_record_invalid(d, n, "two pins");

	/* Unknown mandatory tags are refused; unknown optional ones are skipped. */
	static const uint8_t mandatory[] = { 0x00, 0x05, 0x7f };
	for (size_t i = 0; i < sizeof(mandatory); i++) {
		k = item(it, 2, 32, 1);
		k += item(it + k, mandatory[i], 5, 9);
		n = mkrec(d, it, k);
		expect_record_invalid(d, n, "unknown mandatory item");
	}
	static const uint8_t optional[] = { 0x80, 0xc3, 0xff };
	static const size_t olen[] = { 0, 1, 600 };
	for (size_t i = 0; i < sizeof(optional); i++) {
		ld_volume_secret vs;
		char err[96];
		k = item(it, optional[i], olen[i], 0); /* an optional item may hold NULs */
		k += item(it + k, 2, 32, 1);
		k += item(it + k, optional[i], olen[i], 0xee); /* and repeat */
		n = mkrec(d, it, k);
		assert_int_equal(vs_parse(d, n, &vs, err), LD_OK);
		assert_int_equal(vs.volume_key_len, 32);
		assert_ptr_equal(vs.volume_key, d + 8 + 4 + olen[i] + 4);
		assert_null(vs.pin);
	}

	/* Both or neither of passphrase and volume key. */
	k = item(it, 1, 3, 'a');
	k += item(it + k, 2, 32, 1);
	n = mkrec(d, it, k);
	expect_record_invalid(d, n, "exactly one of passphrase and volume key");
	k = item(it, 3, 32, 1);
	n = mkrec(d, it, k);
	expect_record_invalid(d, n, "exactly one of passphrase and volume key");
	n = mkrec(d, it, 0);
	expect_record_invalid(d, n, "exactly one of passphrase and volume key");
	k = item(it, 0x80, 4, 1);
	n = mkrec(d, it, k);
	expect_record_invalid(d, n, "exactly one of passphrase and volume key");

	/* Sizes: key 16..64, pin exactly 32, passphrase 1..512 without NUL. */
	static const size_t bad_keys[] = { 0, 1, 15, 65, 256 };
	for (size_t i = 0; i < 5; i++) {
		k = item(it, 2, bad_keys[i], 1);
		n = mkrec(d, it, k);
		expect_record_invalid(d, n, "volume key size out of range");
	}
	static const size_t bad_pins[] = { 0, 31, 33, 64 };
	for (size_t i = 0; i < 4; i++) {
		k = item(it, 2, 16, 1);
		k += item(it + k, 3, bad_pins[i], 2);
		n = mkrec(d, it, k);
		expect_record_invalid(d, n, "pin is not 32 bytes");
	}
	k = item(it, 1, 0, 'a');
	n = mkrec(d, it, k);
	expect_record_invalid(d, n, "passphrase empty, too long or with a NUL");
	k = item(it, 1, 513, 'a');
	n = mkrec(d, it, k);
	expect_record_invalid(d, n, "passphrase empty, too long or with a NUL");
	k = item(it, 1, 5, 'a');
	it[4 + 2] = 0;
	n = mkrec(d, it, k);
	expect_record_invalid(d, n, "passphrase empty, too long or with a NUL");
}

/* A record for plaintext verified media, typed in from volume_secret.h: the verity item
 * alone (sha256, format 1, 4096-byte blocks, 20000 data blocks, the tree at 81920000, a
 * 4-byte salt a1 a2 a3 a4, root hash 32 x 5a). */
static const uint8_t verity_fixture[] = {
	0x00, 'L', 'D', 'X', 'V', 'O', 'L', 0x01,
	0x04, 0x00, 0x42, 0x00,                         /* tag 4, 66 bytes */
	0x01, 0x02, 0x00, 0x00,                         /* format 1, sha256, flags, zero */
	0x00, 0x10, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, /* 4096, 4096 */
	0x20, 0x4e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 20000 data blocks */
	0x00, 0x00, 0xe2, 0x04, 0x00, 0x00, 0x00, 0x00, /* hash offset 81920000 */
	0x04, 0x00, 0xa1, 0xa2, 0xa3, 0xa4,             /* salt */
	0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
	0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
};
#define VFIX_ITEM 12 /* where the verity item's value starts in verity_fixture */

static void test_volrec_verity(void **state)
{
	(void)state;
	ld_volume_secret vs, in;
	char err[96];
	uint8_t d[1500], out[1500], it[1400];
	size_t n, k;
	static const uint8_t salt[4] = { 0xa1, 0xa2, 0xa3, 0xa4 };

	assert_int_equal(vs_parse(verity_fixture, sizeof(verity_fixture), &vs, err), LD_OK);
	assert_null(vs.passphrase);
	assert_null(vs.volume_key);
	assert_null(vs.pin);
	assert_int_equal(vs.has_verity, 1);
	assert_int_equal(vs.verity.hash_type, 1);
	assert_int_equal(vs.verity.hash, LD_HASH_SHA256);
	assert_int_equal(vs.verity.no_superblock, 0);
	assert_int_equal(vs.verity.data_block_size, 4096);
	assert_int_equal(vs.verity.hash_block_size, 4096);
	assert_int_equal(vs.verity.data_blocks, 20000);
	assert_int_equal(vs.verity.hash_offset, 81920000);
	assert_int_equal(vs.verity.salt_size, 4);
	assert_memory_equal(vs.verity.salt, salt, 4);
	for (int i = 0; i < 32; i++)
		assert_int_equal(vs.verity.root_hash[i], 0x5a);

	/* The builder writes exactly the typed-in bytes, and refuses a pin without a key. */
	in = vs;
	assert_int_equal(ld_volume_secret_build(out, sizeof(out), &n, &in), LD_OK);
	assert_int_equal(n, sizeof(verity_fixture));
	assert_memory_equal(out, verity_fixture, n);
	for (size_t cap = 0; cap < n; cap++)
		assert_int_equal(ld_volume_secret_build(out, cap, &n, &in), LD_ERR_RANGE);
	in.pin = verity_fixture; /* any 32 bytes */
	assert_int_equal(ld_volume_secret_build(out, sizeof(out), &n, &in), LD_ERR_INVALID);

	/* With a passphrase or a volume key, every algorithm, both formats, no superblock,
	 * salts of 0 and 256 bytes: round trips. */
	static const ld_hash_alg algs[] = { LD_HASH_SHA1, LD_HASH_SHA256, LD_HASH_SHA512 };
	for (size_t a = 0; a < 3; a++)
		for (uint32_t fmt = 0; fmt < 2; fmt++)
			for (int nosb = 0; nosb < 2; nosb++) {
				uint8_t key[32];
				memset(key, 0x33, sizeof(key));
				memset(&in, 0, sizeof(in));
				in.volume_key = a == 1 ? key : NULL;
				in.volume_key_len = a == 1 ? 32 : 0;
				in.passphrase = a == 2 ? (const uint8_t *)"pw" : NULL;
				in.passphrase_len = a == 2 ? 2 : 0;
				in.pin = a == 1 ? key : NULL;
				in.has_verity = 1;
				in.verity.hash = algs[a];
				in.verity.hash_type = fmt;
				in.verity.no_superblock = nosb;
				in.verity.data_block_size = 512u << a;
				in.verity.hash_block_size = 4096u >> a;
				in.verity.data_blocks = 129;
				in.verity.hash_offset = nosb ? 8192 * 16 : 512 * 129;
				in.verity.salt_size = fmt ? 256 : 0;
				memset(in.verity.salt, 0xc5, in.verity.salt_size);
				memset(in.verity.root_hash, 0x77, sizeof(in.verity.root_hash));
				assert_int_equal(ld_volume_secret_build(out, sizeof(out), &n, &in), LD_OK);
				assert_int_equal(vs_parse(out, n, &vs, err), LD_OK);
				assert_int_equal(vs.has_verity, 1);
				assert_memory_equal(&vs.verity, &in.verity, sizeof(vs.verity) -
						    sizeof(vs.verity.root_hash));
				assert_memory_equal(vs.verity.root_hash, in.verity.root_hash,
						    ld_hash_size(algs[a]));
				assert_true((vs.volume_key != NULL) == (a == 1));
				assert_true((vs.passphrase != NULL) == (a == 2));
			}

	/* Refusals, each on a copy of the fixture with one thing changed. */
#define VBAD(off, val, why)                                                                  \
	do {                                                                                 \
		memcpy(d, verity_fixture, sizeof(verity_fixture));                           \
		d[VFIX_ITEM + (off)] = (val);                                                \
		expect_record_invalid(d, sizeof(verity_fixture), why);                       \
	} while (0)
	VBAD(1, 0, "unknown hash algorithm");
	VBAD(1, 4, "unknown hash algorithm");
	VBAD(2, 0x02, "unknown flags or nonzero reserved byte");
	VBAD(3, 0x01, "unknown flags or nonzero reserved byte");
	VBAD(0, 2, "hash_type");                 /* from ld_verity_params_check */
	VBAD(5, 0x0c, "data_block_size");        /* 3072: not a power of two */
	VBAD(9, 0x20, "hash_block_size");        /* 8192: above 4096 */
	memcpy(d, verity_fixture, sizeof(verity_fixture));
	d[VFIX_ITEM + 12] = d[VFIX_ITEM + 13] = 0;
	expect_record_invalid(d, sizeof(verity_fixture), "data_blocks is 0");
	VBAD(20, 0x01, "hash_offset is not a multiple of 512");
	VBAD(28, 0x05, "length does not match");   /* salt 5: one byte more than there is */
	VBAD(28, 0x03, "length does not match");   /* salt 3: one byte left over */
	VBAD(29, 0x01, "salt longer than 256 bytes");
	VBAD(1, 3, "length does not match");       /* sha512 wants 64 bytes of root hash */
	VBAD(1, 1, "length does not match");       /* sha1 wants 20 */
#undef VBAD
	/* every truncation of the item's value (the item header says 66 bytes, fewer follow, or
	 * the header says fewer) */
	for (size_t cut = VFIX_ITEM; cut < sizeof(verity_fixture); cut++)
		expect_record_invalid(verity_fixture, cut, "item longer than the entry");
	for (size_t len = 0; len < 66; len++) {
		memcpy(d, verity_fixture, sizeof(verity_fixture));
		d[10] = (uint8_t)len;
		expect_record_invalid(d, VFIX_ITEM + len,
				      len < LD_VOLREC_VERITY_FIXED ? "truncated" : "length does not match");
	}
	/* two verity items; a pin without a key */
	memcpy(it, verity_fixture + 8, sizeof(verity_fixture) - 8);
	memcpy(it + sizeof(verity_fixture) - 8, verity_fixture + 8, sizeof(verity_fixture) - 8);
	n = mkrec(d, it, 2 * (sizeof(verity_fixture) - 8));
	expect_record_invalid(d, n, "two verity items");
	memcpy(it, verity_fixture + 8, sizeof(verity_fixture) - 8);
	k = sizeof(verity_fixture) - 8;
	k += item(it + k, 3, 32, 2);
	n = mkrec(d, it, k);
	expect_record_invalid(d, n, "a pin needs a passphrase or a volume key");
}

/* An entry that is not a record is a passphrase (Linux/GRUB/sevctl form). */
static void test_volrec_plain_passphrase(void **state)
{
	(void)state;
	ld_volume_secret vs;
	char err[96];
	static const uint8_t a[] = "secret", b[] = { 's', 'e', 'c' };
	assert_int_equal(vs_parse(a, sizeof(a), &vs, err), LD_OK); /* NUL-terminated */
	assert_int_equal(vs.passphrase_len, 6);
	assert_ptr_equal(vs.passphrase, a);
	assert_null(vs.volume_key);
	assert_null(vs.pin);
	assert_int_equal(vs_parse(b, sizeof(b), &vs, err), LD_OK); /* without the NUL */
	assert_int_equal(vs.passphrase_len, 3);
	expect_record_invalid((const uint8_t *)"a\0b", 3, "passphrase empty or with a NUL inside");
	expect_record_invalid((const uint8_t *)"ab\0\0", 4, "passphrase empty or with a NUL inside");
	expect_record_invalid((const uint8_t *)"", 0, "empty");
	/* A leading NUL makes it a record, which then needs the magic. */
	expect_record_invalid((const uint8_t *)"\0", 1, "unknown record format or version");
	assert_true(ld_volrec_is_record(rec_fixture, 1));
	assert_false(ld_volrec_is_record(a, sizeof(a)));
	assert_false(ld_volrec_is_record(rec_fixture, 0));
	/* A short error buffer still gets a terminated prefix. */
	char small[8];
	memset(small, 'x', sizeof(small));
	assert_int_equal(ld_volume_secret_parse((const uint8_t *)"\0", 1, &vs, small, sizeof(small)),
			 LD_ERR_INVALID);
	assert_int_equal(strlen(small), 7);
}

/* Every truncation of a record with every item kind, in exact-size buffers. */
static void test_volrec_truncations(void **state)
{
	(void)state;
	uint8_t it[200], d[256];
	size_t k = item(it, 0x90, 3, 7);
	k += item(it + k, 2, 24, 1);
	k += item(it + k, 3, 32, 2);
	size_t n = mkrec(d, it, k);
	for (size_t cut = 0; cut <= n; cut++) {
		ld_volume_secret vs;
		char err[96];
		int r = vs_parse(d, cut, &vs, err);
		if (cut == n) {
			assert_int_equal(r, LD_OK);
		} else if (cut == n - 36) {
			assert_int_equal(r, LD_OK); /* the pin item cut off whole: a key alone */
			assert_null(vs.pin);
		} else {
			assert_int_equal(r, LD_ERR_INVALID);
		}
	}
}

/* pin = SHA-256("LuksDxe volume pin v1" NUL || volume key), against OpenSSL. */
static void test_volume_pin(void **state)
{
	(void)state;
	uint8_t key[64], pin[32], want[32], msg[22 + 64];
	for (size_t len = 0; len <= 64; len += 16) {
		for (size_t i = 0; i < len; i++)
			key[i] = (uint8_t)(i * 7 + len);
		memcpy(msg, "LuksDxe volume pin v1", 22); /* with its NUL */
		memcpy(msg + 22, key, len);
		SHA256(msg, 22 + len, want);
		assert_int_equal(ld_volume_pin(key, len, pin), LD_OK);
		assert_memory_equal(pin, want, 32);
	}
	/* One bit of the key changes the pin. */
	uint8_t other[32];
	assert_int_equal(ld_volume_pin(key, 64, pin), LD_OK);
	key[63] ^= 1;
	assert_int_equal(ld_volume_pin(key, 64, other), LD_OK);
	assert_memory_not_equal(pin, other, 32);
}

/* ld_secret_table_has_pin over whole tables. */
static void test_has_pin(void **state)
{
	(void)state;
	uint8_t t[1024], rec[200], it[200], pin[32];
	size_t n, rn;
	ld_secret_entry e[3];
	ld_volume_secret in = { 0 };
	memset(pin, 3, sizeof(pin));

	/* Passphrases only (and the fixture): no pin. */
	assert_int_equal(ld_secret_table_has_pin(fixture, sizeof(fixture)), 0);
	/* A record without a pin: none. */
	in.passphrase = (const uint8_t *)"pw";
	in.passphrase_len = 2;
	assert_int_equal(ld_volume_secret_build(rec, sizeof(rec), &rn, &in), LD_OK);
	memcpy(e[0].guid, vol_guid, 16);
	e[0].data = (const uint8_t *)"plain";
	e[0].len = 6;
	memcpy(e[1].guid, other_guid, 16);
	e[1].data = rec;
	e[1].len = rn;
	assert_int_equal(ld_secret_table_build(t, sizeof(t), &n, e, 2, 16), LD_OK);
	assert_int_equal(ld_secret_table_has_pin(t, n), 0);
	/* The same record with a pin, second of two entries: pinned. */
	in.pin = pin;
	assert_int_equal(ld_volume_secret_build(rec, sizeof(rec), &rn, &in), LD_OK);
	e[1].len = rn;
	assert_int_equal(ld_secret_table_build(t, sizeof(t), &n, e, 2, 16), LD_OK);
	assert_int_equal(ld_secret_table_has_pin(t, n), 1);
	/* ... but not when the table around it is malformed, or cut short. */
	assert_int_equal(ld_secret_table_has_pin(t, n - 17), 0);
	t[0] ^= 1;
	assert_int_equal(ld_secret_table_has_pin(t, n), 0);
	t[0] ^= 1;
	assert_int_equal(ld_secret_table_has_pin(NULL, 0), 0);
	/* A record (right magic) that cannot be parsed counts as pinned: a constraint that
	 * cannot be read is not dropped. */
	size_t k = item(it, 2, 32, 1);
	k += item(it + k, 0x05, 1, 0); /* unknown mandatory item */
	rn = mkrec(rec, it, k);
	e[1].len = rn;
	assert_int_equal(ld_secret_table_build(t, sizeof(t), &n, e, 2, 16), LD_OK);
	assert_int_equal(ld_secret_table_has_pin(t, n), 1);
	/* A data block that only starts with NUL (a wiped entry) is no record. */
	static const uint8_t zeros[40];
	e[1].data = zeros;
	e[1].len = sizeof(zeros);
	assert_int_equal(ld_secret_table_build(t, sizeof(t), &n, e, 2, 16), LD_OK);
	assert_int_equal(ld_secret_table_has_pin(t, n), 0);
	/* A pinned record cut to its magic's length is parsed and refused: pinned. */
	e[1].data = ld_volrec_magic;
	e[1].len = LD_VOLREC_MAGIC_SIZE;
	assert_int_equal(ld_secret_table_build(t, sizeof(t), &n, e, 2, 16), LD_OK);
	assert_int_equal(ld_secret_table_has_pin(t, n), 1);
}

/* ld_secret_table_summary: pins, verity, and the plaintext media records. */
static void test_summary(void **state)
{
	(void)state;
	uint8_t t[4096], luks[200], media[2][200], bad[40];
	size_t n, ln, mn[2];
	ld_secret_entry e[LD_SECRET_MEDIA_MAX + 4];
	ld_secret_summary s;
	ld_volume_secret in;

	/* passphrases only: nothing */
	assert_int_equal(ld_secret_table_summary(fixture, sizeof(fixture), &s), LD_OK);
	assert_int_equal(s.pins + s.verity + (int)s.n_media, 0);

	/* a LUKS record with a verity item, two media records (the fixture's and another
	 * root), a passphrase */
	memset(&in, 0, sizeof(in));
	assert_int_equal(vs_parse(verity_fixture, sizeof(verity_fixture), &in, (char[96]){ 0 }),
			 LD_OK);
	in.passphrase = (const uint8_t *)"pw";
	in.passphrase_len = 2;
	assert_int_equal(ld_volume_secret_build(luks, sizeof(luks), &ln, &in), LD_OK);
	in.passphrase = NULL;
	in.passphrase_len = 0;
	for (int i = 0; i < 2; i++) {
		in.verity.root_hash[0] = (uint8_t)(0x10 + i);
		assert_int_equal(ld_volume_secret_build(media[i], sizeof(media[i]), &mn[i], &in),
				 LD_OK);
	}
	memcpy(e[0].guid, vol_guid, 16);
	e[0].data = luks;
	e[0].len = ln;
	memcpy(e[1].guid, other_guid, 16);
	e[1].data = (const uint8_t *)"plain";
	e[1].len = 6;
	for (int i = 0; i < 2; i++) {
		memset(e[2 + i].guid, 0x40 + i, 16);
		e[2 + i].data = media[i];
		e[2 + i].len = mn[i];
	}
	assert_int_equal(ld_secret_table_build(t, sizeof(t), &n, e, 4, 16), LD_OK);
	assert_int_equal(ld_secret_table_summary(t, n, &s), LD_OK);
	assert_int_equal(s.pins, 0);
	assert_int_equal(s.verity, 1);
	assert_int_equal(s.n_media, 2);
	assert_int_equal(s.media_dropped, 0);
	assert_int_equal(s.media[0].root_hash[0], 0x10);
	assert_int_equal(s.media[1].root_hash[0], 0x11);
	assert_int_equal(s.media[1].data_blocks, 20000);
	/* the LUKS record alone: verity, but no media */
	assert_int_equal(ld_secret_table_build(t, sizeof(t), &n, e, 2, 16), LD_OK);
	assert_int_equal(ld_secret_table_summary(t, n, &s), LD_OK);
	assert_int_equal(s.verity, 1);
	assert_int_equal(s.n_media, 0);
	/* a deleted media entry (null GUID, as Linux deletes: data kept here) is not served */
	memset(e[2].guid, 0, 16);
	assert_int_equal(ld_secret_table_build(t, sizeof(t), &n, e, 4, 16), LD_OK);
	assert_int_equal(ld_secret_table_summary(t, n, &s), LD_OK);
	assert_int_equal(s.n_media, 1);
	assert_int_equal(s.media[0].root_hash[0], 0x11);
	/* more media than the driver keeps: counted, not served */
	for (size_t i = 0; i < LD_SECRET_MEDIA_MAX + 2; i++) {
		memset(e[i].guid, 0x60 + (int)i, 16);
		e[i].data = media[0];
		e[i].len = mn[0];
	}
	assert_int_equal(ld_secret_table_build(t, sizeof(t), &n, e, LD_SECRET_MEDIA_MAX + 2, 16),
			 LD_OK);
	assert_int_equal(ld_secret_table_summary(t, n, &s), LD_OK);
	assert_int_equal(s.n_media, LD_SECRET_MEDIA_MAX);
	assert_int_equal(s.media_dropped, 2);
	/* an unreadable record: pins and verity (fail closed), no media */
	memcpy(bad, ld_volrec_magic, LD_VOLREC_MAGIC_SIZE);
	memset(bad + LD_VOLREC_MAGIC_SIZE, 0x04, sizeof(bad) - LD_VOLREC_MAGIC_SIZE);
	e[0].data = bad;
	e[0].len = sizeof(bad);
	assert_int_equal(ld_secret_table_build(t, sizeof(t), &n, e, 1, 16), LD_OK);
	assert_int_equal(ld_secret_table_summary(t, n, &s), LD_OK);
	assert_int_equal(s.pins, 1);
	assert_int_equal(s.verity, 1);
	assert_int_equal(s.n_media, 0);
	/* a malformed table: LD_ERR_INVALID, all zero */
	t[0] ^= 1;
	assert_int_equal(ld_secret_table_summary(t, n, &s), LD_ERR_INVALID);
	assert_int_equal(s.pins + s.verity + (int)s.n_media, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wellknown_guids),
		cmocka_unit_test(test_guid_text),
		cmocka_unit_test(test_fixture_lookup),
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_for_luks),
		cmocka_unit_test(test_build_matches_fixture),
		cmocka_unit_test(test_wipe_entry),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_volrec_fixture),
		cmocka_unit_test(test_volrec_round_trip),
		cmocka_unit_test(test_volrec_refusals),
		cmocka_unit_test(test_volrec_verity),
		cmocka_unit_test(test_volrec_plain_passphrase),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_volrec_truncations),
		cmocka_unit_test(test_volume_pin),
		cmocka_unit_test(test_has_pin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
