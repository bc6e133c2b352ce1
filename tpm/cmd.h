/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Inside tpm/: TPM 2.0 command marshalling and response parsing (TCG TPM 2.0 Library,
 * Part 3 "Commands", the command and response layouts; Part 2 for the structures).  No
 * policy here: session.c decides what to send.  Caution: every ld_tpm2_parse_* reads an
 * untrusted response and checks every length against the bytes received. */
#ifndef LD_TPM2_CMD_H
#define LD_TPM2_CMD_H

#include "tpm/tpm2.h"

#define LD_TPM2_CMD_MAX 2048
#define LD_TPM2_RSP_MAX 4096

/* command codes and handles used (Part 2, 6.5 and 7.4) */
#define TPM2_CC_CREATE_PRIMARY 0x131
#define TPM2_CC_LOAD 0x157
#define TPM2_CC_UNSEAL 0x15e
#define TPM2_CC_FLUSH_CONTEXT 0x165
#define TPM2_CC_START_AUTH_SESSION 0x176
#define TPM2_CC_POLICY_PCR 0x17f
#define TPM2_CC_POLICY_GET_DIGEST 0x189
#define TPM2_CC_POLICY_PASSWORD 0x18c
#define TPM2_RH_OWNER 0x40000001u
#define TPM2_RH_NULL 0x40000007u
#define TPM2_RS_PW 0x40000009u
/* response codes the session logic looks at (Part 2, 6.6) */
#define TPM2_RC_SUCCESS 0x000
#define TPM2_RC_INITIALIZE 0x100
#define TPM2_RC_FAILURE 0x101
#define TPM2_RC_LOCKOUT 0x921
#define TPM2_RC_RETRY 0x922
#define TPM2_RC_YIELDED 0x908
#define TPM2_RC_TESTING 0x90a
#define TPM2_RC_POLICY_FAIL 0x09d  /* format 1; with session 1: 0x99d */
#define TPM2_RC_AUTH_FAIL 0x08e    /* format 1; with session 1: 0x98e */
#define TPM2_RC_BAD_AUTH 0x0a2
#define TPM2_RC_INTEGRITY 0x09f

typedef struct ld_tpm2_buf {
	uint8_t b[LD_TPM2_CMD_MAX];
	size_t len;
	int overflow;
} ld_tpm2_buf;

/* Builders: each fills c with one whole command (header size patched). */
void ld_tpm2_cmd_create_primary(ld_tpm2_buf *c, uint16_t alg);
void ld_tpm2_cmd_load(ld_tpm2_buf *c, uint32_t parent, const uint8_t *blob, size_t len);
void ld_tpm2_cmd_start_policy_session(ld_tpm2_buf *c, const uint8_t nonce[32]);
void ld_tpm2_cmd_policy_pcr(ld_tpm2_buf *c, uint32_t session, uint16_t bank, uint32_t mask);
void ld_tpm2_cmd_policy_password(ld_tpm2_buf *c, uint32_t session);
void ld_tpm2_cmd_policy_get_digest(ld_tpm2_buf *c, uint32_t session);
void ld_tpm2_cmd_unseal(ld_tpm2_buf *c, uint32_t item, uint32_t session, const uint8_t *auth,
			size_t authlen);
void ld_tpm2_cmd_flush(ld_tpm2_buf *c, uint32_t handle);

/* The response code of a response: LD_OK with *rc when the 10-byte header is whole, its
 * size field equals len and its tag fits (TPM_ST_SESSIONS only on success of a command
 * sent with sessions); LD_ERR_INVALID otherwise. */
int ld_tpm2_rsp_code(const uint8_t *r, size_t len, int sessions, uint32_t *rc);
/* Parsers of successful responses (rc already 0): LD_OK or LD_ERR_INVALID. */
int ld_tpm2_parse_handle(const uint8_t *r, size_t len, uint32_t cc, uint32_t *handle);
int ld_tpm2_parse_empty(const uint8_t *r, size_t len);
int ld_tpm2_parse_digest(const uint8_t *r, size_t len, uint8_t *out, size_t cap,
			 size_t *outlen);
int ld_tpm2_parse_unseal(const uint8_t *r, size_t len, uint8_t *out, size_t cap,
			 size_t *outlen);
/* The two sizes of a token's blob: TPM2B_PRIVATE then TPM2B_PUBLIC filling it exactly,
 * the public part a sealed data object (TPM_ALG_KEYEDHASH, nameAlg SHA-256). */
int ld_tpm2_blob_split(const uint8_t *blob, size_t len, size_t *priv_len, size_t *pub_len,
		       const char **why);

#endif
