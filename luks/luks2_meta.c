/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* LUKS2 JSON metadata validation: the section-level rules that cryptsetup's
 * lib/luks2/luks2_json_metadata.c applies (LUKS2_hdr_validate), over the JSON layer.
 * Caution: this file parses untrusted input (the JSON area of a LUKS2 header).
 *
 * Dependency direction (no cycle): luks2_meta.c -> luks2_keyslot.c, luks2_segment.c,
 * luks2_digest.c -> json.c -> json_syntax.c, base64.c; everything -> base/.
 * Called by: luks2_disk.c (ld_luks2_read). */
#include "luks/luks_internal.h"

/* Each element of array arr must be a string naming a present id in mask; fills *bits. */
static int id_array(const ld_json *j, int arr, uint32_t present, uint32_t *bits)
{
	int n, k, t;

	if (ld_json_type(j, arr) != LD_J_ARR)
		return LD_ERR_INVALID;
	*bits = 0;
	n = ld_json_count(j, arr);
	for (k = 0, t = arr + 1; k < n; k++, t = ld_json_skip(j, t)) {
		int id = ld_json_key_id(j, t, 32);
		if (id < 0 || !(present & (1u << id)))
			return LD_ERR_INVALID;
		*bits |= 1u << id;
	}
	return LD_OK;
}

/* Each element of array arr must be a string; appends them to list. */
static int string_array(const ld_json *j, int arr, char *list, size_t listlen)
{
	int n, k, t;

	if (ld_json_type(j, arr) != LD_J_ARR)
		return LD_ERR_INVALID;
	n = ld_json_count(j, arr);
	for (k = 0, t = arr + 1; k < n; k++, t = ld_json_skip(j, t)) {
		char word[LD_LIST_LEN];
		size_t len;
		if (ld_json_text(j, t, word, sizeof(word), &len))
			return LD_ERR_INVALID;
		if (list)
			ld_list_add(list, listlen, word, len < sizeof(word) ? len : sizeof(word));
	}
	return LD_OK;
}

/* Collects the ids of a numbered section; each value must be an object. */
static int section_ids(const ld_json *j, int sec, uint32_t *ids, const char *name, char *err,
		       size_t errlen)
{
	int n, k, t;

	*ids = 0;
	n = ld_json_count(j, sec);
	for (k = 0, t = sec + 1; k < n; k++, t = ld_json_skip(j, t + 1)) {
		int id = ld_json_key_id(j, t, 32);
		if (id < 0) {
			ld_err3(err, errlen, name, " id is not a number below 32", NULL);
			return LD_ERR_INVALID;
		}
		if (*ids & (1u << id)) {
			ld_err3(err, errlen, name, " id appears twice", NULL);
			return LD_ERR_INVALID;
		}
		if (ld_json_type(j, t + 1) != LD_J_OBJ) {
			ld_err3(err, errlen, name, " is not an object", NULL);
			return LD_ERR_INVALID;
		}
		*ids |= 1u << id;
	}
	return LD_OK;
}

static int section(const ld_json *j, const char *name, int *t, char *err, size_t errlen)
{
	*t = ld_json_member(j, 0, name);
	if (ld_json_type(j, *t) != LD_J_OBJ) {
		ld_err3(err, errlen, "JSON metadata lacks the \"", name, "\" object");
		return LD_ERR_INVALID;
	}
	return LD_OK;
}

static int online_reencrypt_flag(const char *p, size_t len)
{
	size_t i;

	if (len == 16 && !memcmp(p, "online-reencrypt", 16))
		return 1;
	if (len <= 18 || memcmp(p, "online-reencrypt-v", 18))
		return 0;
	for (i = 18; i < len; i++)
		if (!ld_is_digit(p[i]))
			return 0;
	return 1;
}

static int parse_config(ld_luks_meta *m, const ld_json *j, int cfg, int *online_reenc,
			char *err, size_t errlen)
{
	int t, req, mand, n, k, e, r = LD_OK;

	/* read as cryptsetup reads them (strtoull); the values are checked exactly below */
	t = ld_json_member(j, cfg, "json_size");
	if (ld_json_strtoull(j, t, &m->json_size))
		return ld_fail(err, errlen, "config.json_size is not a numeric string", NULL);
	t = ld_json_member(j, cfg, "keyslots_size");
	if (ld_json_strtoull(j, t, &m->keyslots_size))
		return ld_fail(err, errlen, "config.keyslots_size is not a numeric string", NULL);
	t = ld_json_member(j, cfg, "flags");
	if (t == -2 || (t >= 0 && string_array(j, t, m->config_flags, sizeof(m->config_flags))))
		return ld_fail(err, errlen, "config.flags is not an array of strings", NULL);

	*online_reenc = 0;
	req = ld_json_member(j, cfg, "requirements");
	if (req == -1)
		goto out;
	if (ld_json_type(j, req) != LD_J_OBJ)
		return ld_fail(err, errlen, "config.requirements is not an object", NULL);
	mand = ld_json_member(j, req, "mandatory");
	if (mand == -1)
		goto out;
	if (string_array(j, mand, m->requirements, sizeof(m->requirements)))
		return ld_fail(err, errlen,
			       "config.requirements.mandatory is not an array of strings", NULL);
	n = ld_json_count(j, mand);
	for (k = 0, e = mand + 1; k < n; k++, e++) {
		char word[32];
		size_t len;
		ld_json_text(j, e, word, sizeof(word), &len);
		*online_reenc += len <= sizeof(word) && online_reencrypt_flag(word, len);
	}
	if (*online_reenc > 1)
		return ld_fail(err, errlen, "several online-reencrypt requirement flags", NULL);
out:
	return r;
}

static int parse_tokens(ld_luks_meta *m, const ld_json *j, int sec, uint32_t ks_ids, char *err,
			size_t errlen)
{
	int n, k, t;

	n = ld_json_count(j, sec);
	for (k = 0, t = sec + 1; k < n; k++, t = ld_json_skip(j, t + 1)) {
		int id = ld_json_key_id(j, t, 32), v = t + 1, f;
		ld_token *tk = &m->tokens[id];
		size_t len;

		/* Unknown token types are kept; an over-long name is shown truncated. */
		f = ld_json_member(j, v, "type");
		if (ld_json_text(j, f, tk->type, sizeof(tk->type) - 1, &len) || !len)
			return ld_fail(err, errlen, "token has no type", NULL);
		tk->type[len < sizeof(tk->type) - 1 ? len : sizeof(tk->type) - 1] = '\0';
		f = ld_json_member(j, v, "keyslots");
		if (id_array(j, f, ks_ids, &tk->keyslots))
			return ld_fail(err, errlen,
				       "token keyslots must name existing keyslots", NULL);
		tk->present = 1;
	}
	return LD_OK;
}

static int parse_digests(ld_luks_meta *m, const ld_json *j, int sec, uint32_t ks_ids,
			 uint32_t seg_ids, char *err, size_t errlen)
{
	int n, k, t, r = LD_OK;

	n = ld_json_count(j, sec);
	for (k = 0, t = sec + 1; k < n; k++, t = ld_json_skip(j, t + 1)) {
		int id = ld_json_key_id(j, t, 32), v = t + 1;
		ld_digest *d = &m->digests[id];

		if (ld_json_copy(j, ld_json_member(j, v, "type"), d->type, sizeof(d->type)))
			return ld_fail(err, errlen, "digest has no valid type", NULL);
		if (id_array(j, ld_json_member(j, v, "keyslots"), ks_ids, &d->keyslots))
			return ld_fail(err, errlen,
				       "digest keyslots must name existing keyslots", NULL);
		if (id_array(j, ld_json_member(j, v, "segments"), seg_ids, &d->segments))
			return ld_fail(err, errlen,
				       "digest segments must name existing segments", NULL);
		if (!ld_strcmp(d->type, "pbkdf2")) {
			r = ld_luks2_digest_parse(d, j, v, err, errlen);
			if (r)
				goto out;
		}
		d->present = 1;
	}
out:
	return r;
}

static int parse_segments(ld_luks_meta *m, const ld_json *j, int sec, uint32_t seg_ids,
			  char *err, size_t errlen)
{
	int n, k, t, i, r = LD_OK, first_backup = -1;

	n = ld_json_count(j, sec);
	if (n < 1)
		return ld_fail(err, errlen, "no segments", NULL);
	for (k = 0, t = sec + 1; k < n; k++, t = ld_json_skip(j, t + 1)) {
		int id = ld_json_key_id(j, t, 32);
		ld_segment *s = &m->segments[id];
		r = ld_luks2_segment_parse(s, j, t + 1, err, errlen);
		if (r)
			goto out;
		if (s->backup) {
			if (first_backup < 0 || id < first_backup)
				first_backup = id;
		}
	}
	/* Regular segments are 0..first_backup-1 without gaps, backups follow, no gaps. */
	for (i = 0; i < n; i++) {
		if (!(seg_ids & (1u << i)))
			return ld_fail(err, errlen, "gap in segment numbering", NULL);
		if (m->segments[i].backup != (first_backup >= 0 && i >= first_backup))
			return ld_fail(err, errlen, "regular segment after a backup segment", NULL);
	}
	if (first_backup == 0)
		return ld_fail(err, errlen, "no regular segment", NULL);
	if (first_backup < 0)
		first_backup = n;
	for (i = 0; i < first_backup; i++) {
		const ld_segment *a = &m->segments[i];
		int q;
		if (a->dynamic && i != first_backup - 1)
			return ld_fail(err, errlen,
				       "only the last segment may have dynamic size", NULL);
		for (q = 0; q < first_backup; q++) {
			const ld_segment *b = &m->segments[q];
			if (q == i)
				continue;
			if (!b->dynamic && b->offset > UINT64_MAX - b->size)
				return ld_fail(err, errlen, "segment offset+size overflows", NULL);
			if (a->offset >= b->offset && (b->dynamic || a->offset < b->offset + b->size))
				return ld_fail(err, errlen, "segments overlap", NULL);
		}
	}
out:
	return r;
}

static int parse_keyslots(ld_luks_meta *m, const ld_json *j, int sec, char *err, size_t errlen)
{
	int n, k, t, r = LD_OK;

	n = ld_json_count(j, sec);
	m->nkeyslots = 0;
	for (k = 0, t = sec + 1; k < n; k++, t = ld_json_skip(j, t + 1)) {
		int id = ld_json_key_id(j, t, 32);
		r = ld_luks2_keyslot_parse(&m->keyslots[id], j, t + 1, err, errlen);
		if (r)
			goto out;
		m->keyslot_order[m->nkeyslots++] = (uint8_t)id;
	}
out:
	return r;
}

static int metadata_size_ok(uint64_t size)
{
	uint64_t s;

	for (s = LD_LUKS2_HDR_MIN; s <= LD_LUKS2_HDR_MAX; s <<= 1)
		if (size == s)
			return 1;
	return 0;
}

/* Cross-section rules: config sizes, keyslot areas, digest assignment. */
static int cross_checks(ld_luks_meta *m, uint64_t hdr_size, int online_reenc, char *err,
			size_t errlen)
{
	uint64_t meta = m->json_size + LD_LUKS2_BIN_LEN, min_off = 0, areas_end;
	int i, q, reenc_slots = 0;

	if (m->json_size > LD_LUKS2_HDR_MAX || !metadata_size_ok(meta))
		return ld_fail(err, errlen,
			       "config.json_size is not a valid LUKS2 header size", NULL);
	if (meta != hdr_size)
		return ld_fail(err, errlen,
			       "config.json_size does not match the binary header size", NULL);
	if (m->keyslots_size % 4096 || m->keyslots_size > LD_LUKS2_KEYSLOTS_MAX_SIZE)
		return ld_fail(err, errlen, "config.keyslots_size is invalid", NULL);
	/* The lowest offset of the regular segments; 0 if any starts at 0 (detached header). */
	for (i = 0; i < LD_MAX_SEGMENTS; i++) {
		const ld_segment *s = &m->segments[i];
		if (!s->present || s->backup)
			continue;
		if (!s->offset) {
			min_off = 0;
			break;
		}
		if (!min_off || s->offset < min_off)
			min_off = s->offset;
	}
	/* Keyslots area lies between both header copies and the data (unless detached). */
	if (min_off && (min_off < m->keyslots_size || min_off - m->keyslots_size < 2 * meta))
		return ld_fail(err, errlen, "keyslots area overlaps the data segment", NULL);
	areas_end = 2 * meta + m->keyslots_size;

	for (i = 0; i < LD_MAX_KEYSLOTS; i++) {
		const ld_keyslot *a = &m->keyslots[i];
		int ndig = 0;
		if (!a->present)
			continue;
		if (a->area_offset < 2 * meta)
			return ld_fail(err, errlen, "keyslot area inside the header", NULL);
		if (!a->area_size)
			return ld_fail(err, errlen, "keyslot area is empty", NULL);
		if (a->area_offset > UINT64_MAX - a->area_size || a->area_offset + a->area_size > areas_end)
			return ld_fail(err, errlen, "keyslot area outside the keyslots area", NULL);
		for (q = 0; q < LD_MAX_KEYSLOTS; q++) {
			const ld_keyslot *b = &m->keyslots[q];
			if (q == i || !b->present)
				continue;
			if (a->area_offset >= b->area_offset && a->area_offset < b->area_offset + b->area_size)
				return ld_fail(err, errlen, "keyslot areas overlap", NULL);
		}
		m->keyslots[i].digest = -1;
		for (q = 0; q < LD_MAX_DIGESTS; q++)
			if (m->digests[q].present && (m->digests[q].keyslots & (1u << i))) {
				ndig++;
				m->keyslots[i].digest = q;
			}
		if (a->is_luks2 && ndig != 1)
			return ld_fail(err, errlen,
				       "keyslot is not assigned to exactly one digest", NULL);
		if (!ld_strcmp(a->type, "reencrypt"))
			reenc_slots++;
	}
	if (online_reenc && !reenc_slots)
		return ld_fail(err, errlen,
			       "online reencryption requirement without reencrypt keyslot", NULL);
	if (reenc_slots > 1)
		return ld_fail(err, errlen, "more than one reencrypt keyslot", NULL);
	if (reenc_slots && !online_reenc)
		return ld_fail(err, errlen,
			       "reencrypt keyslot without reencryption requirement", NULL);

	/* Every crypt segment has a digest. */
	for (i = 0; i < LD_MAX_SEGMENTS; i++) {
		int has = 0;
		if (!m->segments[i].present || ld_strcmp(m->segments[i].type, "crypt"))
			continue;
		for (q = 0; q < LD_MAX_DIGESTS; q++)
			if (m->digests[q].present && (m->digests[q].segments & (1u << i)))
				has = 1;
		if (!has)
			return ld_fail(err, errlen, "crypt segment has no digest", NULL);
	}
	return LD_OK;
}

int ld_luks2_meta_parse(ld_luks_meta *m, const char *area, size_t area_len, uint64_t hdr_size,
			const ld_alloc *alloc, char *err, size_t errlen)
{
	ld_json *j = NULL;
	int r, ks, tok, dig, seg, cfg, online_reenc = 0;
	uint32_t ks_ids, tok_ids, dig_ids, seg_ids;

	memset(m->keyslots, 0, sizeof(m->keyslots));
	memset(m->segments, 0, sizeof(m->segments));
	memset(m->digests, 0, sizeof(m->digests));
	memset(m->tokens, 0, sizeof(m->tokens));
	m->config_flags[0] = m->requirements[0] = '\0';

	r = ld_json_parse(&j, area, area_len, alloc, err, errlen);
	if (r)
		return r;
	if ((r = section(j, "keyslots", &ks, err, errlen)) ||
	    (r = section(j, "tokens", &tok, err, errlen)) ||
	    (r = section(j, "segments", &seg, err, errlen)) ||
	    (r = section(j, "digests", &dig, err, errlen)) ||
	    (r = section(j, "config", &cfg, err, errlen)))
		goto out;
	if ((r = section_ids(j, ks, &ks_ids, "keyslot", err, errlen)) ||
	    (r = section_ids(j, tok, &tok_ids, "token", err, errlen)) ||
	    (r = section_ids(j, seg, &seg_ids, "segment", err, errlen)) ||
	    (r = section_ids(j, dig, &dig_ids, "digest", err, errlen)))
		goto out;
	if ((r = parse_config(m, j, cfg, &online_reenc, err, errlen)) ||
	    (r = parse_tokens(m, j, tok, ks_ids, err, errlen)) ||
	    (r = parse_digests(m, j, dig, ks_ids, seg_ids, err, errlen)) ||
	    (r = parse_segments(m, j, seg, seg_ids, err, errlen)) ||
	    (r = parse_keyslots(m, j, ks, err, errlen)))
		goto out;
	r = cross_checks(m, hdr_size, online_reenc, err, errlen);
out:
	ld_json_free(j);
	return r;
}
