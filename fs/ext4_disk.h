/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* ext2/3/4 on-disk layout: offsets and constants used by fs/ext4_*.c.
 *
 * A short tour (facts from the kernel's Documentation/filesystems/ext4 and e2fsprogs):
 *
 * The volume is an array of blocks of 1 KiB << s_log_block_size (1 to 64 KiB).  The
 * superblock always sits at byte 1024, 1024 bytes long, whatever the block size.  Blocks
 * are split into block groups of s_blocks_per_group blocks starting at
 * s_first_data_block (1 with 1 KiB blocks, else 0).  Right after the block holding the
 * superblock comes the group descriptor table: one descriptor per group (32 bytes, or
 * s_desc_size >= 64 with the 64bit feature) giving that group's block bitmap, inode
 * bitmap and inode table.  (With meta_bg, the table is split: descriptor block m lives in
 * the first group of meta-group m.)
 *
 * Files are inodes, numbered from 1 (2 is the root directory).  Inode n lives in group
 * (n-1) / s_inodes_per_group, at index (n-1) % s_inodes_per_group of that group's inode
 * table, s_inode_size bytes each (128 in ext2; 256 today, where the bytes after 128 hold
 * i_extra_isize, high time bits and in-inode extended attributes).
 *
 * An inode's 60-byte i_block says where the data is, in one of four ways:
 *   - block map (ext2/3): 12 direct block numbers, then a single, a double and a triple
 *     indirect block, each a block full of 32-bit block numbers; 0 means a hole;
 *   - extent tree (ext4, EXT4_EXTENTS_FL): a 12-byte header then up to 4 entries; a leaf
 *     entry maps a run of logical blocks to physical ones (a length above 32768 marks an
 *     uninitialised extent that reads as zeros), an index entry points to a child block
 *     holding another node; the header's depth is 0 in leaves;
 *   - inline data (EXT4_INLINE_DATA_FL): the bytes themselves, i_block first and then the
 *     value of the in-inode extended attribute "system.data";
 *   - a fast symlink: the link target itself (shorter than 60 bytes).
 *
 * Directories are files made of entries {inode, rec_len, name_len, file_type, name}
 * chained by rec_len inside each block.  With dir_index, block 0 of a big directory is
 * an htree root: "." and a ".." whose rec_len covers the hash index; other index blocks
 * look like one empty entry spanning the block.  A linear scan that skips entries with
 * inode 0 therefore sees exactly the names.  Inline directories store the parent's inode
 * number in the first 4 bytes, then entries, and no "." or "..".
 *
 * With metadata_csum every metadata structure carries a crc32c (Castagnoli, seeded with
 * crc32c(~0, uuid) or s_checksum_seed, no final inversion): superblock (over its first
 * 1020 bytes), group descriptors (low 16 bits, over the group number and the
 * descriptor), inodes (over inode number, generation and the inode), extent blocks (a
 * 4-byte tail after eh_max entries) and directory leaf blocks (a 12-byte fake entry at
 * the end of the block).
 *
 * All numbers are little-endian.  All of them are untrusted. */
#ifndef LD_EXT4_DISK_H
#define LD_EXT4_DISK_H

/* ---- superblock (1024 bytes at byte 1024) ---------------------------------------- */
#define EXT4_SB_OFFSET 1024u
#define EXT4_SB_SIZE 1024u
#define EXT4_SB_MAGIC_VALUE 0xEF53u

#define SB_INODES_COUNT 0x00
#define SB_BLOCKS_COUNT_LO 0x04
#define SB_FREE_BLOCKS_LO 0x0C
#define SB_FREE_INODES 0x10
#define SB_FIRST_DATA_BLOCK 0x14
#define SB_LOG_BLOCK_SIZE 0x18
#define SB_LOG_CLUSTER_SIZE 0x1C
#define SB_BLOCKS_PER_GROUP 0x20
#define SB_CLUSTERS_PER_GROUP 0x24
#define SB_INODES_PER_GROUP 0x28
#define SB_MTIME 0x2C
#define SB_WTIME 0x30
#define SB_MAGIC 0x38
#define SB_STATE 0x3A
#define SB_REV_LEVEL 0x4C
#define SB_FIRST_INO 0x54
#define SB_INODE_SIZE 0x58
#define SB_FEATURE_COMPAT 0x5C
#define SB_FEATURE_INCOMPAT 0x60
#define SB_FEATURE_RO_COMPAT 0x64
#define SB_UUID 0x68
#define SB_VOLUME_NAME 0x78
#define SB_DESC_SIZE 0xFE
#define SB_FIRST_META_BG 0x104
#define SB_BLOCKS_COUNT_HI 0x150
#define SB_FREE_BLOCKS_HI 0x158
#define SB_CHECKSUM_TYPE 0x175
#define SB_BACKUP_BGS 0x24C
#define SB_CHECKSUM_SEED 0x270
#define SB_MTIME_HI 0x275
#define SB_WTIME_HI 0x274
#define SB_CHECKSUM 0x3FC

#define EXT4_STATE_ERRORS 0x0002u

#define EXT4_GOOD_OLD_REV 0
#define EXT4_GOOD_OLD_INODE_SIZE 128u
#define EXT4_GOOD_OLD_FIRST_INO 11u

/* compat: readable whatever they are */
#define EXT4_COMPAT_HAS_JOURNAL 0x0004u
#define EXT4_COMPAT_DIR_INDEX 0x0020u
#define EXT4_COMPAT_SPARSE_SUPER2 0x0200u

/* incompat: a reader must know every one set */
#define EXT4_INCOMPAT_COMPRESSION 0x00001u
#define EXT4_INCOMPAT_FILETYPE 0x00002u
#define EXT4_INCOMPAT_RECOVER 0x00004u
#define EXT4_INCOMPAT_JOURNAL_DEV 0x00008u
#define EXT4_INCOMPAT_META_BG 0x00010u
#define EXT4_INCOMPAT_EXTENTS 0x00040u
#define EXT4_INCOMPAT_64BIT 0x00080u
#define EXT4_INCOMPAT_MMP 0x00100u
#define EXT4_INCOMPAT_FLEX_BG 0x00200u
#define EXT4_INCOMPAT_EA_INODE 0x00400u
#define EXT4_INCOMPAT_DIRDATA 0x01000u
#define EXT4_INCOMPAT_CSUM_SEED 0x02000u
#define EXT4_INCOMPAT_LARGEDIR 0x04000u
#define EXT4_INCOMPAT_INLINE_DATA 0x08000u
#define EXT4_INCOMPAT_ENCRYPT 0x10000u
#define EXT4_INCOMPAT_CASEFOLD 0x20000u

/* ro_compat: unknown ones still allow reading */
#define EXT4_RO_COMPAT_SPARSE_SUPER 0x0001u
#define EXT4_RO_COMPAT_LARGE_FILE 0x0002u
#define EXT4_RO_COMPAT_BTREE_DIR 0x0004u
#define EXT4_RO_COMPAT_HUGE_FILE 0x0008u
#define EXT4_RO_COMPAT_GDT_CSUM 0x0010u
#define EXT4_RO_COMPAT_DIR_NLINK 0x0020u
#define EXT4_RO_COMPAT_EXTRA_ISIZE 0x0040u
#define EXT4_RO_COMPAT_HAS_SNAPSHOT 0x0080u
#define EXT4_RO_COMPAT_QUOTA 0x0100u
#define EXT4_RO_COMPAT_BIGALLOC 0x0200u
#define EXT4_RO_COMPAT_METADATA_CSUM 0x0400u
#define EXT4_RO_COMPAT_REPLICA 0x0800u
#define EXT4_RO_COMPAT_READONLY 0x1000u
#define EXT4_RO_COMPAT_PROJECT 0x2000u
#define EXT4_RO_COMPAT_SHARED_BLOCKS 0x4000u
#define EXT4_RO_COMPAT_VERITY 0x8000u
#define EXT4_RO_COMPAT_ORPHAN_PRESENT 0x10000u
#define EXT4_RO_COMPAT_KNOWN 0x1FFFFu

#define EXT4_CRC32C_CHKSUM 1

/* ---- group descriptor (32 bytes, or s_desc_size with 64bit) ----------------------- */
#define EXT4_DESC_SIZE_32 32u
#define EXT4_DESC_SIZE_64 64u
#define EXT4_DESC_SIZE_MAX 1024u
#define BG_INODE_TABLE_LO 0x08
#define BG_FLAGS 0x12
#define BG_CHECKSUM 0x1E
#define BG_INODE_TABLE_HI 0x28
#define EXT4_BG_INODE_UNINIT 0x0001u

/* ---- inode ------------------------------------------------------------------------ */
#define I_MODE 0x00
#define I_UID 0x02
#define I_SIZE_LO 0x04
#define I_ATIME 0x08
#define I_CTIME 0x0C
#define I_MTIME 0x10
#define I_DTIME 0x14
#define I_GID 0x18
#define I_LINKS 0x1A
#define I_BLOCKS_LO 0x1C
#define I_FLAGS 0x20
#define I_BLOCK 0x28
#define I_BLOCK_LEN 60u
#define I_GENERATION 0x64
#define I_FILE_ACL_LO 0x68
#define I_SIZE_HIGH 0x6C
#define I_BLOCKS_HIGH 0x74
#define I_UID_HIGH 0x78
#define I_GID_HIGH 0x7A
#define I_CHECKSUM_LO 0x7C
#define I_EXTRA_ISIZE 0x80
#define I_CHECKSUM_HI 0x82
#define I_CTIME_EXTRA 0x84
#define I_MTIME_EXTRA 0x88
#define I_ATIME_EXTRA 0x8C
#define I_CRTIME 0x90
#define I_CRTIME_EXTRA 0x94

#define EXT4_S_IFMT 0xF000u
#define EXT4_S_IFSOCK 0xC000u
#define EXT4_S_IFLNK 0xA000u
#define EXT4_S_IFREG 0x8000u
#define EXT4_S_IFBLK 0x6000u
#define EXT4_S_IFDIR 0x4000u
#define EXT4_S_IFCHR 0x2000u
#define EXT4_S_IFIFO 0x1000u

#define EXT4_ENCRYPT_FL 0x00000800u
#define EXT4_INDEX_FL 0x00001000u
#define EXT4_HUGE_FILE_FL 0x00040000u
#define EXT4_EXTENTS_FL 0x00080000u
#define EXT4_INLINE_DATA_FL 0x10000000u

/* i_block as a block map */
#define EXT4_NDIR_BLOCKS 12u
#define EXT4_IND_BLOCK 12u
#define EXT4_DIND_BLOCK 13u
#define EXT4_TIND_BLOCK 14u

/* ---- extent tree ------------------------------------------------------------------ */
#define EXT4_EXT_MAGIC 0xF30Au
#define EXT4_EXT_NODE_SIZE 12u     /* header, index and leaf entries are all 12 bytes */
#define EH_MAGIC 0
#define EH_ENTRIES 2
#define EH_MAX 4
#define EH_DEPTH 6
#define EI_BLOCK 0
#define EI_LEAF_LO 4
#define EI_LEAF_HI 8
#define EE_BLOCK 0
#define EE_LEN 4
#define EE_START_HI 6
#define EE_START_LO 8
#define EXT4_EXT_INIT_MAX_LEN 32768u
#define EXT4_EXT_MAX_DEPTH 5u      /* the kernel's bound, ample for 2^32 blocks */

/* ---- directory entries ------------------------------------------------------------ */
#define DE_INODE 0
#define DE_REC_LEN 4
#define DE_NAME_LEN 6
#define DE_FILE_TYPE 7
#define DE_NAME 8
#define EXT4_DIRENT_TAIL_SIZE 12u
#define EXT4_DIRENT_TAIL_FT 0xDEu

/* file_type byte of an entry */
#define EXT4_FT_REG 1
#define EXT4_FT_DIR 2
#define EXT4_FT_CHR 3
#define EXT4_FT_BLK 4
#define EXT4_FT_FIFO 5
#define EXT4_FT_SOCK 6
#define EXT4_FT_SYMLINK 7

/* ---- in-inode extended attributes (for inline data) -------------------------------- */
#define EXT4_XATTR_MAGIC 0xEA020000u
#define EXT4_XATTR_INDEX_SYSTEM 7
#define XE_NAME_LEN 0
#define XE_NAME_INDEX 1
#define XE_VALUE_OFFS 2
#define XE_VALUE_INUM 4
#define XE_VALUE_SIZE 8
#define XE_NAME 16
#define EXT4_INLINE_DOTDOT_SIZE 4u  /* parent inode number at the start of an inline dir */

#endif
