/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* GPT and MBR partition tables (UEFI 2.10 section 5; the classic PC MBR with EBR chains). */
#include <string.h>

#include "base/crc32.h"
#include "base/endian.h"
#include "fs/part.h"

static int part_read(ld_blockdev *dev, uint64_t off, void *buf, size_t len)
{
	ld_part_dev *pd = dev->ctx;

	return ld_dev_read(pd->parent, pd->offset + off, buf, len);
}

int ld_part_dev_init(ld_part_dev *pd, ld_blockdev *parent, uint64_t offset, uint64_t size)
{
	if (offset > parent->size || size > parent->size - offset)
		return LD_ERR_RANGE;
	pd->dev.read = part_read;
	pd->dev.size = size;
	pd->dev.block_size = parent->block_size;
	pd->dev.ctx = pd;
	pd->parent = parent;
	pd->offset = offset;
	return LD_OK;
}

static int add(ld_part *parts, size_t max, size_t *count, const ld_part *p)
{
	if (*count >= max)
		return LD_ERR_RANGE;
	parts[(*count)++] = *p;
	return LD_OK;
}

static int is_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* Reads and checks the GPT header at lba; LD_OK and the partitions, LD_ERR_INVALID,
 * LD_ERR_IO. */
static int gpt_read(ld_blockdev *dev, uint32_t bs, uint64_t lba, ld_part *parts, size_t max,
		    size_t *count)
{
	uint8_t sec[4096];
	uint64_t nlba = dev->size / bs, first_usable, last_usable, entries_lba, e_off;
	uint32_t hsize, crc, nent, esize, i, ecrc = 0;
	int r;

	if (lba >= nlba)
		return LD_ERR_INVALID;
	r = ld_dev_read(dev, lba * bs, sec, bs);
	if (r)
		return r == LD_ERR_IO ? r : LD_ERR_INVALID;
	if (memcmp(sec, "EFI PART", 8) || ld_le32(sec + 8) != 0x00010000u)
		return LD_ERR_INVALID;
	hsize = ld_le32(sec + 12);
	if (hsize < 92 || hsize > bs)
		return LD_ERR_INVALID;
	crc = ld_le32(sec + 16);
	memset(sec + 16, 0, 4);
	if (ld_crc32(0, sec, hsize) != crc || ld_le32(sec + 20) != 0 || ld_le64(sec + 24) != lba)
		return LD_ERR_INVALID;
	first_usable = ld_le64(sec + 40);
	last_usable = ld_le64(sec + 48);
	entries_lba = ld_le64(sec + 72);
	nent = ld_le32(sec + 80);
	esize = ld_le32(sec + 84);
	if (first_usable > last_usable || last_usable >= nlba)
		return LD_ERR_INVALID;
	/* entries are 128 * 2^n bytes, so none straddles a sector */
	if (esize < 128 || esize > bs || (esize & (esize - 1)) || nent > 65536)
		return LD_ERR_INVALID;
	if (entries_lba >= nlba || (uint64_t)nent * esize > (nlba - entries_lba) * bs)
		return LD_ERR_INVALID;
	ecrc = ld_le32(sec + 88);

	*count = 0;
	crc = 0;
	e_off = entries_lba * bs;
	for (i = 0; i < nent; i++) {
		uint64_t off = e_off + (uint64_t)i * esize, first, last;
		const uint8_t *e;
		ld_part p;
		if (off % bs == 0) {
			r = ld_dev_read(dev, off, sec, bs);
			if (r)
				return r == LD_ERR_IO ? r : LD_ERR_INVALID;
		}
		e = sec + off % bs;
		crc = ld_crc32(crc, e, esize);
		if (is_zero(e, 16))
			continue;
		first = ld_le64(e + 32);
		last = ld_le64(e + 40);
		if (first > last || first < first_usable || last > last_usable)
			return LD_ERR_INVALID;
		memset(&p, 0, sizeof(p));
		p.number = i + 1;
		p.offset = first * bs;
		p.size = (last - first + 1) * bs;
		memcpy(p.type_guid, e, 16);
		memcpy(p.unique_guid, e + 16, 16);
		if (*count < max)
			parts[(*count)++] = p;
	}
	return crc == ecrc ? LD_OK : LD_ERR_INVALID;
}

static int mbr_entry(const uint8_t *e, uint64_t base, uint64_t nsec, uint32_t bs, ld_part *p,
		     uint32_t number)
{
	uint64_t start = base + ld_le32(e + 8), n = ld_le32(e + 12);

	if (e[0] != 0 && e[0] != 0x80)
		return LD_ERR_INVALID;
	if (start > nsec || n > nsec - start)
		return LD_ERR_INVALID;
	memset(p, 0, sizeof(*p));
	p->number = number;
	p->offset = start * bs;
	p->size = n * bs;
	p->mbr_type = e[4];
	return LD_OK;
}

static int is_extended(uint8_t t)
{
	return t == 0x05 || t == 0x0f || t == 0x85;
}

static int mbr_read(ld_blockdev *dev, const uint8_t *mbr, uint32_t bs, ld_part *parts,
		    size_t max, size_t *count)
{
	uint64_t nsec = dev->size / bs, ext = 0, ebr, ext_end = 0;
	uint32_t logical = 5;
	uint8_t sec[4096];
	int i, r, hops;

	*count = 0;
	for (i = 0; i < 4; i++) {
		const uint8_t *e = mbr + 446 + 16 * i;
		ld_part p;
		if (!e[4] || !ld_le32(e + 12))
			continue;
		if (mbr_entry(e, 0, nsec, bs, &p, (uint32_t)i + 1))
			return LD_ERR_INVALID;
		if (is_extended(e[4])) {
			if (ext)
				return LD_ERR_INVALID; /* one extended partition only */
			ext = ld_le32(e + 8);
			ext_end = ext + ld_le32(e + 12);
			continue;
		}
		if (add(parts, max, count, &p))
			return LD_OK;
	}
	/* Logical partitions: a chain of EBRs, each relative to the extended partition. */
	ebr = ext;
	for (hops = 0; ebr && hops < LD_PART_MAX; hops++) {
		const uint8_t *e0 = sec + 446, *e1 = sec + 462;
		ld_part p;
		r = ld_dev_read(dev, ebr * bs, sec, 512);
		if (r)
			return r == LD_ERR_IO ? r : LD_ERR_INVALID;
		if (sec[510] != 0x55 || sec[511] != 0xaa)
			return LD_ERR_INVALID;
		if (e0[4] && ld_le32(e0 + 12)) {
			if (mbr_entry(e0, ebr, nsec, bs, &p, logical++) ||
			    p.offset / bs + p.size / bs > ext_end)
				return LD_ERR_INVALID;
			if (add(parts, max, count, &p))
				return LD_OK;
		}
		if (!e1[4] || !is_extended(e1[4]))
			break;
		if (!ld_le32(e1 + 8) || ext + ld_le32(e1 + 8) <= ebr || ext + ld_le32(e1 + 8) >= ext_end)
			return LD_ERR_INVALID; /* links only go forward: no loops */
		ebr = ext + ld_le32(e1 + 8);
	}
	return LD_OK;
}

int ld_part_scan(ld_blockdev *dev, ld_part *parts, size_t max, size_t *count,
		 ld_part_scheme *scheme)
{
	uint8_t mbr[512];
	uint32_t bs = dev->block_size ? dev->block_size : 512;
	int r, i, protective = 0;

	*count = 0;
	*scheme = LD_PT_NONE;
	if (bs < 512 || bs > 4096 || (bs & (bs - 1)))
		return LD_ERR_INVALID;
	r = ld_dev_read(dev, 0, mbr, sizeof(mbr));
	if (r)
		return r == LD_ERR_IO ? r : LD_ERR_NOTFOUND;
	if (mbr[510] == 0x55 && mbr[511] == 0xaa)
		for (i = 0; i < 4; i++)
			if (mbr[446 + 16 * i + 4] == 0xee)
				protective = 1;

	r = gpt_read(dev, bs, 1, parts, max, count);
	if (r == LD_ERR_INVALID && dev->size / bs > 2)
		r = gpt_read(dev, bs, dev->size / bs - 1, parts, max, count);
	if (r == LD_OK) {
		*scheme = LD_PT_GPT;
		return LD_OK;
	}
	if (r == LD_ERR_IO)
		return r;
	*count = 0;
	if (protective)
		return LD_ERR_INVALID; /* a GPT disk whose both GPT headers are damaged */
	if (mbr[510] != 0x55 || mbr[511] != 0xaa)
		return LD_ERR_NOTFOUND;
	r = mbr_read(dev, mbr, bs, parts, max, count);
	if (r == LD_OK)
		*scheme = LD_PT_MBR;
	return r;
}
