/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* LUKS2 segments: JSON validation as cryptsetup's hdr_validate_segments and
 * hdr_validate_crypt_segment apply it, and the plaintext size of a segment. */
#include "luks/luks_internal.h"

static int has_prefix(const char *p, size_t len, const char *pre)
{
	size_t n = strlen(pre);

	return len >= n && !memcmp(p, pre, n);
}

int ld_luks2_segment_parse(ld_segment *s, const ld_json *j, int t, char *err, size_t errlen)
{
	int f, n, k, e;
	int64_t ss;

	memset(s, 0, sizeof(*s));
	if (ld_json_copy(j, ld_json_member(j, t, "type"), s->type, sizeof(s->type)))
		return ld_fail(err, errlen, "segment: ", "missing or invalid type");
	if (ld_json_u64str(j, ld_json_member(j, t, "offset"), &s->offset))
		return ld_fail(err, errlen, "segment: ", "offset is not a numeric string");
	f = ld_json_member(j, t, "size");
	if (ld_json_streq(j, f, "dynamic")) {
		s->dynamic = 1;
	} else if (ld_json_u64str(j, f, &s->size) || !s->size) {
		return ld_fail(err, errlen, "segment: ",
			       "size is neither \"dynamic\" nor a non-zero numeric string");
	}
	/* device-mapper works in 512-byte sectors */
	if (s->offset % 512 || s->size % 512)
		return ld_fail(err, errlen, "segment: ", "offset or size not aligned to 512 bytes");

	f = ld_json_member(j, t, "flags");
	if (f == -2 || (f >= 0 && ld_json_type(j, f) != LD_J_ARR))
		return ld_fail(err, errlen, "segment: ", "flags is not an array");
	if (f >= 0) {
		n = ld_json_count(j, f);
		for (k = 0, e = f + 1; k < n; k++, e = ld_json_skip(j, e)) {
			char p[LD_LIST_LEN];
			size_t len;
			if (ld_json_text(j, e, p, sizeof(p), &len))
				return ld_fail(err, errlen, "segment: ", "flags must be strings");
			len = len < sizeof(p) ? len : sizeof(p);
			ld_list_add(s->flags, sizeof(s->flags), p, len);
			if (has_prefix(p, len, "backup-"))
				s->backup = 1;
		}
	}
	s->present = 1;
	if (ld_strcmp(s->type, "crypt"))
		return LD_OK; /* e.g. "linear" during reencryption: shown, not used */

	if (ld_json_u64str(j, ld_json_member(j, t, "iv_tweak"), &s->iv_tweak))
		return ld_fail(err, errlen, "segment: ", "iv_tweak is not a numeric string");
	if (ld_json_copy(j, ld_json_member(j, t, "encryption"), s->cipher, sizeof(s->cipher)))
		return ld_fail(err, errlen, "segment: ", "missing or invalid encryption");
	if (ld_json_int(j, ld_json_member(j, t, "sector_size"), 1, UINT32_MAX, &ss) || ss % 512)
		return ld_fail(err, errlen, "segment: ", "sector_size is not a multiple of 512");
	s->sector_size = (uint32_t)ss;
	if (s->size % s->sector_size)
		return ld_fail(err, errlen, "segment: ", "size is not a multiple of sector_size");
	f = ld_json_member(j, t, "integrity");
	if (f != -1) {
		char tmp[LD_NAME_LEN];
		if (ld_json_type(j, f) != LD_J_OBJ ||
		    ld_json_copy(j, ld_json_member(j, f, "type"), s->integrity_type,
				 sizeof(s->integrity_type)) ||
		    ld_json_copy(j, ld_json_member(j, f, "journal_encryption"), tmp, sizeof(tmp)) ||
		    ld_json_copy(j, ld_json_member(j, f, "journal_integrity"), tmp, sizeof(tmp)))
			return ld_fail(err, errlen, "segment: ",
				       "integrity needs type, journal_encryption, journal_integrity");
		s->integrity = 1;
	}
	return LD_OK;
}

int ld_segment_data_size(const ld_segment *s, uint64_t dev_size, uint64_t *size)
{
	if (s->offset > dev_size)
		return LD_ERR_RANGE;
	if (s->dynamic) {
		/* A partial last sector is not part of the mapping (as dm-crypt). */
		*size = (dev_size - s->offset) / s->sector_size * s->sector_size;
		return LD_OK;
	}
	if (s->size > dev_size - s->offset)
		return LD_ERR_RANGE;
	*size = s->size;
	return LD_OK;
}
