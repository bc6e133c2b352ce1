# SPDX-License-Identifier: BSD-2-Clause-Patent
# base/: what every part of the portable core shares and nothing else: error codes and the
# allocator (common.h), endian readers, the block-device interface, string helpers, UUID and
# GUID text, CRC-32.  base/ includes nothing from crypto/, luks/, fs/ or secret/; they all
# include base/.
BASE_SRCS := $(sort $(wildcard base/*.c))
