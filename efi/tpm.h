/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The TPM secret source (tpm.c): a volume's systemd-tpm2 tokens unsealed through
 * EFI_TCG2_PROTOCOL.SubmitCommand by the portable tpm/ layer. */
#ifndef LUKSDXE_TPM_H
#define LUKSDXE_TPM_H

#include "luksdxe.h"

/* EFI_TCG2_PROTOCOL (TCG EFI Protocol Specification, 6.1), 607f766c-7455-42be-930b-
 * e4d76db2720f; only SubmitCommand is called, the other members are placeholders. */
#define LUKSDXE_TCG2_GUID { 0x607f766c, 0x7455, 0x42be, \
	{ 0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f } }
typedef struct luksdxe_tcg2 luksdxe_tcg2;
struct luksdxe_tcg2 {
	void *GetCapability, *GetEventLog, *HashLogExtendEvent;
	EFI_STATUS (EFIAPI *SubmitCommand)(luksdxe_tcg2 *This, UINT32 InputSize, UINT8 *Input,
					   UINT32 OutputSize, UINT8 *Output);
	void *GetActivePcrBanks, *SetActivePcrBanks, *GetResultOfSetActivePcrBanks;
};

/* Tries d's systemd-tpm2 tokens (d->vol opened, locked).  LD_OK: unlocked, *slot says
 * which keyslot; LD_ERR_NOTFOUND: no TPM or no token (nothing said); another code: the
 * tokens did not unlock it (each said why on the console). */
int luksdxe_tpm_unlock(luksdxe_dev *d, int *slot);

#endif
