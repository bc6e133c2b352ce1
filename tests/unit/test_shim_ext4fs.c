/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The ext4 SimpleFileSystem of efi/ext4fs.c on the host shim: an ext4 image made by
 * `mke2fs -d` from a source tree, encrypted in place by cryptsetup (tests/shim/mkext4.sh),
 * unlocked by the real LuksDxe binding; the test plays DiskIoDxe (a DiskIo over the
 * child's BlockIo) and PartitionDxe (a handle whose path extends the child's).  Oracles:
 * the source tree on the host (names through glibc's iconv to UCS-2, bytes, sizes, types,
 * modification times through gmtime). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <iconv.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "shim.h"
#include "luksdxe.h"
#include "ext4fs.h"
#include "secret/secret_table.h"
#include "base/uuid.h"
#include "common/testutil.h"

#define IMG "build/shim-images-ext4"
#define VOL_UUID "7e4f3a2b-1c0d-4e5f-8a9b-0c1d2e3f4a5b"

static EFI_GUID g_bio = EFI_BLOCK_IO_PROTOCOL_GUID;
static EFI_GUID g_dio = EFI_DISK_IO_PROTOCOL_GUID;
static EFI_GUID g_dp = EFI_DEVICE_PATH_PROTOCOL_GUID;
static EFI_GUID g_sfs = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
static EFI_GUID g_finfo = EFI_FILE_INFO_ID;
static EFI_GUID g_fsinfo = EFI_FILE_SYSTEM_INFO_ID;
static EFI_GUID g_label = EFI_FILE_SYSTEM_VOLUME_LABEL_ID;

static int group_setup(void **state)
{
	(void)state;
	return system("bash tests/shim/mkext4.sh " IMG) == 0 ? 0 : -1;
}

/* ---- the test's DiskIoDxe: DiskIo over a BlockIo ----------------------------------- */
typedef struct {
	EFI_DISK_IO_PROTOCOL dio; /* first */
	EFI_BLOCK_IO_PROTOCOL *bio;
	EFI_HANDLE handle;
	uint8_t path[256];
} disk_io_over;

static EFI_TPL read_tpl; /* the TPL of the last read */

static EFI_STATUS EFIAPI over_read(EFI_DISK_IO_PROTOCOL *This, UINT32 MediaId, UINT64 Offset,
				   UINTN Size, VOID *Buffer)
{
	disk_io_over *o = (disk_io_over *)This;
	read_tpl = shim_tpl();
	UINT32 bs = o->bio->Media->BlockSize;
	UINT64 first = Offset / bs, last = (Offset + Size + bs - 1) / bs;
	if (Size == 0)
		return EFI_SUCCESS;
	uint8_t *tmp = malloc((last - first) * bs);
	EFI_STATUS st = o->bio->ReadBlocks(o->bio, MediaId, first, (last - first) * bs, tmp);
	if (st == EFI_SUCCESS)
		memcpy(Buffer, tmp + (Offset - first * bs), Size);
	free(tmp);
	return st;
}

static EFI_STATUS EFIAPI over_write(EFI_DISK_IO_PROTOCOL *This, UINT32 MediaId, UINT64 Offset,
				    UINTN Size, VOID *Buffer)
{
	(void)This; (void)MediaId; (void)Offset; (void)Size; (void)Buffer;
	fail_msg("the file system wrote to the disk");
	return EFI_WRITE_PROTECTED;
}

static size_t dp_len(const EFI_DEVICE_PATH_PROTOCOL *p) /* with the end node */
{
	const uint8_t *b = (const uint8_t *)p;
	size_t n = 0;
	while (!(b[n] == 0x7f && b[n + 1] == 0xff))
		n += b[n + 2] | b[n + 3] << 8;
	return n + 4;
}

/* DiskIo on h itself (the child), or - with extra nodes - on a new handle whose path is
 * h's path followed by extra (a partition inside it), with h's BlockIo. */
static void over_install(disk_io_over *o, EFI_HANDLE h, const uint8_t *extra, size_t extra_n)
{
	memset(o, 0, sizeof(*o));
	o->dio.Revision = EFI_DISK_IO_PROTOCOL_REVISION;
	o->dio.ReadDisk = over_read;
	o->dio.WriteDisk = over_write;
	o->bio = shim_protocol(h, &g_bio);
	assert_non_null(o->bio);
	if (!extra) {
		o->handle = h;
		assert_int_equal(shim_bs.InstallProtocolInterface(&o->handle, &g_dio,
								  EFI_NATIVE_INTERFACE, &o->dio), EFI_SUCCESS);
		return;
	}
	EFI_DEVICE_PATH_PROTOCOL *p = shim_protocol(h, &g_dp);
	size_t n = dp_len(p) - 4;
	assert_true(n + extra_n + 4 <= sizeof(o->path));
	memcpy(o->path, p, n);
	memcpy(o->path + n, extra, extra_n);
	memcpy(o->path + n + extra_n, "\x7f\xff\x04\x00", 4);
	o->handle = NULL;
	assert_int_equal(shim_bs.InstallProtocolInterface(&o->handle, &g_dp, EFI_NATIVE_INTERFACE,
							  o->path), EFI_SUCCESS);
	assert_int_equal(shim_bs.InstallProtocolInterface(&o->handle, &g_bio, EFI_NATIVE_INTERFACE,
							  o->bio), EFI_SUCCESS);
	assert_int_equal(shim_bs.InstallProtocolInterface(&o->handle, &g_dio, EFI_NATIVE_INTERFACE,
							  &o->dio), EFI_SUCCESS);
}

/* ---- fixtures ---------------------------------------------------------------------- */
static EFI_HANDLE image, child;
static shim_disk *disk, *plain;
static disk_io_over child_dio;
static EFI_FILE_PROTOCOL *root;

static void fwcfg_secret(void)
{
	size_t plen, len;
	uint8_t *pass = tu_read_file(IMG "/vol.pass", &plen);
	assert_non_null(pass);
	ld_secret_entry e;
	assert_int_equal(ld_guid_parse(VOL_UUID, strlen(VOL_UUID), e.guid), LD_OK);
	e.data = pass;
	e.len = plen;
	uint8_t *t = calloc(1, 4096);
	assert_int_equal(ld_secret_table_build(t, 4096, &len, &e, 1, 16), LD_OK);
	shim_fwcfg_reset(1);
	shim_fwcfg_add_file("opt/luksdxe/secret", t, len);
	free(t);
	free(pass);
}

static EFI_STATUS fs_connect(EFI_HANDLE h)
{
	return shim_connect(luksdxe_ext4fs_binding_handle(), h);
}

/* Loads the driver, unlocks vol.img, gives the child a DiskIo; the file system is not
 * connected yet. */
static int setup(void **state)
{
	(void)state;
	shim_reset();
	root = NULL;
	plain = NULL;
	assert_int_equal(shim_load_driver(&image), EFI_SUCCESS);
	assert_non_null(luksdxe_ext4fs_binding_handle());
	assert_ptr_not_equal(luksdxe_ext4fs_binding_handle(), image);
	fwcfg_secret();
	disk = shim_disk_open(IMG "/vol.img", 512);
	assert_non_null(disk);
	assert_int_equal(shim_connect(image, shim_disk_handle(disk)), EFI_SUCCESS);
	EFI_HANDLE kids[2];
	assert_int_equal(shim_children(shim_disk_handle(disk), &g_dio, kids, 2), 1);
	child = kids[0];
	over_install(&child_dio, child, NULL, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(shim_tpl(), TPL_APPLICATION); /* every call restored the TPL */
	if (plain)
		shim_disk_close(plain);
	shim_disk_close(disk);
	shim_reset();
	return 0;
}

/* Connects the file system to the child and opens its root. */
static void mount_child(void)
{
	assert_int_equal(fs_connect(child), EFI_SUCCESS);
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *sfs = shim_protocol(child, &g_sfs);
	assert_non_null(sfs);
	assert_int_equal(sfs->OpenVolume(sfs, &root), EFI_SUCCESS);
	assert_non_null(strstr(shim_console(), "ext4 file system"));
	EFI_GUID g_name2 = EFI_COMPONENT_NAME2_PROTOCOL_GUID;
	EFI_COMPONENT_NAME2_PROTOCOL *cn = shim_protocol(luksdxe_ext4fs_binding_handle(), &g_name2);
	assert_non_null(cn);
	CHAR16 *nm;
	assert_int_equal(cn->GetControllerName(cn, child, NULL, (CHAR8 *)"en", &nm), EFI_SUCCESS);
	assert_int_equal(nm[0], 'e');
	assert_int_equal(cn->GetControllerName(cn, shim_disk_handle(disk), NULL, (CHAR8 *)"en", &nm),
			 EFI_UNSUPPORTED);
}

/* UTF-8 -> UCS-2 through glibc's iconv (the oracle); -1 if UCS-2 cannot hold it. */
static long to_ucs2(const char *s, CHAR16 *out, size_t max)
{
	iconv_t cd = iconv_open("UCS-2LE", "UTF-8");
	assert_true(cd != (iconv_t)-1);
	char *in = (char *)s, *o = (char *)out;
	size_t il = strlen(s), ol = (max - 1) * 2;
	size_t r = iconv(cd, &in, &il, &o, &ol);
	iconv_close(cd);
	if (r == (size_t)-1 || il)
		return -1;
	long n = (long)((max - 1) * 2 - ol) / 2;
	out[n] = 0;
	return n;
}

static void w(CHAR16 *out, const char *s) /* UTF-8 literal -> UCS-2 (must fit) */
{
	assert_true(to_ucs2(s, out, 512) >= 0);
}

static EFI_STATUS open_path(EFI_FILE_PROTOCOL *from, EFI_FILE_PROTOCOL **f, const char *p)
{
	CHAR16 name[512];
	w(name, p);
	return from->Open(from, f, name, EFI_FILE_MODE_READ, 0);
}

static uint8_t *read_all(EFI_FILE_PROTOCOL *f, size_t chunk, size_t *n)
{
	size_t cap = 1 << 20, len = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		UINTN sz = chunk;
		assert_true(len + chunk <= cap);
		assert_int_equal(f->Read(f, &sz, buf + len), EFI_SUCCESS);
		assert_true(sz <= chunk);
		if (sz == 0)
			break;
		len += sz;
	}
	*n = len;
	return buf;
}

static void expect_content(EFI_FILE_PROTOCOL *from, const char *path, const char *want)
{
	EFI_FILE_PROTOCOL *f;
	assert_int_equal(open_path(from, &f, path), EFI_SUCCESS);
	size_t n;
	uint8_t *got = read_all(f, 7, &n);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(got, want, n);
	free(got);
	assert_int_equal(f->Close(f), EFI_SUCCESS);
}

/* Reads one directory record (BUFFER_TOO_SMALL first, with the size it then needs). */
static EFI_FILE_INFO *next_entry(EFI_FILE_PROTOCOL *d)
{
	UINTN sz = 0;
	EFI_STATUS st = d->Read(d, &sz, NULL);
	if (st == EFI_SUCCESS) {
		assert_int_equal(sz, 0);
		return NULL;
	}
	assert_int_equal(st, EFI_BUFFER_TOO_SMALL);
	assert_true(sz > SIZE_OF_EFI_FILE_INFO);
	UINTN need = sz;
	sz = need - 1;
	EFI_FILE_INFO *fi = malloc(need);
	assert_int_equal(d->Read(d, &sz, fi), EFI_BUFFER_TOO_SMALL);
	assert_int_equal(sz, need);
	assert_int_equal(d->Read(d, &sz, fi), EFI_SUCCESS);
	assert_int_equal(sz, need);
	assert_int_equal(fi->Size, need);
	return fi;
}

static int ucs2_eq(const CHAR16 *a, const CHAR16 *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static void expect_time(const EFI_TIME *t, time_t s)
{
	struct tm tm;
	gmtime_r(&s, &tm);
	assert_int_equal(t->Year, tm.tm_year + 1900);
	assert_int_equal(t->Month, tm.tm_mon + 1);
	assert_int_equal(t->Day, tm.tm_mday);
	assert_int_equal(t->Hour, tm.tm_hour);
	assert_int_equal(t->Minute, tm.tm_min);
	assert_int_equal(t->Second, tm.tm_sec);
	assert_int_equal(t->TimeZone, 0);
}

/* The whole listing of d, from its start. */
#define LIST_MAX 512
static unsigned list_dir(EFI_FILE_PROTOCOL *d, EFI_FILE_INFO **out)
{
	unsigned n = 0;
	EFI_FILE_INFO *fi;
	assert_int_equal(d->SetPosition(d, 0), EFI_SUCCESS);
	while ((fi = next_entry(d))) {
		assert_true(n < LIST_MAX);
		out[n++] = fi;
	}
	return n;
}

/* Compares directory d (open on the volume) with host directory dir, recursively;
 * returns the number of files whose bytes were compared. */
static unsigned walk(EFI_FILE_PROTOCOL *d, const char *dir, int is_root)
{
	unsigned files = 0, expected = 0;
	static EFI_FILE_INFO *ents_buf[8][LIST_MAX];
	static int depth;
	assert_true(depth < 8);
	EFI_FILE_INFO **ents = ents_buf[depth++];
	unsigned nents = list_dir(d, ents);
	DIR *h = opendir(dir);
	assert_non_null(h);
	struct dirent *de;
	/* Every host entry UCS-2 can name must be listed with the same facts. */
	while ((de = readdir(h))) {
		CHAR16 name[512];
		char p[1024];
		if (to_ucs2(de->d_name, name, 512) < 0)
			continue;
		if (is_root && (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")))
			continue;
		expected++;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		struct stat sb;
		int resolves = stat(p, &sb) == 0;
		if (!resolves)
			assert_int_equal(lstat(p, &sb), 0);
		EFI_FILE_INFO *fi = NULL;
		for (unsigned i = 0; i < nents && !fi; i++)
			if (ucs2_eq(ents[i]->FileName, name))
				fi = ents[i];
		if (!fi)
			fail_msg("%s not listed", p);
		assert_true(fi->Attribute & EFI_FILE_READ_ONLY);
		assert_int_equal(!!(fi->Attribute & EFI_FILE_DIRECTORY), resolves && S_ISDIR(sb.st_mode));
		if (S_ISREG(sb.st_mode)) {
			assert_int_equal(fi->FileSize, sb.st_size);
			expect_time(&fi->ModificationTime, sb.st_mtime);
		}
		if (!resolves || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		EFI_FILE_PROTOCOL *f;
		assert_int_equal(d->Open(d, &f, name, EFI_FILE_MODE_READ, 0), EFI_SUCCESS);
		if (S_ISDIR(sb.st_mode)) {
			files += walk(f, p, 0);
		} else {
			size_t hn, n;
			uint8_t *want = tu_read_file(p, &hn);
			uint8_t *got = read_all(f, 4093, &n); /* odd chunks */
			assert_int_equal(n, hn);
			assert_memory_equal(got, want, n);
			free(got);
			free(want);
			files++;
		}
		assert_int_equal(f->Close(f), EFI_SUCCESS);
	}
	closedir(h);
	/* ... and nothing else (mke2fs adds lost+found to the root). */
	CHAR16 lf[16];
	w(lf, "lost+found");
	unsigned seen = 0;
	for (unsigned i = 0; i < nents; i++) {
		if (!(is_root && ucs2_eq(ents[i]->FileName, lf)))
			seen++;
		free(ents[i]);
	}
	depth--;
	assert_int_equal(seen, expected);
	return files;
}

/* ---- tests ---------------------------------------------------------------------------- */

static void test_tree(void **state)
{
	(void)state;
	mount_child();
	unsigned files = walk(root, IMG "/src", 1);
	/* hello, big, empty, old, future, inner/file, case, Case, 2 non-ASCII, 300 in many,
	 * links that resolve to files: link, abslink, sub/up; dirlink's tree again. */
	assert_int_equal(files, 5 + 1 + 2 + 2 + 300 + 3 + 1);
	assert_int_equal(root->Close(root), EFI_SUCCESS);
	assert_int_equal(shim_disk_writes(disk), 0);
}

static void test_unrepresentable_skipped(void **state)
{
	(void)state;
	mount_child();
	EFI_FILE_INFO *fi;
	unsigned n = 0;
	while ((fi = next_entry(root))) {
		for (CHAR16 *c = fi->FileName; *c; c++)
			assert_true(*c != 0xfffd); /* skipped, not mapped */
		n++;
		free(fi);
	}
	/* 19 names in src's root, 2 of them unrepresentable, plus lost+found; no . and .. */
	assert_int_equal(n, 19 - 2 + 1);
	root->Close(root);
}

static void test_paths(void **state)
{
	(void)state;
	mount_child();
	EFI_FILE_PROTOCOL *sub, *inner, *f;
	expect_content(root, "\\hello.txt", "hello from ext4\n");
	expect_content(root, "hello.txt", "hello from ext4\n");
	expect_content(root, ".\\hello.txt", "hello from ext4\n");
	expect_content(root, "\\..\\hello.txt", "hello from ext4\n"); /* root's parent: root */
	expect_content(root, "\\sub\\..\\hello.txt", "hello from ext4\n");
	expect_content(root, "sub\\\\inner\\file", "inner file\n");
	assert_int_equal(open_path(root, &sub, "\\sub"), EFI_SUCCESS);
	expect_content(sub, "inner\\file", "inner file\n");
	expect_content(sub, "..\\hello.txt", "hello from ext4\n");
	expect_content(sub, "\\hello.txt", "hello from ext4\n");
	/* symlinks: relative, absolute (from the fs root), to a directory, with ".." */
	expect_content(root, "link", "hello from ext4\n");
	expect_content(root, "abslink", "inner file\n");
	expect_content(root, "dirlink\\inner\\file", "inner file\n");
	expect_content(sub, "up", "hello from ext4\n");
	assert_int_not_equal(open_path(root, &f, "loop1"), EFI_SUCCESS);
	assert_int_equal(open_path(root, &f, "dangling"), EFI_NOT_FOUND);
	/* case-sensitive, non-ASCII */
	expect_content(root, "case", "lower\n");
	expect_content(root, "Case", "UPPER\n");
	assert_int_equal(open_path(root, &f, "CASE"), EFI_NOT_FOUND);
	expect_content(root, "héllo wörld.txt", "accents\n");
	expect_content(root, "\\日本語", "cjk\n");
	assert_int_equal(open_path(root, &f, "nope"), EFI_NOT_FOUND);
	assert_int_equal(open_path(root, &f, "hello.txt\\x"), EFI_NOT_FOUND);
	CHAR16 slash[] = u"sub/inner";
	assert_int_equal(root->Open(root, &f, slash, EFI_FILE_MODE_READ, 0), EFI_NOT_FOUND);
	CHAR16 lone[] = { 'a', 0xd800, 0 };
	assert_int_equal(root->Open(root, &f, lone, EFI_FILE_MODE_READ, 0), EFI_NOT_FOUND);
	/* a file handle has no relative names */
	assert_int_equal(open_path(root, &f, "hello.txt"), EFI_SUCCESS);
	EFI_FILE_PROTOCOL *g;
	assert_int_equal(open_path(f, &g, "x"), EFI_NOT_FOUND);
	expect_content(f, "\\case", "lower\n");
	f->Close(f);
	/* the name of a handle reached through ".." or "." is its own */
	assert_int_equal(open_path(sub, &inner, "inner\\.."), EFI_SUCCESS);
	UINTN sz = 512;
	EFI_FILE_INFO *fi = malloc(sz);
	assert_int_equal(inner->GetInfo(inner, &g_finfo, &sz, fi), EFI_SUCCESS);
	CHAR16 want[8];
	w(want, "sub");
	assert_true(ucs2_eq(fi->FileName, want));
	assert_true(fi->Attribute & EFI_FILE_DIRECTORY);
	inner->Close(inner);
	/* "." and "" from a handle: its own name */
	assert_int_equal(open_path(sub, &inner, "."), EFI_SUCCESS);
	sz = 512;
	assert_int_equal(inner->GetInfo(inner, &g_finfo, &sz, fi), EFI_SUCCESS);
	assert_true(ucs2_eq(fi->FileName, want));
	inner->Close(inner);
	assert_int_equal(open_path(sub, &inner, ""), EFI_SUCCESS);
	sz = 512;
	assert_int_equal(inner->GetInfo(inner, &g_finfo, &sz, fi), EFI_SUCCESS);
	assert_true(ucs2_eq(fi->FileName, want));
	inner->Close(inner);
	assert_int_equal(open_path(sub, &inner, ".."), EFI_SUCCESS);
	sz = 512;
	assert_int_equal(inner->GetInfo(inner, &g_finfo, &sz, fi), EFI_SUCCESS);
	assert_int_equal(fi->FileName[0], 0); /* the root */
	inner->Close(inner);
	free(fi);
	sub->Close(sub);
	root->Close(root);
}

static void test_write_refused(void **state)
{
	(void)state;
	mount_child();
	size_t base = shim_live_allocs();
	EFI_FILE_PROTOCOL *f;
	CHAR16 name[] = u"hello.txt", fresh[] = u"new.txt";
	assert_int_equal(root->Open(root, &f, name, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, 0),
			 EFI_WRITE_PROTECTED);
	assert_int_equal(root->Open(root, &f, fresh, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE |
				    EFI_FILE_MODE_CREATE, 0), EFI_WRITE_PROTECTED);
	assert_int_equal(root->Open(root, &f, name, EFI_FILE_MODE_WRITE, 0), EFI_INVALID_PARAMETER);
	assert_int_equal(root->Open(root, &f, name, 0, 0), EFI_INVALID_PARAMETER);
	assert_int_equal(shim_live_allocs(), base);
	assert_int_equal(root->Open(root, &f, name, EFI_FILE_MODE_READ, 0), EFI_SUCCESS);
	UINTN sz = 4;
	assert_int_equal(f->Write(f, &sz, "abcd"), EFI_WRITE_PROTECTED);
	assert_int_equal(sz, 0);
	uint8_t info[256];
	sz = sizeof(info);
	assert_int_equal(f->GetInfo(f, &g_finfo, &sz, info), EFI_SUCCESS);
	assert_int_equal(f->SetInfo(f, &g_finfo, sz, info), EFI_WRITE_PROTECTED);
	assert_int_equal(f->Flush(f), EFI_WRITE_PROTECTED);
	assert_int_equal(f->Delete(f), EFI_WARN_DELETE_FAILURE);
	assert_int_equal(shim_live_allocs(), base); /* Delete closed the handle */
	expect_content(root, "hello.txt", "hello from ext4\n"); /* still there */
	root->Close(root);
	assert_int_equal(shim_disk_writes(disk), 0);
}

static void test_positions(void **state)
{
	(void)state;
	mount_child();
	EFI_FILE_PROTOCOL *f;
	size_t hn;
	uint8_t *want = tu_read_file(IMG "/src/big.bin", &hn);
	assert_int_equal(open_path(root, &f, "big.bin"), EFI_SUCCESS);
	uint8_t buf[70000];
	UINT64 pos;
	/* > 64 KiB in one read, across a position set in the middle */
	assert_int_equal(f->SetPosition(f, 12345), EFI_SUCCESS);
	UINTN sz = sizeof(buf);
	read_tpl = 0;
	assert_int_equal(f->Read(f, &sz, buf), EFI_SUCCESS);
	assert_int_equal(read_tpl, TPL_CALLBACK); /* the file system ran under its TPL guard */
	assert_int_equal(shim_tpl(), TPL_APPLICATION);
	assert_int_equal(sz, sizeof(buf));
	assert_memory_equal(buf, want + 12345, sz);
	assert_int_equal(f->GetPosition(f, &pos), EFI_SUCCESS);
	assert_int_equal(pos, 12345 + sizeof(buf));
	/* the end: all ones */
	assert_int_equal(f->SetPosition(f, UINT64_MAX), EFI_SUCCESS);
	assert_int_equal(f->GetPosition(f, &pos), EFI_SUCCESS);
	assert_int_equal(pos, hn);
	sz = 10;
	assert_int_equal(f->Read(f, &sz, buf), EFI_SUCCESS);
	assert_int_equal(sz, 0);
	/* the last bytes, a short read */
	assert_int_equal(f->SetPosition(f, hn - 3), EFI_SUCCESS);
	sz = 10;
	assert_int_equal(f->Read(f, &sz, buf), EFI_SUCCESS);
	assert_int_equal(sz, 3);
	assert_memory_equal(buf, want + hn - 3, 3);
	/* past the end */
	assert_int_equal(f->SetPosition(f, hn + 10), EFI_SUCCESS);
	sz = 10;
	assert_int_equal(f->Read(f, &sz, buf), EFI_DEVICE_ERROR);
	f->Close(f);
	free(want);
	/* directories: no byte position; only 0, which rewinds */
	assert_int_equal(root->GetPosition(root, &pos), EFI_UNSUPPORTED);
	assert_int_equal(root->SetPosition(root, 5), EFI_UNSUPPORTED);
	EFI_FILE_INFO *a = next_entry(root), *b = next_entry(root);
	assert_false(ucs2_eq(a->FileName, b->FileName));
	assert_int_equal(root->SetPosition(root, 0), EFI_SUCCESS);
	EFI_FILE_INFO *c = next_entry(root);
	assert_true(ucs2_eq(a->FileName, c->FileName));
	free(a);
	free(b);
	free(c);
	root->Close(root);
}

static void test_info(void **state)
{
	(void)state;
	mount_child();
	EFI_FILE_PROTOCOL *f;
	assert_int_equal(open_path(root, &f, "hello.txt"), EFI_SUCCESS);
	UINTN sz = 0;
	assert_int_equal(f->GetInfo(f, &g_finfo, &sz, NULL), EFI_BUFFER_TOO_SMALL);
	assert_int_equal(sz, SIZE_OF_EFI_FILE_INFO + 10 * sizeof(CHAR16));
	EFI_FILE_INFO *fi = malloc(sz);
	assert_int_equal(f->GetInfo(f, &g_finfo, &sz, fi), EFI_SUCCESS);
	CHAR16 want[16];
	w(want, "hello.txt");
	assert_true(ucs2_eq(fi->FileName, want));
	assert_int_equal(fi->FileSize, 16);
	assert_int_equal(fi->Attribute, EFI_FILE_READ_ONLY);
	/* touch -d '2001-02-03 04:05:06' in UTC (mkext4.sh) */
	assert_int_equal(fi->ModificationTime.Year, 2001);
	assert_int_equal(fi->ModificationTime.Month, 2);
	assert_int_equal(fi->ModificationTime.Day, 3);
	assert_int_equal(fi->ModificationTime.Hour, 4);
	assert_int_equal(fi->ModificationTime.Minute, 5);
	assert_int_equal(fi->ModificationTime.Second, 6);
	free(fi);
	EFI_GUID other = EFI_BLOCK_IO_PROTOCOL_GUID;
	sz = 64;
	uint8_t junk[64];
	assert_int_equal(f->GetInfo(f, &other, &sz, junk), EFI_UNSUPPORTED);
	f->Close(f);
	/* file system info and label: "lbl-é4", 8 MiB of 1 KiB blocks, read-only */
	CHAR16 label[16];
	w(label, "lbl-é4");
	sz = 0;
	assert_int_equal(root->GetInfo(root, &g_fsinfo, &sz, NULL), EFI_BUFFER_TOO_SMALL);
	assert_int_equal(sz, SIZE_OF_EFI_FILE_SYSTEM_INFO + 7 * sizeof(CHAR16));
	EFI_FILE_SYSTEM_INFO *si = malloc(sz);
	assert_int_equal(root->GetInfo(root, &g_fsinfo, &sz, si), EFI_SUCCESS);
	assert_int_equal(si->Size, sz);
	assert_true(si->ReadOnly);
	assert_int_equal(si->BlockSize, 1024);
	assert_int_equal(si->VolumeSize, 8u << 20);
	assert_true(si->FreeSpace > 0 && si->FreeSpace < si->VolumeSize);
	assert_true(ucs2_eq(si->VolumeLabel, label));
	free(si);
	sz = 0;
	assert_int_equal(root->GetInfo(root, &g_label, &sz, NULL), EFI_BUFFER_TOO_SMALL);
	assert_int_equal(sz, 7 * sizeof(CHAR16));
	CHAR16 got[7];
	assert_int_equal(root->GetInfo(root, &g_label, &sz, got), EFI_SUCCESS);
	assert_true(ucs2_eq(got, label));
	/* the root's own info: a directory with an empty name */
	sz = 256;
	uint8_t buf[256];
	assert_int_equal(root->GetInfo(root, &g_finfo, &sz, buf), EFI_SUCCESS);
	fi = (EFI_FILE_INFO *)buf;
	assert_int_equal(fi->Attribute, EFI_FILE_READ_ONLY | EFI_FILE_DIRECTORY);
	assert_int_equal(fi->FileName[0], 0);
	root->Close(root);
}

/* Only media on an unlocked LuksDxe volume: never the plaintext image, never the
 * encrypted parent, never a path that merely carries our vendor node. */
static void test_binding_scope(void **state)
{
	(void)state;
	EFI_HANDLE fsb = luksdxe_ext4fs_binding_handle();
	EFI_DRIVER_BINDING_PROTOCOL *b = shim_binding(fsb);
	assert_non_null(b);
	plain = shim_disk_open(IMG "/fs.img", 512);
	assert_non_null(plain);
	assert_int_equal(b->Supported(b, shim_disk_handle(plain), NULL), EFI_UNSUPPORTED);
	assert_int_equal(b->Start(b, shim_disk_handle(plain), NULL), EFI_UNSUPPORTED);
	assert_null(shim_protocol(shim_disk_handle(plain), &g_sfs));
	assert_int_equal(b->Supported(b, shim_disk_handle(disk), NULL), EFI_UNSUPPORTED);
	/* a forged path: a vendor node with our GUID and another UUID on the plain disk */
	disk_io_over forged;
	uint8_t node[36] = { 4, 4, 36, 0 };
	EFI_GUID vg = LUKSDXE_VENDOR_GUID;
	memcpy(node + 4, &vg, 16);
	memset(node + 20, 0x42, 16);
	over_install(&forged, shim_disk_handle(plain), node, sizeof(node));
	assert_int_equal(b->Supported(b, forged.handle, NULL), EFI_UNSUPPORTED);
	/* a partition inside the child (a hard-drive node after the child's path) binds */
	disk_io_over part;
	uint8_t hd[42] = { 4, 1, 42, 0, 1 };
	over_install(&part, child, hd, sizeof(hd));
	assert_int_equal(b->Supported(b, part.handle, NULL), EFI_SUCCESS);
	assert_int_equal(b->Start(b, part.handle, NULL), EFI_SUCCESS);
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *sfs = shim_protocol(part.handle, &g_sfs);
	assert_non_null(sfs);
	assert_int_equal(sfs->OpenVolume(sfs, &root), EFI_SUCCESS);
	expect_content(root, "abslink", "inner file\n");
	root->Close(root);
	assert_int_equal(shim_bs.DisconnectController(part.handle, fsb, NULL), EFI_SUCCESS);
	assert_null(shim_protocol(part.handle, &g_sfs));
	/* BY_DRIVER: while the partition is connected, the child is still free; a second
	 * Start on a bound handle is refused */
	assert_int_equal(fs_connect(child), EFI_SUCCESS);
	assert_int_equal(b->Supported(b, child, NULL), EFI_ALREADY_STARTED);
	assert_int_equal(shim_bs.DisconnectController(child, fsb, NULL), EFI_SUCCESS);
	/* a volume that is not ext4: the shim's random-bytes plaintext has no magic */
}

/* Stop while files are open: SimpleFileSystem goes, the handles stay valid memory and
 * answer EFI_NO_MEDIA until closed; unloading the driver is refused meanwhile. */
static void test_stop_with_open_files(void **state)
{
	(void)state;
	size_t base = shim_live_allocs();
	mount_child();
	EFI_FILE_PROTOCOL *f, *d;
	assert_int_equal(open_path(root, &f, "big.bin"), EFI_SUCCESS);
	assert_int_equal(open_path(root, &d, "sub"), EFI_SUCCESS);
	EFI_HANDLE fsb = luksdxe_ext4fs_binding_handle();
	assert_int_equal(shim_unload_driver(image), EFI_ACCESS_DENIED);
	assert_int_equal(shim_bs.DisconnectController(child, fsb, NULL), EFI_SUCCESS);
	assert_null(shim_protocol(child, &g_sfs));
	assert_int_equal(shim_open_count(child, &g_dio, EFI_OPEN_PROTOCOL_BY_DRIVER), 0);
	uint8_t buf[16];
	UINTN sz = sizeof(buf);
	assert_int_equal(f->Read(f, &sz, buf), EFI_NO_MEDIA);
	EFI_FILE_PROTOCOL *g;
	assert_int_equal(open_path(d, &g, "inner"), EFI_NO_MEDIA);
	assert_int_equal(shim_unload_driver(image), EFI_ACCESS_DENIED);
	assert_int_equal(f->Close(f), EFI_SUCCESS);
	assert_int_equal(d->Close(d), EFI_SUCCESS);
	assert_int_equal(root->Close(root), EFI_SUCCESS);
	assert_int_equal(shim_live_allocs(), base);
	/* connect again, then unload (which stops the file system first) */
	mount_child();
	assert_int_equal(root->Close(root), EFI_SUCCESS);
	assert_int_equal(shim_unload_driver(image), EFI_SUCCESS);
	assert_null(shim_protocol(child, &g_sfs));
	assert_null(shim_binding(fsb));
	assert_false(shim_handle_live(fsb));
}

/* Every allocation failing in turn: each call fails cleanly or works, nothing leaks. */
static void test_alloc_failures(void **state)
{
	(void)state;
	size_t base = shim_live_allocs();
	int completed = 0;
	for (long n = 0; n < 400 && !completed; n++) {
		shim_fail_allocs_after(n);
		EFI_STATUS st = fs_connect(child);
		if (st != EFI_SUCCESS) {
			assert_int_equal(st, EFI_OUT_OF_RESOURCES);
			assert_null(shim_protocol(child, &g_sfs));
			assert_int_equal(shim_live_allocs(), base);
			continue;
		}
		EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *sfs = shim_protocol(child, &g_sfs);
		EFI_FILE_PROTOCOL *r = NULL, *f = NULL, *d = NULL;
		st = sfs->OpenVolume(sfs, &r);
		if (st == EFI_SUCCESS)
			st = open_path(r, &f, "sub\\inner\\..\\..\\dirlink\\inner\\file");
		if (st == EFI_SUCCESS)
			st = open_path(r, &d, "many");
		uint8_t buf[32];
		UINTN sz = sizeof(buf);
		if (st == EFI_SUCCESS)
			st = f->Read(f, &sz, buf);
		if (st == EFI_SUCCESS) {
			EFI_FILE_INFO *fi = NULL;
			UINTN isz = 0;
			st = d->Read(d, &isz, NULL);
			if (st == EFI_BUFFER_TOO_SMALL) {
				fi = malloc(isz);
				st = d->Read(d, &isz, fi);
			}
			free(fi);
		}
		if (st == EFI_SUCCESS) {
			assert_int_equal(sz, 11);
			assert_memory_equal(buf, "inner file\n", 11);
			completed = 1;
		} else {
			assert_int_equal(st, EFI_OUT_OF_RESOURCES);
		}
		shim_fail_allocs_after(-1);
		if (d)
			d->Close(d);
		if (f)
			f->Close(f);
		if (r)
			r->Close(r);
		assert_int_equal(shim_bs.DisconnectController(child, luksdxe_ext4fs_binding_handle(),
							      NULL), EFI_SUCCESS);
		assert_int_equal(shim_live_allocs(), base);
	}
	shim_fail_allocs_after(-1);
	assert_true(completed);
}

/* Revision 2: the *Ex calls complete at once; with an event, through the token. */
static unsigned notified;
static VOID EFIAPI on_done(EFI_EVENT ev, VOID *ctx)
{
	(void)ev;
	(void)ctx;
	notified++;
}

static void test_revision2(void **state)
{
	(void)state;
	mount_child();
	assert_int_equal(root->Revision, EFI_FILE_PROTOCOL_REVISION2);
	EFI_EVENT ev;
	assert_int_equal(shim_bs.CreateEvent(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, on_done, NULL, &ev),
			 EFI_SUCCESS);
	notified = 0;
	EFI_FILE_IO_TOKEN tok = { 0 };
	EFI_FILE_PROTOCOL *f;
	CHAR16 name[] = u"hello.txt";
	/* blocking (no event): the result is returned */
	assert_int_equal(root->OpenEx(root, &f, name, EFI_FILE_MODE_READ, 0, &tok), EFI_SUCCESS);
	uint8_t buf[64];
	tok.Event = ev;
	tok.Buffer = buf;
	tok.BufferSize = sizeof(buf);
	tok.Status = EFI_NOT_READY;
	assert_int_equal(f->ReadEx(f, &tok), EFI_SUCCESS);
	assert_int_equal(notified, 1);
	assert_int_equal(tok.Status, EFI_SUCCESS);
	assert_int_equal(tok.BufferSize, 16);
	assert_memory_equal(buf, "hello from ext4\n", 16);
	tok.BufferSize = 4;
	assert_int_equal(f->WriteEx(f, &tok), EFI_SUCCESS);
	assert_int_equal(notified, 2);
	assert_int_equal(tok.Status, EFI_WRITE_PROTECTED);
	assert_int_equal(f->FlushEx(f, &tok), EFI_SUCCESS);
	assert_int_equal(tok.Status, EFI_WRITE_PROTECTED);
	assert_int_equal(f->ReadEx(f, NULL), EFI_INVALID_PARAMETER);
	CHAR16 nope[] = u"nope";
	EFI_FILE_PROTOCOL *g;
	assert_int_equal(root->OpenEx(root, &g, nope, EFI_FILE_MODE_READ, 0, &tok), EFI_SUCCESS);
	assert_int_equal(tok.Status, EFI_NOT_FOUND);
	assert_int_equal(notified, 4);
	f->Close(f);
	root->Close(root);
	shim_bs.CloseEvent(ev);
}

/* A read error of the disk under the file system is EFI_DEVICE_ERROR, not a crash. */
static void test_io_error(void **state)
{
	(void)state;
	mount_child();
	EFI_FILE_PROTOCOL *f;
	assert_int_equal(open_path(root, &f, "big.bin"), EFI_SUCCESS);
	shim_disk_fail_reads_after(disk, 0);
	uint8_t buf[8192];
	UINTN sz = sizeof(buf);
	assert_int_equal(f->Read(f, &sz, buf), EFI_DEVICE_ERROR);
	shim_disk_fail_reads_after(disk, -1);
	sz = sizeof(buf);
	assert_int_equal(f->Read(f, &sz, buf), EFI_SUCCESS);
	f->Close(f);
	root->Close(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unrepresentable_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_positions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_binding_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_with_open_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_io_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revision2, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
