/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The unlocked volume's BlockIo (read-only; reads decrypt in place in the caller's
 * buffer) and the ld_blockdev through which the portable core reads the parent. */
#include <stddef.h>
#include <string.h>
#include "luksdxe.h"
#include "verified.h"

/* ---- ld_blockdev over the parent's DiskIo --------------------------------------- */

static int disk_read(ld_blockdev *dev, uint64_t offset, void *buf, size_t len)
{
	luksdxe_disk *d = dev->ctx;
	if (len == 0)
		return LD_OK;
	EFI_STATUS st = d->disk_io->ReadDisk(d->disk_io, d->media_id, offset, len, buf);
	return st == EFI_SUCCESS ? LD_OK : LD_ERR_IO;
}

void luksdxe_blockdev_init(ld_blockdev *dev, luksdxe_disk *disk, EFI_DISK_IO_PROTOCOL *dio,
			   const EFI_BLOCK_IO_MEDIA *media)
{
	disk->disk_io = dio;
	disk->media_id = media->MediaId;
	dev->read = disk_read;
	dev->ctx = disk;
	dev->block_size = media->BlockSize;
	/* LastBlock + 1 blocks; a nonsensical geometry yields an empty device. */
	if (media->BlockSize == 0 || media->LastBlock >= UINT64_MAX / media->BlockSize)
		dev->size = 0;
	else
		dev->size = (media->LastBlock + 1) * media->BlockSize;
}

/* ---- the child's BlockIo -------------------------------------------------------- */

static luksdxe_dev *dev_of(EFI_BLOCK_IO_PROTOCOL *bio)
{
	luksdxe_dev *d = (luksdxe_dev *)((uint8_t *)bio - offsetof(luksdxe_dev, block_io));
	return d->signature == LUKSDXE_DEV_SIGNATURE ? d : NULL;
}

static EFI_STATUS EFIAPI bio_reset(EFI_BLOCK_IO_PROTOCOL *This, BOOLEAN ExtendedVerification)
{
	(void)This;
	(void)ExtendedVerification;
	return EFI_SUCCESS;
}

/* Parameter checks in the order the UEFI specification lists the errors. */
static EFI_STATUS check_io(luksdxe_dev *d, UINT32 MediaId, EFI_LBA Lba, UINTN BufferSize,
			   const VOID *Buffer)
{
	if (!d)
		return EFI_INVALID_PARAMETER;
	if (MediaId != d->media.MediaId)
		return EFI_MEDIA_CHANGED;
	if (!Buffer)
		return EFI_INVALID_PARAMETER;
	if (BufferSize % d->media.BlockSize)
		return EFI_BAD_BUFFER_SIZE;
	UINT64 n = BufferSize / d->media.BlockSize;
	if (Lba > d->media.LastBlock || (n && n - 1 > d->media.LastBlock - Lba))
		return EFI_INVALID_PARAMETER;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI bio_read(EFI_BLOCK_IO_PROTOCOL *This, UINT32 MediaId, EFI_LBA Lba,
				  UINTN BufferSize, VOID *Buffer)
{
	luksdxe_dev *d = dev_of(This);
	EFI_STATUS st = check_io(d, MediaId, Lba, BufferSize, Buffer);
	if (st != EFI_SUCCESS || BufferSize == 0)
		return st;
	if (d->gone)
		return EFI_DEVICE_ERROR; /* key material and trees already wiped */
	if (d->verity)
		return luksdxe_verified_read(d, Lba * d->media.BlockSize, Buffer, BufferSize);
	int r = ld_volume_read_sectors(d->vol, Lba, BufferSize / d->media.BlockSize, Buffer);
	if (r == LD_OK)
		return EFI_SUCCESS;
	/* Never hand back ciphertext or a half-decrypted buffer. */
	memset(Buffer, 0, BufferSize);
	return r == LD_ERR_RANGE ? EFI_INVALID_PARAMETER : EFI_DEVICE_ERROR;
}

static EFI_STATUS EFIAPI bio_write(EFI_BLOCK_IO_PROTOCOL *This, UINT32 MediaId, EFI_LBA Lba,
				   UINTN BufferSize, VOID *Buffer)
{
	/* The driver never writes to any device: the medium is read-only. */
	luksdxe_dev *d = dev_of(This);
	if (d && MediaId != d->media.MediaId)
		return EFI_MEDIA_CHANGED;
	(void)Lba;
	(void)BufferSize;
	(void)Buffer;
	return EFI_WRITE_PROTECTED;
}

static EFI_STATUS EFIAPI bio_flush(EFI_BLOCK_IO_PROTOCOL *This)
{
	(void)This;
	return EFI_SUCCESS;
}

/* ---- BlockIo2: the same reads, completed synchronously -------------------------- */

static luksdxe_dev *dev_of2(EFI_BLOCK_IO2_PROTOCOL *bio2)
{
	luksdxe_dev *d = (luksdxe_dev *)((uint8_t *)bio2 - offsetof(luksdxe_dev, block_io2));
	return d->signature == LUKSDXE_DEV_SIGNATURE ? d : NULL;
}

/* A request that was accepted completes now: report through the token, if any. */
static EFI_STATUS complete(EFI_BLOCK_IO2_TOKEN *token, EFI_STATUS st)
{
	if (st == EFI_SUCCESS && token && token->Event) {
		token->TransactionStatus = EFI_SUCCESS;
		luksdxe_bs->SignalEvent(token->Event);
	}
	return st;
}

static EFI_STATUS EFIAPI bio2_reset(EFI_BLOCK_IO2_PROTOCOL *This, BOOLEAN ExtendedVerification)
{
	(void)This;
	(void)ExtendedVerification;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI bio2_read(EFI_BLOCK_IO2_PROTOCOL *This, UINT32 MediaId, EFI_LBA Lba,
				   EFI_BLOCK_IO2_TOKEN *Token, UINTN BufferSize, VOID *Buffer)
{
	luksdxe_dev *d = dev_of2(This);
	if (!d)
		return EFI_INVALID_PARAMETER;
	return complete(Token, bio_read(&d->block_io, MediaId, Lba, BufferSize, Buffer));
}

static EFI_STATUS EFIAPI bio2_write(EFI_BLOCK_IO2_PROTOCOL *This, UINT32 MediaId, EFI_LBA Lba,
				    EFI_BLOCK_IO2_TOKEN *Token, UINTN BufferSize, VOID *Buffer)
{
	luksdxe_dev *d = dev_of2(This);
	(void)Token;
	if (!d)
		return EFI_INVALID_PARAMETER;
	return bio_write(&d->block_io, MediaId, Lba, BufferSize, Buffer);
}

static EFI_STATUS EFIAPI bio2_flush(EFI_BLOCK_IO2_PROTOCOL *This, EFI_BLOCK_IO2_TOKEN *Token)
{
	(void)This;
	return complete(Token, EFI_SUCCESS);
}

void luksdxe_blockio_init(luksdxe_dev *d, const EFI_BLOCK_IO_MEDIA *parent)
{
	EFI_BLOCK_IO_MEDIA *m = &d->media;
	memset(m, 0, sizeof(*m));
	m->MediaId = parent->MediaId;
	m->RemovableMedia = parent->RemovableMedia;
	m->MediaPresent = TRUE;
	/* The volume looks like a whole disk, so PartitionDxe parses a table inside it. */
	m->LogicalPartition = FALSE;
	m->ReadOnly = TRUE;
	m->WriteCaching = FALSE;
	m->BlockSize = d->block_size;
	/* DiskIo->ReadDisk accepts any buffer, so callers need no alignment. */
	m->IoAlign = 0;
	m->LastBlock = d->size / d->block_size - 1;
	m->LowestAlignedLba = 0;
	m->LogicalBlocksPerPhysicalBlock = 1;
	m->OptimalTransferLengthGranularity = 0;

	d->block_io.Revision = EFI_BLOCK_IO_PROTOCOL_REVISION3;
	d->block_io.Media = m;
	d->block_io.Reset = bio_reset;
	d->block_io.ReadBlocks = bio_read;
	d->block_io.WriteBlocks = bio_write;
	d->block_io.FlushBlocks = bio_flush;

	d->block_io2.Media = m;
	d->block_io2.Reset = bio2_reset;
	d->block_io2.ReadBlocksEx = bio2_read;
	d->block_io2.WriteBlocksEx = bio2_write;
	d->block_io2.FlushBlocksEx = bio2_flush;
}
