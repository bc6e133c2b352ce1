/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* efi/ext4fs.c: a read-only EFI_SIMPLE_FILE_SYSTEM_PROTOCOL over the portable ext2/3/4
 * reader (fs/ext4.h), published only on media that lies on an unlocked LuksDxe volume.
 * It is a second driver binding of the LuksDxe image, on a handle of its own (EDK2
 * images with several bindings install each on a new handle). */
#ifndef LUKSDXE_EXT4FS_H
#define LUKSDXE_EXT4FS_H

#include <efi.h>

/* From efi_main: installs the binding on a new handle (ImageHandle = image). */
EFI_STATUS luksdxe_ext4fs_install(EFI_HANDLE image);
/* From the image's Unload: stops every file system and uninstalls the binding.
 * EFI_ACCESS_DENIED (and nothing changed) while any EFI_FILE_PROTOCOL handle is open,
 * because its functions live in this image. */
EFI_STATUS luksdxe_ext4fs_uninstall(void);
/* The handle that carries the binding (NULL when not installed); for tests. */
EFI_HANDLE luksdxe_ext4fs_binding_handle(void);

#endif
