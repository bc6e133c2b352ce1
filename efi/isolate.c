/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* See isolate.h.  Why these mechanisms (docs/load-policy.md says it for users):
 *  - GRUB 2.06 (grub-core/disk/efi/efidisk.c) lists every BlockIo handle, takes a handle
 *    whose last node is a partition (HD) as a sign of its parent whole disk, and reads that
 *    whole disk, parsing the GPT itself; a handle ending in another media node (LuksDxe's
 *    vendor node) counts as a whole disk of its own.  Stopping the firmware's partition
 *    children is therefore not enough: the raw disk must show nothing but the owner's
 *    ciphertext, hence the read filter on it.
 *  - DisconnectController is the driver model's own way to take a device away; a bus
 *    driver (SCSI, AHCI, the partition driver) stops one child when asked for it alone,
 *    so the owner's disk keeps its LUKS partition.
 *  - ConnectController asks Security2 with no file before it binds anything (UEFI 2.10
 *    7.3, edk2 CoreConnectController), so the policy's Security2 hook refuses it there;
 *    no boot-services table entry has to be replaced.
 * Caution: device paths here come from other drivers; every node length is checked. */
#include <string.h>
#include "luksdxe.h"
#include "console.h"
#include "isolate.h"

static EFI_GUID guid_bio = EFI_BLOCK_IO_PROTOCOL_GUID;
static EFI_GUID guid_bio2 = EFI_BLOCK_IO2_PROTOCOL_GUID;
static EFI_GUID guid_dio = EFI_DISK_IO_PROTOCOL_GUID;
static EFI_GUID guid_sfs = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
static EFI_GUID guid_dp = EFI_DEVICE_PATH_PROTOCOL_GUID;

#define DP_MAX (64 * 1024) /* bound for walking a device path of another driver */
#define MAX_OWNERS 16
#define MAX_FILTERS 8
#define MAX_RANGES 8
#define MAX_REFUSAL_LINES 4
#define MAX_SEEN 256 /* storage handles looked at (more are named on the console) */
#define LINE 400

typedef struct {
	uint64_t start, end; /* bytes, end excluded */
} range;

/* One filtered BlockIo (with the BlockIo2 of the same handle, if any). */
typedef struct {
	EFI_BLOCK_IO_PROTOCOL *bio;
	EFI_BLOCK_READ orig_read;
	EFI_BLOCK_IO2_PROTOCOL *bio2;
	EFI_BLOCK_READ_EX orig_read_ex;
	EFI_HANDLE handle;
	range ranges[MAX_RANGES];
	unsigned n_ranges;
	unsigned refusals;
} filter;

static int engaged;
static filter filters[MAX_FILTERS];
static unsigned n_filters;
/* The owner volumes' device paths (end node excluded), copied at engage. */
static uint8_t *owners[MAX_OWNERS];
static size_t owner_len[MAX_OWNERS];
static unsigned n_owners;
static unsigned connect_refusals;

static void say(const char *what, const EFI_DEVICE_PATH_PROTOCOL *dp, const char *why)
{
	char line[LINE];
	size_t n = 0;
	line[0] = 0;
	for (const char *s = what; *s && n + 1 < sizeof(line); s++)
		line[n++] = *s;
	line[n] = 0;
	luksdxe_env_path_text(dp, line, sizeof(line), &n);
	luksdxe_con_printf("%s%s\n", line, why);
}

static long path_len(const EFI_DEVICE_PATH_PROTOCOL *dp)
{
	return dp ? luksdxe_dp_length((const uint8_t *)dp, DP_MAX) : -1;
}

/* The relation of a handle's path h to owner path o: 1 if h is o or below it, 2 if h is a
 * proper prefix of o (on the path to it), 0 otherwise.  Both are whole nodes, so a byte
 * prefix is a node prefix. */
static int relation(const uint8_t *h, size_t hl, const uint8_t *o, size_t ol)
{
	if (hl >= ol && memcmp(h, o, ol) == 0)
		return 1;
	if (hl < ol && memcmp(h, o, hl) == 0)
		return 2;
	return 0;
}

/* The strongest relation of dp to any owner volume. */
static int owner_relation(const EFI_DEVICE_PATH_PROTOCOL *dp)
{
	long l = path_len(dp);
	int best = 0;
	if (l < 0)
		return 0;
	for (unsigned i = 0; i < n_owners; i++) {
		int r = relation((const uint8_t *)dp, (size_t)l, owners[i], owner_len[i]);
		if (r == 1)
			return 1;
		if (r > best)
			best = r;
	}
	return best;
}

/* Does the load policy admit files from d?  The same facts as its rule (b). */
static int is_owner(const luksdxe_dev *d)
{
	if (!d->path || d->path_size <= sizeof(EFI_DEVICE_PATH_PROTOCOL) || d->gone)
		return 0;
	if (luksdxe_secret_pins_present() && !d->pinned)
		return 0;
	if (luksdxe_secret_verity_present() && !d->verified)
		return 0;
	return 1;
}

/* ---- the read filter --------------------------------------------------------------- */

static filter *filter_of_bio(const EFI_BLOCK_IO_PROTOCOL *bio)
{
	for (unsigned i = 0; i < n_filters; i++)
		if (filters[i].bio == bio)
			return &filters[i];
	return NULL;
}

static filter *filter_of_bio2(const EFI_BLOCK_IO2_PROTOCOL *bio2)
{
	for (unsigned i = 0; i < n_filters; i++)
		if (filters[i].bio2 == bio2)
			return &filters[i];
	return NULL;
}

/* Is the read of size bytes at block lba inside one range? */
static int admitted(const filter *f, uint32_t block_size, EFI_LBA lba, UINTN size)
{
	if (!block_size || lba > UINT64_MAX / block_size)
		return 0;
	uint64_t at = lba * block_size;
	if (size > UINT64_MAX - at)
		return 0;
	for (unsigned i = 0; i < f->n_ranges; i++)
		if (at >= f->ranges[i].start && at + size <= f->ranges[i].end)
			return 1;
	return 0;
}

static void refused(filter *f, EFI_LBA lba, UINTN size, uint32_t block_size)
{
	if (f->refusals++ >= MAX_REFUSAL_LINES)
		return;
	EFI_DEVICE_PATH_PROTOCOL *dp = NULL;
	luksdxe_bs->HandleProtocol(f->handle, &guid_dp, (void **)&dp);
	luksdxe_con_printf("LuksDxe: isolation: read of %llu bytes at byte %llu refused on ",
			   (unsigned long long)size, (unsigned long long)lba * block_size);
	say("", dp, f->refusals == MAX_REFUSAL_LINES
			    ? ": outside the owner's volumes (further refusals not shown)"
			    : ": outside the owner's volumes");
}

static EFI_STATUS EFIAPI filtered_read(EFI_BLOCK_IO_PROTOCOL *This, UINT32 media_id, EFI_LBA lba,
				       UINTN size, VOID *buf)
{
	filter *f = filter_of_bio(This);
	if (!f)
		return EFI_DEVICE_ERROR;
	uint32_t bs = This->Media ? This->Media->BlockSize : 0;
	if (!admitted(f, bs, lba, size)) {
		refused(f, lba, size, bs);
		return EFI_DEVICE_ERROR;
	}
	return f->orig_read(This, media_id, lba, size, buf);
}

static EFI_STATUS EFIAPI filtered_read_ex(EFI_BLOCK_IO2_PROTOCOL *This, UINT32 media_id,
					  EFI_LBA lba, EFI_BLOCK_IO2_TOKEN *token, UINTN size,
					  VOID *buf)
{
	filter *f = filter_of_bio2(This);
	if (!f)
		return EFI_DEVICE_ERROR;
	uint32_t bs = This->Media ? This->Media->BlockSize : 0;
	if (!admitted(f, bs, lba, size)) {
		refused(f, lba, size, bs);
		return EFI_DEVICE_ERROR; /* returned at once: the token is not signalled */
	}
	return f->orig_read_ex(This, media_id, lba, token, size, buf);
}

/* The filter of handle h, installed if new (NULL when the table is full or h has no
 * BlockIo). */
static filter *filter_on(EFI_HANDLE h)
{
	EFI_BLOCK_IO_PROTOCOL *bio = NULL;
	EFI_BLOCK_IO2_PROTOCOL *bio2 = NULL;
	if (luksdxe_bs->HandleProtocol(h, &guid_bio, (void **)&bio) != EFI_SUCCESS || !bio)
		return NULL;
	filter *f = filter_of_bio(bio);
	if (f)
		return f;
	if (n_filters == MAX_FILTERS)
		return NULL;
	f = &filters[n_filters++];
	memset(f, 0, sizeof(*f));
	f->handle = h;
	f->bio = bio;
	f->orig_read = bio->ReadBlocks;
	bio->ReadBlocks = filtered_read;
	if (luksdxe_bs->HandleProtocol(h, &guid_bio2, (void **)&bio2) == EFI_SUCCESS && bio2) {
		f->bio2 = bio2;
		f->orig_read_ex = bio2->ReadBlocksEx;
		bio2->ReadBlocksEx = filtered_read_ex;
	}
	return f;
}

/* ---- where an owner volume lies on its raw disk -------------------------------------- */

#define DP_TYPE_MEDIA 0x04
#define DP_MEDIA_HARDDRIVE 0x01
#define DP_HD_LEN 42u /* UEFI 2.10 10.3.5.1: header, number, start, size, signature, types */

/* The byte offset of the controller path c inside the disk path r (a prefix of c): the
 * partition nodes between them, their starts in r's blocks added up (PartitionDxe gives a
 * partition the block size of its parent).  0 and *ok = 0 if another node lies between. */
static uint64_t offset_in(const uint8_t *c, size_t cl, size_t rl, uint32_t block_size, int *ok)
{
	uint64_t off = 0;
	*ok = 0;
	for (size_t at = rl; at < cl;) {
		const uint8_t *n = c + at;
		size_t len = (size_t)n[2] | (size_t)n[3] << 8; /* checked by luksdxe_dp_length */
		if (n[0] != DP_TYPE_MEDIA || n[1] != DP_MEDIA_HARDDRIVE || len != DP_HD_LEN)
			return 0;
		uint64_t start;
		memcpy(&start, n + 8, 8);
		if (start > (UINT64_MAX - off) / block_size)
			return 0;
		off += start * block_size;
		at += len;
	}
	*ok = 1;
	return off;
}

/* Admits d's ciphertext (its data segment; plaintext media: the whole media) on the
 * topmost BlockIo handle on the path to d's controller. */
static void admit_volume(const luksdxe_dev *d, EFI_HANDLE *bio_handles, UINTN n_bio)
{
	EFI_DEVICE_PATH_PROTOCOL *cdp = NULL;
	EFI_BLOCK_IO_PROTOCOL *cbio = NULL;
	if (luksdxe_bs->HandleProtocol(d->controller, &guid_dp, (void **)&cdp) != EFI_SUCCESS ||
	    luksdxe_bs->HandleProtocol(d->controller, &guid_bio, (void **)&cbio) != EFI_SUCCESS ||
	    !cbio || !cbio->Media)
		return;
	long cl = path_len(cdp);
	if (cl < 0)
		return;
	/* The shortest BlockIo path that is a prefix of the controller's (or the controller). */
	EFI_HANDLE root = d->controller;
	size_t rl = (size_t)cl;
	for (UINTN i = 0; i < n_bio; i++) {
		EFI_DEVICE_PATH_PROTOCOL *dp = NULL;
		if (luksdxe_bs->HandleProtocol(bio_handles[i], &guid_dp, (void **)&dp) != EFI_SUCCESS)
			continue;
		long l = path_len(dp);
		if (l > 0 && (size_t)l < rl && memcmp(dp, cdp, (size_t)l) == 0) {
			root = bio_handles[i];
			rl = (size_t)l;
		}
	}
	/* A LuksDxe volume inside another owner volume is read through that one's plaintext:
	 * the outer volume's range covers it. */
	EFI_DEVICE_PATH_PROTOCOL *rdp = NULL;
	luksdxe_bs->HandleProtocol(root, &guid_dp, (void **)&rdp);
	if (owner_relation(rdp) == 1)
		return;
	EFI_BLOCK_IO_PROTOCOL *rbio = NULL;
	if (luksdxe_bs->HandleProtocol(root, &guid_bio, (void **)&rbio) != EFI_SUCCESS || !rbio ||
	    !rbio->Media || !rbio->Media->BlockSize)
		return;
	int ok;
	uint64_t off = offset_in((const uint8_t *)cdp, (size_t)cl, rl, rbio->Media->BlockSize, &ok);
	range r = { 0, 0 };
	if (ok && d->is_media) {
		uint64_t blocks = cbio->Media->LastBlock + 1;
		r.start = off;
		r.end = blocks && blocks <= (UINT64_MAX - off) / cbio->Media->BlockSize
				? off + blocks * cbio->Media->BlockSize
				: off;
	} else if (ok && d->vol && d->info.data_offset <= UINT64_MAX - off &&
		   d->info.data_size <= UINT64_MAX - off - d->info.data_offset) {
		r.start = off + d->info.data_offset;
		r.end = r.start + d->info.data_size;
	}
	filter *f = filter_on(root);
	if (!f) {
		say("LuksDxe: isolation: cannot filter ", rdp, ": too many disks; it stays readable");
		return;
	}
	if (r.end <= r.start || f->n_ranges == MAX_RANGES) {
		say("LuksDxe: isolation: cannot place a volume on ", rdp,
		    ": its reads will fail");
		return;
	}
	f->ranges[f->n_ranges++] = r;
	luksdxe_con_printf("LuksDxe: %s: isolation: of its disk only bytes %llu to %llu "
			   "(the volume's %s) stay readable: ",
			   d->info.uuid, (unsigned long long)r.start, (unsigned long long)r.end,
			   d->is_media ? "verified media" : "encrypted data segment");
	say("", rdp, "");
}

/* ---- hiding ------------------------------------------------------------------------- */

static int is_storage(EFI_HANDLE h)
{
	void *p;
	return luksdxe_bs->HandleProtocol(h, &guid_bio, &p) == EFI_SUCCESS ||
	       luksdxe_bs->HandleProtocol(h, &guid_dio, &p) == EFI_SUCCESS ||
	       luksdxe_bs->HandleProtocol(h, &guid_sfs, &p) == EFI_SUCCESS;
}

/* The handle whose device path is dp without its last node, or NULL. */
static EFI_HANDLE parent_of(const EFI_DEVICE_PATH_PROTOCOL *dp)
{
	uint8_t buf[1024];
	long l = path_len(dp);
	size_t last = 0;
	if (l <= 0 || !luksdxe_bs->LocateDevicePath)
		return NULL;
	for (size_t at = 0; at < (size_t)l;) {
		last = at;
		at += (size_t)((const uint8_t *)dp)[at + 2] | (size_t)((const uint8_t *)dp)[at + 3] << 8;
	}
	if (last == 0 || last + 4 > sizeof(buf))
		return NULL;
	memcpy(buf, dp, last);
	buf[last] = 0x7f;
	buf[last + 1] = 0xff;
	buf[last + 2] = 4;
	buf[last + 3] = 0;
	EFI_DEVICE_PATH_PROTOCOL *rem = (EFI_DEVICE_PATH_PROTOCOL *)buf;
	EFI_HANDLE h = NULL;
	if (luksdxe_bs->LocateDevicePath(&guid_dp, &rem, &h) != EFI_SUCCESS ||
	    (uint8_t *)rem != buf + last)
		return NULL; /* only a handle with exactly that path */
	return h;
}

/* Takes storage handle h away from the boot chain. */
static void hide(EFI_HANDLE h, const EFI_DEVICE_PATH_PROTOCOL *dp, int audit)
{
	char line[LINE];
	size_t n = 0;
	line[0] = 0;
	luksdxe_env_path_text(dp, line, sizeof(line), &n); /* the handle may go away below */
	if (audit) {
		luksdxe_con_printf("LuksDxe: audit: isolation would hide %s\n", line);
		return;
	}
	EFI_HANDLE parent = parent_of(dp);
	luksdxe_bs->DisconnectController(h, NULL, NULL);
	/* A bus driver's child (a partition, a SCSI or SATA device) outlives the drivers on
	 * it: ask its parent's drivers to stop this child alone. */
	if (is_storage(h) && parent)
		luksdxe_bs->DisconnectController(parent, NULL, h);
	if (!is_storage(h)) {
		luksdxe_con_printf("LuksDxe: isolation: hid %s\n", line);
		return;
	}
	/* Still there: every read of it fails from now on. */
	if (filter_on(h))
		luksdxe_con_printf("LuksDxe: isolation: %s could not be disconnected: every read "
				   "of it fails\n", line);
	else
		luksdxe_con_printf("LuksDxe: isolation: %s could not be hidden\n", line);
}

static void forget_owners(void)
{
	for (unsigned i = 0; i < n_owners; i++)
		luksdxe_alloc.free(luksdxe_alloc.ctx, owners[i], owner_len[i]);
	n_owners = 0;
}

/* Handles with protocol g, or none. */
static UINTN handles_with(EFI_GUID *g, EFI_HANDLE **out)
{
	UINTN n = 0;
	*out = NULL;
	if (luksdxe_bs->LocateHandleBuffer(ByProtocol, g, NULL, &n, out) != EFI_SUCCESS) {
		*out = NULL;
		return 0;
	}
	return n;
}

void luksdxe_isolate_engage(int audit)
{
	if (engaged)
		return;
	engaged = 1;
	forget_owners();
	for (luksdxe_dev *d = luksdxe_volumes_first(); d && n_owners < MAX_OWNERS; d = d->next) {
		if (!is_owner(d))
			continue;
		size_t len = d->path_size - sizeof(EFI_DEVICE_PATH_PROTOCOL);
		uint8_t *copy = luksdxe_alloc.alloc(luksdxe_alloc.ctx, len);
		if (!copy)
			break; /* fewer owners: more is hidden, nothing more is shown */
		memcpy(copy, d->path, len);
		owners[n_owners] = copy;
		owner_len[n_owners++] = len;
	}
	luksdxe_con_printf("LuksDxe: %sisolation: the owner's boot chain starts; storage other "
			   "than the owner's %u volume(s) %s\n", audit ? "audit: " : "", n_owners,
			   audit ? "would be hidden" : "is hidden");

	/* Filters first (they need the partition handles that hiding may remove). */
	EFI_HANDLE *bio_h;
	UINTN n_bio = handles_with(&guid_bio, &bio_h);
	if (!audit)
		for (luksdxe_dev *d = luksdxe_volumes_first(); d; d = d->next)
			if (is_owner(d))
				admit_volume(d, bio_h, n_bio);
	if (bio_h)
		luksdxe_bs->FreePool(bio_h);

	/* Every storage handle once (a disk has BlockIo, DiskIo and maybe a file system). */
	static EFI_GUID *kinds[] = { &guid_bio, &guid_dio, &guid_sfs };
	EFI_HANDLE seen[MAX_SEEN];
	size_t n_seen = 0;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		EFI_HANDLE *h;
		UINTN n = handles_with(kinds[k], &h);
		for (UINTN i = 0; i < n; i++) {
			size_t j = 0;
			while (j < n_seen && seen[j] != h[i])
				j++;
			if (j == n_seen && n_seen < MAX_SEEN)
				seen[n_seen++] = h[i];
			else if (j == n_seen)
				luksdxe_con_printf("LuksDxe: isolation: more than %u storage handles: "
						   "some are NOT hidden\n", MAX_SEEN);
		}
		if (h)
			luksdxe_bs->FreePool(h);
	}
	for (size_t i = 0; i < n_seen; i++) {
		EFI_DEVICE_PATH_PROTOCOL *dp = NULL;
		if (!is_storage(seen[i]) ||
		    luksdxe_bs->HandleProtocol(seen[i], &guid_dp, (void **)&dp) != EFI_SUCCESS)
			continue; /* gone with its parent, or no path: nothing to boot from */
		if (owner_relation(dp) == 0)
			hide(seen[i], dp, audit);
	}
}

int luksdxe_isolate_engaged(void)
{
	return engaged;
}

int luksdxe_isolate_refuse_connect(const EFI_DEVICE_PATH_PROTOCOL *path, int audit)
{
	if (!engaged || owner_relation(path) == 1)
		return 0;
	if (connect_refusals++ < MAX_REFUSAL_LINES)
		say(audit ? "LuksDxe: audit: isolation would refuse to connect "
			  : "LuksDxe: isolation: refused to connect ",
		    path, connect_refusals == MAX_REFUSAL_LINES ? " (further refusals not shown)" : "");
	return !audit;
}

void luksdxe_isolate_reset(void)
{
	engaged = 0;
	n_filters = 0;
	n_owners = 0;
	connect_refusals = 0;
}

EFI_STATUS luksdxe_isolate_release(void)
{
	for (unsigned i = 0; i < n_filters; i++)
		if (filters[i].bio->ReadBlocks != filtered_read ||
		    (filters[i].bio2 && filters[i].bio2->ReadBlocksEx != filtered_read_ex))
			return EFI_ACCESS_DENIED;
	for (unsigned i = 0; i < n_filters; i++) {
		filters[i].bio->ReadBlocks = filters[i].orig_read;
		if (filters[i].bio2)
			filters[i].bio2->ReadBlocksEx = filters[i].orig_read_ex;
	}
	n_filters = 0;
	forget_owners();
	engaged = 0;
	return EFI_SUCCESS;
}
