# SPDX-License-Identifier: BSD-2-Clause-Patent
# verity/: dm-verity volumes read and verified (verity.h), over base/ (ld_blockdev, endian,
# strings) and crypto/ (the hashes); nothing from luks/, fs/ or secret/.
# Who calls whom (an arrow points at the callee; no cycle):
#   verity_tree.c (open, the hash-block cache, the walk, reads) -> verity_sb.c
#   verity_sb.c (parameters, superblock, geometry) -> base/, crypto/ (hash names, sizes)
#   verity_tree.c -> crypto/ (ld_hash_*), base/ (ld_ct_equal, ld_wipe, reasons)
VERITY_SRCS := $(sort $(wildcard verity/*.c))
