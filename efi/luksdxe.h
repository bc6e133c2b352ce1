/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* LuksDxe: internal interfaces of the UEFI driver.  efi/ is the only code that knows
 * UEFI; it stays a thin layer over luks/ (volumes) and crypto/.
 *
 *   driver.c   entry point, driver binding (Supported/Start/Stop), component name,
 *              unload, ExitBootServices wipe
 *   env.c      the firmware environment: boot services, the core's allocator (env.h)
 *   volumes.c  the list of published volumes (volumes.h), read by ext4fs.c and the policy
 *   blockio.c  the child's read-only BlockIo; ld_blockdev over the parent's DiskIo
 *   secret.c   secret providers: CC secret area, QEMU fw_cfg, console prompt
 *   tpm.c      the TPM source: systemd-tpm2 tokens through EFI_TCG2_PROTOCOL (tpm.h)
 *   fwcfg.c    fw_cfg file directory over the port primitives of fwcfg_io.c
 *   console.c  printf onto ConOut
 *   cpu.c      enables the AVX/AVX-512 register state the VAES paths need
 *   mp.c       Argon2's lanes on the other processors (MP services)
 *   policy.c   the load policy's decision (plain C); policy_hook.c wraps the
 *              Security protocols with it
 *   isolate.c  hides non-owner storage once the owner's boot chain starts (isolate.h)
 *   ext4fs.c   read-only SimpleFileSystem over fs/ext4.h, a second binding
 *   verified.c dm-verity: the verified view a volume is served through (verified.h)
 *   libc/      the freestanding C runtime the core links against
 * Who calls whom (an arrow points at the callee; no cycle): driver.c -> ext4fs.c,
 * policy_hook.c, secret.c, tpm.c, blockio.c, verified.c, cpu.c, mp.c; tpm.c -> secret.c;
 * blockio.c -> verified.c -> secret.c; policy_hook.c -> isolate.c; ext4fs.c, policy_hook.c,
 * isolate.c -> volumes.c; isolate.c -> secret.c; policy_hook.c -> secret.c;
 * every file -> env.c, console.c.  Nothing calls back into driver.c.
 * The host shim (tests/shim) compiles all of these except fwcfg_io.c; efi/libc only for
 * test_shim_libc (its symbols renamed). */
#ifndef LUKSDXE_H
#define LUKSDXE_H

#include <efi.h>
#include "luks/luks.h"
#include "secret/secret_table.h"
#include "env.h"
#include "volumes.h"

#define LUKSDXE_VERSION "0.1.0"

/* Build options (make EFI_OPTS="-DLUKSDXE_PROMPT=1 ..."; a change rebuilds the driver); the
 * shim tests flip the run-time copies luksdxe_opt_*.  Others: LD_KDF_MAX_SECONDS (luks/luks.h),
 * and for development only LUKSDXE_DEBUGCON, which echoes every console line to QEMU's debug
 * console (I/O port 0x402, -debugcon) so that lines printed before the firmware connects a
 * console are seen; never in a release image, where that port belongs to the host. */
#ifndef LUKSDXE_PROMPT
#define LUKSDXE_PROMPT 0 /* ask on the console when no provider has a secret */
#endif
#ifndef LUKSDXE_WIPE_CC_SECRET
#define LUKSDXE_WIPE_CC_SECRET 0 /* delete a used CC-area entry, Linux-style */
#endif
extern int luksdxe_opt_prompt;
extern int luksdxe_opt_wipe_cc;

/* mp.c: Argon2's lanes on the other processors when the firmware offers MP services. */
void luksdxe_mp_init(void);

/* gnu-efi's crt0 relocates the image, then calls this with the System V calling
 * convention (so it is deliberately not EFIAPI). */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

/* cpu.c: once from efi_main, before any ld_cipher exists: CR4/XCR0 for the AES-XTS
 * paths of crypto/aes_impl.h (firmware only; the shim just reports), one console line. */
void luksdxe_cpu_init(void);
/* cpu.c: drops the TPL guard (no boot services after ExitBootServices). */
void luksdxe_cpu_exit_boot_services(void);

/* blockio.c: ld_blockdev over a DiskIo with a fixed MediaId. */
void luksdxe_blockdev_init(ld_blockdev *dev, luksdxe_disk *disk, EFI_DISK_IO_PROTOCOL *dio,
			   const EFI_BLOCK_IO_MEDIA *media);
/* blockio.c: fills d->block_io, d->block_io2 and d->media from d->block_size and d->size
 * (reads through d->verity when there is one, else d->vol's plaintext).  BlockIo2
 * completes every request before returning (then signals the token's event). */
void luksdxe_blockio_init(luksdxe_dev *d, const EFI_BLOCK_IO_MEDIA *parent);

/* secret.c */
typedef enum {
	LUKSDXE_SRC_NONE, LUKSDXE_SRC_CC, LUKSDXE_SRC_FWCFG, LUKSDXE_SRC_PROMPT, LUKSDXE_SRC_TPM
} luksdxe_source;
typedef struct {
	uint8_t *data; /* the driver's own copy, from luksdxe_alloc */
	size_t len;
	size_t cap;
	luksdxe_source source;
	int generic;            /* the disk-passphrase entry, not a per-volume one */
	uint8_t *cc_area;       /* where the CC entry lives, for the optional wipe */
	size_t cc_size;
	ld_secret_ref cc_ref;
} luksdxe_secret;
/* Asks the providers in order for the secret of the volume with EFI GUID volume_guid.
 * LD_OK, LD_ERR_NOTFOUND or LD_ERR_NOMEM.  Reports malformed tables on the console. */
int luksdxe_secret_get(const uint8_t volume_guid[16], const char *uuid_text, luksdxe_secret *s);
/* Wipes and frees the copy.  If used and the wipe option is on, deletes the CC entry
 * Linux-style: a per-volume entry at once, the shared disk-passphrase entry at
 * luksdxe_secret_exit_boot_services() (other volumes may still need it). */
void luksdxe_secret_release(luksdxe_secret *s, int used);
void luksdxe_secret_exit_boot_services(void);
/* What the whole secret asks of every volume (ld_secret_table_summary in secret_table.h),
 * decided at the first call from the source the volumes are unlocked from; until it can be
 * decided, pins and verity and no media (fail closed). */
const ld_secret_summary *luksdxe_secret_summary(void);
/* Its pins: 1 if the secret pins any volume. */
int luksdxe_secret_pins_present(void);
/* Its verity: 1 if any volume of the secret is verity-protected (then the load policy
 * admits files only from verified volumes). */
int luksdxe_secret_verity_present(void);
void luksdxe_secret_reset(void); /* forgets that decision (driver load and unload) */
/* 1 if the firmware publishes a confidential-computing secret area (then it is the only
 * source: the TPM, fw_cfg and the console are not asked). */
int luksdxe_secret_cc_present(void);
/* One line typed at the console (UTF-8, not echoed) into buf; LD_ERR_NOTFOUND if there is
 * no console or the line is empty. */
int luksdxe_prompt_line(uint8_t *buf, size_t cap, size_t *len);

/* policy_hook.c: the load policy (policy.h).  install wraps the Security architectural
 * protocols; uninstall puts them back (EFI_ACCESS_DENIED if it cannot). */
extern int luksdxe_opt_policy_audit;
EFI_STATUS luksdxe_policy_install(void);
EFI_STATUS luksdxe_policy_uninstall(void);
/* 1 while the policy cannot be uninstalled (an image started through it runs, or its
 * hooks were wrapped after it). */
int luksdxe_policy_busy(void);
/* Shows the refusals kept while there was no console, and prints live from then on. */
void luksdxe_policy_console_ready(void);
const char *luksdxe_source_name(luksdxe_source src);
/* The source's one-word name in the measured event (docs/tpm.md): cc, fwcfg, console, tpm2. */
const char *luksdxe_source_tag(luksdxe_source src);

#endif
