/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Base64 decoding (RFC 4648 alphabet, padded) with the blank skipping of cryptsetup's
 * decoder, for the salts and digests of LUKS2 JSON.  Written here because the core has no
 * library decoder (mbedTLS's base64.c is not in the pinned build and rejects the blanks
 * cryptsetup accepts).  Caution: untrusted input.
 *
 * The encoder makes the passphrase of a systemd-tpm2 token from its unsealed bytes.
 *
 * Calls: base/str.h, json.h (ld_json_is_ws).  Called by: json.c (ld_json_b64), tpm/. */
#include "luks/json.h"

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (ld_is_digit(c))
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* The next base64 symbol at in[*i], skipping blanks around it as cryptsetup's decoder
 * does: 0..63, 64 for '=', -1 at the end, -2 for anything else. */
static int b64_next(const char *in, size_t inlen, size_t *i)
{
	int v;

	while (*i < inlen && ld_json_is_ws(in[*i]))
		(*i)++;
	if (*i >= inlen)
		return -1;
	v = in[*i] == '=' ? 64 : b64val(in[*i]);
	(*i)++;
	return v < 0 ? -2 : v;
}

static void b64_put(uint8_t *out, size_t outmax, size_t *o, uint32_t byte)
{
	if (*o < outmax)
		out[*o] = (uint8_t)byte;
	(*o)++;
}

/* RFC 4648 base64 with padding, as cryptsetup's crypt_base64_decode reads it: blanks
 * anywhere are skipped, padding only ends the text, unused bits must be zero. */
int ld_base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outmax, size_t *outlen)
{
	size_t i = 0, o = 0;

	for (;;) {
		int a = b64_next(in, inlen, &i), b, c, d;
		if (a == -1)
			break;
		b = b64_next(in, inlen, &i);
		c = b64_next(in, inlen, &i);
		d = b64_next(in, inlen, &i);
		if (a < 0 || a == 64 || b < 0 || b == 64 || c < 0 || d < 0 || (c == 64 && d != 64))
			return LD_ERR_INVALID;
		b64_put(out, outmax, &o, (uint32_t)(a << 2 | b >> 4));
		if (c == 64 || d == 64) {
			if ((c == 64 && (b & 15)) || (c != 64 && (c & 3)) ||
			    b64_next(in, inlen, &i) != -1)
				return LD_ERR_INVALID; /* stray bits or text after the padding */
			if (c != 64)
				b64_put(out, outmax, &o, (uint32_t)((b << 4 | c >> 2) & 0xff));
			break;
		}
		b64_put(out, outmax, &o, (uint32_t)((b << 4 | c >> 2) & 0xff));
		b64_put(out, outmax, &o, (uint32_t)((c << 6 | d) & 0xff));
	}
	*outlen = o;
	return LD_OK;
}

int ld_base64_encode(const uint8_t *in, size_t inlen, char *out, size_t outmax, size_t *outlen)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;

	if (inlen > (SIZE_MAX - 1) / 4 || outmax < (inlen + 2) / 3 * 4 + 1)
		return LD_ERR_RANGE;
	for (i = 0; i < inlen; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t n = inlen - i < 3 ? inlen - i : 3;

		if (n > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (n > 2)
			v |= in[i + 2];
		out[o++] = abc[v >> 18];
		out[o++] = abc[(v >> 12) & 63];
		out[o++] = n > 1 ? abc[(v >> 6) & 63] : '=';
		out[o++] = n > 2 ? abc[v & 63] : '=';
	}
	out[o] = '\0';
	*outlen = o;
	return LD_OK;
}
