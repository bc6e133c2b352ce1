/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The load policy's place in the firmware: LuksDxe wraps the Security and Security2
 * architectural protocols, which the DXE core's LoadImage asks about every image (in the
 * firmware image LuksDxe's DEPEX names both, so the wrap is in place before the PCI bus
 * driver loads option ROMs and before the boot manager runs).  The decision itself is
 * luksdxe_policy_decide() in policy.c; images that pass still go through the original
 * handlers, so Secure Boot keeps working.
 *
 * The function pointers are replaced in place in the protocol structures: the DXE core
 * keeps pointers to those structures, not to the functions (as shim does for its
 * Secure Boot policy).  Unload puts the originals back, or refuses if someone wrapped
 * them after us.
 *
 * Mode (build time only, never from anything the host controls): enforce (default) or
 * audit (LUKSDXE_POLICY_AUDIT=1: refusals are logged and the image is loaded). */
#include <string.h>
#include "luksdxe.h"
#include "policy.h"
#include "console.h"
#include "isolate.h"

#ifndef LUKSDXE_POLICY_AUDIT
#define LUKSDXE_POLICY_AUDIT 0
#endif
int luksdxe_opt_policy_audit = LUKSDXE_POLICY_AUDIT;

/* PI 1.7 volume 2, sections 12.9 and 12.10. */
typedef struct sec_arch sec_arch;
typedef EFI_STATUS(EFIAPI *sec_auth_fn)(const sec_arch *This, UINT32 auth_status,
					 const EFI_DEVICE_PATH_PROTOCOL *file);
struct sec_arch {
	sec_auth_fn FileAuthenticationState;
};
typedef struct sec2_arch sec2_arch;
typedef EFI_STATUS(EFIAPI *sec2_auth_fn)(const sec2_arch *This,
					  const EFI_DEVICE_PATH_PROTOCOL *path, VOID *buf,
					  UINTN size, BOOLEAN boot_policy);
struct sec2_arch {
	sec2_auth_fn FileAuthentication;
};

static EFI_GUID guid_sec = { 0xa46423e3, 0x4617, 0x49f1,
			     { 0xb9, 0xff, 0xd1, 0xbf, 0xa9, 0x11, 0x58, 0x39 } };
static EFI_GUID guid_sec2 = { 0x94ab2f58, 0x1438, 0x4ef1,
			      { 0x91, 0x52, 0x18, 0x94, 0x1a, 0x3a, 0x0e, 0x68 } };
static EFI_GUID guid_fv2 = { 0x220e73b6, 0x6bdb, 0x4413,
			     { 0x84, 0x05, 0xb9, 0x74, 0xb1, 0x08, 0x61, 0x9a } };
static EFI_GUID guid_ready_to_boot = { 0x7ce88fb3, 0x4bd7, 0x4679,
				       { 0x87, 0xa8, 0xa8, 0xd8, 0xde, 0xe5, 0x0d, 0x2b } };
static EFI_GUID guid_dp = EFI_DEVICE_PATH_PROTOCOL_GUID;

static sec_arch *sec;
static sec2_arch *sec2;
static sec_auth_fn orig_sec;
static sec2_auth_fn orig_sec2;
static EFI_EVENT ready_event;

/* The platform's firmware volumes: those published when the policy was installed. */
#define MAX_FVS 16
static luksdxe_dp fvs[MAX_FVS];
static size_t n_fvs;

/* Lines logged before the console is connected (option ROMs are loaded during PCI
 * enumeration, before ConOut has a device) are kept and shown once it is. */
#define BACKLOG_LINES 8
#define LINE_MAX 400
static char backlog[BACKLOG_LINES][LINE_MAX];
static unsigned backlog_n, backlog_lost;
static int console_ready;

void luksdxe_policy_console_ready(void)
{
	if (console_ready)
		return;
	console_ready = 1;
	for (unsigned i = 0; i < backlog_n; i++)
		luksdxe_con_printf("%s\n", backlog[i]);
	if (backlog_lost)
		luksdxe_con_printf("LuksDxe: (%u more refusals before the console was ready)\n",
				   backlog_lost);
	backlog_n = backlog_lost = 0;
}

/* Appends s to line[cap] at *n, truncating; line stays NUL-terminated. */
static void append_to(char *line, size_t cap, size_t *n, const char *s)
{
	while (*s && *n + 1 < cap)
		line[(*n)++] = *s++;
	line[*n] = 0;
}
#define append(line, n, s) append_to(line, sizeof(line), n, s)

static int console_connected(void);

/* Prints the line, or keeps it until the console is connected. */
static void note(const char *line)
{
	if (!console_ready && console_connected())
		luksdxe_policy_console_ready();
	if (console_ready) {
		luksdxe_con_printf("%s\n", line);
	} else if (backlog_n < BACKLOG_LINES) {
		size_t n = 0;
		backlog[backlog_n][0] = 0;
		append(backlog[backlog_n], &n, line);
		backlog_n++;
	} else {
		backlog_lost++;
	}
}

static void log_decision(const char *what, const EFI_DEVICE_PATH_PROTOCOL *dp, const char *why)
{
	char line[LINE_MAX];
	size_t n = 0;
	line[0] = 0;
	append(line, &n, what);
	luksdxe_env_path_text(dp, line, sizeof(line), &n);
	append(line, &n, ": ");
	append(line, &n, why);
	note(line);
}

/* Is a console connected already?  The boot manager writes ConOut when it connects
 * the consoles; a driver dispatched from the firmware volume runs long before that (and
 * before the variable services), one loaded from the shell after. */
static int console_connected(void)
{
	EFI_RUNTIME_SERVICES *rt = luksdxe_st->RuntimeServices;
	EFI_GUID global = EFI_GLOBAL_VARIABLE;
	UINTN size = 0;
	if (!rt || !rt->GetVariable)
		return 0;
	EFI_STATUS st = rt->GetVariable(u"ConOut", &global, NULL, &size, NULL);
	return st == EFI_BUFFER_TOO_SMALL || st == EFI_SUCCESS;
}

#define MAX_VOLUMES 64

/* Images from unlocked volumes that are running now (StartImage calls in progress), and
 * all StartImage calls in progress through the wrapper (its frame is on their stack, so
 * the driver must not be unloaded under them). */
static unsigned owner_running, started_running;

/* Does any device (file system, LoadFile, firmware volume, disk) answer for a prefix of
 * the path?  If none does, LoadImage cannot have read the image from a device: it came
 * from the caller's buffer.  Without LocateDevicePath, assume a device (fail closed). */
static int names_a_device(const EFI_DEVICE_PATH_PROTOCOL *dp)
{
	static EFI_GUID protos[] = { EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID,
				     EFI_LOAD_FILE_PROTOCOL_GUID,
				     { 0x4006c0c1, 0xfcb3, 0x403e,
				       { 0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d } }, /* LoadFile2 */
				     { 0x220e73b6, 0x6bdb, 0x4413,
				       { 0x84, 0x05, 0xb9, 0x74, 0xb1, 0x08, 0x61, 0x9a } }, /* FV2 */
				     EFI_BLOCK_IO_PROTOCOL_GUID };
	if (!luksdxe_bs->LocateDevicePath)
		return 1;
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		EFI_DEVICE_PATH_PROTOCOL *rem = (EFI_DEVICE_PATH_PROTOCOL *)dp;
		EFI_HANDLE h = NULL;
		if (luksdxe_bs->LocateDevicePath(&protos[i], &rem, &h) == EFI_SUCCESS)
			return 1;
	}
	return 0;
}

/* The verdict on dp, with *vol the matching volume (and *uuid its UUID).  The facts
 * that cost something (pins in the secret, a device lookup) are asked only when the
 * verdict depends on them. */
static luksdxe_verdict decide(const EFI_DEVICE_PATH_PROTOCOL *dp, const char **uuid)
{
	luksdxe_dp vols[MAX_VOLUMES];
	uint8_t pinned[MAX_VOLUMES], verified[MAX_VOLUMES];
	const char *uuids[MAX_VOLUMES];
	luksdxe_policy_ctx ctx;
	size_t vol = 0;

	ctx.fvs = fvs;
	ctx.n_fvs = n_fvs;
	ctx.volumes = vols;
	ctx.pinned = pinned;
	ctx.verified = verified;
	ctx.n_volumes = luksdxe_volumes(vols, pinned, verified, uuids, MAX_VOLUMES);
	ctx.pins_present = 0;
	ctx.verity_present = 0;
	ctx.owner_running = owner_running > 0;
	ctx.from_memory = 0;
	/* A device path has no length of its own; the walk is bounded by node count. */
	luksdxe_verdict v = luksdxe_policy_decide(&ctx, (const uint8_t *)dp, (size_t)-1 / 2,
						  &vol);
	/* Whether the secret pins volumes matters only for a file on an unpinned volume (and
	 * is known by then: volumes exist only after Start has read the secret). */
	if (v == LUKSDXE_ALLOW_VOLUME && !pinned[vol] && luksdxe_secret_pins_present()) {
		ctx.pins_present = 1;
		v = luksdxe_policy_decide(&ctx, (const uint8_t *)dp, (size_t)-1 / 2, &vol);
	}
	/* Likewise verity, for a file on a volume served without the owner's tree. */
	if (v == LUKSDXE_ALLOW_VOLUME && !verified[vol] && luksdxe_secret_verity_present()) {
		ctx.verity_present = 1;
		v = luksdxe_policy_decide(&ctx, (const uint8_t *)dp, (size_t)-1 / 2, &vol);
	}
	/* No device answers for the path: the image comes from the caller's buffer (rule c). */
	if (v == LUKSDXE_DENY_UNENCRYPTED && !names_a_device(dp)) {
		ctx.from_memory = 1;
		v = luksdxe_policy_decide(&ctx, (const uint8_t *)dp, (size_t)-1 / 2, &vol);
	}
	*uuid = v == LUKSDXE_ALLOW_VOLUME ? uuids[vol] : NULL;
	return v;
}

/* 1 if the image at dp may be loaded. */
static int judge(const EFI_DEVICE_PATH_PROTOCOL *dp)
{
	const char *uuid;
	luksdxe_verdict v = decide(dp, &uuid);
	if (v == LUKSDXE_ALLOW_FV)
		return 1;
	if (v == LUKSDXE_ALLOW_OWNER_MEMORY) {
		log_decision("LuksDxe: loading ", dp, luksdxe_verdict_text(v));
		return 1;
	}
	if (v == LUKSDXE_ALLOW_VOLUME) {
		char why[80];
		size_t n = 0;
		why[0] = 0;
		append(why, &n, "volume ");
		append(why, &n, uuid);
		log_decision("LuksDxe: loading ", dp, why);
		return 1;
	}
	if (luksdxe_opt_policy_audit) {
		log_decision("LuksDxe: audit: would refuse ", dp, luksdxe_verdict_text(v));
		return 1;
	}
	log_decision("LuksDxe: refused to load ", dp, luksdxe_verdict_text(v));
	return 0;
}

static EFI_STATUS EFIAPI sec2_hook(const sec2_arch *This, const EFI_DEVICE_PATH_PROTOCOL *path,
				   VOID *buf, UINTN size, BOOLEAN boot_policy)
{
	/* No file (NULL buffer, size 0): ConnectController asking whether drivers may start
	 * on a device (UEFI 2.10, 7.4 / PI Security2).  That loads no image: option ROMs and
	 * files the connected drivers expose are judged when LoadImage is called for them. */
	if (!buf && size == 0) {
		/* Once the owner's boot chain runs, nothing outside its volumes is bound again
		 * (isolate.c). */
		if (luksdxe_isolate_refuse_connect(path, luksdxe_opt_policy_audit))
			return EFI_SECURITY_VIOLATION;
		return orig_sec2(This, path, buf, size, boot_policy);
	}
	if (!judge(path))
		return EFI_ACCESS_DENIED;
	return orig_sec2(This, path, buf, size, boot_policy);
}

static EFI_STATUS EFIAPI sec_hook(const sec_arch *This, UINT32 auth_status,
				  const EFI_DEVICE_PATH_PROTOCOL *file)
{
	if (!judge(file))
		return EFI_ACCESS_DENIED;
	return orig_sec(This, auth_status, file);
}

/* StartImage: while an image from an unlocked volume runs (and whatever it starts),
 * rule (c) lets it hand over the images its cases name from its own memory. */
static EFI_IMAGE_START orig_start_image;
static EFI_GUID guid_li_dp = { 0xbc62157e, 0x3e33, 0x4fec,
			       { 0x99, 0x20, 0x2d, 0x3b, 0x36, 0xd7, 0x50, 0xdf } };

static int is_owner_image(EFI_HANDLE image)
{
	EFI_DEVICE_PATH_PROTOCOL *dp = NULL;
	const char *uuid;
	if (luksdxe_bs->HandleProtocol(image, &guid_li_dp, (void **)&dp) != EFI_SUCCESS || !dp)
		return 0;
	return decide(dp, &uuid) == LUKSDXE_ALLOW_VOLUME;
}

static EFI_STATUS EFIAPI start_image_hook(EFI_HANDLE image, UINTN *exit_size, CHAR16 **exit_data)
{
	int owner = owner_running > 0 || is_owner_image(image);
	/* The first owner image is about to run: the host's storage goes out of its reach. */
	if (owner && !owner_running)
		luksdxe_isolate_engage(luksdxe_opt_policy_audit);
	owner_running += (unsigned)owner;
	started_running++;
	EFI_STATUS st = orig_start_image(image, exit_size, exit_data);
	started_running--;
	owner_running -= (unsigned)owner;
	return st;
}

static void set_start_image(EFI_IMAGE_START fn)
{
	EFI_BOOT_SERVICES *bs = luksdxe_bs;
	bs->StartImage = fn;
	if (bs->CalculateCrc32) {
		UINT32 crc = 0;
		bs->Hdr.CRC32 = 0;
		bs->CalculateCrc32(bs, bs->Hdr.HeaderSize, &crc);
		bs->Hdr.CRC32 = crc;
	}
}

static VOID EFIAPI on_ready_to_boot(EFI_EVENT ev, VOID *ctx)
{
	(void)ev;
	(void)ctx;
	luksdxe_policy_console_ready();
}

static void forget_fvs(void)
{
	for (size_t i = 0; i < n_fvs; i++)
		luksdxe_alloc.free(luksdxe_alloc.ctx, (void *)fvs[i].bytes, fvs[i].len);
	n_fvs = 0;
}

/* Records the device path of every firmware volume published now. */
static EFI_STATUS capture_fvs(void)
{
	UINTN count = 0;
	EFI_HANDLE *h = NULL;
	EFI_STATUS st = luksdxe_bs->LocateHandleBuffer(ByProtocol, &guid_fv2, NULL, &count, &h);
	if (st == EFI_NOT_FOUND)
		return EFI_SUCCESS;
	if (st != EFI_SUCCESS)
		return st;
	for (UINTN i = 0; i < count && n_fvs < MAX_FVS; i++) {
		EFI_DEVICE_PATH_PROTOCOL *dp;
		if (luksdxe_bs->HandleProtocol(h[i], &guid_dp, (void **)&dp) != EFI_SUCCESS)
			continue;
		long len = luksdxe_dp_length((const uint8_t *)dp, 4096);
		if (len <= 0)
			continue;
		uint8_t *copy = luksdxe_alloc.alloc(luksdxe_alloc.ctx, (size_t)len);
		if (!copy) {
			st = EFI_OUT_OF_RESOURCES;
			break;
		}
		memcpy(copy, dp, (size_t)len);
		fvs[n_fvs].bytes = copy;
		fvs[n_fvs].len = (size_t)len;
		n_fvs++;
	}
	luksdxe_bs->FreePool(h);
	return st;
}

EFI_STATUS luksdxe_policy_install(void)
{
	sec = NULL;
	sec2 = NULL;
	n_fvs = 0; /* statics start afresh (the host shim loads the driver many times) */
	console_ready = console_connected();
#ifdef LUKSDXE_DEBUGCON
	console_ready = 1; /* development builds echo everything to the debug console */
#endif
	backlog_n = backlog_lost = 0;
	luksdxe_bs->LocateProtocol(&guid_sec, NULL, (void **)&sec);
	luksdxe_bs->LocateProtocol(&guid_sec2, NULL, (void **)&sec2);
	if (!sec && !sec2) {
		luksdxe_con_printf("LuksDxe: no Security architectural protocol: the load policy is NOT active\n");
		return EFI_NOT_FOUND;
	}
	EFI_STATUS st = capture_fvs();
	if (st == EFI_SUCCESS)
		st = luksdxe_bs->CreateEventEx(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, on_ready_to_boot,
					       NULL, &guid_ready_to_boot, &ready_event);
	if (st != EFI_SUCCESS) {
		forget_fvs();
		ready_event = NULL;
		sec = NULL;
		sec2 = NULL;
		return st;
	}
	if (sec2) {
		orig_sec2 = sec2->FileAuthentication;
		sec2->FileAuthentication = sec2_hook;
	}
	if (sec) {
		orig_sec = sec->FileAuthenticationState;
		sec->FileAuthenticationState = sec_hook;
	}
	owner_running = started_running = 0;
	luksdxe_isolate_reset();
	orig_start_image = luksdxe_bs->StartImage;
	if (orig_start_image)
		set_start_image(start_image_hook);
	note(luksdxe_opt_policy_audit
	     ? "LuksDxe: load policy active (audit mode: refusals are only logged): images "
	       "from the platform's firmware volumes and from unlocked volumes"
	     : "LuksDxe: load policy active (enforced): images only from the platform's "
	       "firmware volumes and from unlocked volumes");
	return EFI_SUCCESS;
}

int luksdxe_policy_busy(void)
{
	if (started_running)
		return 1; /* an image started through the wrapper still runs */
	/* Wrapped again after us: cannot unhook safely. */
	return (sec2 && sec2->FileAuthentication != sec2_hook) ||
	       (sec && sec->FileAuthenticationState != sec_hook) ||
	       (orig_start_image && luksdxe_bs->StartImage != start_image_hook);
}

EFI_STATUS luksdxe_policy_uninstall(void)
{
	if (luksdxe_policy_busy() || luksdxe_isolate_release() != EFI_SUCCESS)
		return EFI_ACCESS_DENIED;
	if (orig_start_image)
		set_start_image(orig_start_image);
	orig_start_image = NULL;
	if (sec2)
		sec2->FileAuthentication = orig_sec2;
	if (sec)
		sec->FileAuthenticationState = orig_sec;
	sec = NULL;
	sec2 = NULL;
	if (ready_event)
		luksdxe_bs->CloseEvent(ready_event);
	ready_event = NULL;
	forget_fvs();
	return EFI_SUCCESS;
}
