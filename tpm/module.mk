# SPDX-License-Identifier: BSD-2-Clause-Patent
# tpm/: systemd-tpm2 LUKS2 tokens unsealed through any TPM 2.0 that takes raw command
# buffers (tpm2.h): swtpm's socket on the host, EFI_TCG2_PROTOCOL.SubmitCommand in firmware.
# Over luks/ (the JSON layer, volumes, base64), crypto/ (SHA-256 of a PIN) and base/.
# Who calls whom (an arrow points at the callee; no cycle):
#   unlock.c (a volume's tokens: read, unseal, try keyslots) -> token.c, session.c
#   session.c (the unseal sequence, retries, flushes, reasons) -> cmd.c
#   token.c (the token JSON: strict validation) -> luks/json.h
#   measure.c (the event text of an unlocked volume) -> luks/, crypto/
#   cmd.c (marshalling and response parsing, no policy) -> base/
TPM_SRCS := $(sort $(wildcard tpm/*.c))
