/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* A per-volume secret entry's data: a passphrase or a LuksDxe volume record (format in
 * volume_secret.h), its verity item decoded into verity/'s parameters.  Caution: this
 * file parses untrusted input (the secret table comes
 * from the guest owner through the host, and the host may have written it). */
#include <string.h>
#include "base/endian.h"
#include "base/str.h"
#include "crypto/crypto.h"
#include "secret/volume_secret.h"

const uint8_t ld_volrec_magic[LD_VOLREC_MAGIC_SIZE] = { 0, 'L', 'D', 'X', 'V', 'O', 'L', 1 };
static const char pin_domain[] = "LuksDxe volume pin v1"; /* hashed with its NUL */

#define ITEM_HDR 4u

int ld_volrec_is_record(const uint8_t *data, size_t len)
{
	return len > 0 && data[0] == 0;
}

/* The verity item's hash numbers (volume_secret.h). */
static const struct {
	uint8_t id;
	ld_hash_alg alg;
} verity_hashes[] = { { 1, LD_HASH_SHA1 }, { 2, LD_HASH_SHA256 }, { 3, LD_HASH_SHA512 } };
#define VERITY_HASHES (sizeof(verity_hashes) / sizeof(verity_hashes[0]))
#define VERITY_NO_SUPERBLOCK 0x01u

/* Decodes a verity item (exactly n bytes) into p and checks the parameters. */
static int parse_verity(const uint8_t *v, size_t n, ld_verity_params *p, char *err,
			size_t errlen)
{
	static const char pre[] = "volume secret: verity item: ";
	size_t i, digest;

	memset(p, 0, sizeof(*p));
	if (n < LD_VOLREC_VERITY_FIXED)
		return ld_fail(err, errlen, pre, "truncated");
	for (i = 0; i < VERITY_HASHES && verity_hashes[i].id != v[1]; i++)
		;
	if (i == VERITY_HASHES)
		return ld_fail(err, errlen, pre, "unknown hash algorithm");
	if ((v[2] & ~VERITY_NO_SUPERBLOCK) != 0 || v[3] != 0)
		return ld_fail(err, errlen, pre, "unknown flags or nonzero reserved byte");
	p->hash_type = v[0];
	p->hash = verity_hashes[i].alg;
	p->no_superblock = v[2] & VERITY_NO_SUPERBLOCK;
	p->data_block_size = ld_le32(v + 4);
	p->hash_block_size = ld_le32(v + 8);
	p->data_blocks = ld_le64(v + 12);
	p->hash_offset = ld_le64(v + 20);
	p->salt_size = ld_le16(v + 28);
	digest = ld_hash_size(p->hash);
	if (p->salt_size > LD_VERITY_SALT_MAX)
		return ld_fail(err, errlen, pre, "salt longer than 256 bytes");
	if (n != LD_VOLREC_VERITY_FIXED + p->salt_size + digest)
		return ld_fail(err, errlen, pre, "length does not match its salt and root hash");
	memcpy(p->salt, v + LD_VOLREC_VERITY_FIXED, p->salt_size);
	memcpy(p->root_hash, v + LD_VOLREC_VERITY_FIXED + p->salt_size, digest);
	char why[96];
	if (ld_verity_params_check(p, why, sizeof(why)) != LD_OK)
		return ld_fail(err, errlen, pre, why);
	return LD_OK;
}

/* Writes the verity item's value for p into out (capacity cap); its length, or 0 if p is
 * not encodable or does not fit. */
static size_t put_verity(uint8_t *out, size_t cap, const ld_verity_params *p)
{
	size_t i, digest = ld_hash_size(p->hash);
	size_t n = LD_VOLREC_VERITY_FIXED + p->salt_size + digest;

	for (i = 0; i < VERITY_HASHES && verity_hashes[i].alg != p->hash; i++)
		;
	if (i == VERITY_HASHES || p->hash_type > 1 || p->salt_size > LD_VERITY_SALT_MAX ||
	    n > cap || ld_verity_params_check(p, NULL, 0) != LD_OK)
		return 0;
	out[0] = (uint8_t)p->hash_type;
	out[1] = verity_hashes[i].id;
	out[2] = p->no_superblock ? VERITY_NO_SUPERBLOCK : 0;
	out[3] = 0;
	ld_put_le32(out + 4, p->data_block_size);
	ld_put_le32(out + 8, p->hash_block_size);
	ld_put_le64(out + 12, p->data_blocks);
	ld_put_le64(out + 20, p->hash_offset);
	out[28] = (uint8_t)p->salt_size;
	out[29] = (uint8_t)(p->salt_size >> 8);
	memcpy(out + LD_VOLREC_VERITY_FIXED, p->salt, p->salt_size);
	memcpy(out + LD_VOLREC_VERITY_FIXED + p->salt_size, p->root_hash, digest);
	return n;
}

static int parse_record(const uint8_t *d, size_t len, ld_volume_secret *out, char *err,
			size_t errlen)
{
	if (len < LD_VOLREC_MAGIC_SIZE || memcmp(d, ld_volrec_magic, LD_VOLREC_MAGIC_SIZE) != 0)
		return ld_fail(err, errlen, "volume secret: ", "unknown record format or version");
	size_t off = LD_VOLREC_MAGIC_SIZE;
	while (off < len) {
		if (len - off < ITEM_HDR)
			return ld_fail(err, errlen, "volume secret: ", "truncated item header");
		uint8_t tag = d[off];
		size_t n = ld_le16(d + off + 2);
		if (d[off + 1] != 0)
			return ld_fail(err, errlen, "volume secret: ", "nonzero reserved byte");
		if (n > len - off - ITEM_HDR)
			return ld_fail(err, errlen, "volume secret: ",
				       "item longer than the entry");
		const uint8_t *v = d + off + ITEM_HDR;
		switch (tag) {
		case LD_VOLREC_TAG_PASSPHRASE:
			if (out->passphrase)
				return ld_fail(err, errlen, "volume secret: ", "two passphrases");
			if (n == 0 || n > LD_VOLREC_PASSPHRASE_MAX || memchr(v, 0, n))
				return ld_fail(err, errlen, "volume secret: ",
					       "passphrase empty, too long or with a NUL");
			out->passphrase = v;
			out->passphrase_len = n;
			break;
		case LD_VOLREC_TAG_VOLUME_KEY:
			if (out->volume_key)
				return ld_fail(err, errlen, "volume secret: ", "two volume keys");
			if (n < LD_VOLREC_KEY_MIN || n > LD_VOLREC_KEY_MAX)
				return ld_fail(err, errlen, "volume secret: ",
					       "volume key size out of range");
			out->volume_key = v;
			out->volume_key_len = n;
			break;
		case LD_VOLREC_TAG_PIN:
			if (out->pin)
				return ld_fail(err, errlen, "volume secret: ", "two pins");
			if (n != LD_PIN_SIZE)
				return ld_fail(err, errlen, "volume secret: ",
					       "pin is not 32 bytes");
			out->pin = v;
			break;
		case LD_VOLREC_TAG_VERITY:
			if (out->has_verity)
				return ld_fail(err, errlen, "volume secret: ", "two verity items");
			if (parse_verity(v, n, &out->verity, err, errlen) != LD_OK)
				return LD_ERR_INVALID;
			out->has_verity = 1;
			break;
		default:
			if (tag < 0x80)
				return ld_fail(err, errlen, "volume secret: ",
					       "unknown mandatory item");
			break; /* optional item from a newer format: ignored */
		}
		off += ITEM_HDR + n;
	}
	if (out->passphrase && out->volume_key)
		return ld_fail(err, errlen, "volume secret: ",
			       "needs exactly one of passphrase and volume key");
	if (!out->passphrase && !out->volume_key) {
		/* plaintext verified media: the verity item alone */
		if (!out->has_verity)
			return ld_fail(err, errlen, "volume secret: ",
				       "needs exactly one of passphrase and volume key");
		if (out->pin)
			return ld_fail(err, errlen, "volume secret: ",
				       "a pin needs a passphrase or a volume key");
	}
	return LD_OK;
}

int ld_volume_secret_for_luks(const ld_volume_secret *vs, int generic, char *err, size_t errlen)
{
	if (!vs->passphrase && !vs->volume_key) {
		ld_err3(err, errlen, "a record for plaintext verified media cannot unlock a LUKS volume",
			NULL, NULL);
		return LD_ERR_INVALID;
	}
	if (generic && (vs->pin || vs->volume_key || vs->has_verity)) {
		ld_err3(err, errlen, "the shared disk-passphrase entry cannot hold a pin, a volume key "
			"or verity parameters", NULL, NULL);
		return LD_ERR_INVALID;
	}
	return LD_OK;
}

int ld_volume_secret_parse(const uint8_t *data, size_t len, ld_volume_secret *out, char *err,
			   size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!data || len == 0)
		return ld_fail(err, errlen, "volume secret: ", "empty");
	if (ld_volrec_is_record(data, len)) {
		int r = parse_record(data, len, out, err, errlen);
		if (r != LD_OK)
			memset(out, 0, sizeof(*out));
		return r;
	}
	if (data[len - 1] == 0)
		len--;
	if (len == 0 || memchr(data, 0, len))
		return ld_fail(err, errlen, "volume secret: ",
			       "passphrase empty or with a NUL inside");
	out->passphrase = data;
	out->passphrase_len = len;
	return LD_OK;
}

static size_t put_item(uint8_t *p, uint8_t tag, const uint8_t *v, size_t n)
{
	p[0] = tag;
	p[1] = 0;
	p[2] = (uint8_t)n;
	p[3] = (uint8_t)(n >> 8);
	memcpy(p + ITEM_HDR, v, n);
	return ITEM_HDR + n;
}

int ld_volume_secret_build(uint8_t *out, size_t cap, size_t *outlen, const ld_volume_secret *in)
{
	uint8_t vitem[LD_VOLREC_VERITY_FIXED + LD_VERITY_SALT_MAX + LD_HASH_MAX_SIZE];
	size_t vlen = 0;

	if (in->passphrase && in->volume_key)
		return LD_ERR_INVALID;
	if (!in->passphrase && !in->volume_key && (!in->has_verity || in->pin))
		return LD_ERR_INVALID;
	if (in->has_verity && (vlen = put_verity(vitem, sizeof(vitem), &in->verity)) == 0)
		return LD_ERR_INVALID;
	if (in->passphrase && (in->passphrase_len == 0 ||
			       in->passphrase_len > LD_VOLREC_PASSPHRASE_MAX ||
			       memchr(in->passphrase, 0, in->passphrase_len)))
		return LD_ERR_INVALID;
	if (in->volume_key && (in->volume_key_len < LD_VOLREC_KEY_MIN ||
			       in->volume_key_len > LD_VOLREC_KEY_MAX))
		return LD_ERR_INVALID;
	size_t need = LD_VOLREC_MAGIC_SIZE +
		      (in->passphrase ? ITEM_HDR + in->passphrase_len : 0) +
		      (in->volume_key ? ITEM_HDR + in->volume_key_len : 0) +
		      (in->pin ? ITEM_HDR + LD_PIN_SIZE : 0) +
		      (in->has_verity ? ITEM_HDR + vlen : 0);
	if (need > cap)
		return LD_ERR_RANGE;
	size_t off = LD_VOLREC_MAGIC_SIZE;
	memcpy(out, ld_volrec_magic, LD_VOLREC_MAGIC_SIZE);
	if (in->passphrase)
		off += put_item(out + off, LD_VOLREC_TAG_PASSPHRASE, in->passphrase,
				in->passphrase_len);
	if (in->volume_key)
		off += put_item(out + off, LD_VOLREC_TAG_VOLUME_KEY, in->volume_key,
				in->volume_key_len);
	if (in->pin)
		off += put_item(out + off, LD_VOLREC_TAG_PIN, in->pin, LD_PIN_SIZE);
	if (in->has_verity)
		off += put_item(out + off, LD_VOLREC_TAG_VERITY, vitem, vlen);
	*outlen = off;
	return LD_OK;
}

int ld_volume_pin(const uint8_t *vk, size_t vklen, uint8_t pin[LD_PIN_SIZE])
{
	ld_hash_ctx h;
	int r = ld_hash_init(&h, LD_HASH_SHA256);
	if (r == LD_OK)
		r = ld_hash_update(&h, pin_domain, sizeof(pin_domain));
	if (r == LD_OK)
		r = ld_hash_update(&h, vk, vklen);
	if (r == LD_OK)
		return ld_hash_final(&h, pin);
	ld_wipe(&h, sizeof(h));
	return r;
}
