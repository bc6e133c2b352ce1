/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* LUKS1 header (592 bytes at offset 0), mapped onto the LUKS2 structures: 8 keyslots of
 * PBKDF2 with the header's hash, one pbkdf2 digest of 20 bytes, one dynamic crypt
 * segment at the payload offset with 512-byte sectors.  Checks as cryptsetup's
 * lib/luks1/keymanage.c (_check_and_convert_hdr, LUKS_check_keyslots). */
#include "luks/luks_internal.h"

#define L1_ACTIVE 0x00AC71F3u
#define L1_DISABLED 0x0000DEADu

/* Hashes of 20 bytes or more that cryptsetup's crypto backends (OpenSSL, gcrypt) know
 * and LuksDxe does not implement. */
static int ld_hash_known_elsewhere(const char *name)
{
	static const char *const names[] = { "whirlpool", "sha224", "sha384", "sha3-224",
		"sha3-256", "sha3-384", "sha3-512", "stribog256", "stribog512", "sm3",
		"blake2b-512", "blake2s-256" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!ld_strcmp(name, names[i]))
			return 1;
	return 0;
}

int ld_luks1_read(ld_luks_meta *m, ld_blockdev *dev, char *err, size_t errlen)
{
	uint8_t h[LD_LUKS1_HDR_LEN];
	uint32_t key_bytes, payload, sectors, i, q;
	char name[32], mode[32], hash[32];
	ld_hash_alg ha;
	ld_segment *s;
	ld_digest *d;
	int r;

	memset(m, 0, sizeof(*m));
	r = ld_dev_read(dev, 0, h, sizeof(h));
	if (r) {
		ld_err3(err, errlen, r == LD_ERR_IO ? "I/O error reading the LUKS1 header"
			: "device too small for a LUKS1 header", NULL, NULL);
		return r == LD_ERR_IO ? LD_ERR_IO : LD_ERR_INVALID;
	}
	if (memcmp(h, LD_LUKS_MAGIC, LD_LUKS_MAGIC_LEN) || ld_be16(h + 6) != 1) {
		ld_err3(err, errlen, "not a LUKS1 header", NULL, NULL);
		return LD_ERR_INVALID;
	}
	memcpy(name, h + 8, 31); name[31] = '\0';
	memcpy(mode, h + 40, 31); mode[31] = '\0';
	memcpy(hash, h + 72, 31); hash[31] = '\0';
	payload = ld_be32(h + 104);
	key_bytes = ld_be32(h + 108);

	/* cryptsetup needs an HMAC of at least 20 bytes for the digest.  A hash that its
	 * crypto backends know and we do not leaves the header valid: unlock then says it
	 * is unsupported (the digest names the hash). */
	if (ld_hash_from_name(hash, strlen(hash), &ha) ? !ld_hash_known_elsewhere(hash)
						       : ld_hash_size(ha) < 20) {
		ld_err3(err, errlen, "LUKS1 hash \"", hash, "\" is not a hash of 20 bytes or more");
		return LD_ERR_INVALID;
	}
	/* cryptsetup refuses 0; sizes above our largest key (256 bytes, far above any
	 * cipher's) are refused too, so that the area arithmetic below stays small */
	if (!key_bytes || key_bytes > LD_KEY_MAX) {
		ld_err3(err, errlen, "LUKS1 key size is invalid", NULL, NULL);
		return LD_ERR_INVALID;
	}
	if (strlen(name) + 1 + strlen(mode) >= LD_CIPHER_LEN) {
		ld_err3(err, errlen, "LUKS1 cipher name too long", NULL, NULL);
		return LD_ERR_INVALID;
	}
	sectors = (uint32_t)(ld_af_area_size(key_bytes, LD_LUKS_STRIPES) / 512);

	m->version = 1;
	ld_strlcpy(m->l1_cipher_name, name, sizeof(m->l1_cipher_name));
	ld_strlcpy(m->l1_cipher_mode, mode, sizeof(m->l1_cipher_mode));
	ld_strlcpy(m->csum_alg, hash, sizeof(m->csum_alg));
	memcpy(m->uuid, h + 168, 39);
	m->uuid[39] = '\0';
	m->l1_payload_offset = payload;
	m->hdr_size = LD_LUKS1_HDR_LEN;
	m->copy_ok[0] = 1;

	for (i = 0; i < 8; i++) {
		const uint8_t *kb = h + 208 + 48 * i;
		ld_keyslot *ks = &m->keyslots[i];
		uint32_t active = ld_be32(kb), off = ld_be32(kb + 40), stripes = ld_be32(kb + 44);

		if (stripes != LD_LUKS_STRIPES || (uint64_t)off * 512 < LD_LUKS1_HDR_LEN) {
			ld_err3(err, errlen, "LUKS1 keyslot stripes or offset invalid", NULL, NULL);
			return LD_ERR_INVALID;
		}
		if (payload && (payload <= off || payload - off < sectors)) {
			ld_err3(err, errlen, "LUKS1 keyslot area reaches into the payload", NULL, NULL);
			return LD_ERR_INVALID;
		}
		for (q = 0; q < i; q++) {
			uint32_t o2 = ld_be32(h + 208 + 48 * q + 40);
			if ((off >= o2 && off - o2 < sectors) || (o2 >= off && o2 - off < sectors)) {
				ld_err3(err, errlen, "LUKS1 keyslot areas overlap", NULL, NULL);
				return LD_ERR_INVALID;
			}
		}
		m->keyslot_order[m->nkeyslots++] = (uint8_t)i;
		if (active != L1_ACTIVE) {
			/* DISABLED is simply empty; anything else is a damaged slot: never used */
			if (active != L1_DISABLED)
				ld_strlcpy(ks->type, "invalid", sizeof(ks->type));
			continue;
		}
		ks->present = 1;
		ks->is_luks2 = 1;
		ld_strlcpy(ks->type, "luks1", sizeof(ks->type));
		ks->key_size = key_bytes;
		ks->priority = LD_PRIO_NORMAL;
		ks->kdf = LD_KDF_PBKDF2;
		ld_strlcpy(ks->kdf_type, "pbkdf2", sizeof(ks->kdf_type));
		ld_strlcpy(ks->kdf_hash, hash, sizeof(ks->kdf_hash));
		ks->iterations = ld_be32(kb + 4);
		memcpy(ks->salt, kb + 8, 32);
		ks->salt_len = 32;
		ld_strlcpy(ks->af_type, "luks1", sizeof(ks->af_type));
		ld_strlcpy(ks->af_hash, hash, sizeof(ks->af_hash));
		ks->stripes = stripes;
		ld_strlcpy(ks->area_type, "raw", sizeof(ks->area_type));
		ld_err3(ks->area_cipher, sizeof(ks->area_cipher), name, "-", mode);
		ks->area_key_size = key_bytes;
		ks->area_offset = (uint64_t)off * 512;
		ks->area_size = (uint64_t)sectors * 512;
		ks->digest = 0;
		if (!ks->iterations) /* cryptsetup reads the header and fails on this slot */
			ks->bad = "pbkdf2 iterations out of range";
	}

	/* As cryptsetup's LUKS_check_device_size: every keyslot area (active or not) must lie
	 * on the device. */
	{
		uint64_t end = 0;
		for (i = 0; i < 8; i++) {
			uint64_t e = (uint64_t)ld_be32(h + 208 + 48 * i + 40) + sectors;
			end = e > end ? e : end;
		}
		if (end > dev->size / 512) {
			ld_err3(err, errlen, "device too small for the LUKS1 header and keyslots", NULL,
				NULL);
			return LD_ERR_INVALID;
		}
	}

	d = &m->digests[0];
	d->present = 1;
	ld_strlcpy(d->type, "pbkdf2", sizeof(d->type));
	ld_strlcpy(d->hash, hash, sizeof(d->hash));
	d->segments = 1;
	for (i = 0; i < 8; i++)
		if (m->keyslots[i].present)
			d->keyslots |= 1u << i;
	memcpy(d->digest, h + 112, 20);
	d->digest_len = 20;
	memcpy(d->salt, h + 132, 32);
	d->salt_len = 32;
	d->iterations = ld_be32(h + 164);
	if (!d->iterations) /* cryptsetup reads the header; no key can match */
		d->bad = "iterations is not an integer from 1 to 2^32-1";

	s = &m->segments[0];
	s->present = 1;
	s->dynamic = 1;
	ld_strlcpy(s->type, "crypt", sizeof(s->type));
	s->offset = (uint64_t)payload * 512;
	ld_err3(s->cipher, sizeof(s->cipher), name, "-", mode);
	s->sector_size = 512;
	return LD_OK;
}
