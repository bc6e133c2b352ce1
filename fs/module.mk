# SPDX-License-Identifier: BSD-2-Clause-Patent
# fs/: partition tables (part.c), FAT (fat.c) and ext2/3/4 (ext4_*.c), read-only, over
# base/ only (ld_blockdev, endian, CRC-32, strings); nothing from luks/ or crypto/.
# Inside ext4 an arrow points at the callee (no cycle):
#   ext4_dir.c -> ext4_inode.c, ext4_symlink.c -> ext4_file.c -> ext4_extent.c, ext4_blockmap.c
#   ext4_inode.c -> ext4_inline.c, ext4_group.c; ext4_super.c -> ext4_group.c
#   super, inode, dir, extent, blockmap -> ext4_block.c (the metadata block cache)
#   every file -> ext4_fail.c (failure reasons); the checksummed ones -> ext4_crc32c.c
FS_SRCS := $(sort $(wildcard fs/*.c))
