/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* ld_volume: the luks.h API over the LUKS1/LUKS2 parsers, keyslots and digests. */
#include "luks/luks_internal.h"
#include "base/uuid.h"

struct ld_volume {
	const ld_alloc *alloc;
	ld_blockdev *hdr;
	ld_blockdev *data;
	ld_volume_info info;
	ld_luks_meta meta;
	int seg_digest;          /* digest of segment 0, -1 if none */
	char unsupported[128];   /* why unlock is refused, "" if it is not */
	char data_bad[96];       /* why the data device cannot be used, "" if it can */
	char no_match[160];      /* why no key can match the segment's digest, "" if one can */
	uint64_t nsectors;       /* plaintext sectors of the data segment */
	uint8_t key[LD_KEY_MAX];
	size_t keylen;
	int unlocked;
	ld_cipher *cipher;
	uint8_t *bounce;         /* one sector for unaligned ld_volume_read edges */
	int has_limit;           /* derivations are estimated against limit first */
	ld_kdf_limit limit;
	ld_kdf_rates rates;      /* measured once per volume and kind */
};

static int is_pow2_sector(uint32_t s)
{
	return s >= 512 && s <= 4096 && !(s & (s - 1));
}

int ld_volume_probe(ld_blockdev *dev)
{
	uint8_t b[8];
	int r = ld_dev_read(dev, 0, b, sizeof(b));

	if (r)
		return r == LD_ERR_IO ? LD_ERR_IO : LD_ERR_INVALID;
	if (memcmp(b, LD_LUKS_MAGIC, LD_LUKS_MAGIC_LEN) ||
	    (ld_be16(b + 6) != 1 && ld_be16(b + 6) != 2))
		return LD_ERR_INVALID;
	return LD_OK;
}

/* Decides what unlock can do with this metadata and fills info. */
static void assess(ld_volume *v)
{
	ld_luks_meta *m = &v->meta;
	const ld_segment *s = &m->segments[0];
	char cerr[160];
	int i, r, nreg = 0;
	uint64_t size = 0, end;

	v->seg_digest = -1;
	for (i = 0; i < LD_MAX_DIGESTS; i++)
		if (m->digests[i].present && (m->digests[i].segments & 1u)) {
			v->seg_digest = i;
			break;
		}
	for (i = 0; i < LD_MAX_KEYSLOTS; i++)
		if (m->keyslots[i].present && m->keyslots[i].is_luks2 &&
		    m->keyslots[i].digest == v->seg_digest && m->keyslots[i].digest >= 0) {
			v->info.key_bytes = m->keyslots[i].key_size;
			break;
		}
	for (i = 0; i < LD_MAX_SEGMENTS; i++)
		if (m->segments[i].present && !m->segments[i].backup)
			nreg++;

	v->info.version = m->version;
	ld_strlcpy(v->info.uuid, m->uuid, sizeof(v->info.uuid));
	/* all zero when the header's UUID is not canonical text (dump still shows it) */
	if (ld_uuid_parse(m->uuid, strlen(m->uuid), v->info.uuid_bin))
		memset(v->info.uuid_bin, 0, sizeof(v->info.uuid_bin));
	ld_strlcpy(v->info.label, m->label, sizeof(v->info.label));
	ld_strlcpy(v->info.subsystem, m->subsystem, sizeof(v->info.subsystem));
	ld_strlcpy(v->info.cipher, s->cipher, sizeof(v->info.cipher));
	v->info.sector_size = s->sector_size;
	v->info.data_offset = s->offset;
	v->info.seqid = m->seqid;

	if (m->requirements[0])
		ld_err3(v->unsupported, sizeof(v->unsupported), "unsupported mandatory requirement: ",
			m->requirements, NULL);
	else if (nreg != 1)
		ld_err3(v->unsupported, sizeof(v->unsupported),
			"more than one data segment (reencryption in progress)", NULL, NULL);
	else if (ld_strcmp(s->type, "crypt"))
		ld_err3(v->unsupported, sizeof(v->unsupported), "segment type \"", s->type,
			"\" is not supported");
	else if (s->integrity)
		ld_err3(v->unsupported, sizeof(v->unsupported), "integrity protection (",
			s->integrity_type, ") is not supported");
	else if (!is_pow2_sector(s->sector_size))
		ld_err3(v->unsupported, sizeof(v->unsupported), "sector size is not supported", NULL,
			NULL);
	else if (v->info.key_bytes &&
		 ld_cipher_check(s->cipher, v->info.key_bytes, cerr, sizeof(cerr)))
		ld_err3(v->unsupported, sizeof(v->unsupported), "data cipher: ", cerr, NULL);
	if (!v->unsupported[0] && v->seg_digest >= 0) {
		r = ld_digest_check(&m->digests[v->seg_digest], cerr, sizeof(cerr));
		if (r == LD_ERR_UNSUPPORTED)
			ld_err3(v->unsupported, sizeof(v->unsupported), cerr, NULL, NULL);
		else if (r)
			ld_err3(v->no_match, sizeof(v->no_match), cerr, NULL, NULL);
	}

	if (!s->present || ld_strcmp(s->type, "crypt") || !is_pow2_sector(s->sector_size))
		return;
	/* LUKS1 (and a LUKS2 keyslot area) must also fit on the header device. */
	for (i = 0; i < LD_MAX_KEYSLOTS; i++) {
		const ld_keyslot *ks = &m->keyslots[i];
		if (!ks->present)
			continue;
		end = ks->area_offset + ks->area_size;
		if (end > v->hdr->size)
			ld_err3(v->data_bad, sizeof(v->data_bad),
				"keyslot area beyond the end of the header device", NULL, NULL);
	}
	if (ld_segment_data_size(s, v->data->size, &size))
		ld_err3(v->data_bad, sizeof(v->data_bad),
			"data device is smaller than the data segment", NULL, NULL);
	v->info.data_size = size;
	v->nsectors = size / s->sector_size;
}

int ld_volume_open(ld_volume **out, ld_blockdev *hdr, ld_blockdev *data, const ld_alloc *alloc,
		   char *err, size_t errlen)
{
	ld_volume *v;
	uint8_t b[8];
	int r;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (!data)
		data = hdr;
	r = ld_volume_probe(hdr);
	if (r) {
		ld_err3(err, errlen, r == LD_ERR_IO ? "I/O error reading the header"
			: "not a LUKS device (no LUKS magic)", NULL, NULL);
		/* A LUKS2 volume whose primary header is wiped may still have its secondary. */
		if (r == LD_ERR_IO)
			return r;
	}
	v = alloc->alloc(alloc->ctx, sizeof(*v));
	if (!v) {
		ld_err3(err, errlen, "out of memory", NULL, NULL);
		return LD_ERR_NOMEM;
	}
	v->alloc = alloc;
	v->hdr = hdr;
	v->data = data;
	if (r == LD_OK && ld_dev_read(hdr, 0, b, sizeof(b)) == LD_OK && ld_be16(b + 6) == 1)
		r = ld_luks1_read(&v->meta, hdr, err, errlen);
	else
		r = ld_luks2_read(&v->meta, hdr, alloc, err, errlen);
	if (r) {
		if (err && errlen && !err[0]) /* a reason for every failure */
			ld_err3(err, errlen, ld_strerror(r), NULL, NULL);
		ld_volume_close(v);
		return r;
	}
	assess(v);
	*out = v;
	return LD_OK;
}

const ld_volume_info *ld_volume_get_info(const ld_volume *v)
{
	return &v->info;
}

const ld_luks_meta *ld_volume_meta(const ld_volume *v)
{
	return &v->meta;
}

const char *ld_volume_unsupported(const ld_volume *v)
{
	return v->unsupported;
}

void ld_volume_set_kdf_limit(ld_volume *v, const ld_kdf_limit *limit)
{
	v->has_limit = limit && limit->now_us;
	if (v->has_limit) {
		v->limit = *limit;
		if (!v->limit.max_seconds)
			v->limit.max_seconds = LD_KDF_MAX_SECONDS;
	}
}

static void append(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);

	if (n < len)
		ld_strlcpy(buf + n, s, len - n);
}

/* LD_OK if the derivation of what (a keyslot: ks; else the digest d) is estimated to stay
 * within the limit, or cannot be estimated; otherwise LD_ERR_UNSUPPORTED with the reason
 * in err, for a keyslot also handed to the limit's notice (unlock goes on without it). */
static int within_limit(ld_volume *v, const ld_keyslot *ks, int id, const ld_digest *d,
			char *err, size_t errlen)
{
	char line[160] = "", num[21];
	uint64_t secs;
	int r;

	if (!v->has_limit)
		return LD_OK;
	r = ks ? ld_kdf_keyslot_seconds(ks, &v->limit, &v->rates, v->alloc, &secs)
	       : ld_kdf_digest_seconds(d, &v->limit, &v->rates, v->alloc, &secs);
	if (r || secs <= v->limit.max_seconds)
		return LD_OK;
	if (ks) {
		append(line, sizeof(line), "keyslot ");
		append(line, sizeof(line), ld_u64_str((uint64_t)id, num));
		append(line, sizeof(line), ": key derivation would take about ");
	} else {
		append(line, sizeof(line), "the volume key digest would take about ");
	}
	append(line, sizeof(line), ld_u64_str(secs, num));
	append(line, sizeof(line), " s, above the limit of ");
	append(line, sizeof(line), ld_u64_str(v->limit.max_seconds, num));
	append(line, sizeof(line), ks ? " s: skipped" : " s to check: not checked");
	if (ks && v->limit.notice) /* a refused digest ends the unlock with this reason */
		v->limit.notice(v->limit.ctx, line);
	ld_err3(err, errlen, line, NULL, NULL);
	return LD_ERR_UNSUPPORTED;
}

/* Tries one keyslot: LD_OK with v->key filled, LD_ERR_KEY, or another error. */
static int try_slot(ld_volume *v, int id, const uint8_t *pass, size_t passlen,
		    ld_progress_fn progress, void *pctx, char *err, size_t errlen)
{
	const ld_keyslot *ks = &v->meta.keyslots[id];
	int r;

	if (err && errlen)
		err[0] = '\0';
	if (!ks->present || ks->digest != v->seg_digest || v->seg_digest < 0) {
		ld_err3(err, errlen, "keyslot does not open the data segment", NULL, NULL);
		return LD_ERR_NOTFOUND;
	}
	r = ld_keyslot_check(ks, err, errlen);
	if (r == LD_OK)
		r = within_limit(v, ks, id, NULL, err, errlen);
	if (r == LD_OK)
		r = ld_keyslot_open(ks, v->hdr, pass, passlen, v->key, v->alloc, progress, pctx,
				    err, errlen);
	if (r == LD_OK) {
		r = ld_digest_verify(&v->meta.digests[v->seg_digest], v->key, ks->key_size);
		if (r == LD_OK)
			v->keylen = ks->key_size;
		else if (r != LD_ERR_KEY)
			ld_digest_check(&v->meta.digests[v->seg_digest], err, errlen);
	}
	if (r)
		ld_wipe(v->key, sizeof(v->key));
	/* every failure carries a reason, even one a callee did not write */
	if (r && err && errlen && !err[0])
		ld_err3(err, errlen, "keyslot: ", ld_strerror(r), NULL);
	return r;
}

/* The key in v->key is the volume key: sets up the data cipher and marks the volume
 * unlocked, or wipes the key. */
static int start_cipher(ld_volume *v, char *err, size_t errlen)
{
	const ld_segment *s = &v->meta.segments[0];
	char cerr[96];
	int r = ld_cipher_new(&v->cipher, s->cipher, v->key, v->keylen, v->alloc, cerr,
			      sizeof(cerr));
	if (r) {
		ld_err3(err, errlen, "data cipher: ", cerr, NULL);
		goto fail;
	}
	v->bounce = v->alloc->alloc(v->alloc->ctx, s->sector_size);
	if (!v->bounce) {
		ld_err3(err, errlen, "out of memory", NULL, NULL);
		r = LD_ERR_NOMEM;
		goto fail;
	}
	v->unlocked = 1;
	return LD_OK;
fail:
	if (v->cipher)
		ld_cipher_free(v->cipher);
	v->cipher = NULL;
	ld_wipe(v->key, sizeof(v->key));
	v->keylen = 0;
	return r;
}

/* What keeps any key from unlocking: LD_OK if nothing does. */
static int unlock_blocked(ld_volume *v, char *err, size_t errlen)
{
	int r;

	if (err && errlen)
		err[0] = '\0';
	if (v->unlocked) {
		ld_err3(err, errlen, "volume is already unlocked", NULL, NULL);
		return LD_ERR_INVALID;
	}
	if (v->unsupported[0]) {
		ld_err3(err, errlen, v->unsupported, NULL, NULL);
		return LD_ERR_UNSUPPORTED;
	}
	if (v->data_bad[0]) {
		ld_err3(err, errlen, v->data_bad, NULL, NULL);
		return LD_ERR_INVALID;
	}
	if (v->no_match[0]) {
		ld_err3(err, errlen, v->no_match, NULL, NULL);
		return LD_ERR_KEY;
	}
	/* every keyslot tried pays for one digest check: refuse an absurd one at once */
	if (v->seg_digest >= 0 &&
	    (r = within_limit(v, NULL, 0, &v->meta.digests[v->seg_digest], err, errlen)) != LD_OK)
		return r;
	return LD_OK;
}

int ld_volume_unlock_key(ld_volume *v, const uint8_t *key, size_t keylen, char *err,
			 size_t errlen)
{
	int r = unlock_blocked(v, err, errlen);
	if (r != LD_OK)
		return r;
	if (v->seg_digest < 0) {
		ld_err3(err, errlen, "no digest covers the data segment", NULL, NULL);
		return LD_ERR_KEY;
	}
	if (keylen == 0 || keylen > sizeof(v->key)) {
		ld_err3(err, errlen, "volume key has the wrong size", NULL, NULL);
		return LD_ERR_KEY;
	}
	memcpy(v->key, key, keylen);
	r = ld_digest_verify(&v->meta.digests[v->seg_digest], v->key, keylen);
	if (r != LD_OK) {
		ld_wipe(v->key, sizeof(v->key));
		ld_err3(err, errlen, r == LD_ERR_KEY ? "the volume key does not match the volume's digest"
			: "the volume's digest cannot be checked", NULL, NULL);
		return r == LD_ERR_KEY ? LD_ERR_KEY : r;
	}
	v->keylen = keylen;
	return start_cipher(v, err, errlen);
}

int ld_volume_unlock(ld_volume *v, const uint8_t *pass, size_t passlen, int keyslot,
		     ld_progress_fn progress, void *progress_ctx, int *opened_slot,
		     char *err, size_t errlen)
{
	const ld_luks_meta *m = &v->meta;
	char why[128] = "", cerr[96];
	int r, pass_no, k, wrong = 0, unsup = 0, other = 0;

	r = unlock_blocked(v, err, errlen);
	if (r != LD_OK)
		return r;
	if (keyslot >= 0) {
		char num[21];
		if (keyslot >= LD_MAX_KEYSLOTS || !m->keyslots[keyslot].present) {
			ld_err3(err, errlen, "keyslot ", ld_u64_str((uint64_t)keyslot, num), " is not in use");
			return LD_ERR_NOTFOUND;
		}
		r = try_slot(v, keyslot, pass, passlen, progress, progress_ctx, why, sizeof(why));
		if (r == LD_ERR_NOTFOUND)
			ld_err3(why, sizeof(why), "keyslot does not open the data segment", NULL, NULL);
		if (r == LD_OK)
			goto unlocked;
		if (r == LD_ERR_KEY)
			ld_err3(err, errlen, "no key available with this passphrase", NULL, NULL);
		else
			ld_err3(err, errlen, why, NULL, NULL);
		return r == LD_ERR_NOTFOUND ? LD_ERR_KEY : r;
	}
	/* cryptsetup's order: "prefer" slots, then "normal" ones, each in metadata order;
	 * "ignore" (and any other priority) only when named. */
	for (pass_no = 0; pass_no < 2; pass_no++) {
		int prio = pass_no ? LD_PRIO_NORMAL : LD_PRIO_PREFER;
		for (k = 0; k < m->nkeyslots; k++) {
			int id = m->keyslot_order[k];
			if (!m->keyslots[id].present || m->keyslots[id].priority != prio)
				continue;
			keyslot = id;
			r = try_slot(v, id, pass, passlen, progress, progress_ctx, cerr, sizeof(cerr));
			if (r == LD_OK)
				goto unlocked;
			if (r == LD_ERR_KEY)
				wrong = 1;
			else if (r == LD_ERR_UNSUPPORTED) {
				if (!unsup)
					ld_strlcpy(why, cerr, sizeof(why));
				unsup = 1;
			} else if (r == LD_ERR_NOMEM || r == LD_ERR_IO) {
				ld_err3(err, errlen, cerr[0] ? cerr : ld_strerror(r), NULL, NULL);
				return r;
			} else if (r != LD_ERR_NOTFOUND) {
				if (!other)
					ld_strlcpy(why, cerr, sizeof(why));
				other = 1;
			}
		}
	}
	if (wrong || (!unsup && !other)) {
		ld_err3(err, errlen, wrong ? "no key available with this passphrase"
			: "no usable keyslot", NULL, NULL);
		return LD_ERR_KEY;
	}
	ld_err3(err, errlen, why, NULL, NULL);
	return unsup ? LD_ERR_UNSUPPORTED : LD_ERR_INVALID;

unlocked:
	if (opened_slot)
		*opened_slot = keyslot;
	return start_cipher(v, err, errlen);
}

int ld_volume_key(const ld_volume *v, uint8_t *out, size_t outlen, size_t *keylen)
{
	if (!v->unlocked || outlen < v->keylen)
		return LD_ERR_INVALID;
	memcpy(out, v->key, v->keylen);
	*keylen = v->keylen;
	return LD_OK;
}

int ld_volume_read_sectors(ld_volume *v, uint64_t sector, uint64_t count, void *buf)
{
	const ld_segment *s = &v->meta.segments[0];
	uint64_t ss = s->sector_size, per = ss / 512, off;
	int r;

	if (!v->unlocked)
		return LD_ERR_INVALID;
	if (sector > v->nsectors || count > v->nsectors - sector)
		return LD_ERR_RANGE;
	if (!count)
		return LD_OK;
	if (count > SIZE_MAX / ss)
		return LD_ERR_RANGE;
	off = s->offset + sector * ss; /* <= offset + data_size, checked at open */
	r = ld_dev_read(v->data, off, buf, (size_t)(count * ss));
	if (r)
		return r;
	/* LUKS2 never sets dm-crypt's iv_large_sectors: IVs count 512-byte sectors from
	 * iv_tweak, whatever the encryption sector size. */
	return ld_cipher_decrypt(v->cipher, buf, (size_t)(count * ss), (size_t)ss,
				 s->iv_tweak + sector * per, per);
}

static int plain_read(ld_blockdev *dev, uint64_t offset, void *buf, size_t len)
{
	return ld_volume_read(dev->ctx, offset, buf, len);
}

void ld_volume_blockdev(ld_volume *v, ld_blockdev *dev)
{
	dev->read = plain_read;
	dev->ctx = v;
	dev->size = v->info.data_size;
	dev->block_size = (uint32_t)v->meta.segments[0].sector_size;
}

int ld_volume_read(ld_volume *v, uint64_t offset, void *buf, size_t len)
{
	uint64_t ss = v->meta.segments[0].sector_size;
	uint8_t *p = buf;
	int r;

	if (!v->unlocked)
		return LD_ERR_INVALID;
	if (offset > v->info.data_size || len > v->info.data_size - offset)
		return LD_ERR_RANGE;
	while (len) {
		uint64_t sec = offset / ss, in = offset % ss;
		if (in || len < ss) { /* partial sector: through the bounce buffer */
			size_t n = (size_t)(ss - in) < len ? (size_t)(ss - in) : len;
			r = ld_volume_read_sectors(v, sec, 1, v->bounce);
			if (r)
				return r;
			memcpy(p, v->bounce + in, n);
			ld_wipe(v->bounce, (size_t)ss);
			p += n;
			offset += n;
			len -= n;
		} else {
			uint64_t cnt = len / ss;
			r = ld_volume_read_sectors(v, sec, cnt, p);
			if (r)
				return r;
			p += cnt * ss;
			offset += cnt * ss;
			len -= (size_t)(cnt * ss);
		}
	}
	return LD_OK;
}

void ld_volume_close(ld_volume *v)
{
	const ld_alloc *a;

	if (!v)
		return;
	a = v->alloc;
	if (v->cipher)
		ld_cipher_free(v->cipher);
	if (v->bounce)
		a->free(a->ctx, v->bounce, v->meta.segments[0].sector_size);
	ld_wipe(v, sizeof(*v));
	a->free(a->ctx, v, sizeof(*v));
}
