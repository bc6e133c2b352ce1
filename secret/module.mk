# SPDX-License-Identifier: BSD-2-Clause-Patent
# secret/: the confidential-computing secret table (the GUID table OVMF, Linux and GRUB
# share) and the data of its per-volume entries (passphrase or LuksDxe volume record).
# Portable, compiled into the core library; it knows nothing of LUKS volumes.
#   secret_table.c -> volume_secret.c -> crypto/ (SHA-256 of the pin); both -> base/
SECRET_SRCS := $(sort $(wildcard secret/*.c))
