/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* FAT12/16/32 read-only reader with long file names (see fat.h).
 *
 * Layout (Microsoft's FAT specification): sector 0 holds the BIOS parameter block
 * (sector size, sectors per cluster, reserved sectors, number of FATs, FAT size, fixed
 * root directory size for FAT12/16, the root cluster for FAT32).  Then come the reserved
 * sectors, the FATs (one entry per cluster: the next cluster of the chain, or end of
 * chain), the fixed root directory (FAT12/16), and the data clusters numbered from 2.
 * The FAT type follows from the number of data clusters alone.  A directory is an array
 * of 32-byte entries; a long name is a run of LFN entries (attribute 0x0F, 13 UTF-16
 * units each, last one first) just before the 8.3 entry they belong to, bound to it by
 * a checksum of the 8.3 name.
 *
 * Written here rather than taken from a library: the project has no FAT code (the
 * firmware's own FAT driver serves UEFI), and lukstool needs only this read side.
 *
 * Caution: this file parses untrusted input.  The BPB geometry is checked against the
 * device; every cluster number against the cluster count; chains are walked at most
 * cluster-count steps, so a loop ends in an error; directories are bounded to 65536
 * entries as the specification bounds them. */
#include <string.h>

#include "base/endian.h"
#include "base/str.h"
#include "fs/fat.h"

#define DIRENT 32u
#define MAX_DIR_ENTRIES 65536u
#define MAX_CLUSTER_SIZE (256u * 1024u)
#define NONUM UINT64_MAX

struct ld_fat {
	ld_blockdev *dev;
	ld_alloc alloc;
	ld_fat_info info;
	uint32_t bps, csize, count, root_entries, root_clus;
	uint64_t fat_off, fat_bytes, root_off, data_off;
	uint8_t *sec[2];       /* sector caches: 0 for the FAT, 1 for directories */
	uint64_t sec_off[2];
	int sec_valid[2];
	char reason[160];
};

struct ld_fat_file {
	ld_fat *fs;
	ld_fat_dirent ent;
	int is_root;
	uint32_t cur_idx, cur_clus; /* chain cache: cluster number cur_clus is index cur_idx */
};

/* ---- messages ------------------------------------------------------------------------ */

static int fail(ld_fat *fs, int code, const char *a, uint64_t num, const char *b)
{
	char digits[21];

	ld_err3(fs->reason, sizeof(fs->reason), a, num != NONUM ? ld_u64_str(num, digits) : NULL,
		b);
	return code;
}

const char *ld_fat_reason(const ld_fat *fs)
{
	return fs->reason;
}

const ld_fat_info *ld_fat_get_info(const ld_fat *fs)
{
	return &fs->info;
}

/* The cached sector holding byte off (slot 0: FAT, 1: directories). */
static int sector(ld_fat *fs, int slot, uint64_t off, const uint8_t **p)
{
	uint64_t base = off - off % fs->bps;
	int r;

	if (!fs->sec_valid[slot] || fs->sec_off[slot] != base) {
		fs->sec_valid[slot] = 0;
		r = ld_dev_read(fs->dev, base, fs->sec[slot], fs->bps);
		if (r)
			return fail(fs, r, "I/O error reading FAT sector at byte ", base, "");
		fs->sec_off[slot] = base;
		fs->sec_valid[slot] = 1;
	}
	*p = fs->sec[slot] + (off - base);
	return LD_OK;
}

/* ---- mounting ------------------------------------------------------------------------ */

static int is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

int ld_fat_probe(ld_blockdev *dev)
{
	uint8_t b[512];
	uint32_t bps;

	if (dev->size < sizeof(b) || ld_dev_read(dev, 0, b, sizeof(b)))
		return LD_ERR_NOTFOUND;
	bps = ld_le16(b + 11);
	if (b[510] != 0x55 || b[511] != 0xAA || (b[0] != 0xEB && b[0] != 0xE9) ||
	    bps < 512 || bps > 4096 || !is_pow2(bps) || !is_pow2(b[13]) || b[16] == 0)
		return LD_ERR_NOTFOUND;
	if (memcmp(b + 54, "FAT", 3) && memcmp(b + 82, "FAT", 3))
		return LD_ERR_NOTFOUND;
	return LD_OK;
}

static void copy_label(char *dst, const uint8_t *src)
{
	int n = 11;

	memcpy(dst, src, 11);
	while (n > 0 && (dst[n - 1] == ' ' || dst[n - 1] == 0))
		n--;
	dst[n] = 0;
}

static int parse_bpb(ld_fat *fs, const uint8_t *b)
{
	uint32_t spc = b[13], rsvd = ld_le16(b + 14), nfats = b[16], rootcnt = ld_le16(b + 17);
	uint32_t fatsz = ld_le16(b + 22) ? ld_le16(b + 22) : ld_le32(b + 36);
	uint64_t tot = ld_le16(b + 19) ? ld_le16(b + 19) : ld_le32(b + 32), rootsec, meta, need;

	fs->bps = ld_le16(b + 11);
	if (b[510] != 0x55 || b[511] != 0xAA || fs->bps < 512 || fs->bps > 4096 || !is_pow2(fs->bps))
		return fail(fs, LD_ERR_INVALID, "not a FAT file system (boot sector)", NONUM, "");
	if (!is_pow2(spc) || (uint64_t)spc * fs->bps > MAX_CLUSTER_SIZE || rsvd == 0 || nfats == 0 ||
	    fatsz == 0 || tot == 0)
		return fail(fs, LD_ERR_INVALID, "FAT boot sector has an impossible geometry", NONUM, "");
	fs->csize = spc * fs->bps;
	rootsec = ((uint64_t)rootcnt * DIRENT + fs->bps - 1) / fs->bps;
	meta = rsvd + (uint64_t)nfats * fatsz + rootsec;
	if (meta >= tot || tot > fs->dev->size / fs->bps)
		return fail(fs, LD_ERR_INVALID, "FAT file system of ", tot, " sectors does not fit the device");
	fs->count = (uint32_t)((tot - meta) / spc);
	fs->info.bits = fs->count < 4085 ? 12 : fs->count < 65525 ? 16 : 32;
	if (fs->count == 0 || fs->count > 0x0FFFFFF5u)
		return fail(fs, LD_ERR_INVALID, "FAT cluster count ", fs->count, " is invalid");
	if ((fs->info.bits == 32) != (rootcnt == 0) || (fs->info.bits == 32 && ld_le16(b + 22)))
		return fail(fs, LD_ERR_INVALID, "FAT type and root directory do not agree", NONUM, "");
	fs->fat_off = (uint64_t)rsvd * fs->bps;
	fs->fat_bytes = (uint64_t)fatsz * fs->bps;
	need = fs->info.bits == 12 ? ((uint64_t)fs->count + 2) * 3 / 2 + 1
				   : ((uint64_t)fs->count + 2) * (fs->info.bits / 8u);
	if (need > fs->fat_bytes)
		return fail(fs, LD_ERR_INVALID, "FAT too small for its ", fs->count, " clusters");
	fs->root_off = fs->fat_off + (uint64_t)nfats * fs->fat_bytes;
	fs->root_entries = rootcnt;
	fs->data_off = fs->root_off + rootsec * fs->bps;
	if (fs->info.bits == 32) {
		fs->root_clus = ld_le32(b + 44);
		if (fs->root_clus < 2 || fs->root_clus - 2 >= fs->count)
			return fail(fs, LD_ERR_INVALID, "FAT32 root cluster ", fs->root_clus, " is invalid");
		copy_label(fs->info.label, b + 71);
		fs->info.serial = ld_le32(b + 67);
	} else {
		copy_label(fs->info.label, b + 43);
		fs->info.serial = ld_le32(b + 39);
	}
	fs->info.bytes_per_sector = fs->bps;
	fs->info.cluster_size = fs->csize;
	fs->info.clusters = fs->count;
	return LD_OK;
}

int ld_fat_mount(ld_fat **out, ld_blockdev *dev, const ld_alloc *alloc, char *err, size_t errlen)
{
	uint8_t b[512];
	ld_fat *fs;
	int r, i;

	*out = NULL;
	fs = alloc->alloc(alloc->ctx, sizeof(*fs));
	if (!fs)
		return LD_ERR_NOMEM;
	fs->dev = dev;
	fs->alloc = *alloc;
	if (dev->size < sizeof(b))
		r = fail(fs, LD_ERR_INVALID, "device too small for FAT", NONUM, "");
	else if ((r = ld_dev_read(dev, 0, b, sizeof(b))) != LD_OK)
		r = fail(fs, r, "I/O error reading the FAT boot sector", NONUM, "");
	else
		r = parse_bpb(fs, b);
	for (i = 0; !r && i < 2; i++) {
		fs->sec[i] = alloc->alloc(alloc->ctx, fs->bps);
		if (!fs->sec[i])
			r = fail(fs, LD_ERR_NOMEM, "out of memory", NONUM, "");
	}
	if (r) {
		if (err && errlen) {
			size_t n = strlen(fs->reason);
			if (n >= errlen)
				n = errlen - 1;
			memcpy(err, fs->reason, n);
			err[n] = 0;
		}
		ld_fat_unmount(fs);
		return r;
	}
	*out = fs;
	return LD_OK;
}

void ld_fat_unmount(ld_fat *fs)
{
	int i;

	if (!fs)
		return;
	for (i = 0; i < 2; i++)
		if (fs->sec[i])
			fs->alloc.free(fs->alloc.ctx, fs->sec[i], fs->bps);
	fs->alloc.free(fs->alloc.ctx, fs, sizeof(*fs));
}

/* ---- cluster chains ---------------------------------------------------------------------- */

/* The FAT entry of cluster c: *next is the following cluster, or 0 at the end of the chain. */
static int fat_next(ld_fat *fs, uint32_t c, uint32_t *next)
{
	const uint8_t *p;
	uint64_t off;
	uint32_t v, eoc;
	uint8_t lo;
	int r;

	*next = 0;
	if (c < 2 || c - 2 >= fs->count)
		return fail(fs, LD_ERR_INVALID, "FAT cluster ", c, " is out of range");
	if (fs->info.bits == 12) {
		off = fs->fat_off + c + c / 2;
		if ((r = sector(fs, 0, off, &p)) != LD_OK)
			return r;
		lo = *p; /* the entry may straddle two sectors */
		if ((r = sector(fs, 0, off + 1, &p)) != LD_OK)
			return r;
		v = lo | ((uint32_t)*p << 8);
		v = (c & 1) ? v >> 4 : v & 0xFFF;
		eoc = 0xFF8;
	} else if (fs->info.bits == 16) {
		if ((r = sector(fs, 0, fs->fat_off + (uint64_t)c * 2, &p)) != LD_OK)
			return r;
		v = ld_le16(p);
		eoc = 0xFFF8;
	} else {
		if ((r = sector(fs, 0, fs->fat_off + (uint64_t)c * 4, &p)) != LD_OK)
			return r;
		v = ld_le32(p) & 0x0FFFFFFFu;
		eoc = 0x0FFFFFF8u;
	}
	if (v >= eoc)
		return LD_OK;
	if (v < 2 || v - 2 >= fs->count)
		return fail(fs, LD_ERR_INVALID, "FAT chain of cluster ", c, " is broken (free, bad or out of range)");
	*next = v;
	return LD_OK;
}

/* Cluster number at index idx of f's chain; 0 if the chain ends before it. */
static int cluster_at(ld_fat_file *f, uint32_t idx, uint32_t *clus)
{
	ld_fat *fs = f->fs;
	uint32_t i = 0, c = f->is_root ? fs->root_clus : f->ent.cluster;
	int r;

	if (idx > fs->count)
		return fail(fs, LD_ERR_INVALID, "FAT chain longer than the cluster count (loop)", NONUM, "");
	if (f->cur_clus && f->cur_idx <= idx) {
		i = f->cur_idx;
		c = f->cur_clus;
	}
	while (i < idx && c) {
		r = fat_next(fs, c, &c);
		if (r)
			return r;
		i++;
	}
	*clus = c;
	if (c) {
		f->cur_idx = idx;
		f->cur_clus = c;
	}
	return LD_OK;
}

static uint64_t cluster_off(const ld_fat *fs, uint32_t c)
{
	return fs->data_off + (uint64_t)(c - 2) * fs->csize;
}

int ld_fat_read(ld_fat_file *f, uint64_t off, void *buf, size_t len, size_t *got)
{
	ld_fat *fs = f->fs;
	uint8_t *out = buf;
	uint32_t c, n, next, idx;
	uint64_t in, chunk;
	int r;

	*got = 0;
	if (f->ent.attr & LD_FAT_ATTR_DIR)
		return fail(fs, LD_ERR_INVALID, "is a directory", NONUM, "");
	if (off >= f->ent.size || !len)
		return LD_OK;
	if (len > f->ent.size - off)
		len = (size_t)(f->ent.size - off);
	while (len) {
		idx = (uint32_t)(off / fs->csize);
		r = cluster_at(f, idx, &c);
		if (r)
			return r;
		if (!c)
			return fail(fs, LD_ERR_INVALID, "FAT chain shorter than the file size", NONUM, "");
		in = off % fs->csize;
		/* extend over physically consecutive clusters: one device read per run */
		for (n = 1; (uint64_t)n * fs->csize - in < len; n++) {
			r = fat_next(fs, c + n - 1, &next);
			if (r)
				return r;
			if (next != c + n)
				break;
		}
		chunk = (uint64_t)n * fs->csize - in;
		if (chunk > len)
			chunk = len;
		r = ld_dev_read(fs->dev, cluster_off(fs, c) + in, out, (size_t)chunk);
		if (r)
			return fail(fs, r, "I/O error reading cluster ", c, "");
		if (n > 1) {
			f->cur_idx = idx + n - 1;
			f->cur_clus = c + n - 1;
		}
		out += chunk;
		off += chunk;
		len -= (size_t)chunk;
		*got += (size_t)chunk;
	}
	return LD_OK;
}

/* ---- directories --------------------------------------------------------------------------- */

/* Byte offset of entry idx of directory f; *end = 1 past the last entry. */
static int entry_off(ld_fat_file *f, uint32_t idx, uint64_t *off, int *end)
{
	ld_fat *fs = f->fs;
	uint64_t byte = (uint64_t)idx * DIRENT;
	uint32_t c;
	int r;

	*end = 0;
	if (f->is_root && fs->info.bits != 32) {
		*end = idx >= fs->root_entries;
		*off = fs->root_off + byte;
		return LD_OK;
	}
	if (idx >= MAX_DIR_ENTRIES)
		return fail(fs, LD_ERR_INVALID, "FAT directory has more than 65536 entries", NONUM, "");
	r = cluster_at(f, (uint32_t)(byte / fs->csize), &c);
	if (r)
		return r;
	*end = c == 0;
	*off = c ? cluster_off(fs, c) + byte % fs->csize : 0;
	return LD_OK;
}

static uint8_t short_sum(const uint8_t *n)
{
	uint8_t s = 0;
	int i;

	for (i = 0; i < 11; i++)
		s = (uint8_t)(((s & 1) << 7) + (s >> 1) + n[i]);
	return s;
}

/* UTF-16 units u[0..n) to UTF-8 in out[outlen]; 0 on success. */
static int utf16_to_utf8(const uint16_t *u, size_t n, char *out, size_t outlen)
{
	size_t i, o = 0;
	uint32_t c;

	for (i = 0; i < n; i++) {
		c = u[i];
		if (c >= 0xD800 && c < 0xDC00 && i + 1 < n && u[i + 1] >= 0xDC00 && u[i + 1] < 0xE000) {
			c = 0x10000 + ((c - 0xD800) << 10) + (u[i + 1] - 0xDC00);
			i++;
		} else if (c >= 0xD800 && c < 0xE000) {
			c = 0xFFFD; /* lone surrogate */
		}
		if (c == 0 || c == '/' || o + 5 > outlen)
			return -1;
		if (c < 0x80) {
			out[o++] = (char)c;
		} else if (c < 0x800) {
			out[o++] = (char)(0xC0 | (c >> 6));
			out[o++] = (char)(0x80 | (c & 0x3F));
		} else if (c < 0x10000) {
			out[o++] = (char)(0xE0 | (c >> 12));
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (c & 0x3F));
		} else {
			out[o++] = (char)(0xF0 | (c >> 18));
			out[o++] = (char)(0x80 | ((c >> 12) & 0x3F));
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (c & 0x3F));
		}
	}
	out[o] = 0;
	return o ? 0 : -1;
}

/* Short names are in an OEM code page; this reader assumes code page 850, the one mtools
 * (and so lukstool mkdisk) writes by default.  Bytes 0x80..0xFF as Unicode. */
static const uint16_t cp850[128] = {
	0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7,
	0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
	0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,
	0x00FF, 0x00D6, 0x00DC, 0x00F8, 0x00A3, 0x00D8, 0x00D7, 0x0192,
	0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA,
	0x00BF, 0x00AE, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
	0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x00C1, 0x00C2, 0x00C0,
	0x00A9, 0x2563, 0x2551, 0x2557, 0x255D, 0x00A2, 0x00A5, 0x2510,
	0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x00E3, 0x00C3,
	0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x00A4,
	0x00F0, 0x00D0, 0x00CA, 0x00CB, 0x00C8, 0x0131, 0x00CD, 0x00CE,
	0x00CF, 0x2518, 0x250C, 0x2588, 0x2584, 0x00A6, 0x00CC, 0x2580,
	0x00D3, 0x00DF, 0x00D4, 0x00D2, 0x00F5, 0x00D5, 0x00B5, 0x00FE,
	0x00DE, 0x00DA, 0x00DB, 0x00D9, 0x00FD, 0x00DD, 0x00AF, 0x00B4,
	0x00AD, 0x00B1, 0x2017, 0x00BE, 0x00B6, 0x00A7, 0x00F7, 0x00B8,
	0x00B0, 0x00A8, 0x00B7, 0x00B9, 0x00B3, 0x00B2, 0x25A0, 0x00A0,
};

/* One short-name byte as Unicode, lower-cased when the NT case flag says so. */
static uint16_t short_char(uint8_t ch, int lower)
{
	uint16_t u = ch < 0x80 ? ch : cp850[ch - 0x80];

	if (u < 0x20 || u == '/')
		u = '_';
	if (lower && ((u >= 'A' && u <= 'Z') || (u >= 0xC0 && u <= 0xDE && u != 0xD7)))
		u = (uint16_t)(u + 0x20);
	return u;
}

/* The 8.3 name of entry e ("NAME.EXT", lower case where the NT flags say so), UTF-8. */
static void short_name(const uint8_t *e, char *out, size_t outlen)
{
	uint16_t u[12];
	int i, n, m, k = 0;

	for (n = 8; n > 0 && e[n - 1] == ' '; n--)
		;
	for (i = 0; i < n; i++)
		u[k++] = short_char(i == 0 && e[0] == 0x05 ? 0xE5 : e[i], e[12] & 0x08);
	for (m = 11; m > 8 && e[m - 1] == ' '; m--)
		;
	if (m > 8)
		u[k++] = '.';
	for (i = 8; i < m; i++)
		u[k++] = short_char(e[i], e[12] & 0x10);
	if (utf16_to_utf8(u, (size_t)k, out, outlen))
		out[0] = 0;
}

static int64_t fat_time(uint16_t d, uint16_t t)
{
	int64_t y = 1980 + (d >> 9), m = (d >> 5) & 15, day = d & 31, era, yoe, doy, doe;

	if (m < 1 || m > 12 || day < 1)
		return 0;
	/* days from civil (proleptic Gregorian) */
	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468) * 86400 + (t >> 11) * 3600 + ((t >> 5) & 63) * 60 +
	       (t & 31) * 2;
}

int ld_fat_readdir(ld_fat_file *f, uint64_t *pos, ld_fat_dirent *ent)
{
	static const uint8_t lfn_at[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };
	ld_fat *fs = f->fs;
	uint16_t units[20 * 13] = { 0 };
	uint32_t idx = *pos > MAX_DIR_ENTRIES ? MAX_DIR_ENTRIES : (uint32_t)*pos;
	int lfn_next = 0, lfn_total = 0, end, r, k;
	uint8_t sum = 0, e[DIRENT];
	const uint8_t *p;
	uint64_t off = 0; /* set by entry_off() whenever it succeeds */

	if (!(f->ent.attr & LD_FAT_ATTR_DIR))
		return fail(fs, LD_ERR_INVALID, "not a directory", NONUM, "");
	for (;; idx++) {
		r = entry_off(f, idx, &off, &end);
		if (r)
			return r;
		if (end)
			return LD_ERR_NOTFOUND;
		r = sector(fs, 1, off, &p);
		if (r)
			return r;
		memcpy(e, p, DIRENT);
		if (e[0] == 0)
			return LD_ERR_NOTFOUND;
		if (e[0] == 0xE5) {
			lfn_next = lfn_total = 0;
			continue;
		}
		if ((e[11] & 0x3F) == 0x0F) {
			int seq = e[0] & 0x1F;
			if (e[0] & 0x40) {
				lfn_total = seq;
				lfn_next = seq;
				sum = e[13];
			}
			if (seq < 1 || seq > 20 || seq != lfn_next || e[13] != sum) {
				/* A broken sequence names nothing: never use the parts it left. */
				lfn_next = lfn_total = 0;
				continue;
			}
			for (k = 0; k < 13; k++)
				units[(seq - 1) * 13 + k] = ld_le16(e + lfn_at[k]);
			lfn_next--;
			continue;
		}
		if (e[11] & LD_FAT_ATTR_VOLUME) {
			lfn_next = lfn_total = 0;
			continue;
		}
		break;
	}
	ent->name[0] = 0;
	if (lfn_total && lfn_next == 0 && sum == short_sum(e)) {
		size_t n = 0;
		while (n < (size_t)lfn_total * 13 && units[n] != 0 && units[n] != 0xFFFF)
			n++;
		if (n > 255 || utf16_to_utf8(units, n, ent->name, sizeof(ent->name)))
			ent->name[0] = 0; /* unusable long name: the 8.3 name stands */
	}
	short_name(e, ent->short_name, sizeof(ent->short_name));
	if (!ent->name[0])
		memcpy(ent->name, ent->short_name, sizeof(ent->short_name));
	ent->attr = e[11];
	ent->size = ld_le32(e + 28);
	ent->cluster = ld_le16(e + 26) | (fs->info.bits == 32 ? (uint32_t)ld_le16(e + 20) << 16 : 0);
	ent->mtime = fat_time(ld_le16(e + 24), ld_le16(e + 22));
	if (ent->cluster && (ent->cluster < 2 || ent->cluster - 2 >= fs->count))
		return fail(fs, LD_ERR_INVALID, "FAT entry's first cluster ", ent->cluster, " is out of range");
	if (!ent->name[0])
		return fail(fs, LD_ERR_INVALID, "FAT entry with an empty name", NONUM, "");
	*pos = (uint64_t)idx + 1;
	return LD_OK;
}

/* ---- opening ---------------------------------------------------------------------------------- */

const ld_fat_dirent *ld_fat_entry(const ld_fat_file *f)
{
	return &f->ent;
}

static int open_root(ld_fat *fs, ld_fat_file **out)
{
	ld_fat_file *f = fs->alloc.alloc(fs->alloc.ctx, sizeof(*f));

	if (!f)
		return fail(fs, LD_ERR_NOMEM, "out of memory", NONUM, "");
	f->fs = fs;
	f->is_root = 1;
	f->ent.name[0] = '/';
	f->ent.attr = LD_FAT_ATTR_DIR;
	*out = f;
	return LD_OK;
}

/* A file's chain must have exactly as many clusters as its size needs: this catches
 * loops (which would otherwise repeat data silently) and cross-linked tails. */
static int check_chain(ld_fat *fs, const ld_fat_dirent *e)
{
	uint32_t need = (uint32_t)(((uint64_t)e->size + fs->csize - 1) / fs->csize), i, c = e->cluster;
	int r;

	if (!c)
		return fail(fs, LD_ERR_INVALID, "FAT file with a size but no cluster", NONUM, "");
	if (need > fs->count)
		return fail(fs, LD_ERR_INVALID, "FAT file larger than the volume", NONUM, "");
	for (i = 1; i <= need; i++) {
		r = fat_next(fs, c, &c);
		if (r)
			return r;
		if (i < need && !c)
			return fail(fs, LD_ERR_INVALID, "FAT chain shorter than the file size", NONUM, "");
	}
	if (c)
		return fail(fs, LD_ERR_INVALID, "FAT chain longer than the file size (a loop?)", NONUM, "");
	return LD_OK;
}

int ld_fat_open_entry(ld_fat *fs, const ld_fat_dirent *e, ld_fat_file **out)
{
	ld_fat_file *f;

	if ((e->attr & LD_FAT_ATTR_DIR) && e->cluster == 0)
		return open_root(fs, out); /* ".." of a top-level directory */
	f = fs->alloc.alloc(fs->alloc.ctx, sizeof(*f));
	if (!f)
		return fail(fs, LD_ERR_NOMEM, "out of memory", NONUM, "");
	f->fs = fs;
	f->ent = *e;
	if (!(e->attr & LD_FAT_ATTR_DIR) && e->size) {
		int r = check_chain(fs, e);
		if (r) {
			fs->alloc.free(fs->alloc.ctx, f, sizeof(*f));
			return r;
		}
	}
	*out = f;
	return LD_OK;
}

void ld_fat_close(ld_fat_file *f)
{
	if (f)
		f->fs->alloc.free(f->fs->alloc.ctx, f, sizeof(*f));
}

static int name_eq(const char *a, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < blen; i++) {
		char x = a[i], y = b[i];
		if (!x)
			return 0;
		if (x >= 'a' && x <= 'z')
			x = (char)(x - 32);
		if (y >= 'a' && y <= 'z')
			y = (char)(y - 32);
		if (x != y)
			return 0;
	}
	return a[blen] == 0;
}

int ld_fat_open(ld_fat *fs, const char *path, ld_fat_file **out)
{
	ld_fat_file *cur, *next;
	ld_fat_dirent *e;
	uint64_t pos;
	size_t n;
	int r;

	*out = NULL;
	r = open_root(fs, &cur);
	if (r)
		return r;
	e = fs->alloc.alloc(fs->alloc.ctx, sizeof(*e));
	if (!e) {
		ld_fat_close(cur);
		return fail(fs, LD_ERR_NOMEM, "out of memory", NONUM, "");
	}
	while (*path) {
		while (*path == '/')
			path++;
		for (n = 0; path[n] && path[n] != '/'; n++)
			;
		if (n == 0 || (n == 1 && path[0] == '.')) {
			path += n;
			continue;
		}
		if (!(cur->ent.attr & LD_FAT_ATTR_DIR)) {
			r = fail(fs, LD_ERR_NOTFOUND, "not a directory", NONUM, "");
			break;
		}
		if (cur->is_root && n == 2 && path[0] == '.' && path[1] == '.') {
			path += n;
			continue;
		}
		pos = 0;
		while ((r = ld_fat_readdir(cur, &pos, e)) == LD_OK && !name_eq(e->name, path, n) &&
		       !name_eq(e->short_name, path, n))
			;
		if (r == LD_ERR_NOTFOUND)
			r = fail(fs, LD_ERR_NOTFOUND, "no such file or directory", NONUM, "");
		if (r)
			break;
		r = ld_fat_open_entry(fs, e, &next);
		if (r)
			break;
		ld_fat_close(cur);
		cur = next;
		path += n;
	}
	fs->alloc.free(fs->alloc.ctx, e, sizeof(*e));
	if (r) {
		ld_fat_close(cur);
		return r;
	}
	*out = cur;
	return LD_OK;
}
