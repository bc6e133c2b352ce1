/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* systemd-tpm2 LUKS2 tokens (as Debian 12's systemd 252 writes them) unsealed through a
 * TPM 2.0 that is reached only by a "submit a command buffer, get the response buffer"
 * function: swtpm's socket on the host, EFI_TCG2_PROTOCOL.SubmitCommand in firmware.
 * Portable: no UEFI, no OS.  Caution: token JSON and TPM responses are untrusted input. */
#ifndef LD_TPM2_H
#define LD_TPM2_H

#include "base/common.h"
#include "base/blockdev.h"
#include "base/str.h"
#include "luks/luks.h"

#define LD_TPM2_ALG_SHA1 0x0004
#define LD_TPM2_ALG_SHA256 0x000b
#define LD_TPM2_ALG_RSA 0x0001
#define LD_TPM2_ALG_ECC 0x0023
#define LD_TPM2_BLOB_MAX 1024   /* TPM2B_PRIVATE + TPM2B_PUBLIC of a sealed data object */
#define LD_TPM2_SECRET_MAX 128  /* MAX_SYM_DATA: the most TPM2_Unseal returns */
#define LD_TPM2_PCRS 24

/* One systemd-tpm2 token, validated. */
typedef struct ld_tpm2_token {
	uint32_t keyslots;      /* bit i: keyslot i */
	uint32_t pcr_mask;      /* bit i: PCR i */
	uint16_t pcr_bank;      /* LD_TPM2_ALG_SHA256 or _SHA1 */
	uint16_t primary_alg;   /* LD_TPM2_ALG_ECC or _RSA */
	int pin;                /* tpm2-pin: the object's auth is SHA-256 of a PIN */
	uint8_t policy_hash[32];
	uint8_t blob[LD_TPM2_BLOB_MAX]; /* TPM2B_PRIVATE then TPM2B_PUBLIC, sizes included */
	size_t priv_len, pub_len;
} ld_tpm2_token;

/* Token object obj of a parsed JSON document.  LD_OK; LD_ERR_NOTFOUND if its type is not
 * "systemd-tpm2"; LD_ERR_UNSUPPORTED for fields of later systemd versions (signed
 * policies, SRK, pcrlock, salted PINs, ...); LD_ERR_INVALID for a malformed token.  err
 * says why. */
struct ld_json;
int ld_tpm2_token_parse(const struct ld_json *j, int obj, ld_tpm2_token *tk, char *err,
			size_t errlen);
/* The same for a token's JSON text alone (copied, so it needs no trailing NUL). */
int ld_tpm2_token_parse_text(const char *text, size_t len, const ld_alloc *alloc,
			     ld_tpm2_token *tk, char *err, size_t errlen);

/* The transport: send cmd[0..cmdlen), receive the response into resp[0..cap), its length
 * in *resplen.  LD_OK, or LD_ERR_IO when nothing usable came back. */
typedef struct ld_tpm2 {
	int (*submit)(void *ctx, const uint8_t *cmd, size_t cmdlen, uint8_t *resp, size_t cap,
		      size_t *resplen);
	void (*wait_ms)(void *ctx, unsigned ms); /* between retries; may be NULL */
	void *ctx;
} ld_tpm2;

/* Unseals tk's secret: CreatePrimary (systemd's template) under the owner hierarchy, Load,
 * a policy session with PolicyPCR (and PolicyPassword when tk->pin), PolicyGetDigest
 * compared with tpm2-policy-hash, Unseal; everything created is flushed on every path.
 * pin: the PIN's bytes when tk->pin (else ignored).  LD_OK with *outlen bytes in out;
 * LD_ERR_KEY when the policy does not hold (PCRs changed: err names them) or the PIN is
 * wrong; LD_ERR_INVALID when the TPM refuses the blob or answers nonsense; LD_ERR_IO
 * when the transport fails. */
int ld_tpm2_unseal(const ld_tpm2 *t, const ld_tpm2_token *tk, const uint8_t *pin,
		   size_t pinlen, uint8_t *out, size_t cap, size_t *outlen, char *err,
		   size_t errlen);

/* For a volume: each systemd-tpm2 token in the JSON area of the header copy in use (read
 * again from hdr), unsealed with t, its secret's base64 tried on the token's keyslots only.
 * get_pin (NULL: PIN tokens are skipped with a line) asks for a PIN; notice gets one line
 * per token tried or skipped.  LD_OK when a keyslot opened (*slot says which);
 * LD_ERR_NOTFOUND when the volume has no systemd-tpm2 token; else the last token's
 * failure. */
typedef struct ld_tpm2_unlock_ops {
	void (*notice)(void *ctx, const char *line);
	int (*get_pin)(void *ctx, int token, uint8_t *buf, size_t cap, size_t *len);
	ld_progress_fn progress;
	void *ctx;
} ld_tpm2_unlock_ops;
int ld_tpm2_unlock(ld_volume *v, ld_blockdev *hdr, const ld_alloc *alloc, const ld_tpm2 *t,
		   const ld_tpm2_unlock_ops *ops, int *slot, char *err, size_t errlen);

/* The event text measured for an unlocked volume (tpm/measure.c): one ASCII line,
 *   luksdxe-volume-v1 uuid=UUID header-sha256=HEX source=NAME keyslot=N verity-root=HEX|none
 * header-sha256 over the header copy in use, read again from hdr.  LD_OK with *len
 * characters (NUL-terminated) in out; LD_ERR_RANGE if cap is too small. */
#define LD_TPM2_EVENT_MAX 320
int ld_tpm2_volume_event(ld_volume *v, ld_blockdev *hdr, const ld_alloc *alloc,
			 const char *source, int keyslot, const uint8_t *verity_root,
			 size_t root_len, char *out, size_t cap, size_t *len);

/* The event record that carries that line to the firmware, the same for both measurement
 * protocols: EFI_TCG2_EVENT (TCG EFI Protocol Specification 6.6.5) and EFI_CC_EVENT (UEFI
 * 2.10, 38.4) share one packed little-endian layout: Size (u32, the whole record),
 * HeaderSize (u32, 14), HeaderVersion (u16, 1), index (u32: the PCR, or the CC MR index),
 * EventType (u32); then the event data, here a TCG_PCClientTaggedEvent: taggedEventID
 * (u32), taggedEventDataSize (u32, len), the len bytes of line (no NUL).  LD_OK with
 * *outlen bytes in out; LD_ERR_RANGE if cap is too small. */
#define LD_TPM2_EVENT_RECORD_HDR 26 /* Size, the 14-byte header, the tag's id and size */
int ld_tpm2_event_record(uint32_t index, uint32_t type, uint32_t tag, const char *line,
			 size_t len, uint8_t *out, size_t cap, size_t *outlen);

#endif
