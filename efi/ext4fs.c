/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* A read-only EFI_SIMPLE_FILE_SYSTEM_PROTOCOL (EFI_FILE_PROTOCOL revision 2) over the
 * portable ext2/3/4 reader (fs/ext4.h); see ext4fs.h.
 *
 * Binding: BY_DRIVER on DiskIo of handles whose device path starts with the full path of
 * a volume LuksDxe unlocked (the child itself, or a partition PartitionDxe found inside
 * it) and whose superblock carries the ext2/3/4 magic.  Plaintext media never qualify:
 * their paths do not start with any unlocked child's path, which ends in our vendor node.
 *
 * Caution: everything read from the disk is untrusted; the reader checks the on-disk
 * structures, this file checks names (UTF-8 from the disk, UCS-2 from callers) and every
 * caller-supplied size.
 *
 * Names: ext4 stores bytes (UTF-8 by convention); UEFI uses UCS-2.  Valid UTF-8 of code
 * points up to U+FFFF converts both ways; a directory entry whose name is not valid
 * UTF-8 or holds a code point above U+FFFF cannot be named in UCS-2 and is SKIPPED in
 * listings (it cannot be opened either).  The volume label maps such bytes to U+FFFD.
 * Lookups compare bytes: ext4 is case-sensitive and stays so here (unlike FAT).
 *
 * Stop with open files (as EDK2's FAT driver does it): the file system is unmounted and
 * SimpleFileSystem uninstalled, but the open EFI_FILE_PROTOCOL handles stay valid
 * memory; every call on them except Close then returns EFI_NO_MEDIA, and the last Close
 * frees the volume. */
#include <stddef.h>
#include <string.h>
#include "luksdxe.h"
#include "ext4fs.h"
#include "console.h"
#include "fs/ext4.h"

#define FS_VOL_SIGNATURE 0x6c6f763474786546ULL  /* "Fex4tvol" */
#define FS_FILE_SIGNATURE 0x6c69663474786546ULL /* "Fex4tfil" */
#define PATH_MAX_UNITS 4096u  /* longest path (UCS-2 units) Open accepts */
#define VOLUMES_MAX 32u       /* unlocked volumes looked at by Supported */

static EFI_GUID guid_disk_io = EFI_DISK_IO_PROTOCOL_GUID;
static EFI_GUID guid_block_io = EFI_BLOCK_IO_PROTOCOL_GUID;
static EFI_GUID guid_device_path = EFI_DEVICE_PATH_PROTOCOL_GUID;
static EFI_GUID guid_binding = EFI_DRIVER_BINDING_PROTOCOL_GUID;
static EFI_GUID guid_sfs = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
static EFI_GUID guid_name2 = EFI_COMPONENT_NAME2_PROTOCOL_GUID;
static EFI_GUID guid_file_info = EFI_FILE_INFO_ID;
static EFI_GUID guid_fs_info = EFI_FILE_SYSTEM_INFO_ID;
static EFI_GUID guid_fs_label = EFI_FILE_SYSTEM_VOLUME_LABEL_ID;

struct fs_file;

/* One mounted file system on one controller. */
typedef struct fs_vol {
	UINT64 signature;
	struct fs_vol *next;         /* live list, or the stopped list while files stay open */
	EFI_HANDLE controller;
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL sfs;
	luksdxe_disk disk;
	ld_blockdev bdev;
	ld_ext4 *fs;                 /* NULL once stopped */
	struct fs_file *files;       /* open handles */
} fs_vol;

/* One EFI_FILE_PROTOCOL handle. */
typedef struct fs_file {
	EFI_FILE_PROTOCOL proto;
	UINT64 signature;
	struct fs_file *next;        /* the volume's open handles */
	fs_vol *vol;
	ld_ext4_file *f;             /* NULL once the volume stopped */
	ld_ext4_stat st;             /* taken at open (the medium is read-only) */
	uint64_t pos;                /* files: byte offset; directories: readdir cookie */
	UINTN name_len;              /* UCS-2 units, without the NUL */
	CHAR16 name[LD_EXT4_NAME_MAX + 1]; /* last path component; "" for the root */
} fs_file;

static EFI_DRIVER_BINDING_PROTOCOL fs_binding;
static EFI_HANDLE fs_binding_handle;
static fs_vol *live_vols;
static fs_vol *stopped_vols;

/* ---- helpers ---------------------------------------------------------------------- */

static EFI_STATUS efi_status(int r)
{
	switch (r) {
	case LD_OK: return EFI_SUCCESS;
	case LD_ERR_NOTFOUND: return EFI_NOT_FOUND;
	case LD_ERR_INVALID: return EFI_VOLUME_CORRUPTED;
	case LD_ERR_UNSUPPORTED: return EFI_UNSUPPORTED;
	case LD_ERR_NOMEM: return EFI_OUT_OF_RESOURCES;
	case LD_ERR_CORRUPT: return EFI_DEVICE_ERROR;
	default: return EFI_DEVICE_ERROR;
	}
}

static int guid_eq(const EFI_GUID *a, const EFI_GUID *b)
{
	return memcmp(a, b, sizeof(EFI_GUID)) == 0;
}

/* Decodes one UTF-8 sequence at s[*i] (strict: no overlongs, no surrogates, at most
 * U+10FFFF).  Written here because the firmware has no libc with mbrtowc.  Returns 0
 * and advances *i, or -1 on an invalid sequence (then *i advances by one byte). */
static int utf8_next(const uint8_t *s, size_t n, size_t *i, uint32_t *cp)
{
	uint8_t c = s[*i];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		(*i)++;
		return 0;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, v = c & 0x1fu, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, v = c & 0x0fu, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, v = c & 0x07u, min = 0x10000;
	} else {
		(*i)++;
		return -1;
	}
	if (len > n - *i) {
		(*i)++;
		return -1;
	}
	for (size_t k = 1; k < len; k++) {
		uint8_t t = s[*i + k];
		if ((t & 0xc0) != 0x80) {
			(*i)++;
			return -1;
		}
		v = (v << 6) | (t & 0x3fu);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
		(*i)++;
		return -1;
	}
	*i += len;
	*cp = v;
	return 0;
}

/* UTF-8 s[0..n) into out[max] as UCS-2 with a NUL.  map: replace what UCS-2 cannot hold
 * with U+FFFD; otherwise fail.  Returns the number of units (without the NUL) or -1. */
static long utf8_to_ucs2(const char *s, size_t n, CHAR16 *out, size_t max, int map)
{
	size_t i = 0, k = 0;
	while (i < n) {
		uint32_t cp;
		int bad = utf8_next((const uint8_t *)s, n, &i, &cp);
		if (bad || cp > 0xffff || cp == 0) {
			if (!map)
				return -1;
			cp = 0xfffd;
		}
		if (k + 1 >= max)
			return -1;
		out[k++] = (CHAR16)cp;
	}
	if (k >= max)
		return -1;
	out[k] = 0;
	return (long)k;
}

static size_t ucs2_len(const CHAR16 *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

/* A UEFI path (backslashes) as a UTF-8 path for ld_ext4_open ('/').  A '/' inside a UEFI
 * name, or a lone surrogate, names nothing that can exist: EFI_NOT_FOUND. */
static EFI_STATUS path_to_utf8(const CHAR16 *in, size_t n, char *out, size_t outmax)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = in[i];
		if (c == '/' || (c >= 0xd800 && c <= 0xdfff))
			return EFI_NOT_FOUND;
		if (c == '\\')
			c = '/';
		if (outmax - k < 4)
			return EFI_INVALID_PARAMETER;
		if (c < 0x80) {
			out[k++] = (char)c;
		} else if (c < 0x800) {
			out[k++] = (char)(0xc0 | (c >> 6));
			out[k++] = (char)(0x80 | (c & 0x3f));
		} else {
			out[k++] = (char)(0xe0 | (c >> 12));
			out[k++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[k++] = (char)(0x80 | (c & 0x3f));
		}
	}
	out[k] = 0;
	return EFI_SUCCESS;
}

/* Seconds since 1970 (UTC) as EFI_TIME in UTC (TimeZone 0), clamped to the years
 * 1900..9999 that EFI_TIME can hold.  The days-to-date step is the usual proleptic
 * Gregorian arithmetic on 400-year eras, written here (no time library in firmware). */
static void to_efi_time(const ld_ext4_time *t, EFI_TIME *e)
{
	const int64_t lo = -2208988800LL, hi = 253402300799LL; /* 1900-01-01, 9999-12-31 */
	int64_t s = t->sec;
	uint32_t ns = t->nsec < 1000000000u ? t->nsec : 0;
	memset(e, 0, sizeof(*e));
	if (s < lo || s > hi) {
		s = s < lo ? lo : hi;
		ns = 0;
	}
	int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
	int64_t sod = s - days * 86400;
	days += 719468; /* days from 0000-03-01 to 1970-01-01 */
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);
	e->Year = (UINT16)y;
	e->Month = (UINT8)m;
	e->Day = (UINT8)d;
	e->Hour = (UINT8)(sod / 3600);
	e->Minute = (UINT8)(sod / 60 % 60);
	e->Second = (UINT8)(sod % 60);
	e->Nanosecond = ns;
	e->TimeZone = 0; /* UTC */
	e->Daylight = 0;
}

/* EFI_FILE_INFO for st named name[0..n); returns its size; fills fi if not NULL. */
static UINTN file_info(EFI_FILE_INFO *fi, const ld_ext4_stat *st, const CHAR16 *name, UINTN n)
{
	UINTN size = SIZE_OF_EFI_FILE_INFO + (n + 1) * sizeof(CHAR16);
	if (!fi)
		return size;
	memset(fi, 0, SIZE_OF_EFI_FILE_INFO);
	fi->Size = size;
	fi->FileSize = st->size;
	fi->PhysicalSize = st->blocks_512 <= UINT64_MAX / 512 ? st->blocks_512 * 512 : UINT64_MAX;
	/* No birth time recorded (small inodes): the change time is the best there is. */
	const ld_ext4_time *born = (st->crtime.sec || st->crtime.nsec) ? &st->crtime : &st->ctime;
	to_efi_time(born, &fi->CreateTime);
	to_efi_time(&st->atime, &fi->LastAccessTime);
	to_efi_time(&st->mtime, &fi->ModificationTime);
	fi->Attribute = EFI_FILE_READ_ONLY | (st->type == LD_EXT4_T_DIR ? EFI_FILE_DIRECTORY : 0);
	memcpy(fi->FileName, name, n * sizeof(CHAR16));
	fi->FileName[n] = 0;
	return size;
}

/* ---- handles ----------------------------------------------------------------------- */

static fs_file *file_of(EFI_FILE_PROTOCOL *p)
{
	if (!p)
		return NULL;
	fs_file *f = (fs_file *)((uint8_t *)p - offsetof(fs_file, proto));
	return f->signature == FS_FILE_SIGNATURE ? f : NULL;
}

static void vol_free(fs_vol *v)
{
	v->signature = 0;
	luksdxe_alloc.free(NULL, v, sizeof(*v));
}

static void unlink_vol(fs_vol **list, fs_vol *v)
{
	for (fs_vol **pp = list; *pp; pp = &(*pp)->next)
		if (*pp == v) {
			*pp = v->next;
			return;
		}
}

static EFI_FILE_PROTOCOL file_template;

/* Wraps an open ld_ext4_file in a new handle (takes ownership of lf, also on failure). */
static EFI_STATUS new_handle(fs_vol *v, ld_ext4_file *lf, const CHAR16 *name, UINTN n,
			     fs_file **out)
{
	fs_file *f = luksdxe_alloc.alloc(NULL, sizeof(*f));
	if (!f) {
		ld_ext4_close(lf);
		return EFI_OUT_OF_RESOURCES;
	}
	f->proto = file_template;
	f->signature = FS_FILE_SIGNATURE;
	f->vol = v;
	f->f = lf;
	ld_ext4_fstat(lf, &f->st);
	f->name_len = n;
	memcpy(f->name, name, n * sizeof(CHAR16));
	f->name[n] = 0;
	f->next = v->files;
	v->files = f;
	*out = f;
	return EFI_SUCCESS;
}

static void free_handle(fs_file *f)
{
	fs_vol *v = f->vol;
	for (fs_file **pp = &v->files; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	ld_ext4_close(f->f);
	f->signature = 0;
	luksdxe_alloc.free(NULL, f, sizeof(*f));
	/* The last handle of a stopped volume takes the volume with it. */
	if (!v->fs && !v->files) {
		unlink_vol(&stopped_vols, v);
		vol_free(v);
	}
}

/* The name of directory d (not the root) as its parent lists it: for a handle reached
 * through "." or "..".  Leaves *n = 0 if it cannot be found. */
static void dir_name(fs_vol *v, ld_ext4_file *d, uint32_t ino, CHAR16 *name, UINTN *n)
{
	ld_ext4_file *parent;
	ld_ext4_dirent ent;
	uint64_t pos = 0;
	*n = 0;
	name[0] = 0;
	if (ld_ext4_open(v->fs, d, "..", 0, &parent) != LD_OK)
		return;
	while (ld_ext4_readdir(parent, &pos, &ent) == LD_OK) {
		int dots = ent.name[0] == '.' && (ent.name_len == 1 ||
						  (ent.name_len == 2 && ent.name[1] == '.'));
		if (ent.ino != ino || dots)
			continue;
		long k = utf8_to_ucs2(ent.name, ent.name_len, name, LD_EXT4_NAME_MAX + 1, 0);
		if (k >= 0) {
			*n = (UINTN)k;
			break;
		}
	}
	ld_ext4_close(parent);
}

/* The handle's name: the path's last component, unless that is "", "." or "..": then the
 * name of the handle it started from if it is the same inode, else the parent's entry. */
static void name_of_path(const fs_file *self, ld_ext4_file *lf, const CHAR16 *path, size_t len,
			 CHAR16 *name, UINTN *n)
{
	while (len && path[len - 1] == '\\')
		len--;
	size_t start = len;
	while (start && path[start - 1] != '\\')
		start--;
	size_t cl = len - start;
	const CHAR16 *c = path + start;
	ld_ext4_stat st;
	ld_ext4_fstat(lf, &st);
	if (st.ino == LD_EXT4_ROOT_INO) {
		*n = 0;
		name[0] = 0;
	} else if (st.ino == self->st.ino && (cl == 0 || (cl == 1 && c[0] == '.'))) {
		*n = self->name_len;
		memcpy(name, self->name, (*n + 1) * sizeof(CHAR16));
	} else if (cl == 0 || (c[0] == '.' && (cl == 1 || (cl == 2 && c[1] == '.')))) {
		dir_name(self->vol, lf, st.ino, name, n);
	} else {
		/* Lookup succeeded with at most 255 bytes, so at most 255 units. */
		*n = cl <= LD_EXT4_NAME_MAX ? cl : LD_EXT4_NAME_MAX;
		memcpy(name, c, *n * sizeof(CHAR16));
		name[*n] = 0;
	}
}

/* ---- EFI_FILE_PROTOCOL --------------------------------------------------------------- */

static EFI_STATUS do_open(EFI_FILE_PROTOCOL *This, EFI_FILE_PROTOCOL **NewHandle,
				CHAR16 *FileName, UINT64 OpenMode, UINT64 Attributes)
{
	fs_file *self = file_of(This);
	(void)Attributes; /* only used when creating */
	if (!self || !NewHandle || !FileName)
		return EFI_INVALID_PARAMETER;
	if (OpenMode != EFI_FILE_MODE_READ &&
	    OpenMode != (EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE) &&
	    OpenMode != (EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE))
		return EFI_INVALID_PARAMETER;
	if (!self->f)
		return EFI_NO_MEDIA;
	if (OpenMode & EFI_FILE_MODE_WRITE)
		return EFI_WRITE_PROTECTED;
	size_t len = ucs2_len(FileName, PATH_MAX_UNITS + 1);
	if (len > PATH_MAX_UNITS)
		return EFI_INVALID_PARAMETER;
	int absolute = len && FileName[0] == '\\';
	/* Relative names are relative to a directory; a file has no entries. */
	if (!absolute && len && self->st.type != LD_EXT4_T_DIR)
		return EFI_NOT_FOUND;
	size_t cap = 3 * len + 4;
	char *path = luksdxe_alloc.alloc(NULL, cap);
	if (!path)
		return EFI_OUT_OF_RESOURCES;
	EFI_STATUS st = path_to_utf8(FileName, len, path, cap);
	ld_ext4_file *lf = NULL;
	if (st == EFI_SUCCESS) {
		/* Symlinks are followed by the reader (at most 40 in one lookup).  They cannot
		 * lead outside this file system: an absolute target starts at its root. */
		ld_ext4_file *base = absolute ? NULL : self->f;
		int r = ld_ext4_open(self->vol->fs, base, path, 0, &lf);
		st = efi_status(r);
	}
	luksdxe_alloc.free(NULL, path, cap);
	if (st != EFI_SUCCESS)
		return st;
	CHAR16 name[LD_EXT4_NAME_MAX + 1];
	UINTN n;
	name_of_path(self, lf, FileName, len, name, &n);
	fs_file *nf;
	st = new_handle(self->vol, lf, name, n, &nf);
	if (st == EFI_SUCCESS)
		*NewHandle = &nf->proto;
	return st;
}

static EFI_STATUS do_close(EFI_FILE_PROTOCOL *This)
{
	fs_file *f = file_of(This);
	if (!f)
		return EFI_INVALID_PARAMETER;
	free_handle(f);
	return EFI_SUCCESS;
}

/* The spec: Delete closes the handle whatever happens; a read-only volume keeps the file. */
static EFI_STATUS do_delete(EFI_FILE_PROTOCOL *This)
{
	fs_file *f = file_of(This);
	if (!f)
		return EFI_INVALID_PARAMETER;
	free_handle(f);
	return EFI_WARN_DELETE_FAILURE;
}

static int is_dots(const ld_ext4_dirent *e)
{
	return e->name[0] == '.' && (e->name_len == 1 || (e->name_len == 2 && e->name[1] == '.'));
}

/* The stat a listing shows for an entry: a symlink shows what it leads to (what Open
 * would give); a dangling or looping one shows the link itself. */
static int entry_stat(fs_file *d, const ld_ext4_dirent *e, ld_ext4_stat *st)
{
	int r = ld_ext4_stat_inode(d->vol->fs, e->ino, st);
	if (r != LD_OK || st->type != LD_EXT4_T_LNK)
		return r;
	ld_ext4_file *t;
	r = ld_ext4_open(d->vol->fs, d->f, e->name, 0, &t);
	if (r == LD_ERR_NOMEM || r == LD_ERR_IO)
		return r;
	if (r == LD_OK) {
		ld_ext4_fstat(t, st);
		ld_ext4_close(t);
	}
	return LD_OK;
}

/* One EFI_FILE_INFO per call; the root lists no "." and ".." (as on FAT); names UCS-2
 * cannot hold are skipped.  The position moves only when a record is returned. */
static EFI_STATUS read_dir(fs_file *d, UINTN *BufferSize, VOID *Buffer)
{
	ld_ext4_dirent ent;
	CHAR16 name[LD_EXT4_NAME_MAX + 1];
	for (;;) {
		uint64_t pos = d->pos;
		int r = ld_ext4_readdir(d->f, &pos, &ent);
		if (r == LD_ERR_NOTFOUND) {
			*BufferSize = 0;
			return EFI_SUCCESS;
		}
		if (r != LD_OK)
			return efi_status(r);
		long n = -1;
		if (!(d->st.ino == LD_EXT4_ROOT_INO && is_dots(&ent)))
			n = utf8_to_ucs2(ent.name, ent.name_len, name, LD_EXT4_NAME_MAX + 1, 0);
		if (n < 0) {
			d->pos = pos;
			continue;
		}
		ld_ext4_stat st;
		r = entry_stat(d, &ent, &st);
		if (r != LD_OK)
			return efi_status(r);
		UINTN need = file_info(NULL, &st, name, (UINTN)n);
		if (*BufferSize < need) {
			*BufferSize = need;
			return EFI_BUFFER_TOO_SMALL;
		}
		if (!Buffer)
			return EFI_INVALID_PARAMETER;
		*BufferSize = file_info(Buffer, &st, name, (UINTN)n);
		d->pos = pos;
		return EFI_SUCCESS;
	}
}

static EFI_STATUS do_read(EFI_FILE_PROTOCOL *This, UINTN *BufferSize, VOID *Buffer)
{
	fs_file *f = file_of(This);
	if (!f || !BufferSize)
		return EFI_INVALID_PARAMETER;
	if (!f->f)
		return EFI_NO_MEDIA;
	if (f->st.type == LD_EXT4_T_DIR)
		return read_dir(f, BufferSize, Buffer);
	/* Special files (devices, fifos, sockets) have no bytes to give. */
	uint64_t size = f->st.type == LD_EXT4_T_REG ? f->st.size : 0;
	if (f->pos > size) {
		if (*BufferSize == 0)
			return EFI_SUCCESS;
		return EFI_DEVICE_ERROR; /* the spec: reading past the end of the file */
	}
	uint64_t left = size - f->pos;
	size_t len = *BufferSize < left ? *BufferSize : (size_t)left;
	if (len && !Buffer)
		return EFI_INVALID_PARAMETER;
	size_t got = 0;
	int r = len ? ld_ext4_read(f->f, f->pos, Buffer, len, &got) : LD_OK;
	if (r != LD_OK)
		return efi_status(r);
	f->pos += got;
	*BufferSize = got;
	return EFI_SUCCESS;
}

static EFI_STATUS do_write(EFI_FILE_PROTOCOL *This, UINTN *BufferSize, VOID *Buffer)
{
	(void)Buffer;
	fs_file *f = file_of(This);
	if (!f || !BufferSize)
		return EFI_INVALID_PARAMETER;
	if (!f->f)
		return EFI_NO_MEDIA;
	*BufferSize = 0; /* nothing was written */
	return EFI_WRITE_PROTECTED;
}

static EFI_STATUS do_get_position(EFI_FILE_PROTOCOL *This, UINT64 *Position)
{
	fs_file *f = file_of(This);
	if (!f || !Position)
		return EFI_INVALID_PARAMETER;
	if (!f->f)
		return EFI_NO_MEDIA;
	if (f->st.type == LD_EXT4_T_DIR)
		return EFI_UNSUPPORTED; /* the spec: directories have no byte position */
	*Position = f->pos;
	return EFI_SUCCESS;
}

/* Files: any position (past the end is allowed; reads then fail), all ones = the end.
 * Directories: only 0, which restarts the listing. */
static EFI_STATUS do_set_position(EFI_FILE_PROTOCOL *This, UINT64 Position)
{
	fs_file *f = file_of(This);
	if (!f)
		return EFI_INVALID_PARAMETER;
	if (!f->f)
		return EFI_NO_MEDIA;
	if (f->st.type == LD_EXT4_T_DIR) {
		if (Position != 0)
			return EFI_UNSUPPORTED;
		f->pos = 0;
		return EFI_SUCCESS;
	}
	f->pos = Position == UINT64_MAX ? (f->st.type == LD_EXT4_T_REG ? f->st.size : 0) : Position;
	return EFI_SUCCESS;
}

/* The volume label as UCS-2 (bytes UCS-2 cannot hold become U+FFFD). */
static UINTN label_of(const ld_ext4_info *in, CHAR16 *out, size_t max)
{
	size_t n = 0;
	while (n < sizeof(in->label) - 1 && in->label[n])
		n++;
	long k = utf8_to_ucs2(in->label, n, out, max, 1);
	if (k < 0) {
		out[0] = 0;
		return 0;
	}
	return (UINTN)k;
}

static EFI_STATUS do_get_info(EFI_FILE_PROTOCOL *This, EFI_GUID *Type, UINTN *BufferSize,
				    VOID *Buffer)
{
	fs_file *f = file_of(This);
	if (!f || !Type || !BufferSize)
		return EFI_INVALID_PARAMETER;
	if (!f->f)
		return EFI_NO_MEDIA;
	UINTN need;
	if (guid_eq(Type, &guid_file_info)) {
		need = file_info(NULL, &f->st, f->name, f->name_len);
		if (*BufferSize < need || !Buffer) {
			*BufferSize = need;
			return EFI_BUFFER_TOO_SMALL;
		}
		*BufferSize = file_info(Buffer, &f->st, f->name, f->name_len);
		return EFI_SUCCESS;
	}
	int fsi = guid_eq(Type, &guid_fs_info);
	if (!fsi && !guid_eq(Type, &guid_fs_label))
		return EFI_UNSUPPORTED;
	const ld_ext4_info *in = ld_ext4_get_info(f->vol->fs);
	CHAR16 label[sizeof(in->label)];
	UINTN n = label_of(in, label, sizeof(label) / sizeof(label[0]));
	UINTN head = fsi ? SIZE_OF_EFI_FILE_SYSTEM_INFO : 0;
	need = head + (n + 1) * sizeof(CHAR16);
	if (*BufferSize < need || !Buffer) {
		*BufferSize = need;
		return EFI_BUFFER_TOO_SMALL;
	}
	if (fsi) {
		EFI_FILE_SYSTEM_INFO *si = Buffer;
		memset(si, 0, SIZE_OF_EFI_FILE_SYSTEM_INFO);
		si->Size = need;
		si->ReadOnly = TRUE;
		uint64_t bs = in->block_size;
		si->VolumeSize = in->blocks_count <= UINT64_MAX / bs ? in->blocks_count * bs : UINT64_MAX;
		uint64_t fb = in->free_blocks < in->blocks_count ? in->free_blocks : in->blocks_count;
		si->FreeSpace = fb * bs;
		si->BlockSize = in->block_size;
		memcpy(si->VolumeLabel, label, (n + 1) * sizeof(CHAR16));
	} else {
		memcpy(Buffer, label, (n + 1) * sizeof(CHAR16));
	}
	*BufferSize = need;
	return EFI_SUCCESS;
}

static EFI_STATUS do_set_info(EFI_FILE_PROTOCOL *This, EFI_GUID *Type, UINTN BufferSize,
				    VOID *Buffer)
{
	(void)BufferSize;
	fs_file *f = file_of(This);
	if (!f || !Type || !Buffer)
		return EFI_INVALID_PARAMETER;
	if (!f->f)
		return EFI_NO_MEDIA;
	return EFI_WRITE_PROTECTED;
}

static EFI_STATUS do_flush(EFI_FILE_PROTOCOL *This)
{
	fs_file *f = file_of(This);
	if (!f)
		return EFI_INVALID_PARAMETER;
	if (!f->f)
		return EFI_NO_MEDIA;
	return EFI_WRITE_PROTECTED;
}

/* ---- the TPL guard: the reader is not reentrant ------------------------------------------
 * As EDK2's FAT driver does, every entry point runs at TPL_CALLBACK, so that no event
 * notification can enter the file system while a call is in it.  RaiseTPL to
 * TPL_HIGH_LEVEL first only learns the caller's TPL without ever lowering it. */
static EFI_TPL tpl_enter(void)
{
	EFI_TPL old = luksdxe_bs->RaiseTPL(TPL_HIGH_LEVEL);
	luksdxe_bs->RestoreTPL(old < TPL_CALLBACK ? TPL_CALLBACK : old);
	return old;
}

static EFI_STATUS tpl_leave(EFI_TPL old, EFI_STATUS st)
{
	luksdxe_bs->RestoreTPL(old);
	return st;
}

static EFI_STATUS EFIAPI f_open(EFI_FILE_PROTOCOL *This, EFI_FILE_PROTOCOL **NewHandle,
				CHAR16 *FileName, UINT64 OpenMode, UINT64 Attributes)
{
	EFI_TPL t = tpl_enter();
	return tpl_leave(t, do_open(This, NewHandle, FileName, OpenMode, Attributes));
}

static EFI_STATUS EFIAPI f_close(EFI_FILE_PROTOCOL *This)
{
	EFI_TPL t = tpl_enter();
	return tpl_leave(t, do_close(This));
}

static EFI_STATUS EFIAPI f_delete(EFI_FILE_PROTOCOL *This)
{
	EFI_TPL t = tpl_enter();
	return tpl_leave(t, do_delete(This));
}

static EFI_STATUS EFIAPI f_read(EFI_FILE_PROTOCOL *This, UINTN *BufferSize, VOID *Buffer)
{
	EFI_TPL t = tpl_enter();
	return tpl_leave(t, do_read(This, BufferSize, Buffer));
}

static EFI_STATUS EFIAPI f_write(EFI_FILE_PROTOCOL *This, UINTN *BufferSize, VOID *Buffer)
{
	EFI_TPL t = tpl_enter();
	return tpl_leave(t, do_write(This, BufferSize, Buffer));
}

static EFI_STATUS EFIAPI f_get_position(EFI_FILE_PROTOCOL *This, UINT64 *Position)
{
	EFI_TPL t = tpl_enter();
	return tpl_leave(t, do_get_position(This, Position));
}

static EFI_STATUS EFIAPI f_set_position(EFI_FILE_PROTOCOL *This, UINT64 Position)
{
	EFI_TPL t = tpl_enter();
	return tpl_leave(t, do_set_position(This, Position));
}

static EFI_STATUS EFIAPI f_get_info(EFI_FILE_PROTOCOL *This, EFI_GUID *Type, UINTN *BufferSize,
				    VOID *Buffer)
{
	EFI_TPL t = tpl_enter();
	return tpl_leave(t, do_get_info(This, Type, BufferSize, Buffer));
}

static EFI_STATUS EFIAPI f_set_info(EFI_FILE_PROTOCOL *This, EFI_GUID *Type, UINTN BufferSize,
				    VOID *Buffer)
{
	EFI_TPL t = tpl_enter();
	return tpl_leave(t, do_set_info(This, Type, BufferSize, Buffer));
}

static EFI_STATUS EFIAPI f_flush(EFI_FILE_PROTOCOL *This)
{
	EFI_TPL t = tpl_enter();
	return tpl_leave(t, do_flush(This));
}

/* Revision 2: the *Ex functions complete every request before they return (a read-only
 * file system on a decrypting block device has nothing to overlap); with an event they
 * report through the token and signal it, as a finished asynchronous request would. */
static EFI_STATUS complete(EFI_FILE_IO_TOKEN *tok, EFI_STATUS st)
{
	tok->Status = st;
	if (!tok->Event)
		return st;
	luksdxe_bs->SignalEvent(tok->Event);
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI f_open_ex(EFI_FILE_PROTOCOL *This, EFI_FILE_PROTOCOL **NewHandle,
				   CHAR16 *FileName, UINT64 OpenMode, UINT64 Attributes,
				   EFI_FILE_IO_TOKEN *Token)
{
	if (!Token)
		return EFI_INVALID_PARAMETER;
	return complete(Token, f_open(This, NewHandle, FileName, OpenMode, Attributes));
}

static EFI_STATUS EFIAPI f_read_ex(EFI_FILE_PROTOCOL *This, EFI_FILE_IO_TOKEN *Token)
{
	if (!Token)
		return EFI_INVALID_PARAMETER;
	return complete(Token, f_read(This, &Token->BufferSize, Token->Buffer));
}

static EFI_STATUS EFIAPI f_write_ex(EFI_FILE_PROTOCOL *This, EFI_FILE_IO_TOKEN *Token)
{
	if (!Token)
		return EFI_INVALID_PARAMETER;
	return complete(Token, f_write(This, &Token->BufferSize, Token->Buffer));
}

static EFI_STATUS EFIAPI f_flush_ex(EFI_FILE_PROTOCOL *This, EFI_FILE_IO_TOKEN *Token)
{
	if (!Token)
		return EFI_INVALID_PARAMETER;
	return complete(Token, f_flush(This));
}

static EFI_FILE_PROTOCOL file_template = {
	.Revision = EFI_FILE_PROTOCOL_REVISION2,
	.OpenEx = f_open_ex,
	.ReadEx = f_read_ex,
	.WriteEx = f_write_ex,
	.FlushEx = f_flush_ex,
	.Open = f_open,
	.Close = f_close,
	.Delete = f_delete,
	.Read = f_read,
	.Write = f_write,
	.GetPosition = f_get_position,
	.SetPosition = f_set_position,
	.GetInfo = f_get_info,
	.SetInfo = f_set_info,
	.Flush = f_flush,
};

/* ---- EFI_SIMPLE_FILE_SYSTEM_PROTOCOL ---------------------------------------------------- */

static EFI_STATUS do_open_volume(EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *This,
				     EFI_FILE_PROTOCOL **Root)
{
	if (!This || !Root)
		return EFI_INVALID_PARAMETER;
	fs_vol *v = (fs_vol *)((uint8_t *)This - offsetof(fs_vol, sfs));
	if (v->signature != FS_VOL_SIGNATURE)
		return EFI_INVALID_PARAMETER;
	if (!v->fs)
		return EFI_NO_MEDIA;
	ld_ext4_file *lf;
	int r = ld_ext4_open_inode(v->fs, LD_EXT4_ROOT_INO, &lf);
	if (r != LD_OK)
		return efi_status(r);
	fs_file *f;
	EFI_STATUS st = new_handle(v, lf, u"", 0, &f);
	if (st == EFI_SUCCESS)
		*Root = &f->proto;
	return st;
}

static EFI_STATUS EFIAPI open_volume(EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *This,
				     EFI_FILE_PROTOCOL **Root)
{
	EFI_TPL t = tpl_enter();
	return tpl_leave(t, do_open_volume(This, Root));
}

/* ---- driver binding ------------------------------------------------------------------ */

/* 1 if path starts with the whole device path of an unlocked LuksDxe volume (which ends
 * in our vendor node), matched node by node. */
static int on_unlocked_volume(const EFI_DEVICE_PATH_PROTOCOL *path)
{
	luksdxe_dp vols[VOLUMES_MAX];
	uint8_t pinned[VOLUMES_MAX];
	const char *uuids[VOLUMES_MAX];
	size_t nv = luksdxe_volumes(vols, pinned, NULL, uuids, VOLUMES_MAX);
	for (size_t i = 0; i < nv; i++) {
		const uint8_t *p = (const uint8_t *)path;
		size_t off = 0;
		for (unsigned guard = 0; guard < 1024 && off < vols[i].len; guard++) {
			const EFI_DEVICE_PATH_PROTOCOL *node = (const void *)(p + off);
			size_t nl = DevicePathNodeLength(node);
			if (nl < sizeof(*node) || IsDevicePathEnd(node) || nl > vols[i].len - off ||
			    memcmp(p + off, vols[i].bytes + off, nl) != 0)
				break;
			off += nl;
		}
		if (off == vols[i].len && off >= sizeof(LUKSDXE_VENDOR_NODE))
			return 1;
	}
	return 0;
}

static EFI_STATUS EFIAPI fs_supported(EFI_DRIVER_BINDING_PROTOCOL *This, EFI_HANDLE ctrl,
				      EFI_DEVICE_PATH_PROTOCOL *remaining)
{
	EFI_DEVICE_PATH_PROTOCOL *path;
	EFI_DISK_IO_PROTOCOL *dio;
	EFI_BLOCK_IO_PROTOCOL *bio;
	(void)remaining; /* no children */
	EFI_STATUS st = luksdxe_bs->OpenProtocol(ctrl, &guid_device_path, (void **)&path,
						 This->DriverBindingHandle, ctrl,
						 EFI_OPEN_PROTOCOL_GET_PROTOCOL);
	if (st != EFI_SUCCESS || !on_unlocked_volume(path))
		return EFI_UNSUPPORTED;
	st = luksdxe_bs->OpenProtocol(ctrl, &guid_disk_io, (void **)&dio, This->DriverBindingHandle,
				      ctrl, EFI_OPEN_PROTOCOL_BY_DRIVER);
	if (st != EFI_SUCCESS)
		return st;
	st = luksdxe_bs->OpenProtocol(ctrl, &guid_block_io, (void **)&bio, This->DriverBindingHandle,
				      ctrl, EFI_OPEN_PROTOCOL_GET_PROTOCOL);
	if (st == EFI_SUCCESS) {
		if (!bio->Media->MediaPresent) {
			st = EFI_UNSUPPORTED;
		} else { /* cheap: one read of the superblock's magic */
			luksdxe_disk disk;
			ld_blockdev dev;
			luksdxe_blockdev_init(&dev, &disk, dio, bio->Media);
			st = ld_ext4_probe(&dev) == LD_OK ? EFI_SUCCESS : EFI_UNSUPPORTED;
		}
	}
	luksdxe_bs->CloseProtocol(ctrl, &guid_disk_io, This->DriverBindingHandle, ctrl);
	return st;
}

static EFI_STATUS EFIAPI fs_start(EFI_DRIVER_BINDING_PROTOCOL *This, EFI_HANDLE ctrl,
				  EFI_DEVICE_PATH_PROTOCOL *remaining)
{
	EFI_HANDLE self = This->DriverBindingHandle;
	EFI_DEVICE_PATH_PROTOCOL *path;
	EFI_DISK_IO_PROTOCOL *dio;
	EFI_BLOCK_IO_PROTOCOL *bio;
	char err[128];
	(void)remaining;
	EFI_STATUS st = luksdxe_bs->OpenProtocol(ctrl, &guid_device_path, (void **)&path, self,
						 ctrl, EFI_OPEN_PROTOCOL_GET_PROTOCOL);
	if (st != EFI_SUCCESS || !on_unlocked_volume(path))
		return EFI_UNSUPPORTED;
	st = luksdxe_bs->OpenProtocol(ctrl, &guid_disk_io, (void **)&dio, self, ctrl,
				      EFI_OPEN_PROTOCOL_BY_DRIVER);
	if (st != EFI_SUCCESS)
		return st;
	fs_vol *v = NULL;
	st = luksdxe_bs->OpenProtocol(ctrl, &guid_block_io, (void **)&bio, self, ctrl,
				      EFI_OPEN_PROTOCOL_GET_PROTOCOL);
	if (st != EFI_SUCCESS)
		goto fail;
	v = luksdxe_alloc.alloc(NULL, sizeof(*v));
	if (!v) {
		st = EFI_OUT_OF_RESOURCES;
		goto fail;
	}
	v->signature = FS_VOL_SIGNATURE;
	v->controller = ctrl;
	luksdxe_blockdev_init(&v->bdev, &v->disk, dio, bio->Media);
	int r = ld_ext4_mount(&v->fs, &v->bdev, &luksdxe_alloc, err, sizeof(err));
	if (r != LD_OK) {
		luksdxe_con_printf("LuksDxe: ext4 not mounted: %s\n", err);
		v->fs = NULL;
		st = efi_status(r);
		goto fail;
	}
	v->sfs.Revision = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_REVISION;
	v->sfs.OpenVolume = open_volume;
	st = luksdxe_bs->InstallProtocolInterface(&ctrl, &guid_sfs, EFI_NATIVE_INTERFACE, &v->sfs);
	if (st != EFI_SUCCESS)
		goto fail;
	v->next = live_vols;
	live_vols = v;
	const ld_ext4_info *in = ld_ext4_get_info(v->fs);
	luksdxe_con_printf("LuksDxe: %s file system %s mounted read-only%s\n", in->kind, in->uuid_str,
			   in->needs_recovery ? " (journal not replayed: contents may be stale)" : "");
	return EFI_SUCCESS;
fail:
	if (v) {
		ld_ext4_unmount(v->fs);
		vol_free(v);
	}
	luksdxe_bs->CloseProtocol(ctrl, &guid_disk_io, self, ctrl);
	return st;
}

static EFI_STATUS stop_volume(EFI_DRIVER_BINDING_PROTOCOL *This, EFI_HANDLE ctrl)
{
	fs_vol *v = live_vols;
	while (v && v->controller != ctrl)
		v = v->next;
	if (!v)
		return EFI_DEVICE_ERROR;
	/* Fails if a consumer holds SimpleFileSystem BY_DRIVER: then nothing changes. */
	EFI_STATUS st = luksdxe_bs->UninstallProtocolInterface(ctrl, &guid_sfs, &v->sfs);
	if (st != EFI_SUCCESS)
		return st;
	unlink_vol(&live_vols, v);
	for (fs_file *f = v->files; f; f = f->next) {
		ld_ext4_close(f->f);
		f->f = NULL; /* the handle stays valid; its calls now fail */
	}
	ld_ext4_unmount(v->fs);
	v->fs = NULL;
	luksdxe_bs->CloseProtocol(ctrl, &guid_disk_io, This->DriverBindingHandle, ctrl);
	if (v->files) {
		v->next = stopped_vols;
		stopped_vols = v;
	} else {
		vol_free(v);
	}
	return EFI_SUCCESS;
}

/* ---- component name (the shell's `drivers` and `devices`) ------------------------------ */

static CHAR16 fs_driver_name[] = u"LuksDxe read-only ext4 file system " LUKSDXE_VERSION;
static CHAR16 fs_controller_name[] = u"ext4 file system (read-only, in a LUKS volume)";

static int lang_en(const CHAR8 *lang)
{
	return lang && lang[0] == 'e' && lang[1] == 'n' && (lang[2] == 0 || lang[2] == '-');
}

static EFI_STATUS EFIAPI fs_name_driver(EFI_COMPONENT_NAME2_PROTOCOL *This, CHAR8 *Language,
					CHAR16 **DriverName)
{
	(void)This;
	if (!Language || !DriverName)
		return EFI_INVALID_PARAMETER;
	if (!lang_en(Language))
		return EFI_UNSUPPORTED;
	*DriverName = fs_driver_name;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI fs_name_controller(EFI_COMPONENT_NAME2_PROTOCOL *This, EFI_HANDLE ctrl,
					    EFI_HANDLE child, CHAR8 *Language, CHAR16 **Name)
{
	(void)This;
	if (!ctrl || !Language || !Name)
		return EFI_INVALID_PARAMETER;
	if (!lang_en(Language))
		return EFI_UNSUPPORTED;
	if (child) /* we make no children */
		return EFI_UNSUPPORTED;
	for (fs_vol *v = live_vols; v; v = v->next)
		if (v->controller == ctrl) {
			*Name = fs_controller_name;
			return EFI_SUCCESS;
		}
	return EFI_UNSUPPORTED;
}

static EFI_COMPONENT_NAME2_PROTOCOL fs_name2 = {
	.GetDriverName = fs_name_driver,
	.GetControllerName = fs_name_controller,
	.SupportedLanguages = (CHAR8 *)"en",
};

static EFI_STATUS EFIAPI fs_stop(EFI_DRIVER_BINDING_PROTOCOL *This, EFI_HANDLE ctrl,
				 UINTN nchildren, EFI_HANDLE *children)
{
	(void)nchildren; /* we create no children */
	(void)children;
	EFI_TPL t = tpl_enter();
	return tpl_leave(t, stop_volume(This, ctrl));
}

EFI_STATUS luksdxe_ext4fs_install(EFI_HANDLE image)
{
	live_vols = NULL;
	stopped_vols = NULL;
	fs_binding.Supported = fs_supported;
	fs_binding.Start = fs_start;
	fs_binding.Stop = fs_stop;
	fs_binding.Version = 0x10;
	fs_binding.ImageHandle = image;
	fs_binding_handle = NULL; /* a new handle */
	EFI_STATUS st = luksdxe_bs->InstallProtocolInterface(&fs_binding_handle, &guid_binding,
							     EFI_NATIVE_INTERFACE, &fs_binding);
	if (st != EFI_SUCCESS) {
		fs_binding_handle = NULL;
		return st;
	}
	fs_binding.DriverBindingHandle = fs_binding_handle;
	/* Only a name: the file system works without it. */
	luksdxe_bs->InstallProtocolInterface(&fs_binding_handle, &guid_name2, EFI_NATIVE_INTERFACE,
					     &fs_name2);
	return EFI_SUCCESS;
}

EFI_STATUS luksdxe_ext4fs_uninstall(void)
{
	if (!fs_binding_handle)
		return EFI_SUCCESS;
	if (stopped_vols)
		return EFI_ACCESS_DENIED;
	for (fs_vol *v = live_vols; v; v = v->next)
		if (v->files)
			return EFI_ACCESS_DENIED;
	while (live_vols) {
		fs_vol *v = live_vols;
		EFI_STATUS st = luksdxe_bs->DisconnectController(v->controller, fs_binding_handle, NULL);
		if (st != EFI_SUCCESS || live_vols == v)
			return st != EFI_SUCCESS ? st : EFI_DEVICE_ERROR;
	}
	/* An interface left installed would point into the freed image: stop at a failure. */
	EFI_STATUS st = luksdxe_bs->UninstallProtocolInterface(fs_binding_handle, &guid_name2,
							       &fs_name2);
	if (st != EFI_SUCCESS)
		return st;
	st = luksdxe_bs->UninstallProtocolInterface(fs_binding_handle, &guid_binding, &fs_binding);
	if (st == EFI_SUCCESS)
		fs_binding_handle = NULL;
	else
		luksdxe_bs->InstallProtocolInterface(&fs_binding_handle, &guid_name2,
						     EFI_NATIVE_INTERFACE, &fs_name2);
	return st;
}

EFI_HANDLE luksdxe_ext4fs_binding_handle(void)
{
	return fs_binding_handle;
}
