/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Foreign signatures in a LUKS2 header area.  cryptsetup (lib/luks2/luks2_disk_metadata.c,
 * detect_device_signatures) asks blkid for any other superblock or partition table before
 * it recovers one LUKS2 header copy from the other, and refuses an ambiguous device until
 * it is repaired: whatever overwrote the damaged copy (a PV label, a new file system) may
 * be what the owner meant the disk to be now.  We have no blkid in firmware, so we look
 * for the signatures that are written over the start of a disk, at the offsets blkid's
 * probers read them (util-linux libblkid/src/superblocks/ *.c, partitions/gpt.c); a
 * damaged LUKS2 copy that happens to hold one of the file-system magics there is refused
 * too (listed in the README as stricter than cryptsetup).
 * Caution: the device content is untrusted; every read is bounds-checked. */
#include "base/crc32.h"
#include "luks/luks_internal.h"

struct sig {
	const char *name;
	uint64_t offset;
	const char *magic;
	size_t len;
};

/* An LVM2 PV label may be in any of the first four sectors (lvm2.c). */
static const struct sig sigs[] = {
	{ "LVM2 physical volume label", 0, "LABELONE", 8 },
	{ "LVM2 physical volume label", 512, "LABELONE", 8 },
	{ "LVM2 physical volume label", 1024, "LABELONE", 8 },
	{ "LVM2 physical volume label", 1536, "LABELONE", 8 },
	{ "GPT partition table", 512, "EFI PART", 8 },
	{ "ext2/3/4 file system", 1080, "\x53\xef", 2 },
	{ "XFS file system", 0, "XFSB", 4 },
	{ "btrfs file system", 65600, "_BHRfS_M", 8 },
	{ "swap space", 4086, "SWAPSPACE2", 10 },
	{ "swap space", 4086, "SWAP-SPACE", 10 },
};

/* blkid accepts an LVM2 label only with its type "LVM2 001" at offset 24, its own sector
 * number at 8 and its checksum at 16 (LVM's CRC-32 from the seed 0xf597a6cf, no final
 * inversion, over the rest of the 512-byte label from offset 20); a GPT header only with
 * its CRC-32.  The file-system magics are taken as they are. */
static int confirmed(ld_blockdev *dev, const struct sig *s)
{
	uint8_t b[512];
	uint32_t hsize, crc;

	if (s->magic[0] == 'L') {
		if (ld_dev_read(dev, s->offset, b, sizeof(b)) || memcmp(b + 24, "LVM2 001", 8) ||
		    ld_le64(b + 8) != s->offset / 512)
			return 0;
		return ~ld_crc32(~0xf597a6cfu, b + 20, sizeof(b) - 20) == ld_le32(b + 16);
	}
	if (s->magic[0] == 'E') {
		if (ld_dev_read(dev, s->offset, b, sizeof(b)))
			return 0;
		hsize = ld_le32(b + 12);
		if (hsize < 92 || hsize > sizeof(b))
			return 0;
		crc = ld_le32(b + 16);
		memset(b + 16, 0, 4);
		return ld_crc32(0, b, hsize) == crc;
	}
	return 1;
}

const char *ld_foreign_signature(ld_blockdev *dev)
{
	uint8_t b[16];
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		const struct sig *s = &sigs[i];
		if (ld_dev_read(dev, s->offset, b, s->len) == LD_OK && !memcmp(b, s->magic, s->len) &&
		    confirmed(dev, s))
			return s->name;
	}
	return NULL;
}
