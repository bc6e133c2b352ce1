/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Host shim: see shim.h. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "shim.h"
#include "luksdxe.h"
#include "libc/luksdxe_libc.h"

/* ---- handle database ------------------------------------------------------------ */
#define MAX_HANDLES 64
#define MAX_IFACES 8
#define MAX_OPENS 16

typedef struct {
	EFI_HANDLE agent, controller;
	UINT32 attr;
} shim_open;

typedef struct {
	EFI_GUID guid;
	void *iface;
	shim_open opens[MAX_OPENS];
	unsigned nopen;
} shim_iface;

typedef struct {
	int live;
	shim_iface ifs[MAX_IFACES];
	unsigned nifs;
} shim_handle;

static shim_handle handles[MAX_HANDLES];

static shim_handle *H(EFI_HANDLE h)
{
	shim_handle *p = h;
	if (p < handles || p >= handles + MAX_HANDLES || !p->live)
		return NULL;
	return p;
}

static shim_iface *find_if(shim_handle *h, EFI_GUID *g)
{
	for (unsigned i = 0; h && g && i < h->nifs; i++)
		if (memcmp(&h->ifs[i].guid, g, sizeof(*g)) == 0)
			return &h->ifs[i];
	return NULL;
}

static EFI_STATUS EFIAPI s_stall(UINTN us)
{
	usleep((useconds_t)us);
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI s_install(EFI_HANDLE *Handle, EFI_GUID *Protocol,
				   EFI_INTERFACE_TYPE Type, VOID *Interface)
{
	if (!Handle || !Protocol || Type != EFI_NATIVE_INTERFACE)
		return EFI_INVALID_PARAMETER;
	shim_handle *h;
	if (*Handle) {
		h = H(*Handle);
		if (!h)
			return EFI_INVALID_PARAMETER;
	} else {
		h = NULL;
		for (unsigned i = 0; i < MAX_HANDLES && !h; i++)
			if (!handles[i].live)
				h = &handles[i];
		if (!h)
			return EFI_OUT_OF_RESOURCES;
		memset(h, 0, sizeof(*h));
		h->live = 1;
	}
	if (find_if(h, Protocol))
		return EFI_INVALID_PARAMETER;
	if (h->nifs == MAX_IFACES)
		return EFI_OUT_OF_RESOURCES;
	shim_iface *f = &h->ifs[h->nifs++];
	memset(f, 0, sizeof(*f));
	f->guid = *Protocol;
	f->iface = Interface;
	*Handle = h;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI s_uninstall(EFI_HANDLE Handle, EFI_GUID *Protocol, VOID *Interface)
{
	shim_handle *h = H(Handle);
	shim_iface *f = find_if(h, Protocol);
	if (!f || f->iface != Interface)
		return EFI_NOT_FOUND;
	/* The DXE core would ask BY_DRIVER holders to stop; ours never do (shim_hold). */
	for (unsigned i = 0; i < f->nopen; i++)
		if (f->opens[i].attr & EFI_OPEN_PROTOCOL_BY_DRIVER)
			return EFI_ACCESS_DENIED;
	unsigned idx = (unsigned)(f - h->ifs);
	memmove(&h->ifs[idx], &h->ifs[idx + 1], (h->nifs - idx - 1) * sizeof(*f));
	h->nifs--;
	if (h->nifs == 0)
		h->live = 0;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI s_open(EFI_HANDLE Handle, EFI_GUID *Protocol, VOID **Interface,
				EFI_HANDLE Agent, EFI_HANDLE Controller, UINT32 Attributes)
{
	shim_handle *h = H(Handle);
	if (!h || !Protocol)
		return EFI_INVALID_PARAMETER;
	shim_iface *f = find_if(h, Protocol);
	if (!f)
		return EFI_UNSUPPORTED;
	switch (Attributes) {
	case EFI_OPEN_PROTOCOL_TEST_PROTOCOL:
		return EFI_SUCCESS;
	case EFI_OPEN_PROTOCOL_GET_PROTOCOL:
	case EFI_OPEN_PROTOCOL_BY_HANDLE_PROTOCOL:
		break;
	case EFI_OPEN_PROTOCOL_BY_DRIVER:
		if (!H(Agent) || !H(Controller))
			return EFI_INVALID_PARAMETER;
		for (unsigned i = 0; i < f->nopen; i++)
			if (f->opens[i].attr & EFI_OPEN_PROTOCOL_BY_DRIVER) {
				if (f->opens[i].agent != Agent)
					return EFI_ACCESS_DENIED;
				if (Interface)
					*Interface = f->iface;
				return EFI_ALREADY_STARTED;
			}
		/* not held yet: record the open below */
		__attribute__((fallthrough));
	case EFI_OPEN_PROTOCOL_BY_CHILD_CONTROLLER:
		if (!H(Agent) || !H(Controller))
			return EFI_INVALID_PARAMETER;
		if (f->nopen == MAX_OPENS)
			return EFI_OUT_OF_RESOURCES;
		f->opens[f->nopen].agent = Agent;
		f->opens[f->nopen].controller = Controller;
		f->opens[f->nopen].attr = Attributes;
		f->nopen++;
		break;
	default:
		return EFI_INVALID_PARAMETER;
	}
	if (!Interface)
		return EFI_INVALID_PARAMETER;
	*Interface = f->iface;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI s_close(EFI_HANDLE Handle, EFI_GUID *Protocol, EFI_HANDLE Agent,
				 EFI_HANDLE Controller)
{
	shim_iface *f = find_if(H(Handle), Protocol);
	if (!f)
		return EFI_NOT_FOUND;
	unsigned kept = 0, removed = 0;
	for (unsigned i = 0; i < f->nopen; i++) {
		if (f->opens[i].agent == Agent && f->opens[i].controller == Controller)
			removed++;
		else
			f->opens[kept++] = f->opens[i];
	}
	f->nopen = kept;
	return removed ? EFI_SUCCESS : EFI_NOT_FOUND;
}

static EFI_STATUS EFIAPI s_handle_protocol(EFI_HANDLE Handle, EFI_GUID *Protocol, VOID **Interface)
{
	shim_iface *f = find_if(H(Handle), Protocol);
	if (!f || !Interface)
		return f ? EFI_INVALID_PARAMETER : EFI_UNSUPPORTED;
	*Interface = f->iface;
	return EFI_SUCCESS;
}

EFI_HANDLE shim_handle_of(EFI_GUID *guid)
{
	for (unsigned i = 0; i < MAX_HANDLES; i++)
		if (handles[i].live && find_if(&handles[i], guid))
			return &handles[i];
	return NULL;
}

static EFI_STATUS EFIAPI s_locate_protocol(EFI_GUID *Protocol, VOID *Registration,
					    VOID **Interface)
{
	(void)Registration;
	if (!Protocol || !Interface)
		return EFI_INVALID_PARAMETER;
	for (unsigned i = 0; i < MAX_HANDLES; i++) {
		shim_iface *f = handles[i].live ? find_if(&handles[i], Protocol) : NULL;
		if (f) {
			*Interface = f->iface;
			return EFI_SUCCESS;
		}
	}
	*Interface = NULL;
	return EFI_NOT_FOUND;
}

/* LocateHandleBuffer(ByProtocol) only; the buffer comes from the shim's pool. */
static EFI_STATUS EFIAPI s_alloc_pool(EFI_MEMORY_TYPE t, UINTN n, VOID **p);
static EFI_STATUS EFIAPI s_locate_handle_buffer(EFI_LOCATE_SEARCH_TYPE Type, EFI_GUID *Protocol,
						 VOID *Key, UINTN *Count, EFI_HANDLE **Buffer)
{
	(void)Key;
	if (Type != ByProtocol || !Protocol || !Count || !Buffer)
		return EFI_INVALID_PARAMETER;
	UINTN n = 0;
	for (unsigned i = 0; i < MAX_HANDLES; i++)
		if (handles[i].live && find_if(&handles[i], Protocol))
			n++;
	*Count = 0;
	*Buffer = NULL;
	if (n == 0)
		return EFI_NOT_FOUND;
	EFI_STATUS st = s_alloc_pool(EfiBootServicesData, n * sizeof(EFI_HANDLE), (VOID **)Buffer);
	if (st != EFI_SUCCESS)
		return st;
	for (unsigned i = 0; i < MAX_HANDLES; i++)
		if (handles[i].live && find_if(&handles[i], Protocol))
			(*Buffer)[(*Count)++] = &handles[i];
	return EFI_SUCCESS;
}

static EFI_GUID g_binding = EFI_DRIVER_BINDING_PROTOCOL_GUID;
static EFI_GUID g_loaded_image = EFI_LOADED_IMAGE_PROTOCOL_GUID;

EFI_DRIVER_BINDING_PROTOCOL *shim_binding(EFI_HANDLE image)
{
	return shim_protocol(image, &g_binding);
}

/* Like the DXE core: Stop(children) for every child the driver opened from the
 * controller BY_CHILD_CONTROLLER, then Stop(0) if it still holds the controller. */
static EFI_STATUS disconnect_driver(shim_handle *c, EFI_HANDLE Controller, EFI_HANDLE DriverImage,
				    EFI_HANDLE ChildHandle)
{
	EFI_DRIVER_BINDING_PROTOCOL *b = shim_binding(DriverImage);
	if (!b)
		return EFI_INVALID_PARAMETER;
	EFI_HANDLE kids[MAX_HANDLES];
	unsigned n = 0;
	int by_driver = 0;
	for (unsigned i = 0; i < c->nifs; i++)
		for (unsigned j = 0; j < c->ifs[i].nopen; j++) {
			shim_open *o = &c->ifs[i].opens[j];
			if (o->agent != DriverImage)
				continue;
			if (o->attr == EFI_OPEN_PROTOCOL_BY_DRIVER)
				by_driver = 1;
			if (o->attr == EFI_OPEN_PROTOCOL_BY_CHILD_CONTROLLER &&
			    (!ChildHandle || o->controller == ChildHandle)) {
				int dup = 0;
				for (unsigned k = 0; k < n; k++)
					dup |= kids[k] == o->controller;
				if (!dup && n < MAX_HANDLES)
					kids[n++] = o->controller;
			}
		}
	EFI_STATUS st = EFI_SUCCESS;
	if (n)
		st = b->Stop(b, Controller, n, kids);
	if (st == EFI_SUCCESS && !ChildHandle && by_driver)
		st = b->Stop(b, Controller, 0, NULL);
	return st;
}

/* DriverImage NULL: every driver managing the controller (holding it BY_DRIVER, or with a
 * child opened from it), as the DXE core does. */
static EFI_STATUS EFIAPI s_disconnect(EFI_HANDLE Controller, EFI_HANDLE DriverImage,
				      EFI_HANDLE ChildHandle)
{
	shim_handle *c = H(Controller);
	if (!c)
		return EFI_INVALID_PARAMETER;
	if (DriverImage)
		return disconnect_driver(c, Controller, DriverImage, ChildHandle);
	EFI_HANDLE agents[MAX_HANDLES];
	unsigned n = 0;
	for (unsigned i = 0; i < c->nifs; i++)
		for (unsigned j = 0; j < c->ifs[i].nopen; j++) {
			shim_open *o = &c->ifs[i].opens[j];
			int dup = 0;
			if (!(o->attr & (EFI_OPEN_PROTOCOL_BY_DRIVER | EFI_OPEN_PROTOCOL_BY_CHILD_CONTROLLER)) ||
			    !shim_binding(o->agent))
				continue;
			for (unsigned k = 0; k < n; k++)
				dup |= agents[k] == o->agent;
			if (!dup && n < MAX_HANDLES)
				agents[n++] = o->agent;
		}
	for (unsigned k = 0; k < n; k++) {
		EFI_STATUS st = disconnect_driver(c, Controller, agents[k], ChildHandle);
		if (st != EFI_SUCCESS)
			return st;
		if (!H(Controller))
			break;
	}
	return EFI_SUCCESS;
}

/* LocateDevicePath: the handle with Protocol whose device path is the longest node prefix
 * of *DevicePath; *DevicePath moves past it. */
static EFI_GUID g_dpath = EFI_DEVICE_PATH_PROTOCOL_GUID;
static EFI_STATUS EFIAPI s_locate_device_path(EFI_GUID *Protocol, EFI_DEVICE_PATH_PROTOCOL **DevicePath,
					       EFI_HANDLE *Device)
{
	if (!Protocol || !DevicePath || !*DevicePath || !Device)
		return EFI_INVALID_PARAMETER;
	long want = luksdxe_dp_length((const uint8_t *)*DevicePath, 1u << 16);
	long best = -1;
	shim_handle *bh = NULL;
	for (unsigned i = 0; i < MAX_HANDLES; i++) {
		shim_iface *dp = handles[i].live ? find_if(&handles[i], &g_dpath) : NULL;
		if (!dp || !find_if(&handles[i], Protocol))
			continue;
		long l = luksdxe_dp_length(dp->iface, 1u << 16);
		if (l < 0 || want < 0 || l > want || l <= best ||
		    memcmp(dp->iface, *DevicePath, (size_t)l) != 0)
			continue;
		/* a node boundary of the searched path */
		long at = 0;
		while (at < l)
			at += ((const uint8_t *)*DevicePath)[at + 2] | ((const uint8_t *)*DevicePath)[at + 3] << 8;
		if (at != l)
			continue;
		best = l;
		bh = &handles[i];
	}
	if (!bh)
		return EFI_NOT_FOUND;
	*Device = bh;
	*DevicePath = (EFI_DEVICE_PATH_PROTOCOL *)((uint8_t *)*DevicePath + best);
	return EFI_SUCCESS;
}

/* StartImage: runs the test's image body (shim_set_image_body), or returns at once. */
static EFI_STATUS (*image_body)(EFI_HANDLE image);
void shim_set_image_body(EFI_STATUS (*body)(EFI_HANDLE image)) { image_body = body; }
static EFI_STATUS EFIAPI s_start_image(EFI_HANDLE image, UINTN *exit_size, CHAR16 **exit_data)
{
	if (exit_size)
		*exit_size = 0;
	if (exit_data)
		*exit_data = NULL;
	if (!H(image))
		return EFI_INVALID_PARAMETER;
	return image_body ? image_body(image) : EFI_SUCCESS;
}

/* TPLs: only the level is kept (nothing is deferred); raising below the current level or
 * restoring above it is a driver bug, as in the DXE core's debug builds. */
static EFI_TPL cur_tpl = TPL_APPLICATION;
static EFI_TPL EFIAPI s_raise_tpl(EFI_TPL n)
{
	if (n < cur_tpl) {
		fprintf(stderr, "shim: RaiseTPL(%lu) below the current TPL %lu\n", (unsigned long)n,
			(unsigned long)cur_tpl);
		abort();
	}
	EFI_TPL old = cur_tpl;
	cur_tpl = n;
	return old;
}
static VOID EFIAPI s_restore_tpl(EFI_TPL old)
{
	if (old > cur_tpl) {
		fprintf(stderr, "shim: RestoreTPL(%lu) above the current TPL %lu\n", (unsigned long)old,
			(unsigned long)cur_tpl);
		abort();
	}
	cur_tpl = old;
}
EFI_TPL shim_tpl(void) { return cur_tpl; }

/* ---- memory --------------------------------------------------------------------- */
typedef struct {
	void *p;
	size_t size;
	int pages;
} shim_block;
#define MAX_BLOCKS 4096
static shim_block blocks[MAX_BLOCKS];
static size_t nblocks;
static long fail_after = -1;

typedef struct {
	uint8_t data[128];
	size_t n;
} needle;
static needle needles[8];
static unsigned nneedles;
static unsigned freed_with_needle;

static int has_needle(const void *p, size_t size)
{
	for (unsigned i = 0; i < nneedles; i++)
		if (memmem(p, size, needles[i].data, needles[i].n))
			return 1;
	return 0;
}

static void *track(size_t size, int pages)
{
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	if (nblocks == MAX_BLOCKS)
		return NULL;
	void *p = pages ? aligned_alloc(4096, size) : malloc(size ? size : 1);
	if (!p)
		return NULL;
	/* Firmware pool memory is not zeroed: neither is ours. */
	memset(p, 0xa5, size);
	blocks[nblocks].p = p;
	blocks[nblocks].size = size;
	blocks[nblocks].pages = pages;
	nblocks++;
	return p;
}

static EFI_STATUS untrack(void *p, int pages, size_t pages_size)
{
	for (size_t i = 0; i < nblocks; i++) {
		if (blocks[i].p != p)
			continue;
		if (blocks[i].pages != pages || (pages && blocks[i].size != pages_size))
			return EFI_INVALID_PARAMETER;
		if (has_needle(p, blocks[i].size))
			freed_with_needle++;
		free(p);
		blocks[i] = blocks[--nblocks];
		return EFI_SUCCESS;
	}
	return EFI_NOT_FOUND;
}

static EFI_STATUS EFIAPI s_alloc_pool(EFI_MEMORY_TYPE t, UINTN size, VOID **buf)
{
	(void)t;
	if (!buf)
		return EFI_INVALID_PARAMETER;
	*buf = track(size, 0);
	return *buf ? EFI_SUCCESS : EFI_OUT_OF_RESOURCES;
}

static EFI_STATUS EFIAPI s_free_pool(VOID *buf)
{
	return untrack(buf, 0, 0);
}

static EFI_STATUS EFIAPI s_alloc_pages(EFI_ALLOCATE_TYPE type, EFI_MEMORY_TYPE mt, UINTN pages,
				       EFI_PHYSICAL_ADDRESS *addr)
{
	(void)mt;
	if (type != AllocateAnyPages || !addr || !pages)
		return EFI_INVALID_PARAMETER;
	void *p = track(pages * 4096, 1);
	if (!p)
		return EFI_OUT_OF_RESOURCES;
	*addr = (EFI_PHYSICAL_ADDRESS)(uintptr_t)p;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI s_free_pages(EFI_PHYSICAL_ADDRESS addr, UINTN pages)
{
	return untrack((void *)(uintptr_t)addr, 1, pages * 4096);
}

size_t shim_live_allocs(void) { return nblocks; }
unsigned shim_freed_with_needle(void) { return freed_with_needle; }
void shim_fail_allocs_after(long n) { fail_after = n; }

void shim_add_needle(const void *p, size_t n)
{
	if (nneedles < 8 && n && n <= sizeof(needles[0].data)) {
		memcpy(needles[nneedles].data, p, n);
		needles[nneedles].n = n;
		nneedles++;
	}
}

unsigned shim_live_with_needle(void)
{
	unsigned c = 0;
	for (size_t i = 0; i < nblocks; i++)
		c += (unsigned)has_needle(blocks[i].p, blocks[i].size);
	return c;
}

/* ---- events ---------------------------------------------------------------------- */
typedef struct {
	int live;
	UINT32 type;
	EFI_EVENT_NOTIFY fn;
	VOID *ctx;
} shim_event;
static shim_event events[8];

static EFI_STATUS EFIAPI s_create_event(UINT32 Type, EFI_TPL Tpl, EFI_EVENT_NOTIFY Fn, VOID *Ctx,
					EFI_EVENT *Event)
{
	(void)Tpl;
	if (!Event || ((Type & EVT_NOTIFY_SIGNAL) && !Fn))
		return EFI_INVALID_PARAMETER;
	for (unsigned i = 0; i < 8; i++)
		if (!events[i].live) {
			events[i] = (shim_event){ 1, Type, Fn, Ctx };
			*Event = &events[i];
			return EFI_SUCCESS;
		}
	return EFI_OUT_OF_RESOURCES;
}

static EFI_STATUS EFIAPI s_close_event(EFI_EVENT Event)
{
	shim_event *e = Event;
	if (e < events || e >= events + 8 || !e->live)
		return EFI_INVALID_PARAMETER;
	e->live = 0;
	return EFI_SUCCESS;
}

/* Notification functions run at once (the shim has no TPLs). */
static EFI_STATUS EFIAPI s_signal_event(EFI_EVENT Event)
{
	shim_event *e = Event;
	if (e < events || e >= events + 8 || !e->live)
		return EFI_INVALID_PARAMETER;
	if ((e->type & EVT_NOTIFY_SIGNAL) && e->fn)
		e->fn(e, e->ctx);
	return EFI_SUCCESS;
}

/* CreateEventEx: a plain event that remembers its group (ReadyToBoot is signalled by
 * shim_signal_group). */
static EFI_GUID event_group[8];
static EFI_STATUS EFIAPI s_create_event_ex(UINT32 Type, EFI_TPL Tpl, EFI_EVENT_NOTIFY Fn,
					   const VOID *Ctx, const EFI_GUID *Group, EFI_EVENT *Event)
{
	EFI_STATUS st = s_create_event(Type, Tpl, Fn, (VOID *)Ctx, Event);
	if (st == EFI_SUCCESS)
		event_group[(shim_event *)*Event - events] = Group ? *Group : (EFI_GUID){ 0 };
	return st;
}

void shim_signal_group(const EFI_GUID *group)
{
	for (unsigned i = 0; i < 8; i++)
		if (events[i].live && memcmp(&event_group[i], group, sizeof(*group)) == 0 &&
		    events[i].fn)
			events[i].fn(&events[i], events[i].ctx);
}

void shim_exit_boot_services(void)
{
	for (unsigned i = 0; i < 8; i++)
		if (events[i].live && events[i].type == EVT_SIGNAL_EXIT_BOOT_SERVICES)
			events[i].fn(&events[i], events[i].ctx);
}

/* ---- console --------------------------------------------------------------------- */
static char con[65536];
static size_t con_n;

static EFI_STATUS EFIAPI s_output(SIMPLE_TEXT_OUTPUT_INTERFACE *This, CHAR16 *s)
{
	(void)This;
	for (; *s; s++) {
		if (*s == u'\r')
			continue;
		if (con_n + 1 < sizeof(con))
			con[con_n++] = *s < 0x80 ? (char)*s : '?';
		if (getenv("SHIM_VERBOSE"))
			fputc(*s < 0x80 ? (char)*s : '?', stderr);
	}
	con[con_n] = 0;
	return EFI_SUCCESS;
}

static SIMPLE_TEXT_OUTPUT_INTERFACE con_out = { .OutputString = s_output };
const char *shim_console(void) { return con; }
void shim_console_clear(void) { con_n = 0; con[0] = 0; }

/* Console input: keys queued by the test; WaitForEvent fails once they run out, so a
 * driver waiting for more input returns instead of hanging the test. */
static CHAR16 keys[256];
static size_t nkeys, keypos;

static EFI_STATUS EFIAPI s_read_key(SIMPLE_INPUT_INTERFACE *This, EFI_INPUT_KEY *Key)
{
	(void)This;
	if (keypos >= nkeys)
		return EFI_NOT_READY;
	Key->ScanCode = 0;
	Key->UnicodeChar = keys[keypos++];
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI s_wait_for_event(UINTN n, EFI_EVENT *ev, UINTN *idx)
{
	(void)n;
	(void)ev;
	if (keypos >= nkeys)
		return EFI_UNSUPPORTED;
	*idx = 0;
	return EFI_SUCCESS;
}

static SIMPLE_INPUT_INTERFACE con_in = { .ReadKeyStroke = s_read_key };

void shim_keys(const CHAR16 *k)
{
	nkeys = keypos = 0;
	while (*k && nkeys < 256)
		keys[nkeys++] = *k++;
}

/* ---- configuration table ---------------------------------------------------------- */
static EFI_CONFIGURATION_TABLE cfg[8];

void shim_set_config_table(EFI_GUID *guid, void *table)
{
	UINTN n = shim_st.NumberOfTableEntries;
	for (UINTN i = 0; i < n; i++)
		if (memcmp(&cfg[i].VendorGuid, guid, sizeof(*guid)) == 0) {
			if (table) {
				cfg[i].VendorTable = table;
			} else {
				cfg[i] = cfg[n - 1];
				shim_st.NumberOfTableEntries--;
			}
			return;
		}
	if (table && n < 8) {
		cfg[n].VendorGuid = *guid;
		cfg[n].VendorTable = table;
		shim_st.NumberOfTableEntries++;
	}
}

/* ---- runtime services: only GetVariable, and no variable exists ------------------- */
static EFI_STATUS EFIAPI s_get_variable(CHAR16 *Name, EFI_GUID *Vendor, UINT32 *Attr,
					UINTN *Size, VOID *Data)
{
	(void)Name; (void)Vendor; (void)Attr; (void)Size; (void)Data;
	return EFI_NOT_FOUND;
}
static EFI_RUNTIME_SERVICES shim_rt;

/* ---- tables ----------------------------------------------------------------------- */
EFI_BOOT_SERVICES shim_bs;
EFI_SYSTEM_TABLE shim_st;

void shim_reset(void)
{
	for (size_t i = 0; i < nblocks; i++)
		free(blocks[i].p);
	nblocks = 0;
	memset(handles, 0, sizeof(handles));
	memset(events, 0, sizeof(events));
	nneedles = 0;
	freed_with_needle = 0;
	fail_after = -1;
	shim_console_clear();

	memset(&shim_bs, 0, sizeof(shim_bs));
	shim_bs.AllocatePool = s_alloc_pool;
	shim_bs.FreePool = s_free_pool;
	shim_bs.AllocatePages = s_alloc_pages;
	shim_bs.FreePages = s_free_pages;
	shim_bs.CreateEvent = s_create_event;
	shim_bs.CloseEvent = s_close_event;
	shim_bs.SignalEvent = s_signal_event;
	shim_bs.InstallProtocolInterface = s_install;
	shim_bs.UninstallProtocolInterface = s_uninstall;
	shim_bs.HandleProtocol = s_handle_protocol;
	shim_bs.OpenProtocol = s_open;
	shim_bs.CloseProtocol = s_close;
	shim_bs.DisconnectController = s_disconnect;
	shim_bs.LocateDevicePath = s_locate_device_path;
	shim_bs.StartImage = s_start_image;
	image_body = NULL;
	shim_bs.WaitForEvent = s_wait_for_event;
	shim_bs.LocateProtocol = s_locate_protocol;
	shim_bs.LocateHandleBuffer = s_locate_handle_buffer;
	shim_bs.CreateEventEx = s_create_event_ex;
	shim_bs.RaiseTPL = s_raise_tpl;
	shim_bs.RestoreTPL = s_restore_tpl;
	cur_tpl = TPL_APPLICATION;
	memset(event_group, 0, sizeof(event_group));
	shim_bs.Stall = s_stall;
	nkeys = keypos = 0;

	memset(&shim_st, 0, sizeof(shim_st));
	memset(cfg, 0, sizeof(cfg));
	shim_st.ConOut = &con_out;
	shim_st.ConIn = &con_in;
	shim_st.BootServices = &shim_bs;
	memset(&shim_rt, 0, sizeof(shim_rt));
	shim_rt.GetVariable = s_get_variable;
	shim_st.RuntimeServices = &shim_rt;
	shim_st.ConfigurationTable = cfg;
	shim_st.NumberOfTableEntries = 0;
	shim_fwcfg_reset(0);
}

/* ---- driver image ------------------------------------------------------------------ */
static EFI_LOADED_IMAGE_PROTOCOL loaded_image;

EFI_STATUS shim_load_driver(EFI_HANDLE *image)
{
	*image = NULL;
	memset(&loaded_image, 0, sizeof(loaded_image));
	EFI_STATUS st = s_install(image, &g_loaded_image, EFI_NATIVE_INTERFACE, &loaded_image);
	if (st != EFI_SUCCESS)
		return st;
	return efi_main(*image, &shim_st);
}

EFI_STATUS shim_unload_driver(EFI_HANDLE image)
{
	EFI_LOADED_IMAGE_PROTOCOL *li = shim_protocol(image, &g_loaded_image);
	if (!li || !li->Unload)
		return EFI_UNSUPPORTED;
	EFI_STATUS st = li->Unload(image);
	if (st == EFI_SUCCESS)
		s_uninstall(image, &g_loaded_image, li);
	return st;
}

EFI_STATUS shim_connect(EFI_HANDLE image, EFI_HANDLE controller)
{
	EFI_DRIVER_BINDING_PROTOCOL *b = shim_binding(image);
	if (!b)
		return EFI_NOT_FOUND;
	EFI_STATUS st = b->Supported(b, controller, NULL);
	if (st != EFI_SUCCESS)
		return st;
	return b->Start(b, controller, NULL);
}

/* ---- inspection ------------------------------------------------------------------- */
int shim_handle_live(EFI_HANDLE h) { return H(h) != NULL; }

void *shim_protocol(EFI_HANDLE h, EFI_GUID *guid)
{
	shim_iface *f = find_if(H(h), guid);
	return f ? f->iface : NULL;
}

unsigned shim_open_count(EFI_HANDLE h, EFI_GUID *guid, UINT32 attributes)
{
	shim_iface *f = find_if(H(h), guid);
	unsigned c = 0;
	for (unsigned i = 0; f && i < f->nopen; i++)
		c += f->opens[i].attr == attributes;
	return c;
}

unsigned shim_children(EFI_HANDLE h, EFI_GUID *guid, EFI_HANDLE *out, unsigned max)
{
	shim_iface *f = find_if(H(h), guid);
	unsigned c = 0;
	for (unsigned i = 0; f && i < f->nopen; i++)
		if (f->opens[i].attr == EFI_OPEN_PROTOCOL_BY_CHILD_CONTROLLER && c < max)
			out[c++] = f->opens[i].controller;
	return c;
}

unsigned shim_live_handles(void)
{
	unsigned c = 0;
	for (unsigned i = 0; i < MAX_HANDLES; i++)
		c += (unsigned)handles[i].live;
	return c;
}

EFI_STATUS shim_hold(EFI_HANDLE h, EFI_GUID *guid, EFI_HANDLE agent)
{
	void *unused;
	return s_open(h, guid, &unused, agent, h, EFI_OPEN_PROTOCOL_BY_DRIVER);
}

/* The firmware build's C runtime hooks (efi/libc is not linked on the host). */
void luksdxe_libc_init(EFI_BOOT_SERVICES *bs) { (void)bs; }
void luksdxe_libc_exit_boot_services(void) {}
