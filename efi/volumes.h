/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The volumes LuksDxe publishes: one list, owned by volumes.c.  driver.c adds a volume once
 * its child handle is installed and removes it when the child is stopped; ext4fs.c (which
 * binds only on them) and policy_hook.c (which admits images only from them) read it.
 * Nobody else keeps a list of volumes. */
#ifndef LUKSDXE_VOLUMES_H
#define LUKSDXE_VOLUMES_H

#include <efi.h>
#include "luks/luks.h"
#include "verity/verity.h"
#include "policy.h"

/* ld_blockdev over a DiskIo with a fixed MediaId. */
typedef struct {
	EFI_DISK_IO_PROTOCOL *disk_io;
	UINT32 media_id;
} luksdxe_disk;

typedef struct {
	EFI_DEVICE_PATH_PROTOCOL header;
	EFI_GUID guid;
	UINT8 uuid[16];
} __attribute__((packed)) LUKSDXE_VENDOR_NODE;

#define LUKSDXE_DEV_SIGNATURE 0x766458534b554cULL /* "LUKSXdv" */

/* One published volume: the parent controller and the child handle we publish.  Either a
 * LUKS volume (vol), served as its plaintext or, when the secret carries the owner's
 * dm-verity parameters, through verity over that plaintext; or plaintext media the secret
 * vouches for by root hash (is_media: no vol, verity over the parent disk). */
typedef struct luksdxe_dev {
	UINT64 signature;
	struct luksdxe_dev *next; /* the list's link: volumes.c's alone */
	EFI_HANDLE controller;
	EFI_HANDLE child;
	luksdxe_disk disk;
	ld_blockdev bdev;  /* the parent */
	ld_volume *vol;    /* the LUKS volume (NULL for media) */
	ld_blockdev plain; /* vol's plaintext, what verity reads */
	ld_verity *verity; /* reads go through it when not NULL */
	int is_media;      /* plaintext verified media */
	int verified;      /* served through the owner's tree: the load policy may trust it */
	int gone;          /* ExitBootServices: keys and trees wiped, nothing is served */
	unsigned reports;  /* read refusals said on the console */
	UINT32 block_size; /* the published geometry */
	UINT64 size;
	ld_volume_info info; /* for media: uuid is "verity-" and the root hash's first 16
			      * bytes in hex, uuid_bin those bytes */
	EFI_BLOCK_IO_PROTOCOL block_io;
	EFI_BLOCK_IO2_PROTOCOL block_io2;
	EFI_BLOCK_IO_MEDIA media;
	EFI_DEVICE_PATH_PROTOCOL *path;
	UINTN path_size;
	CHAR16 name[64]; /* ComponentName2 controller name */
	int pinned;      /* its volume key matched a pin in the secret */
} luksdxe_dev;

/* Empties the list (driver load; the volumes themselves are the caller's). */
void luksdxe_volumes_reset(void);
void luksdxe_volumes_add(luksdxe_dev *d);
void luksdxe_volumes_remove(luksdxe_dev *d);
/* The first volume (walk on with d->next), or NULL. */
luksdxe_dev *luksdxe_volumes_first(void);
/* The volume whose child handle is h, or NULL. */
luksdxe_dev *luksdxe_volumes_find_child(EFI_HANDLE h);
/* The volume published for controller ctrl (and child, unless NULL), or NULL. */
luksdxe_dev *luksdxe_volumes_find(EFI_HANDLE ctrl, EFI_HANDLE child);

/* The device paths (without end node) of the published volumes, whether each is pinned
 * and whether it is served through the owner's dm-verity tree, and their UUIDs, for the
 * load policy and the ext4 binding; returns how many (at most max).  verified may be NULL. */
size_t luksdxe_volumes(luksdxe_dp *paths, uint8_t *pinned, uint8_t *verified,
		       const char **uuids, size_t max);

#endif
