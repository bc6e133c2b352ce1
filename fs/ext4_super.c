/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* ext4 reader: the superblock, mounting and unmounting.
 *
 * Caution: this file parses untrusted input (the superblock).  The geometry it accepts
 * (block size, group sizes, block and inode counts, descriptor size) bounds every later
 * offset computation, so each field is checked here before anything else uses it. */
#include "base/uuid.h"
#include "fs/ext4_internal.h"

const ld_ext4_info *ld_ext4_get_info(const ld_ext4 *fs)
{
	return &fs->info;
}

int ld_ext4_probe(ld_blockdev *dev)
{
	uint8_t m[2];
	int r;

	if (dev->size < EXT4_SB_OFFSET + EXT4_SB_SIZE)
		return LD_ERR_NOTFOUND;
	r = ld_dev_read(dev, EXT4_SB_OFFSET + SB_MAGIC, m, 2);
	if (r)
		return r == LD_ERR_RANGE ? LD_ERR_NOTFOUND : r;
	return ld_le16(m) == EXT4_SB_MAGIC_VALUE ? LD_OK : LD_ERR_NOTFOUND;
}

/* INCOMPAT features: those this reader handles, and names for the error message. */
#define EXT4_INCOMPAT_OK                                                                   \
	(EXT4_INCOMPAT_FILETYPE | EXT4_INCOMPAT_RECOVER | EXT4_INCOMPAT_META_BG |          \
	 EXT4_INCOMPAT_EXTENTS | EXT4_INCOMPAT_64BIT | EXT4_INCOMPAT_MMP |                 \
	 EXT4_INCOMPAT_FLEX_BG | EXT4_INCOMPAT_EA_INODE | EXT4_INCOMPAT_CSUM_SEED |        \
	 EXT4_INCOMPAT_LARGEDIR | EXT4_INCOMPAT_INLINE_DATA | EXT4_INCOMPAT_ENCRYPT |       \
	 EXT4_INCOMPAT_CASEFOLD)

static const struct {
	uint32_t bit;
	const char *name;
} incompat_names[] = {
	{ EXT4_INCOMPAT_COMPRESSION, "compression" }, { EXT4_INCOMPAT_FILETYPE, "filetype" },
	{ EXT4_INCOMPAT_RECOVER, "needs_recovery" },  { EXT4_INCOMPAT_JOURNAL_DEV, "journal_dev" },
	{ EXT4_INCOMPAT_META_BG, "meta_bg" },         { EXT4_INCOMPAT_EXTENTS, "extent" },
	{ EXT4_INCOMPAT_64BIT, "64bit" },             { EXT4_INCOMPAT_MMP, "mmp" },
	{ EXT4_INCOMPAT_FLEX_BG, "flex_bg" },         { EXT4_INCOMPAT_EA_INODE, "ea_inode" },
	{ 0x0800u, "incompat bit 11" },               { EXT4_INCOMPAT_DIRDATA, "dirdata" },
	{ EXT4_INCOMPAT_CSUM_SEED, "metadata_csum_seed" }, { EXT4_INCOMPAT_LARGEDIR, "large_dir" },
	{ EXT4_INCOMPAT_INLINE_DATA, "inline_data" }, { EXT4_INCOMPAT_ENCRYPT, "encrypt" },
	{ EXT4_INCOMPAT_CASEFOLD, "casefold" },
};

static int check_incompat(ld_ext4 *fs, uint32_t incompat)
{
	uint32_t bad = incompat & ~(uint32_t)EXT4_INCOMPAT_OK;
	size_t i;

	if (!bad)
		return LD_OK;
	for (i = 0; i < sizeof(incompat_names) / sizeof(incompat_names[0]); i++)
		if (bad & incompat_names[i].bit)
			return ld_ext4_fail(fs, LD_ERR_UNSUPPORTED, "unsupported ext4 INCOMPAT feature ",
					 LD_EXT4_NONUM, incompat_names[i].name);
	/* lowest unknown bit */
	for (i = 0; i < 32; i++)
		if (bad & (1u << i))
			break;
	return ld_ext4_fail(fs, LD_ERR_UNSUPPORTED, "unsupported ext4 INCOMPAT feature bit ", i, "");
}

static int is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* Checks the block size, group sizes and counts; fills fs's geometry. */
static int parse_geometry(ld_ext4 *fs, const uint8_t *sb)
{
	uint32_t log = ld_le32(sb + SB_LOG_BLOCK_SIZE), desc;
	uint64_t blocks, groups;

	if (log > 6)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "ext4 block size 1024 << ", log,
				 " is not between 1 and 64 KiB");
	fs->log_bs = 10 + log;
	fs->bs = 1u << fs->log_bs;
	blocks = ld_le32(sb + SB_BLOCKS_COUNT_LO);
	if (fs->incompat & EXT4_INCOMPAT_64BIT)
		blocks |= (uint64_t)ld_le32(sb + SB_BLOCKS_COUNT_HI) << 32;
	if (blocks > (fs->dev->size >> fs->log_bs))
		return ld_ext4_fail(fs, LD_ERR_INVALID, "ext4 file system has ", blocks,
				 " blocks: larger than the device");
	fs->first_data_block = ld_le32(sb + SB_FIRST_DATA_BLOCK);
	if (fs->first_data_block != 0 && !(fs->bs == 1024 && fs->first_data_block == 1))
		return ld_ext4_fail(fs, LD_ERR_INVALID, "ext4 first data block ", fs->first_data_block,
				 " is impossible for this block size");
	if (blocks <= (uint64_t)fs->first_data_block + 2)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "ext4 block count ", blocks, " is too small");
	fs->blocks_per_group = ld_le32(sb + SB_BLOCKS_PER_GROUP);
	fs->inodes_per_group = ld_le32(sb + SB_INODES_PER_GROUP);
	if (fs->ro_compat & EXT4_RO_COMPAT_BIGALLOC) {
		/* bigalloc: the bitmap counts clusters; a group spans clusters_per_group of them */
		uint32_t logc = ld_le32(sb + SB_LOG_CLUSTER_SIZE), cpg = ld_le32(sb + SB_CLUSTERS_PER_GROUP);
		if (logc < log || logc > log + 16 || !cpg || cpg > 8u * fs->bs ||
		    (uint64_t)cpg << (logc - log) != fs->blocks_per_group)
			return ld_ext4_fail(fs, LD_ERR_INVALID, "ext4 bigalloc cluster geometry is invalid",
					 LD_EXT4_NONUM, "");
	} else if (!fs->blocks_per_group || fs->blocks_per_group > 8u * fs->bs) {
		return ld_ext4_fail(fs, LD_ERR_INVALID, "ext4 blocks per group ", fs->blocks_per_group,
				 " is out of range");
	}
	if (!fs->inodes_per_group || fs->inodes_per_group > 8u * fs->bs)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "ext4 inodes per group ", fs->inodes_per_group,
				 " is out of range");
	groups = (blocks - fs->first_data_block + fs->blocks_per_group - 1) / fs->blocks_per_group;
	if (groups > UINT32_MAX / 2)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "ext4 group count ", groups, " is out of range");
	fs->info.groups = (uint32_t)groups;
	fs->info.blocks_count = blocks;
	fs->info.inodes_count = ld_le32(sb + SB_INODES_COUNT);
	if (fs->info.inodes_count < LD_EXT4_ROOT_INO ||
	    fs->info.inodes_count > groups * fs->inodes_per_group)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "ext4 inode count ", fs->info.inodes_count,
				 " does not match the groups");
	if (ld_le32(sb + SB_REV_LEVEL) == EXT4_GOOD_OLD_REV) {
		fs->info.inode_size = EXT4_GOOD_OLD_INODE_SIZE;
		fs->first_ino = EXT4_GOOD_OLD_FIRST_INO;
	} else {
		fs->info.inode_size = ld_le16(sb + SB_INODE_SIZE);
		fs->first_ino = ld_le32(sb + SB_FIRST_INO);
	}
	if (fs->info.inode_size < EXT4_GOOD_OLD_INODE_SIZE || !is_pow2(fs->info.inode_size) ||
	    fs->info.inode_size > fs->bs)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "ext4 inode size ", fs->info.inode_size,
				 " is invalid");
	if (fs->first_ino <= LD_EXT4_ROOT_INO || fs->first_ino > fs->info.inodes_count)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "ext4 first inode ", fs->first_ino,
				 " is invalid");
	desc = EXT4_DESC_SIZE_32;
	if (fs->incompat & EXT4_INCOMPAT_64BIT) {
		desc = ld_le16(sb + SB_DESC_SIZE);
		if (desc < EXT4_DESC_SIZE_64 || desc > EXT4_DESC_SIZE_MAX || !is_pow2(desc))
			return ld_ext4_fail(fs, LD_ERR_INVALID, "ext4 group descriptor size ", desc,
					 " is invalid");
	}
	fs->info.desc_size = desc;
	return LD_OK;
}

static int check_csum(ld_ext4 *fs, const uint8_t *sb)
{
	if (!fs->csum)
		return LD_OK;
	if (sb[SB_CHECKSUM_TYPE] != EXT4_CRC32C_CHKSUM)
		return ld_ext4_fail(fs, LD_ERR_UNSUPPORTED, "ext4 checksum type ", sb[SB_CHECKSUM_TYPE],
				 " is not crc32c");
	if (ld_ext4_crc32c(0xFFFFFFFFu, sb, SB_CHECKSUM) != ld_le32(sb + SB_CHECKSUM))
		return ld_ext4_fail(fs, LD_ERR_INVALID, "ext4 superblock checksum mismatch", LD_EXT4_NONUM,
				 "");
	if (fs->incompat & EXT4_INCOMPAT_CSUM_SEED)
		fs->csum_seed = ld_le32(sb + SB_CHECKSUM_SEED);
	else
		fs->csum_seed = ld_ext4_crc32c(0xFFFFFFFFu, sb + SB_UUID, 16);
	return LD_OK;
}

static void fill_info(ld_ext4 *fs, const uint8_t *sb)
{
	ld_ext4_info *in = &fs->info;

	in->block_size = fs->bs;
	in->free_blocks = ld_le32(sb + SB_FREE_BLOCKS_LO);
	if (fs->incompat & EXT4_INCOMPAT_64BIT)
		in->free_blocks |= (uint64_t)ld_le32(sb + SB_FREE_BLOCKS_HI) << 32;
	in->free_inodes = ld_le32(sb + SB_FREE_INODES);
	in->feature_compat = fs->compat;
	in->feature_incompat = fs->incompat;
	in->feature_ro_compat = fs->ro_compat;
	in->unknown_ro_compat = fs->ro_compat & ~(uint32_t)EXT4_RO_COMPAT_KNOWN;
	memcpy(in->uuid, sb + SB_UUID, 16);
	ld_uuid_format(in->uuid, in->uuid_str);
	memcpy(in->label, sb + SB_VOLUME_NAME, 16);
	in->label[16] = 0;
	in->has_journal = !!(fs->compat & EXT4_COMPAT_HAS_JOURNAL);
	in->needs_recovery = !!(fs->incompat & EXT4_INCOMPAT_RECOVER);
	in->errors = !!(ld_le16(sb + SB_STATE) & EXT4_STATE_ERRORS);
	in->metadata_csum = fs->csum;
	in->mtime = (int64_t)ld_le32(sb + SB_MTIME) | ((int64_t)sb[SB_MTIME_HI] << 32);
	in->wtime = (int64_t)ld_le32(sb + SB_WTIME) | ((int64_t)sb[SB_WTIME_HI] << 32);
	if (fs->incompat & (EXT4_INCOMPAT_EXTENTS | EXT4_INCOMPAT_64BIT | EXT4_INCOMPAT_FLEX_BG |
			    EXT4_INCOMPAT_INLINE_DATA) ||
	    fs->ro_compat & (EXT4_RO_COMPAT_HUGE_FILE | EXT4_RO_COMPAT_GDT_CSUM |
			     EXT4_RO_COMPAT_METADATA_CSUM | EXT4_RO_COMPAT_DIR_NLINK |
			     EXT4_RO_COMPAT_EXTRA_ISIZE))
		in->kind = "ext4";
	else
		in->kind = in->has_journal ? "ext3" : "ext2";
}

static int mount_sb(ld_ext4 *fs)
{
	uint8_t sb[EXT4_SB_SIZE];
	int r;

	if (fs->dev->size < EXT4_SB_OFFSET + EXT4_SB_SIZE)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "device too small for an ext2/3/4 file system",
				 LD_EXT4_NONUM, "");
	r = ld_dev_read(fs->dev, EXT4_SB_OFFSET, sb, sizeof(sb));
	if (r)
		return ld_ext4_fail(fs, r, "I/O error reading the ext4 superblock", LD_EXT4_NONUM, "");
	if (ld_le16(sb + SB_MAGIC) != EXT4_SB_MAGIC_VALUE)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "no ext2/3/4 superblock (bad magic)",
				 LD_EXT4_NONUM, "");
	fs->compat = ld_le32(sb + SB_FEATURE_COMPAT);
	fs->incompat = ld_le32(sb + SB_FEATURE_INCOMPAT);
	fs->ro_compat = ld_le32(sb + SB_FEATURE_RO_COMPAT);
	fs->csum = !!(fs->ro_compat & EXT4_RO_COMPAT_METADATA_CSUM);
	fs->gdt_csum = fs->csum || (fs->ro_compat & EXT4_RO_COMPAT_GDT_CSUM);
	r = check_csum(fs, sb);
	if (!r)
		r = check_incompat(fs, fs->incompat);
	if (!r)
		r = parse_geometry(fs, sb);
	if (r)
		return r;
	fill_info(fs, sb);
	fs->first_meta_bg = ld_le32(sb + SB_FIRST_META_BG);
	fs->backup_bgs[0] = ld_le32(sb + SB_BACKUP_BGS);
	fs->backup_bgs[1] = ld_le32(sb + SB_BACKUP_BGS + 4);
	return LD_OK;
}

int ld_ext4_mount(ld_ext4 **out, ld_blockdev *dev, const ld_alloc *alloc, char *err,
		  size_t errlen)
{
	ld_ext4 *fs;
	int r;

	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	fs = alloc->alloc(alloc->ctx, sizeof(*fs));
	if (!fs) {
		if (err && errlen)
			ld_strlcpy(err, "out of memory", errlen);
		return LD_ERR_NOMEM;
	}
	fs->dev = dev;
	fs->alloc = *alloc;
	r = mount_sb(fs);
	if (!r)
		r = ld_ext4_groups_load(fs);
	if (!r)
		r = ld_ext4_cache_init(fs);
	if (r) {
		if (err && errlen)
			ld_strlcpy(err, fs->reason[0] ? fs->reason : ld_strerror(r), errlen);
		ld_ext4_unmount(fs);
		return r;
	}
	fs->reason[0] = 0;
	*out = fs;
	return LD_OK;
}

void ld_ext4_unmount(ld_ext4 *fs)
{
	if (!fs)
		return;
	ld_ext4_cache_free(fs);
	if (fs->gd)
		fs->alloc.free(fs->alloc.ctx, fs->gd, fs->gd_len);
	fs->alloc.free(fs->alloc.ctx, fs, sizeof(*fs));
}
