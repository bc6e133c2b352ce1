/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Storage isolation: once the guest owner's boot chain starts, the firmware exposes no
 * storage but the owner's volumes (docs/load-policy.md, "Isolation").
 *
 * policy_hook.c calls luksdxe_isolate_engage() from its StartImage wrapper just before the
 * first image from an owner volume (one the load policy admits files from) starts.  Then:
 *   - every BlockIo, DiskIo or SimpleFileSystem handle that is neither an owner volume (or
 *     below one) nor on the path to one is stopped: DisconnectController on the handle,
 *     and if a bus driver still publishes it, on its parent for that child alone;
 *   - the topmost BlockIo on the path to each owner volume (the raw disk, whose plaintext
 *     GPT is the host's) is filtered in place: ReadBlocks and ReadBlocksEx admit only the
 *     byte ranges of the owner volumes' data segments (ciphertext; for verified plaintext
 *     media, the media partition) and fail everything else.  DiskIo, the partition driver
 *     and LuksDxe read through it, so the filter covers them;
 *   - ConnectController on any handle outside the owner volumes is refused (the DXE core
 *     asks Security2 with no file first: luksdxe_isolate_refuse_connect), so nothing hidden
 *     is bound again.
 * In audit mode each step is only said on the console.
 * Caution: device paths read here come from other drivers; lengths are checked. */
#ifndef LUKSDXE_ISOLATE_H
#define LUKSDXE_ISOLATE_H

#include <efi.h>

/* Driver load: nothing engaged. */
void luksdxe_isolate_reset(void);
/* Hides non-owner storage and filters the owner's raw disks (once; later calls return). */
void luksdxe_isolate_engage(int audit);
/* 1 once engaged. */
int luksdxe_isolate_engaged(void);
/* Security2 without a file (ConnectController): 1 if drivers may not start on path (the
 * call is then refused; in audit mode it is said and 0 returned). */
int luksdxe_isolate_refuse_connect(const EFI_DEVICE_PATH_PROTOCOL *path, int audit);
/* Driver unload: puts the original read functions back (EFI_ACCESS_DENIED if someone
 * replaced them after us).  Hidden devices stay disconnected. */
EFI_STATUS luksdxe_isolate_release(void);

#endif
