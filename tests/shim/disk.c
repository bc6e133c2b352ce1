/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* File-backed disk for the host shim: a handle with DevicePath, BlockIo and DiskIo over
 * a regular file, counting every read and every write attempt.  Writes are refused
 * (and counted): the driver must never write, and a test image must never change. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "shim.h"

typedef struct {
	EFI_DEVICE_PATH_PROTOCOL hdr;
	EFI_GUID guid;
	UINT32 index;
} __attribute__((packed)) shim_hw_node;

struct shim_disk {
	EFI_BLOCK_IO_PROTOCOL bio; /* first: the BlockIo callbacks recover the disk from it */
	EFI_DISK_IO_PROTOCOL dio;
	EFI_BLOCK_IO_MEDIA media;
	struct {
		shim_hw_node hw;
		EFI_DEVICE_PATH_PROTOCOL end;
	} __attribute__((packed)) path;
	EFI_HANDLE handle;
	int fd;
	uint64_t size;
	uint64_t reads, read_bytes, writes;
	long fail_after; /* reads that succeed before every read fails; -1: never */
};

static EFI_GUID g_bio = EFI_BLOCK_IO_PROTOCOL_GUID;
static EFI_GUID g_dio = EFI_DISK_IO_PROTOCOL_GUID;
static EFI_GUID g_dp = EFI_DEVICE_PATH_PROTOCOL_GUID;
static EFI_GUID g_node = { 0x5f0e2a4c, 0x6a51, 0x4c2e, { 0x9d, 0x3b, 0x1a, 0x77, 0x0c, 0x52, 0x8e, 0x11 } };
static UINT32 next_index;

static shim_disk *of_dio(EFI_DISK_IO_PROTOCOL *d)
{
	return (shim_disk *)((uint8_t *)d - offsetof(shim_disk, dio));
}

static EFI_STATUS pread_all(shim_disk *d, uint64_t off, UINTN len, void *buf)
{
	if (off > d->size || len > d->size - off)
		return EFI_INVALID_PARAMETER;
	if (d->fail_after == 0)
		return EFI_DEVICE_ERROR;
	if (d->fail_after > 0)
		d->fail_after--;
	d->reads++;
	d->read_bytes += len;
	uint8_t *p = buf;
	while (len) {
		ssize_t n = pread(d->fd, p, len, (off_t)off);
		if (n <= 0)
			return EFI_DEVICE_ERROR;
		p += n;
		off += (uint64_t)n;
		len -= (UINTN)n;
	}
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI disk_read(EFI_DISK_IO_PROTOCOL *This, UINT32 MediaId, UINT64 Offset,
				   UINTN BufferSize, VOID *Buffer)
{
	shim_disk *d = of_dio(This);
	if (MediaId != d->media.MediaId)
		return EFI_MEDIA_CHANGED;
	if (!Buffer && BufferSize)
		return EFI_INVALID_PARAMETER;
	return pread_all(d, Offset, BufferSize, Buffer);
}

static EFI_STATUS EFIAPI disk_write(EFI_DISK_IO_PROTOCOL *This, UINT32 MediaId, UINT64 Offset,
				    UINTN BufferSize, VOID *Buffer)
{
	(void)MediaId; (void)Offset; (void)BufferSize; (void)Buffer;
	of_dio(This)->writes++;
	return EFI_WRITE_PROTECTED;
}

static EFI_STATUS EFIAPI blk_reset(EFI_BLOCK_IO_PROTOCOL *This, BOOLEAN Ext)
{
	(void)This; (void)Ext;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI blk_read(EFI_BLOCK_IO_PROTOCOL *This, UINT32 MediaId, EFI_LBA Lba,
				  UINTN BufferSize, VOID *Buffer)
{
	shim_disk *d = (shim_disk *)This;
	if (MediaId != d->media.MediaId)
		return EFI_MEDIA_CHANGED;
	if (BufferSize % d->media.BlockSize || !Buffer)
		return EFI_INVALID_PARAMETER;
	if (Lba > d->media.LastBlock)
		return EFI_INVALID_PARAMETER;
	return pread_all(d, Lba * d->media.BlockSize, BufferSize, Buffer);
}

static EFI_STATUS EFIAPI blk_write(EFI_BLOCK_IO_PROTOCOL *This, UINT32 MediaId, EFI_LBA Lba,
				   UINTN BufferSize, VOID *Buffer)
{
	(void)MediaId; (void)Lba; (void)BufferSize; (void)Buffer;
	((shim_disk *)This)->writes++;
	return EFI_WRITE_PROTECTED;
}

static EFI_STATUS EFIAPI blk_flush(EFI_BLOCK_IO_PROTOCOL *This)
{
	((shim_disk *)This)->writes++;
	return EFI_SUCCESS;
}

shim_disk *shim_disk_open(const char *path, uint32_t block_size)
{
	struct stat sb;
	shim_disk *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->fd = open(path, O_RDONLY);
	if (d->fd < 0 || fstat(d->fd, &sb) != 0 || sb.st_size < (off_t)block_size) {
		if (d->fd >= 0)
			close(d->fd);
		free(d);
		return NULL;
	}
	d->size = (uint64_t)sb.st_size / block_size * block_size;
	d->fail_after = -1;
	d->media.MediaId = 0x1234;
	d->media.MediaPresent = TRUE;
	d->media.BlockSize = block_size;
	d->media.LastBlock = d->size / block_size - 1;
	d->media.IoAlign = 0;
	d->bio.Revision = EFI_BLOCK_IO_PROTOCOL_REVISION;
	d->bio.Media = &d->media;
	d->bio.Reset = blk_reset;
	d->bio.ReadBlocks = blk_read;
	d->bio.WriteBlocks = blk_write;
	d->bio.FlushBlocks = blk_flush;
	d->dio.Revision = EFI_DISK_IO_PROTOCOL_REVISION;
	d->dio.ReadDisk = disk_read;
	d->dio.WriteDisk = disk_write;
	d->path.hw.hdr.Type = HARDWARE_DEVICE_PATH;
	d->path.hw.hdr.SubType = HW_VENDOR_DP;
	d->path.hw.hdr.Length[0] = sizeof(shim_hw_node);
	d->path.hw.guid = g_node;
	d->path.hw.index = next_index++;
	d->path.end.Type = END_DEVICE_PATH_TYPE;
	d->path.end.SubType = END_ENTIRE_DEVICE_PATH_SUBTYPE;
	d->path.end.Length[0] = sizeof(EFI_DEVICE_PATH_PROTOCOL);
	if (shim_bs.InstallProtocolInterface(&d->handle, &g_dp, EFI_NATIVE_INTERFACE, &d->path) ||
	    shim_bs.InstallProtocolInterface(&d->handle, &g_bio, EFI_NATIVE_INTERFACE, &d->bio) ||
	    shim_bs.InstallProtocolInterface(&d->handle, &g_dio, EFI_NATIVE_INTERFACE, &d->dio)) {
		close(d->fd);
		free(d);
		return NULL;
	}
	return d;
}

void shim_disk_close(shim_disk *d)
{
	if (!d)
		return;
	shim_bs.UninstallProtocolInterface(d->handle, &g_dio, &d->dio);
	shim_bs.UninstallProtocolInterface(d->handle, &g_bio, &d->bio);
	shim_bs.UninstallProtocolInterface(d->handle, &g_dp, &d->path);
	close(d->fd);
	free(d);
}

EFI_HANDLE shim_disk_handle(const shim_disk *d) { return d->handle; }
void shim_disk_fail_reads_after(shim_disk *d, long n) { d->fail_after = n; }
void shim_disk_change_media(shim_disk *d) { d->media.MediaId++; }
uint64_t shim_disk_reads(const shim_disk *d) { return d->reads; }
uint64_t shim_disk_read_bytes(const shim_disk *d) { return d->read_bytes; }
uint64_t shim_disk_writes(const shim_disk *d) { return d->writes; }
