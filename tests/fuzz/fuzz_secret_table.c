/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* libFuzzer target for the secret-table parser (secret/secret_table.c).
 * Input: 16 bytes of volume GUID, then the area.  The area is copied into a buffer of
 * exactly its size, so any read or write outside it is an ASan report.  Invariants:
 * a found secret lies inside the area and is non-empty; wiping the entry keeps the table
 * valid; check() agrees with find().  Each entry's data is also parsed as a per-volume
 * secret (secret/volume_secret.c), in a buffer of exactly its size: what it yields lies inside
 * the data and has the documented sizes, and rebuilding it with ld_volume_secret_build
 * parses back to the same fields; ld_secret_table_has_pin agrees with a walk done here. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "base/endian.h"
#include "secret/secret_table.h"
#include "secret/volume_secret.h"
#include "base/uuid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int inside(const uint8_t *p, size_t n, const uint8_t *d, size_t len)
{
	return p >= d && n <= len && (size_t)(p - d) <= len - n;
}

static int same(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return (!a && !b) || (a && b && alen == blen && memcmp(a, b, alen) == 0);
}

/* Parses one entry's data; returns 1 if it counts as a pin for has_pin (a record with
 * the magic that fails to parse or carries a pin). */
static int volume_secret(const uint8_t *src, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);
	if (!d)
		abort();
	if (len)
		memcpy(d, src, len);
	ld_volume_secret vs, back;
	char err[80];
	int r = ld_volume_secret_parse(len ? d : NULL, len, &vs, err, sizeof(err));
	int magic = len >= LD_VOLREC_MAGIC_SIZE && memcmp(d, ld_volrec_magic, LD_VOLREC_MAGIC_SIZE) == 0;
	int pinned = magic && (r != LD_OK || vs.pin);
	if (r != LD_OK) {
		if (r != LD_ERR_INVALID || vs.passphrase || vs.volume_key || vs.pin || !err[0])
			abort();
		free(d);
		return pinned;
	}
	if (!vs.passphrase == !vs.volume_key)
		abort();
	if (vs.passphrase && (vs.passphrase_len == 0 || !inside(vs.passphrase, vs.passphrase_len, d, len) ||
			      memchr(vs.passphrase, 0, vs.passphrase_len)))
		abort();
	if (vs.volume_key && (vs.volume_key_len < LD_VOLREC_KEY_MIN || vs.volume_key_len > LD_VOLREC_KEY_MAX ||
			      !inside(vs.volume_key, vs.volume_key_len, d, len)))
		abort();
	if (vs.pin && !inside(vs.pin, LD_PIN_SIZE, d, len))
		abort();
	if (!ld_volrec_is_record(d, len) && (vs.volume_key || vs.pin || vs.passphrase != d))
		abort(); /* a plain passphrase is the data itself */
	/* Round trip: the record built from what was parsed parses to the same fields (a
	 * long plain passphrase cannot become a record: the builder refuses it). */
	uint8_t rec[LD_VOLREC_MAGIC_SIZE + 3 * 4 + LD_VOLREC_PASSPHRASE_MAX + LD_PIN_SIZE];
	size_t rlen = 0;
	int b = ld_volume_secret_build(rec, sizeof(rec), &rlen, &vs);
	if (b == LD_OK) {
		if (rlen > sizeof(rec) || ld_volume_secret_parse(rec, rlen, &back, err, sizeof(err)) != LD_OK ||
		    !same(vs.passphrase, vs.passphrase_len, back.passphrase, back.passphrase_len) ||
		    !same(vs.volume_key, vs.volume_key_len, back.volume_key, back.volume_key_len) ||
		    !same(vs.pin, vs.pin ? LD_PIN_SIZE : 0, back.pin, back.pin ? LD_PIN_SIZE : 0))
			abort();
	} else if (b != LD_ERR_INVALID || ld_volrec_is_record(d, len) ||
		   vs.passphrase_len <= LD_VOLREC_PASSPHRASE_MAX) {
		abort();
	}
	free(d);
	return pinned;
}

/* Walks a table that ld_secret_table_check accepted; returns has_pin's expected value. */
static int walk_entries(const uint8_t *area)
{
	size_t total = ld_le32(area + 16), off = LD_SECRET_HDR_SIZE;
	int pins = 0;
	while (total - off >= LD_SECRET_ENTRY_HDR_SIZE) {
		size_t len = ld_le32(area + off + 16);
		pins |= volume_secret(area + off + LD_SECRET_ENTRY_HDR_SIZE, len - LD_SECRET_ENTRY_HDR_SIZE);
		off += len;
	}
	return pins;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 16)
		return 0;
	const uint8_t *guid = data;
	size_t n = size - 16;
	uint8_t *area = malloc(n ? n : 1);
	if (!area)
		return 0;
	memcpy(area, data + 16, n);

	char err[64];
	ld_secret_ref r;
	int valid = ld_secret_table_check(area, n, err, sizeof(err));
	int pins = ld_secret_table_has_pin(area, n);
	if (pins != (valid == LD_OK ? walk_entries(area) : 0))
		abort();
	/* The whole input after the GUID as one entry's data, too. */
	(void)volume_secret(area, n);
	int rc = ld_secret_table_find(area, n, guid, &r, err, sizeof(err));
	if (valid != LD_OK && rc != LD_ERR_INVALID)
		abort();
	if (rc == LD_OK) {
		if (r.data_len == 0 || r.data_offset < r.entry_offset + LD_SECRET_ENTRY_HDR_SIZE ||
		    r.data_offset > n || r.data_len > n - r.data_offset)
			abort();
		ld_secret_table_wipe_entry(area, n, &r);
		if (ld_secret_table_check(area, n, NULL, 0) != LD_OK)
			abort();
	}
	char txt[37];
	uint8_t back[16];
	ld_guid_format(guid, txt);
	if (ld_guid_parse(txt, 36, back) != LD_OK || memcmp(back, guid, 16) != 0)
		abort();
	free(area);
	return 0;
}
