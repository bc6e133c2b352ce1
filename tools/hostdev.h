/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Host-side plumbing shared by the lukstool commands: a file-backed ld_blockdev, a
 * malloc-backed ld_alloc that wipes on free, opening DEVICE (a LUKS image, or a disk image
 * with a GPT/MBR whose first LUKS partition or --partition N is used) with an optional
 * detached --header, reading key files, and mapping ld_err codes to exit statuses. */
#ifndef LT_HOSTDEV_H
#define LT_HOSTDEV_H

#include "fs/part.h"
#include "base/blockdev.h"

extern const ld_alloc lt_hostdev_alloc;

/* Opens path read-only as a block device: LD_OK or LD_ERR_IO (errno kept). */
int lt_hostdev_open(ld_blockdev *dev, const char *path);
void lt_hostdev_close(ld_blockdev *dev);

typedef struct lt_target {
	ld_blockdev file;      /* DEVICE */
	ld_blockdev hdr_file;  /* --header HDR */
	ld_part_dev part;      /* the partition of DEVICE in use */
	ld_blockdev *hdr;      /* where the LUKS header is read */
	ld_blockdev *data;     /* where the data segment is */
	uint32_t partition;    /* partition number used, 0 if none */
	int have_file, have_hdr_file;
} lt_target;

/* partition: 0 = automatic (the device itself if it starts with a LUKS header, else
 * its first LUKS partition).  Returns an LT_* exit status; messages go to stderr. */
int lt_open_target(lt_target *t, const char *device, const char *header, uint32_t partition);
void lt_close_target(lt_target *t);
/* DEVICE as plain data (dm-verity media, no LUKS expected): t->data is DEVICE itself, or
 * with partition N (>= 1) its partition N.  LT_* status, messages on stderr; closed by
 * lt_close_target. */
int lt_open_plain(lt_target *t, const char *device, uint32_t partition);

/* Reads a key file exactly (cryptsetup --key-file semantics, 8 MiB limit); "-" is stdin.
 * Returns an LT_* status; *key is malloc'ed and must be freed with lt_free_key. */
int lt_read_keyfile(const char *path, uint8_t **key, size_t *len);
void lt_free_key(uint8_t *key, size_t len);

/* LT_* exit status for an ld_err code. */
int lt_exit_status(int err);

/* Parses a decimal number in [0, max]; 0 on success, -1 otherwise. */
int lt_parse_u32(const char *s, uint32_t max, uint32_t *out);
int lt_parse_u64(const char *s, uint64_t *out); /* [0, 2^64 - 1] */

/* ld_progress_fn printing a percentage on stderr when it is a terminal. */
void lt_progress(void *ctx, uint64_t done, uint64_t total);
void lt_progress_end(void);

#endif
