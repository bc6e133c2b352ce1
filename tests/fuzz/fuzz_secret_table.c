/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* libFuzzer target for the secret-table parser (secret/secret_table.c).
 * Input: 16 bytes of volume GUID, then the area.  The area is copied into a buffer of
 * exactly its size, so any read or write outside it is an ASan report.  Invariants:
 * a found secret lies inside the area and is non-empty; wiping the entry keeps the table
 * valid; check() agrees with find().  Each entry's data is also parsed as a per-volume
 * secret (secret/volume_secret.c), in a buffer of exactly its size: what it yields lies inside
 * the data and has the documented sizes (exactly one of passphrase and volume key, or the
 * verity item alone, unpinned: plaintext media), verity parameters that pass
 * ld_verity_params_check, and rebuilding it with ld_volume_secret_build parses back to the
 * same fields; ld_secret_table_summary (pins, verity, the media records in order) and
 * ld_secret_table_has_pin agree with a walk done here. */
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

/* What one entry's data adds to the table's summary. */
struct contrib {
	int pin, verity, media;
	ld_verity_params p; /* media: its parameters */
};

/* Parses one entry's data into *c: a record with the magic that fails to parse counts as a
 * pin and as verity; a valid one as what it carries; media is the verity item alone. */
static void volume_secret(const uint8_t *src, size_t len, struct contrib *c)
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
	memset(c, 0, sizeof(*c));
	c->pin = magic && (r != LD_OK || vs.pin);
	c->verity = magic && (r != LD_OK || vs.has_verity);
	if (r != LD_OK) {
		if (r != LD_ERR_INVALID || vs.passphrase || vs.volume_key || vs.pin || vs.has_verity ||
		    !err[0])
			abort();
		free(d);
		return;
	}
	c->media = !vs.passphrase && !vs.volume_key;
	if (vs.passphrase && vs.volume_key)
		abort();
	if (c->media && (!vs.has_verity || vs.pin || !magic))
		abort(); /* plaintext media: the verity item alone */
	if (vs.has_verity && ld_verity_params_check(&vs.verity, NULL, 0) != LD_OK)
		abort();
	if (c->media)
		c->p = vs.verity;
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
	uint8_t rec[LD_VOLREC_MAGIC_SIZE + 4 * 4 + LD_VOLREC_PASSPHRASE_MAX + LD_PIN_SIZE +
		    LD_VOLREC_VERITY_FIXED + LD_VERITY_SALT_MAX + LD_HASH_MAX_SIZE];
	size_t rlen = 0;
	int b = ld_volume_secret_build(rec, sizeof(rec), &rlen, &vs);
	if (b == LD_OK) {
		if (rlen > sizeof(rec) || ld_volume_secret_parse(rec, rlen, &back, err, sizeof(err)) != LD_OK ||
		    !same(vs.passphrase, vs.passphrase_len, back.passphrase, back.passphrase_len) ||
		    !same(vs.volume_key, vs.volume_key_len, back.volume_key, back.volume_key_len) ||
		    !same(vs.pin, vs.pin ? LD_PIN_SIZE : 0, back.pin, back.pin ? LD_PIN_SIZE : 0) ||
		    vs.has_verity != back.has_verity ||
		    memcmp(&vs.verity, &back.verity, sizeof(vs.verity)) != 0)
			abort();
	} else if (b != LD_ERR_INVALID || ld_volrec_is_record(d, len) ||
		   vs.passphrase_len <= LD_VOLREC_PASSPHRASE_MAX) {
		abort();
	}
	free(d);
}

/* Walks a table that ld_secret_table_check accepted and aborts unless s (its summary)
 * says what the walk found: pins, verity, and the media records (a non-null GUID) in
 * order, those beyond LD_SECRET_MEDIA_MAX counted as dropped. */
static void walk_entries(const uint8_t *area, const ld_secret_summary *s)
{
	static const uint8_t null_guid[16];
	size_t total = ld_le32(area + 16), off = LD_SECRET_HDR_SIZE, media = 0;
	int pins = 0, verity = 0;
	struct contrib c;

	while (total - off >= LD_SECRET_ENTRY_HDR_SIZE) {
		size_t len = ld_le32(area + off + 16);
		volume_secret(area + off + LD_SECRET_ENTRY_HDR_SIZE, len - LD_SECRET_ENTRY_HDR_SIZE, &c);
		pins |= c.pin;
		verity |= c.verity;
		if (c.media && memcmp(area + off, null_guid, 16) != 0) {
			if (media < LD_SECRET_MEDIA_MAX &&
			    (media >= s->n_media || memcmp(&s->media[media], &c.p, sizeof(c.p)) != 0))
				abort();
			media++;
		}
		off += len;
	}
	if (s->pins != pins || s->verity != verity ||
	    s->n_media != (media < LD_SECRET_MEDIA_MAX ? media : LD_SECRET_MEDIA_MAX) ||
	    s->media_dropped != media - s->n_media)
		abort();
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
	ld_secret_summary *sum = malloc(sizeof(*sum));
	static const ld_secret_summary zero;
	struct contrib c;
	if (!sum)
		abort();
	int sr = ld_secret_table_summary(area, n, sum);
	if (sr != valid || (valid != LD_OK && (pins || memcmp(sum, &zero, sizeof(zero)) != 0)))
		abort();
	if (valid == LD_OK) {
		walk_entries(area, sum);
		if (pins != sum->pins)
			abort();
	}
	free(sum);
	/* The whole input after the GUID as one entry's data, too. */
	volume_secret(area, n, &c);
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
