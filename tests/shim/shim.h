/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Host shim: just enough of UEFI boot services to run the real efi/ driver code in a
 * host process under ASan/UBSan (tests/unit/test_shim_*.c).
 *
 *  - a handle database: install/uninstall/open/close protocol with the driver-model
 *    open attributes (BY_DRIVER is exclusive, BY_CHILD_CONTROLLER recorded), and
 *    DisconnectController that calls the drivers' Stop like the DXE core does (one driver,
 *    or every driver managing the controller), LocateDevicePath, a StartImage that runs a
 *    test's image body;
 *  - pool and page memory, every block tracked; freed blocks and (on demand) live blocks
 *    are scanned for registered secrets ("needles") to prove they were wiped;
 *  - events (ExitBootServices notification), the configuration table, a ConOut that
 *    records the text, fw_cfg emulation (tests/shim/fwcfg_emu.c);
 *  - file-backed disks with BlockIo + DiskIo + DevicePath that count reads and writes
 *    (tests/shim/disk.c).
 * Unused boot services are NULL, so a driver that starts using one crashes loudly. */
#ifndef SHIM_H
#define SHIM_H

#include <stddef.h>
#include <stdint.h>
#include <efi.h>

extern EFI_SYSTEM_TABLE shim_st;
extern EFI_BOOT_SERVICES shim_bs;

void shim_reset(void); /* fresh handle database, memory accounting, console, tables */

/* Driver image: creates the image handle (with LoadedImage) and calls efi_main. */
EFI_STATUS shim_load_driver(EFI_HANDLE *image);
EFI_STATUS shim_unload_driver(EFI_HANDLE image);  /* calls LoadedImage->Unload */
/* ConnectController for one driver: Supported, then Start if supported. */
EFI_STATUS shim_connect(EFI_HANDLE image, EFI_HANDLE controller);
EFI_DRIVER_BINDING_PROTOCOL *shim_binding(EFI_HANDLE image);

/* StartImage runs body(image) (NULL: returns at once).  Reset by shim_reset. */
void shim_set_image_body(EFI_STATUS (*body)(EFI_HANDLE image));

/* Handle database inspection. */
int shim_handle_live(EFI_HANDLE h);
void *shim_protocol(EFI_HANDLE h, EFI_GUID *guid);   /* interface or NULL */
unsigned shim_open_count(EFI_HANDLE h, EFI_GUID *guid, UINT32 attributes);
/* Handles opening guid on h with BY_CHILD_CONTROLLER (the children); returns count. */
unsigned shim_children(EFI_HANDLE h, EFI_GUID *guid, EFI_HANDLE *out, unsigned max);
unsigned shim_live_handles(void);
EFI_HANDLE shim_handle_of(EFI_GUID *guid); /* the first handle with guid, or NULL */
/* Makes agent hold guid on h BY_DRIVER (a consumer that refuses to let go). */
EFI_STATUS shim_hold(EFI_HANDLE h, EFI_GUID *guid, EFI_HANDLE agent);

/* RaiseTPL/RestoreTPL keep a level (abort on misuse); the current one. */
EFI_TPL shim_tpl(void);

/* Memory. */
size_t shim_live_allocs(void);
void shim_add_needle(const void *p, size_t n); /* up to 8 secrets to look for */
unsigned shim_freed_with_needle(void);         /* freed blocks that still held one */
unsigned shim_live_with_needle(void);          /* live blocks holding one now */
void shim_fail_allocs_after(long n);           /* -1: never fail */

/* Events and tables. */
void shim_exit_boot_services(void);
void shim_signal_group(const EFI_GUID *group); /* signals CreateEventEx events of a group */
void shim_set_config_table(EFI_GUID *guid, void *table); /* table NULL removes */

/* Console: everything the driver printed since shim_reset, CRs dropped. */
const char *shim_console(void);
void shim_console_clear(void);
/* Console input: queues keystrokes (UCS-2) for ReadKeyStroke. */
void shim_keys(const CHAR16 *k);

/* fw_cfg emulation (fwcfg_emu.c). */
void shim_fwcfg_reset(int present);
void shim_fwcfg_add_file(const char *name, const void *data, size_t len);

/* File-backed disk (disk.c): BlockIo + DiskIo + a device path on a new handle. */
typedef struct shim_disk shim_disk;
shim_disk *shim_disk_open(const char *path, uint32_t block_size);
void shim_disk_close(shim_disk *d);
EFI_HANDLE shim_disk_handle(const shim_disk *d);
uint64_t shim_disk_reads(const shim_disk *d);       /* DiskIo/BlockIo read calls */
uint64_t shim_disk_read_bytes(const shim_disk *d);
uint64_t shim_disk_writes(const shim_disk *d);      /* write attempts of any kind */
void shim_disk_fail_reads_after(shim_disk *d, long n); /* then every read fails; -1 never */
void shim_disk_change_media(shim_disk *d);           /* a new MediaId, as after a swap */

#endif
