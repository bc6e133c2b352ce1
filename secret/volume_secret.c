/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* A per-volume secret entry's data: a passphrase or a LuksDxe volume record (format in
 * volume_secret.h).  Caution: this file parses untrusted input (the secret table comes
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
		default:
			if (tag < 0x80)
				return ld_fail(err, errlen, "volume secret: ",
					       "unknown mandatory item");
			break; /* optional item from a newer format: ignored */
		}
		off += ITEM_HDR + n;
	}
	if (!out->passphrase == !out->volume_key)
		return ld_fail(err, errlen, "volume secret: ",
			       "needs exactly one of passphrase and volume key");
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
	if (!in->passphrase == !in->volume_key)
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
		      (in->pin ? ITEM_HDR + LD_PIN_SIZE : 0);
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
