/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* LuksDxe: a UEFI driver-model driver (like EDK2's PartitionDxe) that binds to handles
 * carrying BlockIo + DiskIo whose first bytes are a LUKS header, unlocks the volume with
 * a secret from the providers in secret.c, and publishes the plaintext as a child handle
 * with a read-only BlockIo.  The parent is opened BY_DRIVER, the child opens it
 * BY_CHILD_CONTROLLER.  Nothing is ever written to any device. */
#include <stddef.h>
#include <string.h>
#include "luksdxe.h"
#include "luks/luks_meta.h"
#include "base/uuid.h"
#include "secret/volume_secret.h"
#include "console.h"
#include "tpm.h"
#include "ext4fs.h"
#include "verified.h"
#include "libc/luksdxe_libc.h"

static EFI_GUID guid_disk_io = EFI_DISK_IO_PROTOCOL_GUID;
static EFI_GUID guid_block_io = EFI_BLOCK_IO_PROTOCOL_GUID;
static EFI_GUID guid_block_io2 = EFI_BLOCK_IO2_PROTOCOL_GUID;
static EFI_GUID guid_device_path = EFI_DEVICE_PATH_PROTOCOL_GUID;
static EFI_GUID guid_binding = EFI_DRIVER_BINDING_PROTOCOL_GUID;
static EFI_GUID guid_name2 = EFI_COMPONENT_NAME2_PROTOCOL_GUID;
static EFI_GUID guid_loaded_image = EFI_LOADED_IMAGE_PROTOCOL_GUID;

static EFI_EVENT ebs_event;

/* Controllers whose unlock failed for a reason that will not change during this boot
 * (no secret, wrong secret, unsupported): Start does not derive keys for them again on
 * every ConnectController.  A new MediaId (new medium) is tried afresh. */
#define FAILED_MAX 32
static struct {
	EFI_HANDLE controller;
	UINT32 media_id;
} failed[FAILED_MAX];
static unsigned failed_n;

/* Passphrase attempts at the console prompt (build option LUKSDXE_PROMPT). */
#define PROMPT_ATTEMPTS 3

/* ---- helpers --------------------------------------------------------------------- */

static int failed_before(EFI_HANDLE c, UINT32 media_id)
{
	for (unsigned i = 0; i < failed_n; i++)
		if (failed[i].controller == c && failed[i].media_id == media_id)
			return 1;
	return 0;
}

static void remember_failure(EFI_HANDLE c, UINT32 media_id)
{
	for (unsigned i = 0; i < failed_n; i++)
		if (failed[i].controller == c) {
			failed[i].media_id = media_id;
			return;
		}
	if (failed_n < FAILED_MAX) {
		failed[failed_n].controller = c;
		failed[failed_n].media_id = media_id;
		failed_n++;
	}
}

/* Size in bytes of a device path up to (not including) its end node; 0 if malformed. */
static UINTN path_size(const EFI_DEVICE_PATH_PROTOCOL *p)
{
	UINTN total = 0;
	for (unsigned i = 0; i < 1024; i++) {
		UINTN len = DevicePathNodeLength(p);
		if (len < sizeof(EFI_DEVICE_PATH_PROTOCOL))
			return 0;
		if (DevicePathType(p) == END_DEVICE_PATH_TYPE &&
		    DevicePathSubType(p) == END_ENTIRE_DEVICE_PATH_SUBTYPE)
			return total;
		total += len;
		p = (const EFI_DEVICE_PATH_PROTOCOL *)((const UINT8 *)p + len);
	}
	return 0;
}

/* parent + vendor media node (our GUID, the LUKS UUID) + end node. */
static EFI_STATUS build_path(luksdxe_dev *d, const EFI_DEVICE_PATH_PROTOCOL *parent)
{
	UINTN plen = path_size(parent);
	if (plen == 0 && DevicePathType(parent) != END_DEVICE_PATH_TYPE)
		return EFI_INVALID_PARAMETER;
	UINTN total = plen + sizeof(LUKSDXE_VENDOR_NODE) + sizeof(EFI_DEVICE_PATH_PROTOCOL);
	UINT8 *p = luksdxe_alloc.alloc(NULL, total);
	if (!p)
		return EFI_OUT_OF_RESOURCES;
	memcpy(p, parent, plen);
	LUKSDXE_VENDOR_NODE node;
	node.header.Type = MEDIA_DEVICE_PATH;
	node.header.SubType = MEDIA_VENDOR_DP;
	node.header.Length[0] = (UINT8)sizeof(node);
	node.header.Length[1] = 0;
	memcpy(&node.guid, &luksdxe_vendor_guid, sizeof(EFI_GUID));
	memcpy(node.uuid, d->info.uuid_bin, 16);
	memcpy(p + plen, &node, sizeof(node));
	EFI_DEVICE_PATH_PROTOCOL end = { END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE,
					 { sizeof(EFI_DEVICE_PATH_PROTOCOL), 0 } };
	memcpy(p + plen + sizeof(node), &end, sizeof(end));
	d->path = (EFI_DEVICE_PATH_PROTOCOL *)p;
	d->path_size = total;
	return EFI_SUCCESS;
}

static void set_name(luksdxe_dev *d)
{
	static const char prefix[] = "LUKS volume ";
	size_t n = 0, max = sizeof(d->name) / sizeof(d->name[0]) - 1;
	for (size_t i = 0; prefix[i] && n < max; i++)
		d->name[n++] = (CHAR16)prefix[i];
	for (size_t i = 0; d->info.uuid[i] && i < sizeof(d->info.uuid) && n < max; i++) {
		char c = d->info.uuid[i];
		d->name[n++] = (CHAR16)((c >= 0x20 && c < 0x7f) ? c : '?');
	}
	d->name[n] = 0;
}

/* The child's protocols, in installation order. */
#define CHILD_PROTOCOLS 3
static void child_protocols(luksdxe_dev *d, EFI_GUID **g, void **p)
{
	g[0] = &guid_device_path;
	p[0] = d->path;
	g[1] = &guid_block_io;
	p[1] = &d->block_io;
	g[2] = &guid_block_io2;
	p[2] = &d->block_io2;
}

/* Installs all of the child's protocols, or none. */
static EFI_STATUS install_child(luksdxe_dev *d)
{
	EFI_GUID *g[CHILD_PROTOCOLS];
	void *p[CHILD_PROTOCOLS];
	child_protocols(d, g, p);
	for (int i = 0; i < CHILD_PROTOCOLS; i++) {
		EFI_STATUS st = luksdxe_bs->InstallProtocolInterface(&d->child, g[i],
								     EFI_NATIVE_INTERFACE, p[i]);
		if (st != EFI_SUCCESS) {
			while (i-- > 0)
				luksdxe_bs->UninstallProtocolInterface(d->child, g[i], p[i]);
			d->child = NULL;
			return st;
		}
	}
	return EFI_SUCCESS;
}

/* Uninstalls all of the child's protocols (last first), or - if a consumer refuses to
 * let go - puts back what was removed and fails. */
static EFI_STATUS uninstall_child(luksdxe_dev *d)
{
	EFI_GUID *g[CHILD_PROTOCOLS];
	void *p[CHILD_PROTOCOLS];
	child_protocols(d, g, p);
	for (int i = CHILD_PROTOCOLS - 1; i >= 0; i--) {
		EFI_STATUS st = luksdxe_bs->UninstallProtocolInterface(d->child, g[i], p[i]);
		if (st != EFI_SUCCESS) {
			for (int j = i + 1; j < CHILD_PROTOCOLS; j++)
				luksdxe_bs->InstallProtocolInterface(&d->child, g[j],
								     EFI_NATIVE_INTERFACE, p[j]);
			return st;
		}
	}
	d->child = NULL;
	return EFI_SUCCESS;
}

static void destroy(luksdxe_dev *d)
{
	luksdxe_verified_close(d); /* wipes the cached hash blocks */
	if (d->vol)
		ld_volume_close(d->vol); /* wipes the volume key */
	if (d->path)
		luksdxe_alloc.free(NULL, d->path, d->path_size);
	d->signature = 0;
	luksdxe_alloc.free(NULL, d, sizeof(*d)); /* wipes info and state */
}

/* Key derivation progress: "0% 25% 50% 75% 100%" per keyslot tried. */
typedef struct {
	uint64_t total;
	unsigned next;
} progress_state;

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	progress_state *p = ctx;
	if (!total)
		return;
	if (total != p->total) {
		p->total = total;
		p->next = 0;
	}
	if (done > total)
		done = total;
	uint64_t pct = total > UINT64_MAX / 100 ? done / (total / 100) : done * 100 / total;
	while (p->next <= 100 && pct >= p->next) {
		luksdxe_con_printf("%u%% ", p->next);
		p->next += 25;
	}
}

/* The volume key did not match the secret's pin (driver-internal result). */
#define LD_ERR_PIN (-100)

/* Unlocks d->vol with the secret: a passphrase, or a volume record holding a passphrase
 * or the volume key and optionally a pin and the owner's verity parameters (copied to
 * *verity, *has_verity set).  *slot is the keyslot (-1: the volume key was given).
 * LD_ERR_PIN: unlocked, but not the pinned volume - locked again.
 * *secret_bad is set when the entry itself is unusable (LD_ERR_INVALID). */
static int unlock_with(luksdxe_dev *d, const luksdxe_secret *secret, ld_progress_fn progress,
		       void *pctx, int *slot, int *secret_bad, ld_verity_params *verity,
		       int *has_verity, char *err, size_t errlen)
{
	ld_volume_secret vs;
	int r = ld_volume_secret_parse(secret->data, secret->len, &vs, err, errlen);
	if (r == LD_OK)
		r = ld_volume_secret_for_luks(&vs, secret->generic, err, errlen);
	if (r != LD_OK) {
		*secret_bad = 1;
		return LD_ERR_INVALID;
	}
	*slot = vs.volume_key ? -1 : -2; /* -1: the volume key itself */
	*has_verity = vs.has_verity;
	if (vs.has_verity)
		*verity = vs.verity;
	/* Said once the entry is parsed: a volume key is only checked, nothing is derived. */
	luksdxe_con_printf(vs.volume_key ? "LuksDxe: %s: checking the volume key against the volume's digest (secret from %s%s): "
					 : "LuksDxe: %s: deriving key (secret from %s%s): ",
			   d->info.uuid, luksdxe_source_name(secret->source),
			   secret->generic ? ", disk passphrase" : "");
	if (vs.volume_key)
		r = ld_volume_unlock_key(d->vol, vs.volume_key, vs.volume_key_len, err, errlen);
	else
		r = ld_volume_unlock(d->vol, vs.passphrase, vs.passphrase_len, -1, progress, pctx,
				     slot, err, errlen);
	luksdxe_con_printf("\n");
	if (r != LD_OK || !vs.pin)
		return r;

	uint8_t vk[LD_VOLUME_KEY_MAX], pin[LD_PIN_SIZE];
	size_t vklen = 0;
	r = ld_volume_key(d->vol, vk, sizeof(vk), &vklen);
	if (r == LD_OK)
		r = ld_volume_pin(vk, vklen, pin);
	ld_wipe(vk, sizeof(vk));
	if (r == LD_OK)
		r = ld_ct_equal(pin, vs.pin, LD_PIN_SIZE) ? LD_OK : LD_ERR_PIN;
	ld_wipe(pin, sizeof(pin));
	if (r != LD_OK) {
		/* The key must not stay usable: close and reopen the volume locked. */
		ld_volume_close(d->vol);
		d->vol = NULL;
		return r == LD_ERR_PIN ? LD_ERR_PIN : r;
	}
	d->pinned = 1;
	return LD_OK;
}

/* The clock of the key-derivation cost limit (LD_KDF_MAX_SECONDS): the time-stamp
 * counter, calibrated once against the boot services' Stall.  With no usable clock the
 * limit is not set and every derivation runs. */
static uint64_t tsc_per_us;

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t kdf_now_us(void *ctx)
{
	(void)ctx;
	return rdtsc() / tsc_per_us;
}

static void kdf_notice(void *ctx, const char *line)
{
	(void)ctx;
	luksdxe_con_printf("\nLuksDxe: %s\n", line);
}

static void set_kdf_limit(ld_volume *vol)
{
	static const ld_kdf_limit limit = { kdf_now_us, kdf_notice, NULL, LD_KDF_MAX_SECONDS };
	if (!tsc_per_us && luksdxe_bs->Stall) {
		uint64_t t0 = rdtsc();
		luksdxe_bs->Stall(10000);
		tsc_per_us = (rdtsc() - t0) / 10000;
	}
	if (tsc_per_us)
		ld_volume_set_kdf_limit(vol, &limit);
}

/* ---- driver binding ------------------------------------------------------------ */

/* A remaining device path (ConnectController towards a specific child) may only start
 * with our own node, or be the end node. */
static int remaining_ok(const EFI_DEVICE_PATH_PROTOCOL *rem)
{
	if (!rem || IsDevicePathEnd(rem))
		return 1;
	return DevicePathType(rem) == MEDIA_DEVICE_PATH &&
	       DevicePathSubType(rem) == MEDIA_VENDOR_DP &&
	       DevicePathNodeLength(rem) == sizeof(LUKSDXE_VENDOR_NODE) &&
	       memcmp(&((const LUKSDXE_VENDOR_NODE *)rem)->guid, &luksdxe_vendor_guid,
		      sizeof(EFI_GUID)) == 0;
}

static EFI_STATUS EFIAPI drv_supported(EFI_DRIVER_BINDING_PROTOCOL *This, EFI_HANDLE ctrl,
				       EFI_DEVICE_PATH_PROTOCOL *remaining)
{
	EFI_DISK_IO_PROTOCOL *dio;
	EFI_BLOCK_IO_PROTOCOL *bio;
	if (!remaining_ok(remaining))
		return EFI_UNSUPPORTED;
	/* Never bind to our own children (their plaintext could be LUKS again, but
	 * unlocking a volume inside itself makes no sense: nested volumes sit in
	 * partitions, which are other handles). */
	if (luksdxe_volumes_find_child(ctrl))
		return EFI_UNSUPPORTED;
	EFI_STATUS st = luksdxe_bs->OpenProtocol(ctrl, &guid_disk_io, (void **)&dio,
						 This->DriverBindingHandle, ctrl,
						 EFI_OPEN_PROTOCOL_BY_DRIVER);
	if (st != EFI_SUCCESS)
		return st; /* includes EFI_ALREADY_STARTED and EFI_ACCESS_DENIED */
	st = luksdxe_bs->OpenProtocol(ctrl, &guid_block_io, (void **)&bio,
				      This->DriverBindingHandle, ctrl,
				      EFI_OPEN_PROTOCOL_GET_PROTOCOL);
	if (st == EFI_SUCCESS) {
		if (!bio->Media->MediaPresent) {
			st = EFI_UNSUPPORTED;
		} else {
			/* Cheap: the probe reads only the first bytes; plaintext media the
			 * secret names cost a superblock and a top hash block each. */
			luksdxe_disk disk;
			ld_blockdev dev;
			luksdxe_blockdev_init(&dev, &disk, dio, bio->Media);
			st = ld_volume_probe(&dev) == LD_OK ||
			     (luksdxe_secret_summary()->n_media &&
			      luksdxe_verified_media_match(&dev) >= 0)
				     ? EFI_SUCCESS : EFI_UNSUPPORTED;
		}
	}
	luksdxe_bs->CloseProtocol(ctrl, &guid_disk_io, This->DriverBindingHandle, ctrl);
	return st;
}

/* ---- Start, step by step: open the parent, unlock with the secrets, publish the child.
 * Each step either succeeds or undoes what it did itself; drv_start undoes the steps
 * before the one that failed, in reverse order, in one place. */

/* The parent's protocols.  DiskIo is opened BY_DRIVER (that is what binds us); BlockIo
 * (media) and the device path are only read. */
typedef struct {
	EFI_DISK_IO_PROTOCOL *disk_io;
	EFI_BLOCK_IO_PROTOCOL *block_io;
	EFI_DEVICE_PATH_PROTOCOL *path;
} parent_io;

static int is_luks(const parent_io *p)
{
	luksdxe_disk disk;
	ld_blockdev dev;
	luksdxe_blockdev_init(&dev, &disk, p->disk_io, p->block_io->Media);
	return ld_volume_probe(&dev) == LD_OK;
}

static void close_parent(EFI_HANDLE self, EFI_HANDLE ctrl)
{
	luksdxe_bs->CloseProtocol(ctrl, &guid_disk_io, self, ctrl);
}

static EFI_STATUS open_parent(EFI_HANDLE self, EFI_HANDLE ctrl, parent_io *p)
{
	EFI_STATUS st = luksdxe_bs->OpenProtocol(ctrl, &guid_disk_io, (void **)&p->disk_io, self,
						 ctrl, EFI_OPEN_PROTOCOL_BY_DRIVER);
	if (st != EFI_SUCCESS)
		return st;
	st = luksdxe_bs->OpenProtocol(ctrl, &guid_block_io, (void **)&p->block_io, self, ctrl,
				      EFI_OPEN_PROTOCOL_GET_PROTOCOL);
	if (st == EFI_SUCCESS)
		st = luksdxe_bs->OpenProtocol(ctrl, &guid_device_path, (void **)&p->path, self,
					      ctrl, EFI_OPEN_PROTOCOL_GET_PROTOCOL);
	if (st != EFI_SUCCESS)
		close_parent(self, ctrl);
	return st;
}

/* Reads the LUKS header through the parent and checks that we can serve the volume,
 * before any secret is touched.  *lasting: the refusal will not change this boot. */
static EFI_STATUS open_volume(EFI_HANDLE ctrl, const parent_io *p, luksdxe_dev **out,
			      int *lasting)
{
	char err[128];
	luksdxe_dev *d = luksdxe_alloc.alloc(NULL, sizeof(*d));
	if (!d)
		return EFI_OUT_OF_RESOURCES;
	d->signature = LUKSDXE_DEV_SIGNATURE;
	d->controller = ctrl;
	luksdxe_blockdev_init(&d->bdev, &d->disk, p->disk_io, p->block_io->Media);

	EFI_STATUS st = EFI_UNSUPPORTED;
	int r = ld_volume_open(&d->vol, &d->bdev, &d->bdev, &luksdxe_alloc, err, sizeof(err));
	if (r != LD_OK) {
		d->vol = NULL;
		luksdxe_con_printf("LuksDxe: not a usable LUKS volume: %s\n", err);
		st = r == LD_ERR_IO ? EFI_DEVICE_ERROR : EFI_UNSUPPORTED;
		*lasting = r != LD_ERR_IO && r != LD_ERR_NOMEM;
		goto fail;
	}
	d->info = *ld_volume_get_info(d->vol);
	d->info.uuid[sizeof(d->info.uuid) - 1] = 0;
	const char *uuid = d->info.uuid;
	const char *why = ld_volume_unsupported(d->vol);
	if (why && why[0]) {
		luksdxe_con_printf("LuksDxe: %s: unsupported: %s; the volume stays locked\n", uuid, why);
		*lasting = 1;
		goto fail;
	}
	if (d->info.sector_size < 512 || d->info.sector_size > 4096 ||
	    d->info.data_size < d->info.sector_size || d->info.data_size % d->info.sector_size) {
		luksdxe_con_printf(d->info.data_size < d->info.sector_size
				   ? "LuksDxe: %s: the data segment is empty or starts beyond the end of the disk; the volume stays locked\n"
				   : "LuksDxe: %s: unsupported data segment geometry\n", uuid);
		*lasting = 1;
		goto fail;
	}
	*out = d;
	return EFI_SUCCESS;

fail:
	destroy(d);
	return st;
}

/* Says why no secret unlocked the volume; returns the status Start reports. */
static EFI_STATUS report_locked(const char *uuid, int r, int slot, int secret_bad,
				const char *err, int *lasting)
{
	if (r == LD_ERR_PIN) {
		luksdxe_con_printf("LuksDxe: %s: the volume key does not match the pin in the secret "
				   "(not the guest owner's volume); the volume stays locked\n", uuid);
		*lasting = 1;
		return EFI_SECURITY_VIOLATION;
	}
	if (r == LD_ERR_KEY)
		luksdxe_con_printf("LuksDxe: %s: wrong secret: %s; the volume stays locked\n", uuid,
				   slot == -1 ? err : "no keyslot accepts it");
	else if (r == LD_ERR_INVALID && secret_bad)
		luksdxe_con_printf("LuksDxe: %s: unusable secret entry: %s; the volume stays locked\n",
				   uuid, err);
	else if (r == LD_ERR_UNSUPPORTED)
		luksdxe_con_printf("LuksDxe: %s: unsupported: %s\n", uuid, err);
	else
		luksdxe_con_printf("LuksDxe: %s: unlock failed: %s\n", uuid, err);
	*lasting = r == LD_ERR_KEY || r == LD_ERR_UNSUPPORTED;
	return r == LD_ERR_KEY ? EFI_ACCESS_DENIED
	     : r == LD_ERR_UNSUPPORTED ? EFI_UNSUPPORTED : EFI_DEVICE_ERROR;
}

/* Asks the secret providers (secret.c, in order) for the volume's secret and unlocks
 * with it: an injected secret is tried once, a passphrase typed at the console up to
 * PROMPT_ATTEMPTS times.  *slot: the keyslot that opened (-1: the volume key itself).
 * *verity receives the owner's verity parameters when the secret has them. */
static EFI_STATUS unlock_volume(luksdxe_dev *d, int *slot, ld_verity_params *verity,
				int *has_verity, int *lasting, luksdxe_source *used)
{
	const char *uuid = d->info.uuid;
	char err[128];
	uint8_t guid[16];
	luksdxe_secret secret;
	int r, secret_bad = 0;

	set_kdf_limit(d->vol);
	ld_guid_from_uuid(guid, d->info.uuid_bin);
	*slot = -2;
	/* Decided before any secret entry can be used (and, with the wipe option, deleted). */
	(void)luksdxe_secret_summary();
	/* The TPM after the secret area (which, when published, is the only source) and
	 * before the host-controlled fw_cfg and console: a token that does not unlock the
	 * volume leaves it to them.  A volume opened so is not pinned and not verified by the
	 * secret: the load policy treats it accordingly. */
	if (!luksdxe_secret_cc_present()) {
		r = luksdxe_tpm_unlock(d, slot);
		if (r == LD_OK) {
			*used = LUKSDXE_SRC_TPM;
			return EFI_SUCCESS;
		}
		if (r == LD_ERR_NOMEM)
			return EFI_OUT_OF_RESOURCES;
		*slot = -2;
	}
	for (int attempt = 1;; attempt++) {
		r = luksdxe_secret_get(guid, uuid, &secret);
		if (r != LD_OK) {
			if (r == LD_ERR_NOTFOUND) {
				luksdxe_con_printf("LuksDxe: %s: no secret for this volume; it stays locked\n", uuid);
				*lasting = 1;
				return EFI_NOT_FOUND;
			}
			luksdxe_con_printf("LuksDxe: %s: out of memory\n", uuid);
			return EFI_OUT_OF_RESOURCES;
		}
		progress_state prog = { 0, 0 };
		luksdxe_source src = secret.source;
		*used = src;
		r = unlock_with(d, &secret, on_progress, &prog, slot, &secret_bad, verity,
				has_verity, err, sizeof(err));
		luksdxe_secret_release(&secret, r == LD_OK);
		/* Someone at the console may mistype; injected secrets are tried once. */
		if (r == LD_ERR_KEY && src == LUKSDXE_SRC_PROMPT && attempt < PROMPT_ATTEMPTS) {
			luksdxe_con_printf("LuksDxe: %s: wrong passphrase, try again\n", uuid);
			continue;
		}
		break;
	}
	return r == LD_OK ? EFI_SUCCESS : report_locked(uuid, r, *slot, secret_bad, err, lasting);
}

/* What the child serves: the volume's plaintext, or - when the secret carries the owner's
 * verity parameters - only the data region that verifies against the owner's tree, which
 * lies in that plaintext.  A tree that does not verify keeps the volume unpublished. */
static EFI_STATUS serve_volume(luksdxe_dev *d, const ld_verity_params *verity, int has_verity,
			       int *lasting)
{
	d->block_size = d->info.sector_size;
	d->size = d->info.data_size;
	if (!has_verity)
		return EFI_SUCCESS;
	ld_volume_blockdev(d->vol, &d->plain);
	EFI_STATUS st = luksdxe_verified_open(d, &d->plain, verity);
	*lasting = st == EFI_SECURITY_VIOLATION;
	return st;
}

/* Plaintext media that the secret vouches for by root hash (secret_table.h): a device
 * that is no LUKS volume, whose content verifies against one of the secret's media
 * records, is served through that tree.  The child is named after the root hash. */
static EFI_STATUS open_media(EFI_HANDLE ctrl, const parent_io *p, luksdxe_dev **out,
			     int *lasting)
{
	static const char hex[] = "0123456789abcdef";
	luksdxe_dev *d = luksdxe_alloc.alloc(NULL, sizeof(*d));
	if (!d)
		return EFI_OUT_OF_RESOURCES;
	d->signature = LUKSDXE_DEV_SIGNATURE;
	d->controller = ctrl;
	d->is_media = 1;
	luksdxe_blockdev_init(&d->bdev, &d->disk, p->disk_io, p->block_io->Media);
	int i = luksdxe_verified_media_match(&d->bdev);
	if (i < 0) {
		*lasting = 1;
		destroy(d);
		return EFI_UNSUPPORTED;
	}
	const ld_verity_params *m = &luksdxe_secret_summary()->media[i];
	memcpy(d->info.uuid, "verity-", 7);
	for (int k = 0; k < 16; k++) {
		d->info.uuid_bin[k] = m->root_hash[k];
		d->info.uuid[7 + 2 * k] = hex[m->root_hash[k] >> 4];
		d->info.uuid[8 + 2 * k] = hex[m->root_hash[k] & 15];
	}
	d->info.uuid[39] = 0;
	/* The parent's blocks, unless the tree's blocks are smaller. */
	d->block_size = p->block_io->Media->BlockSize;
	EFI_STATUS st = luksdxe_verified_open(d, &d->bdev, m);
	if (st != EFI_SUCCESS) {
		*lasting = st == EFI_SECURITY_VIOLATION;
		destroy(d);
		return st;
	}
	*out = d;
	return EFI_SUCCESS;
}

/* The unlocked volume as a child handle of ctrl: device path (the parent's + our vendor
 * node), BlockIo and BlockIo2, the parent's DiskIo opened BY_CHILD_CONTROLLER.  The ext4
 * file system binding (ext4fs.c) then finds the child when the firmware connects it. */
static EFI_STATUS publish_child(EFI_HANDLE self, EFI_HANDLE ctrl, luksdxe_dev *d,
				const parent_io *p)
{
	EFI_DISK_IO_PROTOCOL *unused;
	luksdxe_blockio_init(d, p->block_io->Media);
	set_name(d);
	EFI_STATUS st = build_path(d, p->path); /* d->path goes with destroy(d) */
	if (st != EFI_SUCCESS)
		return st;
	st = install_child(d);
	if (st != EFI_SUCCESS)
		return st;
	st = luksdxe_bs->OpenProtocol(ctrl, &guid_disk_io, (void **)&unused, self, d->child,
				      EFI_OPEN_PROTOCOL_BY_CHILD_CONTROLLER);
	if (st != EFI_SUCCESS) {
		uninstall_child(d);
		return st;
	}
	luksdxe_volumes_add(d);
	return EFI_SUCCESS;
}

static void announce_unlocked(const luksdxe_dev *d, int slot)
{
	const char *pin = d->pinned ? ", volume key matches its pin" : "";
	if (d->is_media) {
		luksdxe_con_printf("LuksDxe: %s: plaintext media verified against the secret's root "
				   "hash, published read-only\n", d->info.uuid);
		return;
	}
	if (slot >= 0)
		luksdxe_con_printf("LuksDxe: %s: unlocked with keyslot %d%s\n", d->info.uuid, slot, pin);
	else
		luksdxe_con_printf("LuksDxe: %s: unlocked with the volume key from the secret%s\n",
				   d->info.uuid, pin);
}

/* Opens, unlocks and publishes; on failure returns an error and leaves nothing behind
 * (a lasting failure is remembered for this controller and medium: see failed[]). */
static EFI_STATUS EFIAPI drv_start(EFI_DRIVER_BINDING_PROTOCOL *This, EFI_HANDLE ctrl,
				   EFI_DEVICE_PATH_PROTOCOL *remaining)
{
	EFI_HANDLE self = This->DriverBindingHandle;
	parent_io parent;
	luksdxe_dev *d = NULL;
	int slot = -2, lasting = 0, has_verity = 0;
	ld_verity_params verity;
	luksdxe_source used = LUKSDXE_SRC_NONE;

	/* An end node asks us to start without creating children. */
	if (remaining && IsDevicePathEnd(remaining))
		return EFI_SUCCESS;
	if (luksdxe_volumes_find_child(ctrl))
		return EFI_UNSUPPORTED;
	/* Start runs when the boot manager connects disks, after the consoles. */
	luksdxe_policy_console_ready();

	EFI_STATUS st = open_parent(self, ctrl, &parent);
	if (st != EFI_SUCCESS)
		return st;
	UINT32 media_id = parent.block_io->Media->MediaId;
	if (failed_before(ctrl, media_id)) {
		st = EFI_NOT_FOUND;
		goto undo_open;
	}
	if (!is_luks(&parent)) {
		st = open_media(ctrl, &parent, &d, &lasting);
		if (st != EFI_SUCCESS)
			goto undo_open;
	} else {
		st = open_volume(ctrl, &parent, &d, &lasting);
		if (st != EFI_SUCCESS)
			goto undo_open;
		st = unlock_volume(d, &slot, &verity, &has_verity, &lasting, &used);
		if (st == EFI_SUCCESS)
			st = serve_volume(d, &verity, has_verity, &lasting);
		/* before the child exists, so before anything can be read from it */
		if (st == EFI_SUCCESS)
			luksdxe_tpm_measure(d, luksdxe_source_tag(used), slot,
					    has_verity ? &verity : NULL);
		ld_wipe(&verity, sizeof(verity));
		if (st != EFI_SUCCESS)
			goto undo_volume;
	}
	st = publish_child(self, ctrl, d, &parent);
	if (st != EFI_SUCCESS)
		goto undo_volume;
	announce_unlocked(d, slot);
	return EFI_SUCCESS;

undo_volume:
	destroy(d);
undo_open:
	if (lasting)
		remember_failure(ctrl, media_id);
	close_parent(self, ctrl);
	return st;
}

static EFI_STATUS EFIAPI drv_stop(EFI_DRIVER_BINDING_PROTOCOL *This, EFI_HANDLE ctrl,
				  UINTN nchildren, EFI_HANDLE *children)
{
	EFI_HANDLE self = This->DriverBindingHandle;
	if (nchildren == 0)
		return luksdxe_bs->CloseProtocol(ctrl, &guid_disk_io, self, ctrl);

	EFI_STATUS result = EFI_SUCCESS;
	for (UINTN i = 0; i < nchildren; i++) {
		luksdxe_dev *d = luksdxe_volumes_find_child(children[i]);
		if (!d || d->controller != ctrl) {
			result = EFI_DEVICE_ERROR;
			continue;
		}
		luksdxe_bs->CloseProtocol(ctrl, &guid_disk_io, self, d->child);
		/* Uninstalling BlockIo(2) asks the drivers above us to let go; if one
		 * refuses, the child stays as it was. */
		EFI_STATUS st = uninstall_child(d);
		if (st != EFI_SUCCESS) {
			EFI_DISK_IO_PROTOCOL *unused;
			luksdxe_bs->OpenProtocol(ctrl, &guid_disk_io, (void **)&unused, self,
						 d->child, EFI_OPEN_PROTOCOL_BY_CHILD_CONTROLLER);
			result = EFI_DEVICE_ERROR;
			continue;
		}
		luksdxe_volumes_remove(d);
		luksdxe_con_printf("LuksDxe: %s: stopped, key wiped\n", d->info.uuid);
		destroy(d);
	}
	return result;
}

static EFI_DRIVER_BINDING_PROTOCOL binding = {
	.Supported = drv_supported,
	.Start = drv_start,
	.Stop = drv_stop,
	.Version = 0x10,
};

/* ---- component name ------------------------------------------------------------ */

static int lang_ok(const CHAR8 *lang)
{
	/* We speak "en" only; accept "en" and any "en-XX" tag (RFC 4646). */
	return lang && lang[0] == 'e' && lang[1] == 'n' && (lang[2] == 0 || lang[2] == '-');
}

static CHAR16 driver_name[] = u"LuksDxe LUKS volume driver " LUKSDXE_VERSION;

static EFI_STATUS EFIAPI name_driver(EFI_COMPONENT_NAME2_PROTOCOL *This, CHAR8 *Language,
				     CHAR16 **DriverName)
{
	(void)This;
	if (!Language || !DriverName)
		return EFI_INVALID_PARAMETER;
	if (!lang_ok(Language))
		return EFI_UNSUPPORTED;
	*DriverName = driver_name;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI name_controller(EFI_COMPONENT_NAME2_PROTOCOL *This, EFI_HANDLE ctrl,
					 EFI_HANDLE child, CHAR8 *Language, CHAR16 **Name)
{
	(void)This;
	if (!ctrl || !Language || !Name)
		return EFI_INVALID_PARAMETER;
	if (!lang_ok(Language))
		return EFI_UNSUPPORTED;
	luksdxe_dev *d = luksdxe_volumes_find(ctrl, child);
	if (!d)
		return EFI_UNSUPPORTED;
	*Name = d->name;
	return EFI_SUCCESS;
}

static EFI_COMPONENT_NAME2_PROTOCOL name2 = {
	.GetDriverName = name_driver,
	.GetControllerName = name_controller,
	.SupportedLanguages = (CHAR8 *)"en",
};

/* ---- ExitBootServices, unload, entry ------------------------------------------- */

static VOID EFIAPI on_exit_boot_services(EFI_EVENT ev, VOID *ctx)
{
	(void)ev;
	(void)ctx;
	/* The OS owns memory from now on: wipe every key in place, free nothing. */
	luksdxe_env_exit_boot_services();
	for (luksdxe_dev *d = luksdxe_volumes_first(); d; d = d->next) {
		d->gone = 1;
		luksdxe_verified_close(d);
		if (d->vol) {
			ld_volume_close(d->vol);
			d->vol = NULL;
		}
	}
	luksdxe_secret_exit_boot_services();
	luksdxe_cpu_exit_boot_services();
	luksdxe_libc_exit_boot_services();
}

/* The TPL the caller of Unload runs at.  gBS has no GetTPL: raising to the highest level
 * returns the current one, which is put back at once. */
static EFI_TPL current_tpl(void)
{
	EFI_TPL t = luksdxe_bs->RaiseTPL(TPL_HIGH_LEVEL);
	luksdxe_bs->RestoreTPL(t);
	return t;
}

static EFI_STATUS EFIAPI drv_unload(EFI_HANDLE image)
{
	EFI_STATUS st;
	/* Called above TPL_APPLICATION (an event notification), Unload may have interrupted
	 * code that still holds our code or our protocols: the DXE core's ConnectController
	 * keeps a list of driver bindings, ours included, while it calls them one by one at
	 * TPL_APPLICATION (seen: the shell's `load` connecting all handles, a timer event
	 * unloading us in between, the core then calling our freed binding).  At
	 * TPL_APPLICATION nothing can be interrupted under the caller, and images started
	 * through our StartImage wrapper are counted (luksdxe_policy_busy). */
	if (current_tpl() > TPL_APPLICATION) {
		luksdxe_con_printf("LuksDxe: not unloading: called from an event notification (above "
				   "TPL_APPLICATION), which may have interrupted a use of the driver\n");
		return EFI_ACCESS_DENIED;
	}
	/* Asked before anything is taken down, so that a refusal changes nothing. */
	if (luksdxe_policy_busy()) {
		luksdxe_con_printf("LuksDxe: not unloading: an image started under the load policy still "
				   "runs, or another driver wrapped the policy's hooks\n");
		return EFI_ACCESS_DENIED;
	}
	/* The ext4 file systems first: they refuse while EFI_FILE_PROTOCOL handles are open. */
	st = luksdxe_ext4fs_uninstall();
	if (st != EFI_SUCCESS) {
		luksdxe_con_printf("LuksDxe: not unloading: files of an ext4 volume are open\n");
		return st;
	}
	/* Stop every volume first; if one cannot stop, stay loaded (with the policy on). */
	for (luksdxe_dev *d; (d = luksdxe_volumes_first()) != NULL;) {
		st = luksdxe_bs->DisconnectController(d->controller, image, NULL);
		if (st != EFI_SUCCESS || luksdxe_volumes_first() == d)
			return st != EFI_SUCCESS ? st : EFI_DEVICE_ERROR;
	}
	/* The policy's code goes with the image: put the firmware's handlers back. */
	st = luksdxe_policy_uninstall();
	if (st != EFI_SUCCESS) {
		luksdxe_con_printf("LuksDxe: not unloading: the load policy's hooks cannot be removed\n");
		return st;
	}
	/* An interface left installed would point into the freed image: stop at a failure. */
	st = luksdxe_bs->UninstallProtocolInterface(image, &guid_name2, &name2);
	if (st != EFI_SUCCESS)
		return st;
	st = luksdxe_bs->UninstallProtocolInterface(image, &guid_binding, &binding);
	if (st != EFI_SUCCESS) {
		luksdxe_bs->InstallProtocolInterface(&image, &guid_name2, EFI_NATIVE_INTERFACE, &name2);
		return st;
	}
	if (ebs_event)
		luksdxe_bs->CloseEvent(ebs_event);
	ebs_event = NULL;
	failed_n = 0;
	luksdxe_secret_reset();
	return EFI_SUCCESS;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_LOADED_IMAGE_PROTOCOL *li;
	EFI_STATUS s;

	luksdxe_env_init(st);
	luksdxe_libc_init(st->BootServices);
	luksdxe_con_init(st);
	luksdxe_cpu_init(); /* AVX state for the VAES paths; prints the AES-XTS path */
	luksdxe_volumes_reset();
	failed_n = 0;
	luksdxe_mp_init();

	binding.ImageHandle = image;
	binding.DriverBindingHandle = image;
	s = luksdxe_bs->InstallProtocolInterface(&image, &guid_binding, EFI_NATIVE_INTERFACE,
						 &binding);
	if (s != EFI_SUCCESS)
		return s;
	s = luksdxe_bs->InstallProtocolInterface(&image, &guid_name2, EFI_NATIVE_INTERFACE, &name2);
	if (s == EFI_SUCCESS)
		s = luksdxe_bs->CreateEvent(EVT_SIGNAL_EXIT_BOOT_SERVICES, TPL_NOTIFY,
					    on_exit_boot_services, NULL, &ebs_event);
	if (s == EFI_SUCCESS)
		s = luksdxe_bs->OpenProtocol(image, &guid_loaded_image, (void **)&li, image, NULL,
					     EFI_OPEN_PROTOCOL_GET_PROTOCOL);
	if (s != EFI_SUCCESS) {
		if (ebs_event)
			luksdxe_bs->CloseEvent(ebs_event);
		ebs_event = NULL;
		luksdxe_bs->UninstallProtocolInterface(image, &guid_name2, &name2);
		luksdxe_bs->UninstallProtocolInterface(image, &guid_binding, &binding);
		return s;
	}
	luksdxe_con_printf("LuksDxe " LUKSDXE_VERSION ": loaded\n");
	luksdxe_secret_reset();
	s = luksdxe_policy_install();
	if (s != EFI_SUCCESS && s != EFI_NOT_FOUND) {
		luksdxe_con_printf("LuksDxe: cannot install the load policy (error %lx)\n", (unsigned long)s);
		luksdxe_bs->CloseEvent(ebs_event);
		ebs_event = NULL;
		luksdxe_bs->UninstallProtocolInterface(image, &guid_name2, &name2);
		luksdxe_bs->UninstallProtocolInterface(image, &guid_binding, &binding);
		return s;
	}
	/* The read-only ext4 file system on unlocked volumes: a second binding. */
	if (luksdxe_ext4fs_install(image) != EFI_SUCCESS)
		luksdxe_con_printf("LuksDxe: cannot install the ext4 file system driver\n");
	li->Unload = drv_unload;
	/* A boot-service driver that returns success stays resident. */
	return EFI_SUCCESS;
}
