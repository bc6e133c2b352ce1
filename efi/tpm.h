/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The TPM secret source (tpm.c): a volume's systemd-tpm2 tokens unsealed through
 * EFI_TCG2_PROTOCOL.SubmitCommand by the portable tpm/ layer. */
#ifndef LUKSDXE_TPM_H
#define LUKSDXE_TPM_H

#include "luksdxe.h"
#include "verity/verity.h"

/* EFI_TCG2_PROTOCOL (TCG EFI Protocol Specification, 6.1), 607f766c-7455-42be-930b-
 * e4d76db2720f; SubmitCommand and HashLogExtendEvent are called, the other members are
 * placeholders.  EFI_TCG2_EVENT: Size (all of it), then the 14-byte header (HeaderSize,
 * HeaderVersion 1, PCRIndex, EventType), then the event data; packed. */
#define LUKSDXE_TCG2_GUID { 0x607f766c, 0x7455, 0x42be, \
	{ 0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f } }
typedef struct luksdxe_tcg2 luksdxe_tcg2;
struct luksdxe_tcg2 {
	void *GetCapability, *GetEventLog;
	EFI_STATUS (EFIAPI *HashLogExtendEvent)(luksdxe_tcg2 *This, UINT64 Flags,
						EFI_PHYSICAL_ADDRESS Data, UINT64 DataLen,
						void *Event);
	EFI_STATUS (EFIAPI *SubmitCommand)(luksdxe_tcg2 *This, UINT32 InputSize, UINT8 *Input,
					   UINT32 OutputSize, UINT8 *Output);
	void *GetActivePcrBanks, *SetActivePcrBanks, *GetResultOfSetActivePcrBanks;
};

/* EFI_CC_MEASUREMENT_PROTOCOL (UEFI 2.10, 38.4), 96751a3d-72f4-41a6-a794-ed5d0e67ae6b, as
 * TDX firmware publishes it; HashLogExtendEvent and MapPcrToMrIndex are called.  Its
 * EFI_CC_EVENT has the layout of EFI_TCG2_EVENT with an MR index in place of the PCR. */
#define LUKSDXE_CC_MEASUREMENT_GUID { 0x96751a3d, 0x72f4, 0x41a6, \
	{ 0xa7, 0x94, 0xed, 0x5d, 0x0e, 0x67, 0xae, 0x6b } }
typedef struct luksdxe_cc_measurement luksdxe_cc_measurement;
struct luksdxe_cc_measurement {
	void *GetCapability, *GetEventLog;
	EFI_STATUS (EFIAPI *HashLogExtendEvent)(luksdxe_cc_measurement *This, UINT64 Flags,
						EFI_PHYSICAL_ADDRESS Data, UINT64 DataLen,
						void *Event);
	EFI_STATUS (EFIAPI *MapPcrToMrIndex)(luksdxe_cc_measurement *This, UINT32 PcrIndex,
					     UINT32 *MrIndex);
};

/* Tries d's systemd-tpm2 tokens (d->vol opened, locked).  LD_OK: unlocked, *slot says
 * which keyslot; LD_ERR_NOTFOUND: no TPM or no token (nothing said); another code: the
 * tokens did not unlock it (each said why on the console). */
int luksdxe_tpm_unlock(luksdxe_dev *d, int *slot);

/* Measures the unlocked volume d before anything can be read from it: PCR 15 extended
 * through HashLogExtendEvent with an EV_EVENT_TAG event (tag LUKSDXE_EVENT_TAG) whose data
 * is the line of ld_tpm2_volume_event (docs/tpm.md); the PCR gets the digest of exactly
 * that line.  Where EFI_CC_MEASUREMENT_PROTOCOL exists, the same event and digest input go
 * to the MR that its MapPcrToMrIndex gives for PCR 15 (on TDX, RTMR[2]), independently of
 * the TPM: either, both or neither.  Nothing without either; each failure is said on the
 * console and the volume is still served. */
#define LUKSDXE_MEASURE_PCR 15
#define LUKSDXE_EV_EVENT_TAG 0x00000006
#define LUKSDXE_EVENT_TAG 0x4c444c55u /* "ULDL" as stored: LuksDxe's tagged-event id */
void luksdxe_tpm_measure(luksdxe_dev *d, const char *source, int slot,
			 const ld_verity_params *verity);

#endif
