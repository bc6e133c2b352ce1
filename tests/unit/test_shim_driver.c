/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The real efi/ driver running on the host shim (tests/shim): Supported/Start/Stop on
 * volumes that cryptsetup itself made and encrypted (tests/shim/mkimages.sh), reads
 * checked against the original plaintext and against OpenSSL decrypting the ciphertext
 * with the volume key cryptsetup dumps; secret providers; wipe and release checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "base/endian.h"
#include "shim.h"
#include "luksdxe.h"
#include "ext4fs.h"
#include "secret/secret_table.h"
#include "base/uuid.h"
#include "common/testutil.h"

#define IMG "build/shim-images"
#define VOL1_UUID "3f0b8c62-52a4-4b8e-9a41-6c1d2e3f4a5b"
#define VOL2_UUID "a1b2c3d4-e5f6-4789-8abc-def012345678"
#define VOL3_UUID "0d5c8b1e-7f6a-4e3b-9c2d-1a2b3c4d5e6f"

static EFI_GUID g_bio = EFI_BLOCK_IO_PROTOCOL_GUID;
static EFI_GUID g_bio2 = EFI_BLOCK_IO2_PROTOCOL_GUID;
static EFI_GUID g_dio = EFI_DISK_IO_PROTOCOL_GUID;
static EFI_GUID g_dp = EFI_DEVICE_PATH_PROTOCOL_GUID;
static EFI_GUID g_name2 = EFI_COMPONENT_NAME2_PROTOCOL_GUID;
static EFI_GUID g_binding = EFI_DRIVER_BINDING_PROTOCOL_GUID;

/* cryptsetup reencrypt --reduce-device-size R put the data segment at R/2; the first
 * (6 MiB - R) bytes of plaintext are the original file's (see mkimages.sh). */
typedef struct {
	const char *name;
	const char *uuid;
	uint32_t sector;
	size_t data_offset, valid_plain;
	int essiv; /* aes-cbc-essiv:sha256, else aes-xts-plain64 */
	uint8_t *img, *plain, *key, *pass;
	size_t img_n, plain_n, key_n, pass_n;
} volume;
#define NVOLS 3
static volume vols[NVOLS] = {
	{ "vol1", VOL1_UUID, 512, 1u << 20, 4u << 20, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "vol2", VOL2_UUID, 4096, 1u << 20, 4u << 20, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "vol3", VOL3_UUID, 512, 2u << 20, 2u << 20, 1, 0, 0, 0, 0, 0, 0, 0, 0 },
};

static uint8_t *load(const char *name, const char *ext, size_t *n)
{
	char path[256];
	snprintf(path, sizeof(path), IMG "/%s.%s", name, ext);
	uint8_t *p = tu_read_file(path, n);
	if (!p)
		fprintf(stderr, "cannot read %s\n", path);
	return p;
}

static int group_setup(void **state)
{
	(void)state;
	if (system("bash tests/shim/mkimages.sh " IMG) != 0)
		return -1;
	for (int i = 0; i < NVOLS; i++) {
		volume *v = &vols[i];
		v->img = load(v->name, "img", &v->img_n);
		v->plain = load(v->name, "plain", &v->plain_n);
		v->key = load(v->name, "key", &v->key_n);
		v->pass = load(v->name, "pass", &v->pass_n);
		if (!v->img || !v->plain || !v->key || !v->pass)
			return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	for (int i = 0; i < NVOLS; i++) {
		free(vols[i].img);
		free(vols[i].plain);
		free(vols[i].key);
		free(vols[i].pass);
	}
	return 0;
}

/* ---- fixtures ------------------------------------------------------------------- */
static EFI_HANDLE image;
static shim_disk *disks[3];
static uint8_t *cc_area;
static struct {
	uint64_t base, size;
} cc_loc;

static int setup(void **state)
{
	(void)state;
	shim_reset();
	luksdxe_opt_prompt = 0;
	luksdxe_opt_wipe_cc = 0;
	memset(disks, 0, sizeof(disks));
	cc_area = NULL;
	assert_int_equal(shim_load_driver(&image), EFI_SUCCESS);
	assert_non_null(strstr(shim_console(), "LuksDxe " LUKSDXE_VERSION ": loaded"));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++)
		if (disks[i])
			shim_disk_close(disks[i]);
	free(cc_area);
	shim_reset();
	return 0;
}

static shim_disk *open_disk(int slot, const char *file, uint32_t bs)
{
	char path[256];
	snprintf(path, sizeof(path), IMG "/%s", file);
	disks[slot] = shim_disk_open(path, bs);
	assert_non_null(disks[slot]);
	return disks[slot];
}

static void guid_of(const char *uuid, uint8_t g[16])
{
	assert_int_equal(ld_guid_parse(uuid, strlen(uuid), g), LD_OK);
}

typedef struct {
	const char *uuid; /* NULL: disk-passphrase entry */
	const char *pass;
	size_t len;
} ent;

/* Builds a table (passphrases with their NUL, as guest owners usually inject them). */
static uint8_t *table(const ent *e, size_t n, size_t *len)
{
	ld_secret_entry le[4];
	assert_true(n <= 4);
	for (size_t i = 0; i < n; i++) {
		if (e[i].uuid)
			guid_of(e[i].uuid, le[i].guid);
		else
			memcpy(le[i].guid, ld_secret_disk_guid, 16);
		le[i].data = (const uint8_t *)e[i].pass;
		le[i].len = e[i].len ? e[i].len : strlen(e[i].pass) + 1;
	}
	uint8_t *t = calloc(1, 4096);
	assert_int_equal(ld_secret_table_build(t, 4096, len, le, n, 16), LD_OK);
	return t;
}

static void fwcfg_secret(const ent *e, size_t n)
{
	size_t len;
	uint8_t *t = table(e, n, &len);
	shim_fwcfg_reset(1);
	shim_fwcfg_add_file("etc/boot-fail-wait", "\0\0\0\0", 4);
	shim_fwcfg_add_file("opt/luksdxe/secret", t, len);
	free(t);
}

static void cc_secret_raw(uint8_t *area, size_t area_size)
{
	static EFI_GUID g = { 0xadf956ad, 0xe98c, 0x484c, { 0xae, 0x11, 0xb5, 0x1c, 0x7d, 0x33, 0x64, 0x47 } };
	free(cc_area);
	cc_area = area;
	cc_loc.base = (uint64_t)(uintptr_t)area;
	cc_loc.size = area_size;
	shim_set_config_table(&g, &cc_loc);
}

static void cc_secret(const ent *e, size_t n)
{
	size_t len;
	uint8_t *t = table(e, n, &len);
	cc_secret_raw(t, 4096); /* the area is larger than the table, as in OVMF */
}

static void needles(const volume *v)
{
	shim_add_needle(v->pass, v->pass_n);
	/* Both XTS halves: an AES key schedule starts with the raw key. */
	shim_add_needle(v->key, v->key_n / 2);
	shim_add_needle(v->key + v->key_n / 2, v->key_n / 2);
}

static EFI_HANDLE only_child(shim_disk *d)
{
	EFI_HANDLE kids[4];
	assert_int_equal(shim_children(shim_disk_handle(d), &g_dio, kids, 4), 1);
	assert_true(shim_handle_live(kids[0]));
	return kids[0];
}

/* The reference decryption of one sector with OpenSSL, as dm-crypt defines the IVs:
 * plain64 = little-endian 512-byte sector number; essiv:sha256 = that block encrypted
 * with AES under SHA-256(volume key). */
static void ref_sector(const volume *v, size_t s, uint8_t *out)
{
	uint8_t iv[16] = { 0 };
	uint64_t n512 = (uint64_t)s * (v->sector / 512);
	for (int i = 0; i < 8; i++)
		iv[i] = (uint8_t)(n512 >> (8 * i));
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int outl = 0;
	const EVP_CIPHER *alg;
	if (v->essiv) {
		uint8_t salt[32], eiv[16];
		unsigned sl = 0;
		assert_int_equal(EVP_Digest(v->key, v->key_n, salt, &sl, EVP_sha256(), NULL), 1);
		assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_256_ecb(), NULL, salt, NULL), 1);
		EVP_CIPHER_CTX_set_padding(c, 0);
		assert_int_equal(EVP_EncryptUpdate(c, eiv, &outl, iv, 16), 1);
		memcpy(iv, eiv, 16);
		alg = v->key_n == 32 ? EVP_aes_256_cbc() : EVP_aes_128_cbc();
	} else {
		alg = v->key_n == 64 ? EVP_aes_256_xts() : EVP_aes_128_xts();
	}
	assert_int_equal(EVP_DecryptInit_ex(c, alg, NULL, v->key, iv), 1);
	EVP_CIPHER_CTX_set_padding(c, 0);
	assert_int_equal(EVP_DecryptUpdate(c, out, &outl, v->img + v->data_offset + s * v->sector,
					   (int)v->sector), 1);
	assert_int_equal(outl, (int)v->sector);
	EVP_CIPHER_CTX_free(c);
}

/* The child must read back what cryptsetup encrypted: byte-exact against the original
 * file for the defined part, and against OpenSSL with the dumped key everywhere. */
static void check_child_reads(EFI_HANDLE child, const volume *v)
{
	EFI_BLOCK_IO_PROTOCOL *bio = shim_protocol(child, &g_bio);
	assert_non_null(bio);
	size_t data = v->img_n - v->data_offset;
	assert_true(bio->Media->ReadOnly);
	assert_true(bio->Media->MediaPresent);
	assert_int_equal(bio->Media->BlockSize, v->sector);
	assert_int_equal(bio->Media->LastBlock, data / v->sector - 1);

	uint8_t *buf = malloc(data);
	assert_non_null(buf);
	/* Uneven request sizes, so runs cross every internal chunk boundary. */
	size_t off = 0, step = 7 * v->sector;
	while (off < data) {
		size_t n = data - off < step ? data - off : step;
		assert_int_equal(bio->ReadBlocks(bio, bio->Media->MediaId, off / v->sector, n,
						 buf + off), EFI_SUCCESS);
		off += n;
		step = step == 7 * v->sector ? 64 * v->sector : 7 * v->sector;
	}
	assert_memory_equal(buf, v->plain, v->valid_plain);

	uint8_t *ref = malloc(v->sector);
	for (size_t s = 0; s < data / v->sector; s++) {
		ref_sector(v, s, ref);
		if (memcmp(ref, buf + s * v->sector, v->sector) != 0)
			fail_msg("%s: sector %zu differs from OpenSSL", v->name, s);
	}
	free(ref);
	free(buf);
}

static void disconnect_and_unload(shim_disk **ds, int n)
{
	for (int i = 0; i < n; i++)
		assert_int_equal(shim_bs.DisconnectController(shim_disk_handle(ds[i]), image, NULL),
				 EFI_SUCCESS);
	assert_int_equal(shim_unload_driver(image), EFI_SUCCESS);
	assert_null(shim_protocol(image, &g_binding));
	assert_null(shim_protocol(image, &g_name2));
}

/* ---- tests ---------------------------------------------------------------------- */
/* ---- the load policy (efi/policy_hook.c) on the shim ---------------------------- */
/* Stand-ins for the firmware's Security and Security2 architectural protocols: they
 * count the images that reach them (the policy passes allowed ones on). */
typedef struct { EFI_STATUS (EFIAPI *FileAuthenticationState)(const void *, UINT32, const EFI_DEVICE_PATH_PROTOCOL *); } fake_sec;
typedef struct { EFI_STATUS (EFIAPI *FileAuthentication)(const void *, const EFI_DEVICE_PATH_PROTOCOL *, VOID *, UINTN, BOOLEAN); } fake_sec2;
static unsigned sec_calls, sec2_calls;
static EFI_STATUS EFIAPI orig_sec(const void *t, UINT32 a, const EFI_DEVICE_PATH_PROTOCOL *f)
{
	(void)t; (void)a; (void)f;
	sec_calls++;
	return EFI_SUCCESS;
}
static EFI_STATUS EFIAPI orig_sec2(const void *t, const EFI_DEVICE_PATH_PROTOCOL *p, VOID *b,
				   UINTN n, BOOLEAN bp)
{
	(void)t; (void)p; (void)b; (void)n; (void)bp;
	sec2_calls++;
	return EFI_SUCCESS;
}
static fake_sec the_sec;
static fake_sec2 the_sec2;
static EFI_GUID g_sec = { 0xa46423e3, 0x4617, 0x49f1, { 0xb9, 0xff, 0xd1, 0xbf, 0xa9, 0x11, 0x58, 0x39 } };
static EFI_GUID g_sec2 = { 0x94ab2f58, 0x1438, 0x4ef1, { 0x91, 0x52, 0x18, 0x94, 0x1a, 0x3a, 0x0e, 0x68 } };
static EFI_GUID g_fv2 = { 0x220e73b6, 0x6bdb, 0x4413, { 0x84, 0x05, 0xb9, 0x74, 0xb1, 0x08, 0x61, 0x9a } };
static EFI_GUID g_ready = { 0x7ce88fb3, 0x4bd7, 0x4679, { 0x87, 0xa8, 0xa8, 0xd8, 0xde, 0xe5, 0x0d, 0x2b } };

/* Device paths are built as bytes: { type, subtype, len16, data }. */
typedef struct { uint8_t b[512]; size_t n; } dpbuf;
static void dp_node(dpbuf *d, uint8_t type, uint8_t sub, const void *data, size_t len)
{
	assert_true(d->n + 4 + len <= sizeof(d->b));
	d->b[d->n] = type;
	d->b[d->n + 1] = sub;
	d->b[d->n + 2] = (uint8_t)(4 + len);
	d->b[d->n + 3] = (uint8_t)((4 + len) >> 8);
	if (len)
		memcpy(d->b + d->n + 4, data, len);
	d->n += 4 + len;
}
static void dp_end(dpbuf *d) { dp_node(d, 0x7f, 0xff, NULL, 0); }
static void dp_copy(dpbuf *d, const EFI_DEVICE_PATH_PROTOCOL *p) /* without its end */
{
	const uint8_t *b = (const uint8_t *)p;
	for (d->n = 0; !(b[d->n] == 0x7f && b[d->n + 1] == 0xff);)
		d->n += b[d->n + 2] | b[d->n + 3] << 8;
	memcpy(d->b, b, d->n);
}
static void dp_file(dpbuf *d, const char *name)
{
	CHAR16 w[64];
	size_t i = 0;
	for (; name[i]; i++)
		w[i] = (CHAR16)name[i];
	w[i++] = 0;
	dp_node(d, 0x04, 0x04, w, i * 2);
}
static const uint8_t dxefv_guid[16] = { 0xc9, 0xbd, 0xb8, 0x7c, 0xeb, 0xf8, 0x34, 0x4f, 0xaa, 0xea, 0x3e, 0xe4, 0xaf, 0x65, 0x16, 0xa1 };
static const uint8_t file_guid[16] = { 0x21, 0xde, 0x8f, 0xbc, 0xa9, 0x3b, 0xab, 0x4b, 0xba, 0x17, 0xf1, 0x81, 0x7b, 0x7e, 0x6c, 0x27 };
static dpbuf fv_path;
static char fv_iface;

static EFI_STATUS sec2_check(const dpbuf *p)
{
	fake_sec2 *s2 = shim_protocol(shim_handle_of(&g_sec2), &g_sec2);
	static uint8_t image_bytes[64]; /* LoadImage passes the file it read */
	return s2->FileAuthentication(s2, p ? (const EFI_DEVICE_PATH_PROTOCOL *)p->b : NULL,
				      image_bytes, sizeof(image_bytes), 0);
}

/* Security protocols and one platform firmware volume exist before the driver loads. */
static int setup_policy(void **state)
{
	(void)state;
	shim_reset();
	luksdxe_opt_prompt = 0;
	luksdxe_opt_wipe_cc = 0;
	luksdxe_opt_policy_audit = 0;
	memset(disks, 0, sizeof(disks));
	cc_area = NULL;
	sec_calls = sec2_calls = 0;
	the_sec.FileAuthenticationState = orig_sec;
	the_sec2.FileAuthentication = orig_sec2;
	EFI_HANDLE h = NULL;
	assert_int_equal(shim_bs.InstallProtocolInterface(&h, &g_sec, EFI_NATIVE_INTERFACE, &the_sec), EFI_SUCCESS);
	assert_int_equal(shim_bs.InstallProtocolInterface(&h, &g_sec2, EFI_NATIVE_INTERFACE, &the_sec2), EFI_SUCCESS);
	memset(&fv_path, 0, sizeof(fv_path));
	dp_node(&fv_path, 0x04, 0x07, dxefv_guid, 16); /* MEDIA_PIWG_FW_VOL */
	dpbuf fvp = fv_path;
	dp_end(&fvp);
	static dpbuf fv_installed;
	fv_installed = fvp;
	h = NULL;
	assert_int_equal(shim_bs.InstallProtocolInterface(&h, &g_fv2, EFI_NATIVE_INTERFACE, &fv_iface), EFI_SUCCESS);
	assert_int_equal(shim_bs.InstallProtocolInterface(&h, &g_dp, EFI_NATIVE_INTERFACE, fv_installed.b), EFI_SUCCESS);
	assert_int_equal(shim_load_driver(&image), EFI_SUCCESS);
	/* No console yet (no ConOut variable): the line waits for one. */
	assert_null(strstr(shim_console(), "load policy active"));
	assert_ptr_not_equal(the_sec2.FileAuthentication, orig_sec2);
	assert_ptr_not_equal(the_sec.FileAuthenticationState, orig_sec);
	return 0;
}

static int teardown_policy(void **state)
{
	luksdxe_opt_policy_audit = 0;
	return teardown(state);
}

/* Every shape: platform FV file, foreign FV, file on the unlocked volume, file on the
 * plaintext parent, a relative-offset (option ROM) path, no path, malformed path. */
static void test_policy_decisions(void **state)
{
	(void)state;
	fwcfg_secret((ent[]){ { NULL, "pass-one", 0 } }, 1);
	shim_disk *d = open_disk(0, "vol1.img", 512);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_SUCCESS);
	EFI_HANDLE child = only_child(d);
	/* Start runs once the boot manager has connected the consoles: the line shows. */
	assert_non_null(strstr(shim_console(), "load policy active (enforced)"));
	shim_console_clear();

	dpbuf p = fv_path;
	dp_node(&p, 0x04, 0x06, file_guid, 16);
	dp_end(&p);
	assert_int_equal(sec2_check(&p), EFI_SUCCESS);
	assert_int_equal(sec2_calls, 1);

	dpbuf q = { { 0 }, 0 };
	uint8_t other[16];
	memcpy(other, dxefv_guid, 16);
	other[0] ^= 0x55;
	dp_node(&q, 0x04, 0x07, other, 16);
	dp_node(&q, 0x04, 0x06, file_guid, 16);
	dp_end(&q);
	assert_int_equal(sec2_check(&q), EFI_ACCESS_DENIED);
	assert_non_null(strstr(shim_console(), "a firmware volume the platform did not publish"));

	dpbuf c;
	dp_copy(&c, shim_protocol(child, &g_dp));
	dp_file(&c, "\\EFI\\BOOT\\BOOTX64.EFI");
	dp_end(&c);
	assert_int_equal(sec2_check(&c), EFI_SUCCESS);
	assert_int_equal(sec2_calls, 2);
	assert_non_null(strstr(shim_console(), "LuksDxe: loading "));
	assert_non_null(strstr(shim_console(), ": volume " VOL1_UUID));

	dpbuf pl;
	dp_copy(&pl, shim_protocol(shim_disk_handle(d), &g_dp));
	dp_file(&pl, "\\EFI\\BOOT\\BOOTX64.EFI");
	dp_end(&pl);
	shim_console_clear();
	assert_int_equal(sec2_check(&pl), EFI_ACCESS_DENIED);
	assert_non_null(strstr(shim_console(), "LuksDxe: refused to load "));
	assert_non_null(strstr(shim_console(), "not on a volume the guest owner encrypted"));

	dpbuf rom;
	dp_copy(&rom, shim_protocol(shim_disk_handle(d), &g_dp));
	uint8_t range[20] = { 0 };
	range[4] = 0x00; range[5] = 0x10; /* offsets 0x1000 .. */
	range[12] = 0xff; range[13] = 0x7f;
	dp_node(&rom, 0x04, 0x08, range, sizeof(range));
	dp_end(&rom);
	assert_int_equal(sec2_check(&rom), EFI_ACCESS_DENIED);

	/* ConnectController's question (no file): not an image load, passed on. */
	fake_sec2 *s2 = shim_protocol(shim_handle_of(&g_sec2), &g_sec2);
	unsigned before = sec2_calls;
	assert_int_equal(s2->FileAuthentication(s2, (EFI_DEVICE_PATH_PROTOCOL *)pl.b, NULL, 0, 0), EFI_SUCCESS);
	assert_int_equal(sec2_calls, before + 1);
	sec2_calls = before;

	assert_int_equal(sec2_check(NULL), EFI_ACCESS_DENIED);
	assert_non_null(strstr(shim_console(), "no device path"));
	dpbuf bad = c;
	bad.b[2] = 2; /* a node shorter than its header */
	assert_int_equal(sec2_check(&bad), EFI_ACCESS_DENIED);
	assert_non_null(strstr(shim_console(), "malformed device path"));
	assert_int_equal(sec2_calls, 2); /* refused images never reach the next handler */

	/* The Security (v1) protocol is wrapped too. */
	fake_sec *s1 = shim_protocol(shim_handle_of(&g_sec), &g_sec);
	assert_int_equal(s1->FileAuthenticationState(s1, 0, (EFI_DEVICE_PATH_PROTOCOL *)pl.b), EFI_ACCESS_DENIED);
	assert_int_equal(s1->FileAuthenticationState(s1, 0, (EFI_DEVICE_PATH_PROTOCOL *)p.b), EFI_SUCCESS);
	assert_int_equal(sec_calls, 1);

	/* Once the volume is gone, its files are refused too. */
	assert_int_equal(shim_bs.DisconnectController(shim_disk_handle(d), image, NULL), EFI_SUCCESS);
	assert_int_equal(sec2_check(&c), EFI_ACCESS_DENIED);
	/* Unload puts the firmware's handlers back. */
	assert_int_equal(shim_unload_driver(image), EFI_SUCCESS);
	assert_ptr_equal(the_sec2.FileAuthentication, orig_sec2);
	assert_ptr_equal(the_sec.FileAuthenticationState, orig_sec);
}

/* Refusals before the console is connected are shown at ReadyToBoot, not lost. */
static void test_policy_backlog(void **state)
{
	(void)state;
	dpbuf q = { { 0 }, 0 };
	dp_node(&q, 0x01, 0x01, "\x00\x02", 2); /* Pci(0x2,0x0) */
	dp_node(&q, 0x04, 0x08, (uint8_t[20]){ 0 }, 20);
	dp_end(&q);
	shim_console_clear();
	assert_int_equal(sec2_check(&q), EFI_ACCESS_DENIED);
	assert_null(strstr(shim_console(), "refused"));
	shim_signal_group(&g_ready);
	assert_non_null(strstr(shim_console(), "LuksDxe: refused to load "));
	shim_console_clear();
	assert_int_equal(sec2_check(&q), EFI_ACCESS_DENIED);
	assert_non_null(strstr(shim_console(), "LuksDxe: refused to load ")); /* live now */
}

static void test_policy_audit(void **state)
{
	(void)state;
	luksdxe_opt_policy_audit = 1;
	dpbuf q = { { 0 }, 0 };
	dp_node(&q, 0x04, 0x04, u"\\x.efi", 14);
	dp_end(&q);
	shim_signal_group(&g_ready);
	assert_int_equal(sec2_check(&q), EFI_SUCCESS);
	assert_non_null(strstr(shim_console(), "LuksDxe: audit: would refuse "));
	assert_int_equal(sec2_calls, 1);
}

/* Someone wrapped the protocol after us: unloading would leave a dangling pointer. */
static void test_policy_unload_refused(void **state)
{
	(void)state;
	the_sec2.FileAuthentication = orig_sec2;
	assert_int_equal(shim_unload_driver(image), EFI_ACCESS_DENIED);
	assert_non_null(shim_protocol(image, &g_binding));
}

/* Every part of the driver is still in place: both bindings, the name, the policy hooks,
 * the unlocked volume's child. */
static void assert_driver_intact(EFI_HANDLE child)
{
	assert_non_null(shim_binding(image));
	assert_non_null(shim_protocol(image, &g_name2));
	assert_non_null(luksdxe_ext4fs_binding_handle());
	assert_ptr_not_equal(the_sec2.FileAuthentication, orig_sec2);
	assert_ptr_not_equal(the_sec.FileAuthenticationState, orig_sec);
	if (child) {
		assert_true(shim_handle_live(child));
		check_child_reads(child, &vols[0]);
	}
}

/* A refused unload (hooks wrapped after us) changes nothing, the ext4 binding included. */
static void test_policy_unload_refused_intact(void **state)
{
	(void)state;
	fwcfg_secret((ent[]){ { NULL, "pass-one", 0 } }, 1);
	shim_disk *d = open_disk(0, "vol1.img", 512);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_SUCCESS);
	EFI_HANDLE child = only_child(d);
	EFI_STATUS (EFIAPI *ours)(const void *, const EFI_DEVICE_PATH_PROTOCOL *, VOID *, UINTN, BOOLEAN) =
		the_sec2.FileAuthentication;
	the_sec2.FileAuthentication = orig_sec2;
	assert_int_equal(shim_unload_driver(image), EFI_ACCESS_DENIED);
	the_sec2.FileAuthentication = ours;
	assert_driver_intact(child);
	assert_int_equal(shim_unload_driver(image), EFI_SUCCESS);
	assert_ptr_equal(the_sec2.FileAuthentication, orig_sec2);
	assert_false(shim_handle_live(child));
}

/* Called from an event notification (above TPL_APPLICATION), Unload may have interrupted
 * a use of the driver (the DXE core's ConnectController holding our binding): refused,
 * with a line saying why, and nothing changes.  At TPL_APPLICATION it unloads. */
static void test_unload_above_application(void **state)
{
	(void)state;
	static const EFI_TPL tpls[] = { TPL_CALLBACK, TPL_NOTIFY, TPL_HIGH_LEVEL };
	fwcfg_secret((ent[]){ { NULL, "pass-one", 0 } }, 1);
	shim_disk *d = open_disk(0, "vol1.img", 512);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_SUCCESS);
	EFI_HANDLE child = only_child(d);
	for (size_t i = 0; i < sizeof(tpls) / sizeof(tpls[0]); i++) {
		shim_console_clear();
		EFI_TPL old = shim_bs.RaiseTPL(tpls[i]);
		assert_int_equal(shim_unload_driver(image), EFI_ACCESS_DENIED);
		assert_int_equal(shim_tpl(), tpls[i]); /* the TPL read put back */
		shim_bs.RestoreTPL(old);
		assert_non_null(strstr(shim_console(), "LuksDxe: not unloading: called from an event notification"));
		assert_driver_intact(child);
	}
	assert_int_equal(shim_tpl(), TPL_APPLICATION);
	assert_int_equal(shim_unload_driver(image), EFI_SUCCESS);
	assert_ptr_equal(the_sec2.FileAuthentication, orig_sec2);
	assert_ptr_equal(the_sec.FileAuthenticationState, orig_sec);
	assert_null(shim_binding(image));
	assert_null(luksdxe_ext4fs_binding_handle());
	assert_false(shim_handle_live(child));
}

/* A volume that cannot stop keeps the driver loaded with its load policy still on (it
 * used to be unhooked before the volumes were stopped). */
static void test_policy_unload_stop_refused(void **state)
{
	(void)state;
	fwcfg_secret((ent[]){ { NULL, "pass-one", 0 } }, 1);
	shim_disk *d = open_disk(0, "vol1.img", 512);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_SUCCESS);
	EFI_HANDLE child = only_child(d);
	EFI_HANDLE other = NULL;
	static EFI_GUID dummy = { 1, 2, 3, { 4, 5, 6, 7, 8, 9, 10, 12 } };
	assert_int_equal(shim_bs.InstallProtocolInterface(&other, &dummy, EFI_NATIVE_INTERFACE, NULL), EFI_SUCCESS);
	assert_int_equal(shim_hold(child, &g_bio, other), EFI_SUCCESS);
	assert_int_not_equal(shim_unload_driver(image), EFI_SUCCESS);
	assert_non_null(shim_binding(image));
	assert_non_null(shim_protocol(image, &g_name2));
	assert_ptr_not_equal(the_sec2.FileAuthentication, orig_sec2);
	assert_ptr_not_equal(the_sec.FileAuthenticationState, orig_sec);
	assert_true(shim_handle_live(child));
	assert_int_equal(shim_bs.CloseProtocol(child, &g_bio, other, child), EFI_SUCCESS);
	assert_int_equal(shim_unload_driver(image), EFI_SUCCESS);
	assert_ptr_equal(the_sec2.FileAuthentication, orig_sec2);
	assert_false(shim_handle_live(child));
}

/* pin = SHA-256("LuksDxe volume pin v1" NUL || volume key), computed with OpenSSL from
 * the key that cryptsetup dumped. */
static void pin_of(const volume *v, uint8_t pin[32])
{
	static const char dom[] = "LuksDxe volume pin v1";
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned n = 0;
	assert_int_equal(EVP_DigestInit_ex(c, EVP_sha256(), NULL), 1);
	assert_int_equal(EVP_DigestUpdate(c, dom, sizeof(dom)), 1);
	assert_int_equal(EVP_DigestUpdate(c, v->key, v->key_n), 1);
	assert_int_equal(EVP_DigestFinal_ex(c, pin, &n), 1);
	EVP_MD_CTX_free(c);
}

/* A volume record, written byte by byte from the format in secret/volume_secret.h. */
static size_t record(uint8_t *out, const void *pass, size_t pass_n, const void *key, size_t key_n,
		     const uint8_t *pin)
{
	static const uint8_t magic[8] = { 0, 'L', 'D', 'X', 'V', 'O', 'L', 1 };
	size_t n = 8;
	memcpy(out, magic, 8);
	const struct { uint8_t tag; const void *v; size_t len; } it[3] = {
		{ 1, pass, pass_n }, { 2, key, key_n }, { 3, pin, pin ? 32 : 0 } };
	for (int i = 0; i < 3; i++) {
		if (!it[i].v)
			continue;
		out[n] = it[i].tag;
		out[n + 1] = 0;
		out[n + 2] = (uint8_t)it[i].len;
		out[n + 3] = (uint8_t)(it[i].len >> 8);
		memcpy(out + n + 4, it[i].v, it[i].len);
		n += 4 + it[i].len;
	}
	return n;
}

/* vol1 is pinned; vol2 opens with the shared passphrase but no pin names it. */
static void test_policy_pins(void **state)
{
	(void)state;
	uint8_t pin[32], rec[128];
	pin_of(&vols[0], pin);
	size_t n = record(rec, "pass-one", 8, NULL, 0, pin);
	fwcfg_secret((ent[]){ { VOL1_UUID, (const char *)rec, n }, { NULL, "pass-two", 0 } }, 2);
	shim_disk *d1 = open_disk(0, "vol1.img", 512);
	shim_disk *d2 = open_disk(1, "vol2.img", 4096);
	assert_int_equal(shim_connect(image, shim_disk_handle(d1)), EFI_SUCCESS);
	assert_int_equal(shim_connect(image, shim_disk_handle(d2)), EFI_SUCCESS);
	assert_non_null(strstr(shim_console(), VOL1_UUID ": unlocked with keyslot 0, volume key matches its pin"));
	assert_non_null(strstr(shim_console(), VOL2_UUID ": unlocked with keyslot 0\n"));
	dpbuf a, b;
	dp_copy(&a, shim_protocol(only_child(d1), &g_dp));
	dp_file(&a, "\\EFI\\BOOT\\BOOTX64.EFI");
	dp_end(&a);
	dp_copy(&b, shim_protocol(only_child(d2), &g_dp));
	dp_file(&b, "\\EFI\\BOOT\\BOOTX64.EFI");
	dp_end(&b);
	assert_int_equal(sec2_check(&a), EFI_SUCCESS);
	assert_int_equal(sec2_check(&b), EFI_ACCESS_DENIED);
	assert_non_null(strstr(shim_console(), "on an unlocked volume that the secret does not pin"));
	check_child_reads(only_child(d1), &vols[0]);
}

/* ---- rule (c) and isolation (efi/isolate.c) through StartImage ------------------------ */
static EFI_GUID g_li_dp = { 0xbc62157e, 0x3e33, 0x4fec, { 0x99, 0x20, 0x2d, 0x3b, 0x36, 0xd7, 0x50, 0xdf } };
/* systemd 252's STUB_PAYLOAD_GUID (src/boot/efi/linux.c), in EFI_GUID byte order. */
static const uint8_t stub_guid[16] = { 0xf8, 0xd1, 0xc5, 0x55, 0xcd, 0x04, 0xb5, 0x46,
				       0x8a, 0x20, 0xe5, 0x6c, 0xbb, 0x30, 0x52, 0xd0 };
static dpbuf img_paths[2];
static EFI_HANDLE image_at(int i, const EFI_DEVICE_PATH_PROTOCOL *dev)
{
	dp_copy(&img_paths[i], dev);
	dp_file(&img_paths[i], "\\EFI\\BOOT\\BOOTX64.EFI");
	dp_end(&img_paths[i]);
	EFI_HANDLE h = NULL;
	assert_int_equal(shim_bs.InstallProtocolInterface(&h, &g_li_dp, EFI_NATIVE_INTERFACE, img_paths[i].b),
			 EFI_SUCCESS);
	return h;
}
/* What a running image got from LoadImage's security check for each memory path. */
static EFI_STATUS mem_st[6];
static dpbuf plain_file;
static EFI_STATUS memory_checks(EFI_HANDLE img)
{
	(void)img;
	dpbuf p = { { 0 }, 0 };
	dp_node(&p, 0x04, 0x03, stub_guid, 16); /* the stub's path */
	dp_end(&p);
	mem_st[0] = sec2_check(&p);
	uint8_t other[16];
	memcpy(other, stub_guid, 16);
	other[15] ^= 1;
	p.n = 0;
	dp_node(&p, 0x04, 0x03, other, 16); /* another vendor GUID */
	dp_end(&p);
	mem_st[1] = sec2_check(&p);
	p.n = 0;
	dp_node(&p, 0x04, 0x03, stub_guid, 16); /* the stub's node, then a file */
	dp_file(&p, "\\kernel");
	dp_end(&p);
	mem_st[2] = sec2_check(&p);
	mem_st[3] = sec2_check(&plain_file); /* names the plaintext disk, which exists */
	mem_st[4] = sec2_check(NULL);
	p.n = 0;
	dp_file(&p, "\\kernel"); /* a file node alone */
	dp_end(&p);
	mem_st[5] = sec2_check(&p);
	return EFI_SUCCESS;
}

/* Every branch of the narrowed memory rule, through the real hooks: the stub's path is
 * admitted only while an owner image runs; every other memory path is refused with its
 * reason; a path that names a device stays rule (b)'s. */
static void test_memory_rule(void **state)
{
	(void)state;
	fwcfg_secret((ent[]){ { NULL, "pass-one", 0 } }, 1);
	shim_disk *d = open_disk(0, "vol1.img", 512);
	shim_disk *plain = open_disk(1, "vol2.img", 4096); /* not connected: a plaintext disk */
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_SUCCESS);
	EFI_HANDLE child = only_child(d);
	shim_signal_group(&g_ready);
	dp_copy(&plain_file, shim_protocol(shim_disk_handle(plain), &g_dp));
	dp_file(&plain_file, "\\EFI\\BOOT\\BOOTX64.EFI");
	dp_end(&plain_file);

	/* No owner image runs: the stub's path is refused as from memory. */
	shim_console_clear();
	memory_checks(NULL);
	assert_int_equal(mem_st[0], EFI_ACCESS_DENIED);
	assert_non_null(strstr(shim_console(), "an image from memory that is not systemd-stub's kernel hand-over"));
	/* A non-owner image (a file on the plaintext disk) running: still refused. */
	shim_set_image_body(memory_checks);
	EFI_HANDLE other = image_at(1, shim_protocol(shim_disk_handle(plain), &g_dp));
	assert_int_equal(shim_bs.StartImage(other, NULL, NULL), EFI_SUCCESS);
	assert_int_equal(mem_st[0], EFI_ACCESS_DENIED);
	assert_null(strstr(shim_console(), "isolation"));
	/* The owner's image running. */
	EFI_HANDLE owner = image_at(0, shim_protocol(child, &g_dp));
	shim_console_clear();
	assert_int_equal(shim_bs.StartImage(owner, NULL, NULL), EFI_SUCCESS);
	assert_int_equal(mem_st[0], EFI_SUCCESS);
	assert_non_null(strstr(shim_console(), "handed over from memory by an image from an unlocked volume"));
	for (int i = 1; i < 6; i++)
		assert_int_equal(mem_st[i], EFI_ACCESS_DENIED);
	assert_non_null(strstr(shim_console(), "not on a volume the guest owner encrypted"));
	assert_non_null(strstr(shim_console(), "no device path (an image from memory)"));
	/* After it returned: refused again. */
	memory_checks(NULL);
	assert_int_equal(mem_st[0], EFI_ACCESS_DENIED);
	shim_set_image_body(NULL);
}

static EFI_STATUS sec2_connect(const EFI_DEVICE_PATH_PROTOCOL *p)
{
	fake_sec2 *s2 = shim_protocol(shim_handle_of(&g_sec2), &g_sec2);
	return s2->FileAuthentication(s2, p, NULL, 0, 0);
}

static EFI_STATUS read_lba(shim_disk *d, EFI_LBA lba, uint32_t bs, uint8_t *buf)
{
	EFI_BLOCK_IO_PROTOCOL *bio = shim_protocol(shim_disk_handle(d), &g_bio);
	return bio->ReadBlocks(bio, bio->Media->MediaId, lba, bs, buf);
}

/* Isolation: the owner's volume (pinned) stays, the unpinned volume is stopped through its
 * parent (the child alone), disks that no driver can be made to let go fail every read,
 * the owner's raw disk shows only its data segment (offset from cryptsetup, mkimages.sh),
 * connecting anything outside the owner's volume is refused; unload restores the reads. */
static void isolation_case(int audit)
{
	uint8_t pin[32], rec[128], buf[512];
	luksdxe_opt_policy_audit = audit;
	pin_of(&vols[0], pin);
	size_t n = record(rec, "pass-one", 8, NULL, 0, pin);
	fwcfg_secret((ent[]){ { VOL1_UUID, (const char *)rec, n }, { NULL, "pass-two", 0 } }, 2);
	shim_disk *d1 = open_disk(0, "vol1.img", 512);
	assert_int_equal(shim_connect(image, shim_disk_handle(d1)), EFI_SUCCESS);
	/* A free handle slot before d2's, so that d2's child is listed before d2 itself: the
	 * child is then hidden on its own, through its parent. */
	EFI_HANDLE gap = NULL;
	static char dummy;
	EFI_GUID g_dummy = { 1, 2, 3, { 4, 5, 6, 7, 8, 9, 10, 11 } };
	assert_int_equal(shim_bs.InstallProtocolInterface(&gap, &g_dummy, EFI_NATIVE_INTERFACE, &dummy), EFI_SUCCESS);
	shim_disk *d2 = open_disk(1, "vol2.img", 4096);
	shim_disk *d3 = open_disk(2, "vol3.img", 512); /* plaintext to the firmware: no driver */
	assert_int_equal(shim_bs.UninstallProtocolInterface(gap, &g_dummy, &dummy), EFI_SUCCESS);
	assert_int_equal(shim_connect(image, shim_disk_handle(d2)), EFI_SUCCESS);
	EFI_HANDLE c1 = only_child(d1), c2 = only_child(d2);
	assert_true((uintptr_t)c2 < (uintptr_t)shim_disk_handle(d2));
	shim_signal_group(&g_ready);
	/* Before the owner's image: nothing is hidden, connecting is allowed. */
	assert_int_equal(sec2_connect(shim_protocol(shim_disk_handle(d2), &g_dp)), EFI_SUCCESS);
	assert_int_equal(read_lba(d1, 0, 512, buf), EFI_SUCCESS);

	shim_console_clear();
	EFI_HANDLE owner = image_at(0, shim_protocol(c1, &g_dp));
	assert_int_equal(shim_bs.StartImage(owner, NULL, NULL), EFI_SUCCESS);
	const char *con = shim_console();
	size_t seg = vols[0].data_offset;
	if (audit) {
		assert_non_null(strstr(con, "LuksDxe: audit: isolation: the owner's boot chain starts; storage other than the owner's 1 volume(s) would be hidden"));
		/* d2, its child and d3, each said once (each has BlockIo and DiskIo). */
		unsigned said = 0;
		for (const char *c = con; (c = strstr(c, "LuksDxe: audit: isolation would hide ")); c++)
			said++;
		assert_int_equal(said, 3);
		assert_true(shim_handle_live(c2));
		assert_int_equal(read_lba(d1, 0, 512, buf), EFI_SUCCESS);
		assert_int_equal(read_lba(d3, 0, 512, buf), EFI_SUCCESS);
		assert_int_equal(sec2_connect(shim_protocol(shim_disk_handle(d2), &g_dp)), EFI_SUCCESS);
		assert_non_null(strstr(shim_console(), "LuksDxe: audit: isolation would refuse to connect"));
		return;
	}
	assert_non_null(strstr(con, "LuksDxe: isolation: the owner's boot chain starts; storage other than the owner's 1 volume(s) is hidden"));
	assert_non_null(strstr(con, VOL1_UUID ": isolation: of its disk only bytes "));
	/* d2's child alone was stopped through d2 (LuksDxe's Stop for that child). */
	assert_false(shim_handle_live(c2));
	assert_non_null(strstr(con, "LuksDxe: isolation: hid "));
	/* d2 and d3 have no driver to stop: every read fails. */
	assert_non_null(strstr(con, "could not be disconnected: every read of it fails"));
	assert_int_equal(read_lba(d2, 0, 4096, (uint8_t[4096]){ 0 }), EFI_DEVICE_ERROR);
	assert_int_equal(read_lba(d3, 0, 512, buf), EFI_DEVICE_ERROR);
	/* d1: the GPT-less header area refused, the data segment readable and unchanged. */
	shim_console_clear();
	assert_int_equal(read_lba(d1, 0, 512, buf), EFI_DEVICE_ERROR);
	assert_non_null(strstr(shim_console(), "LuksDxe: isolation: read of 512 bytes at byte 0 refused on "));
	assert_int_equal(read_lba(d1, seg / 512 - 1, 512, buf), EFI_DEVICE_ERROR);
	assert_int_equal(read_lba(d1, seg / 512, 512, buf), EFI_SUCCESS);
	assert_memory_equal(buf, vols[0].img + seg, 512);
	/* The owner's volume still reads right. */
	assert_true(shim_handle_live(c1));
	check_child_reads(c1, &vols[0]);
	/* Connecting: refused outside the owner's volume, allowed below it. */
	shim_console_clear();
	assert_int_equal(sec2_connect(shim_protocol(shim_disk_handle(d2), &g_dp)), EFI_SECURITY_VIOLATION);
	assert_int_equal(sec2_connect(shim_protocol(shim_disk_handle(d1), &g_dp)), EFI_SECURITY_VIOLATION);
	assert_non_null(strstr(shim_console(), "LuksDxe: isolation: refused to connect "));
	dpbuf below;
	dp_copy(&below, shim_protocol(c1, &g_dp));
	dp_node(&below, 0x04, 0x01, (uint8_t[38]){ 1 }, 38); /* a partition inside the volume */
	dp_end(&below);
	unsigned calls = sec2_calls;
	assert_int_equal(sec2_connect((const EFI_DEVICE_PATH_PROTOCOL *)below.b), EFI_SUCCESS);
	assert_int_equal(sec2_calls, calls + 1);
	/* Unload: the raw disk's reads are its own again. */
	shim_disk *ds[1] = { d1 };
	disconnect_and_unload(ds, 1);
	assert_int_equal(read_lba(d1, 0, 512, buf), EFI_SUCCESS);
	assert_int_equal(read_lba(d3, 0, 512, buf), EFI_SUCCESS);
}

static void test_isolation(void **state)
{
	(void)state;
	isolation_case(0);
}

static void test_isolation_audit(void **state)
{
	(void)state;
	isolation_case(1);
}

/* A pin that names another volume's key: the volume stays locked, its key wiped. */
static void test_pin_mismatch(void **state)
{
	(void)state;
	uint8_t pin[32], rec[128];
	pin_of(&vols[1], pin);
	size_t n = record(rec, "pass-one", 8, NULL, 0, pin);
	fwcfg_secret((ent[]){ { VOL1_UUID, (const char *)rec, n } }, 1);
	needles(&vols[0]);
	shim_disk *d = open_disk(0, "vol1.img", 512);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_SECURITY_VIOLATION);
	assert_non_null(strstr(shim_console(), VOL1_UUID ": the volume key does not match the pin in the secret"));
	EFI_HANDLE kids[2];
	assert_int_equal(shim_children(shim_disk_handle(d), &g_dio, kids, 2), 0);
	assert_int_equal(shim_freed_with_needle(), 0);
	assert_int_equal(shim_live_with_needle(), 0);
}

/* A volume-key record: no keyslot KDF, the key checked against the digest; a wrong
 * key leaves the volume locked. */
static void test_volume_key_secret(void **state)
{
	(void)state;
	uint8_t pin[32], rec[160];
	volume *v = &vols[1];
	pin_of(v, pin);
	size_t n = record(rec, NULL, 0, v->key, v->key_n, pin);
	fwcfg_secret((ent[]){ { VOL2_UUID, (const char *)rec, n } }, 1);
	shim_disk *d = open_disk(0, "vol2.img", 4096);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_SUCCESS);
	assert_non_null(strstr(shim_console(), VOL2_UUID ": unlocked with the volume key from the secret, volume key matches its pin"));
	assert_null(strstr(shim_console(), "100%")); /* no key derivation ran */
	/* ... and the console says what ran instead. */
	assert_non_null(strstr(shim_console(), VOL2_UUID ": checking the volume key against the volume's digest (secret from fw_cfg opt/luksdxe/secret): \n"));
	assert_null(strstr(shim_console(), "deriving key"));
	check_child_reads(only_child(d), v);

	uint8_t bad[64];
	memcpy(bad, vols[1].key, vols[1].key_n);
	bad[0] ^= 1;
	n = record(rec, NULL, 0, bad, vols[1].key_n, NULL);
	fwcfg_secret((ent[]){ { VOL2_UUID, (const char *)rec, n } }, 1);
	shim_console_clear();
	shim_disk *d2 = open_disk(1, "vol2.img", 4096);
	assert_int_equal(shim_connect(image, shim_disk_handle(d2)), EFI_ACCESS_DENIED);
	assert_non_null(strstr(shim_console(), "wrong secret: the volume key does not match the volume's digest"));
	assert_non_null(strstr(shim_console(), VOL2_UUID ": checking the volume key against the volume's digest"));
	assert_null(strstr(shim_console(), "deriving key"));
}

/* Records that must be refused: unknown mandatory item, pin in the shared entry. */
static void test_bad_records(void **state)
{
	(void)state;
	uint8_t rec[64];
	size_t n = record(rec, "pass-one", 8, NULL, 0, NULL);
	rec[n] = 0x7e; rec[n + 1] = 0; rec[n + 2] = 1; rec[n + 3] = 0; rec[n + 4] = 9;
	fwcfg_secret((ent[]){ { VOL1_UUID, (const char *)rec, n + 5 } }, 1);
	shim_disk *d = open_disk(0, "vol1.img", 512);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_DEVICE_ERROR);
	assert_non_null(strstr(shim_console(), "unusable secret entry: volume secret: unknown mandatory item"));

	uint8_t pin[32];
	pin_of(&vols[0], pin);
	n = record(rec, "pass-one", 8, NULL, 0, pin);
	fwcfg_secret((ent[]){ { NULL, (const char *)rec, n } }, 1);
	shim_disk_change_media(d);
	shim_console_clear();
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_DEVICE_ERROR);
	assert_non_null(strstr(shim_console(), "the shared disk-passphrase entry cannot hold a pin"));
}


/* ---- dm-verity (tests/shim/mkverity.sh: veritysetup's tree, cryptsetup's volume) ------ */
#define VIMG IMG "/verity"
#define VLUKS_UUID "7e1a5c3b-2d4f-4a6b-8c9d-0e1f2a3b4c5d"
#define VBLOCKS 1024u
static uint8_t vroot[32];
static uint8_t *vplain;
static size_t vplain_n;
static const char vsalt_hex[] = "5a17e0c4a3b2f1e0d9c8b7a6958473625140302a1b0c9d8e7f60514233241506";

static int verity_images(void)
{
	size_t n;
	char *hex;
	if (system("bash tests/shim/mkverity.sh " VIMG) != 0)
		return -1;
	hex = (char *)tu_read_file(VIMG "/vdata.root", &n);
	vplain = tu_read_file(VIMG "/vdata.plain", &vplain_n);
	if (!hex || n < 64 || !vplain || vplain_n != VBLOCKS * 4096u)
		return -1;
	for (int i = 0; i < 32; i++)
		sscanf(hex + 2 * i, "%2hhx", &vroot[i]);
	free(hex);
	return 0;
}

/* The verity item, written here from the layout in secret/volume_secret.h (tag 4): the
 * parameters mkverity.sh gave veritysetup, and the root hash it printed with root_xor
 * flipped into its first byte. */
static size_t verity_item(uint8_t *out, uint8_t root_xor)
{
	size_t n = 30 + 32 + 32;
	out[0] = 4;
	out[1] = 0;
	out[2] = (uint8_t)n;
	out[3] = 0;
	uint8_t *v = out + 4;
	memset(v, 0, n);
	v[0] = 1; /* format 1 */
	v[1] = 2; /* sha256 */
	v[5] = 0x10;  /* data block size 4096 */
	v[9] = 0x10;  /* hash block size 4096 */
	v[12] = 0x00; /* data blocks 1024 */
	v[13] = 0x04;
	v[22] = 0x40; /* hash offset 4 MiB */
	v[28] = 32;   /* salt size */
	for (int i = 0; i < 32; i++)
		sscanf(vsalt_hex + 2 * i, "%2hhx", &v[30 + i]);
	memcpy(v + 62, vroot, 32);
	v[62] ^= root_xor;
	return 4 + n;
}

/* A record: the passphrase (or none: plaintext media) and the verity item. */
static size_t verity_record(uint8_t *out, const char *pass, uint8_t root_xor)
{
	size_t n = record(out, pass, pass ? strlen(pass) : 0, NULL, 0, NULL);
	return n + verity_item(out + n, root_xor);
}

/* The root hash's first 16 bytes as a GUID's text (the media entry's name). */
static const char *root_guid_text(void)
{
	static char t[37];
	ld_guid_format(vroot, t);
	return t;
}

/* Reads the whole child and compares it with the data veritysetup hashed. */
static void check_verified_reads(EFI_HANDLE child, uint32_t want_bs)
{
	EFI_BLOCK_IO_PROTOCOL *bio = shim_protocol(child, &g_bio);
	assert_non_null(bio);
	assert_int_equal(bio->Media->BlockSize, want_bs);
	assert_int_equal(bio->Media->LastBlock, vplain_n / want_bs - 1);
	assert_true(bio->Media->ReadOnly);
	uint8_t *buf = malloc(vplain_n);
	assert_non_null(buf);
	size_t off = 0, step = 3 * want_bs;
	while (off < vplain_n) {
		size_t n = vplain_n - off < step ? vplain_n - off : step;
		assert_int_equal(bio->ReadBlocks(bio, bio->Media->MediaId, off / want_bs, n, buf + off),
				 EFI_SUCCESS);
		off += n;
		step = step == 3 * want_bs ? 40 * want_bs : 3 * want_bs;
	}
	assert_memory_equal(buf, vplain, vplain_n);
	/* nothing beyond data_blocks: the tree is not published */
	assert_int_equal(bio->ReadBlocks(bio, bio->Media->MediaId, bio->Media->LastBlock + 1,
					 want_bs, buf), EFI_INVALID_PARAMETER);
	free(buf);
}

/* A LUKS volume whose secret carries the owner's verity parameters: only the verified
 * data region is published, and it reads back what veritysetup hashed. */
static void test_verity_luks(void **state)
{
	(void)state;
	uint8_t rec[256];
	assert_int_equal(verity_images(), 0);
	size_t n = verity_record(rec, "pass-verity", 0);
	fwcfg_secret((ent[]){ { VLUKS_UUID, (const char *)rec, n } }, 1);
	shim_disk *d = open_disk(0, "verity/vluks.img", 512);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_SUCCESS);
	assert_non_null(strstr(shim_console(), VLUKS_UUID ": dm-verity root hash matches (sha256, 4096-byte blocks, 1024 blocks)"));
	check_verified_reads(only_child(d), 4096);
	assert_int_equal(shim_disk_writes(d), 0);
	free(vplain);
}

/* The host's older copy: same volume, same passphrase, another tree.  Modelled by a root
 * hash one bit off: the volume stays unpublished, the console names the mismatch, and
 * nothing of the key is left. */
static void test_verity_luks_rollback(void **state)
{
	(void)state;
	uint8_t rec[256];
	assert_int_equal(verity_images(), 0);
	size_t n = verity_record(rec, "pass-verity", 0x01);
	fwcfg_secret((ent[]){ { VLUKS_UUID, (const char *)rec, n } }, 1);
	shim_add_needle("pass-verity", 11);
	shim_disk *d = open_disk(0, "verity/vluks.img", 512);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_SECURITY_VIOLATION);
	assert_non_null(strstr(shim_console(), VLUKS_UUID ": dm-verity root hash mismatch"));
	assert_non_null(strstr(shim_console(), "not the guest owner's version of this volume"));
	EFI_HANDLE kids[2];
	assert_int_equal(shim_children(shim_disk_handle(d), &g_dio, kids, 2), 0);
	assert_int_equal(shim_live_with_needle(), 0);
	/* a lasting refusal: the next connect does not derive the key again */
	shim_console_clear();
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_NOT_FOUND);
	assert_null(strstr(shim_console(), "deriving key"));
	/* the shared entry cannot carry verity parameters */
	fwcfg_secret((ent[]){ { NULL, (const char *)rec, n } }, 1);
	shim_disk_change_media(d);
	shim_console_clear();
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_DEVICE_ERROR);
	assert_non_null(strstr(shim_console(), "cannot hold a pin, a volume key or verity parameters"));
	free(vplain);
}

/* Plaintext media the secret vouches for by root hash: bound and served through the tree;
 * a plaintext disk that does not verify is not bound. */
static void test_verity_media(void **state)
{
	(void)state;
	uint8_t rec[256];
	assert_int_equal(verity_images(), 0);
	size_t n = verity_record(rec, NULL, 0);
	fwcfg_secret((ent[]){ { root_guid_text(), (const char *)rec, n } }, 1);
	shim_disk *other = open_disk(1, "notluks.img", 512);
	EFI_DRIVER_BINDING_PROTOCOL *b = shim_binding(image);
	assert_int_equal(b->Supported(b, shim_disk_handle(other), NULL), EFI_UNSUPPORTED);
	shim_disk *d = open_disk(0, "verity/vdata.img", 512);
	assert_int_equal(b->Supported(b, shim_disk_handle(d), NULL), EFI_SUCCESS);
	assert_int_equal(shim_open_count(shim_disk_handle(d), &g_dio, EFI_OPEN_PROTOCOL_BY_DRIVER), 0);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_SUCCESS);
	assert_non_null(strstr(shim_console(), "plaintext media verified against the secret's root hash"));
	/* the parent's 512-byte blocks: smaller than the tree's */
	check_verified_reads(only_child(d), 512);
	/* the same disk, another root in the secret: not bound */
	n = verity_record(rec, NULL, 0x80);
	fwcfg_secret((ent[]){ { root_guid_text(), (const char *)rec, n } }, 1);
	luksdxe_secret_reset();
	shim_disk *d2 = open_disk(2, "verity/vdata.img", 512);
	assert_int_equal(b->Supported(b, shim_disk_handle(d2), NULL), EFI_UNSUPPORTED);
	free(vplain);
}

/* Flips one byte of the file under the driver (the host writing the disk). */
static void flip(const char *path, uint64_t off)
{
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, (long)off, SEEK_SET), 0);
	int c = fgetc(f);
	assert_int_equal(fseek(f, (long)off, SEEK_SET), 0);
	fputc(c ^ 0x20, f);
	assert_int_equal(fclose(f), 0);
}

/* The host changes a data block: before the volume is bound, and between two reads.  The
 * block is refused (zeroed, a console line), its neighbours still read, and a block that
 * read well once is checked again from the bytes handed over the next time. */
static void test_verity_tamper(void **state)
{
	(void)state;
	uint8_t rec[256], buf[4096];
	const char *t = VIMG "/tamper.img";
	assert_int_equal(verity_images(), 0);
	assert_int_equal(system("cp " VIMG "/vdata.img " VIMG "/tamper.img"), 0);
	flip(t, 7 * 4096 + 100);
	size_t n = verity_record(rec, NULL, 0);
	fwcfg_secret((ent[]){ { root_guid_text(), (const char *)rec, n } }, 1);
	shim_disk *d = open_disk(0, "verity/tamper.img", 4096);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_SUCCESS);
	EFI_BLOCK_IO_PROTOCOL *bio = shim_protocol(only_child(d), &g_bio);
	assert_int_equal(bio->Media->BlockSize, 4096);
	assert_int_equal(bio->ReadBlocks(bio, bio->Media->MediaId, 6, 4096, buf), EFI_SUCCESS);
	assert_memory_equal(buf, vplain + 6 * 4096, 4096);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(bio->ReadBlocks(bio, bio->Media->MediaId, 7, 4096, buf), EFI_DEVICE_ERROR);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	assert_non_null(strstr(shim_console(), "read refused"));
	assert_non_null(strstr(shim_console(), "data block 7"));
	/* between two reads */
	assert_int_equal(bio->ReadBlocks(bio, bio->Media->MediaId, 3, 4096, buf), EFI_SUCCESS);
	flip(t, 3 * 4096 + 5);
	assert_int_equal(bio->ReadBlocks(bio, bio->Media->MediaId, 3, 4096, buf), EFI_DEVICE_ERROR);
	flip(t, 3 * 4096 + 5);
	assert_int_equal(bio->ReadBlocks(bio, bio->Media->MediaId, 3, 4096, buf), EFI_SUCCESS);
	assert_memory_equal(buf, vplain + 3 * 4096, 4096);
	/* a leaf hash block changed after the top was checked: the blocks under it refused */
	/* superblock, top block, leaf 0 (blocks 0-127, verified and kept by now), leaf 1 */
	flip(t, 4194304 + 3 * 4096 + 40);
	assert_int_equal(bio->ReadBlocks(bio, bio->Media->MediaId, 100, 4096, buf), EFI_SUCCESS);
	assert_int_equal(bio->ReadBlocks(bio, bio->Media->MediaId, 200, 4096, buf), EFI_DEVICE_ERROR);
	assert_non_null(strstr(shim_console(), "hash block 2"));
	/* at ExitBootServices the trees go with the keys */
	shim_exit_boot_services();
	assert_int_equal(bio->ReadBlocks(bio, bio->Media->MediaId, 6, 4096, buf), EFI_DEVICE_ERROR);
	assert_int_equal(shim_disk_writes(d), 0);
	free(vplain);
}


/* With verity in the secret, files load only from the verified volume: vol1 unlocks with
 * its passphrase but no tree vouches for it. */
static void test_policy_verity(void **state)
{
	(void)state;
	uint8_t rec[256];
	assert_int_equal(verity_images(), 0);
	size_t n = verity_record(rec, "pass-verity", 0);
	fwcfg_secret((ent[]){ { VLUKS_UUID, (const char *)rec, n }, { VOL1_UUID, "pass-one", 0 } }, 2);
	shim_disk *d1 = open_disk(0, "vol1.img", 512);
	shim_disk *dv = open_disk(1, "verity/vluks.img", 512);
	assert_int_equal(shim_connect(image, shim_disk_handle(d1)), EFI_SUCCESS);
	assert_int_equal(shim_connect(image, shim_disk_handle(dv)), EFI_SUCCESS);
	dpbuf a, b;
	dp_copy(&a, shim_protocol(only_child(d1), &g_dp));
	dp_file(&a, "\\EFI\\BOOT\\BOOTX64.EFI");
	dp_end(&a);
	dp_copy(&b, shim_protocol(only_child(dv), &g_dp));
	dp_file(&b, "\\EFI\\BOOT\\BOOTX64.EFI");
	dp_end(&b);
	assert_int_equal(sec2_check(&a), EFI_ACCESS_DENIED);
	assert_non_null(strstr(shim_console(), "on an unlocked volume that no dm-verity tree of the secret vouches for"));
	assert_int_equal(sec2_check(&b), EFI_SUCCESS);
	free(vplain);
}

static void test_unlock_fwcfg(void **state)
{
	(void)state;
	volume *v = &vols[0];
	needles(v);
	fwcfg_secret((ent[]){ { NULL, "pass-one", 0 } }, 1);
	shim_disk *d = open_disk(0, "vol1.img", 512);
	EFI_HANDLE h = shim_disk_handle(d);
	EFI_DRIVER_BINDING_PROTOCOL *b = shim_binding(image);

	/* Supported is cheap: a few kilobytes at most, and it releases the DiskIo. */
	assert_int_equal(b->Supported(b, h, NULL), EFI_SUCCESS);
	assert_true(shim_disk_read_bytes(d) <= 4096);
	assert_int_equal(shim_open_count(h, &g_dio, EFI_OPEN_PROTOCOL_BY_DRIVER), 0);

	/* A remaining device path may only name our node (or end: start, but no child). */
	struct {
		LUKSDXE_VENDOR_NODE v;
		EFI_DEVICE_PATH_PROTOCOL end;
	} __attribute__((packed)) rem;
	memset(&rem, 0, sizeof(rem));
	rem.v.header.Type = MEDIA_DEVICE_PATH;
	rem.v.header.SubType = MEDIA_VENDOR_DP;
	rem.v.header.Length[0] = sizeof(rem.v);
	rem.v.guid = luksdxe_vendor_guid;
	rem.end.Type = END_DEVICE_PATH_TYPE;
	rem.end.SubType = END_ENTIRE_DEVICE_PATH_SUBTYPE;
	rem.end.Length[0] = sizeof(rem.end);
	assert_int_equal(b->Supported(b, h, &rem.v.header), EFI_SUCCESS);
	assert_int_equal(b->Supported(b, h, &rem.end), EFI_SUCCESS);
	assert_int_equal(b->Start(b, h, &rem.end), EFI_SUCCESS);
	assert_int_equal(shim_open_count(h, &g_dio, EFI_OPEN_PROTOCOL_BY_DRIVER), 0);
	rem.v.guid.Data1 ^= 1;
	assert_int_equal(b->Supported(b, h, &rem.v.header), EFI_UNSUPPORTED);
	rem.v.guid.Data1 ^= 1;
	rem.v.header.SubType = MEDIA_HARDDRIVE_DP;
	assert_int_equal(b->Supported(b, h, &rem.v.header), EFI_UNSUPPORTED);
	rem.v.header.SubType = MEDIA_VENDOR_DP;

	assert_int_equal(b->Start(b, h, &rem.v.header), EFI_SUCCESS);
	assert_int_equal(shim_open_count(h, &g_dio, EFI_OPEN_PROTOCOL_BY_DRIVER), 1);
	assert_int_equal(shim_open_count(h, &g_dio, EFI_OPEN_PROTOCOL_BY_CHILD_CONTROLLER), 1);
	EFI_HANDLE child = only_child(d);
	const char *con = shim_console();
	assert_non_null(strstr(con, VOL1_UUID ": unlocked with keyslot 0"));
	assert_non_null(strstr(con, "fw_cfg opt/luksdxe/secret, disk passphrase"));
	assert_non_null(strstr(con, "100%"));
	assert_null(strstr(con, "pass-one"));

	/* Started already: Supported says so; and never our own child, even if it gains a
	 * DiskIo as DiskIoDxe would give it (here: the parent's, whose bytes are LUKS). */
	assert_int_equal(b->Supported(b, h, NULL), EFI_ALREADY_STARTED);
	EFI_HANDLE ch = child;
	assert_int_equal(shim_bs.InstallProtocolInterface(&ch, &g_dio, EFI_NATIVE_INTERFACE,
							  shim_protocol(h, &g_dio)), EFI_SUCCESS);
	assert_int_equal(b->Supported(b, child, NULL), EFI_UNSUPPORTED);
	assert_int_equal(shim_bs.UninstallProtocolInterface(child, &g_dio, shim_protocol(h, &g_dio)),
			 EFI_SUCCESS);

	check_child_reads(child, v);

	/* Device path: the parent's, then our vendor media node with the UUID, then end. */
	EFI_DEVICE_PATH_PROTOCOL *pp = shim_protocol(h, &g_dp), *cp = shim_protocol(child, &g_dp);
	size_t plen = DevicePathNodeLength(pp);
	assert_memory_equal(cp, pp, plen);
	const LUKSDXE_VENDOR_NODE *node = (const void *)((const uint8_t *)cp + plen);
	assert_int_equal(node->header.Type, MEDIA_DEVICE_PATH);
	assert_int_equal(node->header.SubType, MEDIA_VENDOR_DP);
	assert_int_equal(DevicePathNodeLength(&node->header), 36);
	assert_memory_equal(&node->guid, &luksdxe_vendor_guid, 16);
	uint8_t uuid_bin[16], g[16];
	guid_of(VOL1_UUID, g);
	ld_guid_from_uuid(uuid_bin, g); /* back to text order */
	assert_memory_equal(node->uuid, uuid_bin, 16);
	const EFI_DEVICE_PATH_PROTOCOL *end = (const void *)(node + 1);
	assert_true(IsDevicePathEnd(end));

	/* Component name. */
	EFI_COMPONENT_NAME2_PROTOCOL *cn = shim_protocol(image, &g_name2);
	CHAR16 *name;
	char ascii[80];
	assert_int_equal(cn->GetDriverName(cn, (CHAR8 *)"en", &name), EFI_SUCCESS);
	assert_int_equal(cn->GetDriverName(cn, (CHAR8 *)"fr", &name), EFI_UNSUPPORTED);
	assert_int_equal(cn->GetControllerName(cn, h, child, (CHAR8 *)"en-US", &name), EFI_SUCCESS);
	size_t i = 0;
	for (; name[i] && i < sizeof(ascii) - 1; i++)
		ascii[i] = (char)name[i];
	ascii[i] = 0;
	assert_string_equal(ascii, "LUKS volume " VOL1_UUID);
	assert_int_equal(cn->GetControllerName(cn, h, NULL, (CHAR8 *)"en", &name), EFI_SUCCESS);
	assert_int_equal(cn->GetControllerName(cn, child, NULL, (CHAR8 *)"en", &name), EFI_UNSUPPORTED);

	/* Stop: child gone, every open released, key wiped, nothing leaked. */
	assert_int_equal(shim_bs.DisconnectController(h, image, NULL), EFI_SUCCESS);
	assert_false(shim_handle_live(child));
	assert_int_equal(shim_open_count(h, &g_dio, EFI_OPEN_PROTOCOL_BY_DRIVER), 0);
	assert_int_equal(shim_open_count(h, &g_dio, EFI_OPEN_PROTOCOL_BY_CHILD_CONTROLLER), 0);
	assert_non_null(strstr(shim_console(), "stopped, key wiped"));
	assert_int_equal(shim_unload_driver(image), EFI_SUCCESS);
	assert_int_equal(shim_live_allocs(), 0);
	assert_int_equal(shim_freed_with_needle(), 0);
	assert_int_equal(shim_disk_writes(d), 0);
}

/* LUKS1 (converted by cryptsetup), aes-cbc-essiv:sha256: the same driver path. */
static void test_luks1_essiv(void **state)
{
	(void)state;
	needles(&vols[2]);
	fwcfg_secret((ent[]){ { VOL3_UUID, "pass-three", 0 } }, 1);
	shim_disk *d = open_disk(0, "vol3.img", 512);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_SUCCESS);
	assert_non_null(strstr(shim_console(), VOL3_UUID ": unlocked with keyslot 0"));
	check_child_reads(only_child(d), &vols[2]);
	disconnect_and_unload(&d, 1);
	assert_int_equal(shim_live_allocs(), 0);
	assert_int_equal(shim_freed_with_needle(), 0);
	assert_int_equal(shim_disk_writes(d), 0);
}

static int signalled;
static VOID EFIAPI on_token(EFI_EVENT ev, VOID *ctx)
{
	(void)ev;
	(void)ctx;
	signalled++;
}

static void test_blockio_params(void **state)
{
	(void)state;
	fwcfg_secret((ent[]){ { NULL, "pass-two", 0 } }, 1);
	shim_disk *d = open_disk(0, "vol2.img", 512);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_SUCCESS);
	EFI_BLOCK_IO_PROTOCOL *bio = shim_protocol(only_child(d), &g_bio);
	UINT32 id = bio->Media->MediaId;
	EFI_LBA last = bio->Media->LastBlock;
	uint8_t buf[8192];

	assert_int_equal(bio->ReadBlocks(bio, id + 1, 0, 4096, buf), EFI_MEDIA_CHANGED);
	assert_int_equal(bio->ReadBlocks(bio, id, 0, 4096, NULL), EFI_INVALID_PARAMETER);
	assert_int_equal(bio->ReadBlocks(bio, id, 0, 512, buf), EFI_BAD_BUFFER_SIZE);
	assert_int_equal(bio->ReadBlocks(bio, id, last + 1, 4096, buf), EFI_INVALID_PARAMETER);
	assert_int_equal(bio->ReadBlocks(bio, id, last, 8192, buf), EFI_INVALID_PARAMETER);
	assert_int_equal(bio->ReadBlocks(bio, id, (EFI_LBA)-1, 4096, buf), EFI_INVALID_PARAMETER);
	assert_int_equal(bio->ReadBlocks(bio, id, last, 0, buf), EFI_SUCCESS);
	assert_int_equal(bio->ReadBlocks(bio, id, last, 4096, buf), EFI_SUCCESS);
	assert_int_equal(bio->ReadBlocks(bio, id, 3, 4096, buf), EFI_SUCCESS);
	assert_memory_equal(buf, vols[1].plain + 3 * 4096, 4096);

	/* BlockIo2: same media, same checks; completes at once and signals the token. */
	EFI_BLOCK_IO2_PROTOCOL *bio2 = shim_protocol(only_child(d), &g_bio2);
	assert_non_null(bio2);
	assert_ptr_equal(bio2->Media, bio->Media);
	EFI_BLOCK_IO2_TOKEN tok = { NULL, EFI_NOT_READY };
	signalled = 0;
	assert_int_equal(shim_bs.CreateEvent(EVT_NOTIFY_SIGNAL, TPL_CALLBACK, on_token, NULL, &tok.Event),
			 EFI_SUCCESS);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(bio2->ReadBlocksEx(bio2, id, 5, &tok, 8192, buf), EFI_SUCCESS);
	assert_int_equal(signalled, 1);
	assert_int_equal(tok.TransactionStatus, EFI_SUCCESS);
	assert_memory_equal(buf, vols[1].plain + 5 * 4096, 8192);
	assert_int_equal(bio2->ReadBlocksEx(bio2, id, 1, NULL, 4096, buf), EFI_SUCCESS); /* blocking */
	assert_memory_equal(buf, vols[1].plain + 4096, 4096);
	assert_int_equal(bio2->ReadBlocksEx(bio2, id + 1, 0, &tok, 4096, buf), EFI_MEDIA_CHANGED);
	assert_int_equal(bio2->ReadBlocksEx(bio2, id, last, &tok, 8192, buf), EFI_INVALID_PARAMETER);
	assert_int_equal(signalled, 1); /* rejected requests signal nothing */
	assert_int_equal(bio2->WriteBlocksEx(bio2, id, 0, &tok, 4096, buf), EFI_WRITE_PROTECTED);
	assert_int_equal(bio2->FlushBlocksEx(bio2, &tok), EFI_SUCCESS);
	assert_int_equal(signalled, 2);
	assert_int_equal(bio2->Reset(bio2, FALSE), EFI_SUCCESS);
	shim_bs.CloseEvent(tok.Event);

	/* Writes are refused on every path and never reach the parent. */
	assert_int_equal(bio->WriteBlocks(bio, id, 0, 4096, buf), EFI_WRITE_PROTECTED);
	assert_int_equal(bio->WriteBlocks(bio, id, last + 5, 3, NULL), EFI_WRITE_PROTECTED);
	assert_int_equal(bio->FlushBlocks(bio), EFI_SUCCESS);
	assert_int_equal(bio->Reset(bio, TRUE), EFI_SUCCESS);
	assert_int_equal(shim_disk_writes(d), 0);
	disconnect_and_unload(&d, 1);
	assert_int_equal(shim_live_allocs(), 0);
}

/* Two volumes, each with its own per-UUID entry in the CC area; the generic entry is
 * wrong, so only the per-UUID lookups can open them. */
static void test_two_volumes_per_uuid_cc(void **state)
{
	(void)state;
	needles(&vols[0]);
	needles(&vols[1]);
	cc_secret((ent[]){ { NULL, "wrong", 0 }, { VOL2_UUID, "pass-two", 0 }, { VOL1_UUID, "pass-one", 0 } }, 3);
	shim_disk *d[2] = { open_disk(0, "vol1.img", 512), open_disk(1, "vol2.img", 4096) };
	assert_int_equal(shim_connect(image, shim_disk_handle(d[0])), EFI_SUCCESS);
	assert_int_equal(shim_connect(image, shim_disk_handle(d[1])), EFI_SUCCESS);
	const char *con = shim_console();
	assert_non_null(strstr(con, VOL1_UUID ": deriving key (secret from confidential-computing secret area): "));
	assert_non_null(strstr(con, VOL2_UUID ": deriving key (secret from confidential-computing secret area): "));
	check_child_reads(only_child(d[0]), &vols[0]);
	check_child_reads(only_child(d[1]), &vols[1]);
	/* The area is left for the OS by default. */
	size_t len;
	uint8_t *t = table((ent[]){ { NULL, "wrong", 0 }, { VOL2_UUID, "pass-two", 0 }, { VOL1_UUID, "pass-one", 0 } }, 3, &len);
	assert_memory_equal(cc_area, t, len);
	free(t);
	disconnect_and_unload(d, 2);
	assert_int_equal(shim_live_allocs(), 0);
	assert_int_equal(shim_freed_with_needle(), 0);
	assert_int_equal(shim_disk_writes(d[0]) + shim_disk_writes(d[1]), 0);
}

static void test_generic_fallback_and_priority(void **state)
{
	(void)state;
	/* CC area: another volume's entry and the right disk passphrase; fw_cfg wrong. */
	cc_secret((ent[]){ { VOL2_UUID, "pass-two", 0 }, { NULL, "pass-one", 0 } }, 2);
	fwcfg_secret((ent[]){ { NULL, "wrong", 0 } }, 1);
	shim_disk *d = open_disk(0, "vol1.img", 512);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_SUCCESS);
	assert_non_null(strstr(shim_console(), "confidential-computing secret area, disk passphrase"));
	only_child(d);
	disconnect_and_unload(&d, 1);
	assert_int_equal(shim_live_allocs(), 0);
}

static void test_wrong_secret(void **state)
{
	(void)state;
	needles(&vols[0]);
	/* A passphrase without NUL, one byte short: no keyslot accepts it. */
	fwcfg_secret((ent[]){ { VOL1_UUID, "pass-on", 7 } }, 1);
	shim_disk *d = open_disk(0, "vol1.img", 512);
	EFI_HANDLE h = shim_disk_handle(d);
	assert_int_equal(shim_connect(image, h), EFI_ACCESS_DENIED);
	assert_non_null(strstr(shim_console(), VOL1_UUID ": wrong secret: no keyslot accepts it; the volume stays locked"));
	EFI_HANDLE kids[2];
	assert_int_equal(shim_children(h, &g_dio, kids, 2), 0);
	assert_int_equal(shim_open_count(h, &g_dio, EFI_OPEN_PROTOCOL_BY_DRIVER), 0);
	/* A second connect does not derive keys again. */
	shim_console_clear();
	assert_int_not_equal(shim_connect(image, h), EFI_SUCCESS);
	assert_null(strstr(shim_console(), "deriving key"));
	assert_int_equal(shim_unload_driver(image), EFI_SUCCESS);
	assert_int_equal(shim_live_allocs(), 0);
	assert_int_equal(shim_freed_with_needle(), 0);
	assert_int_equal(shim_disk_writes(d), 0);
}

static void test_no_secret(void **state)
{
	(void)state;
	/* fw_cfg present with other files only, no CC table, prompt off. */
	shim_fwcfg_reset(1);
	shim_fwcfg_add_file("etc/boot-fail-wait", "\0\0\0\0", 4);
	shim_disk *d = open_disk(0, "vol1.img", 512);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_NOT_FOUND);
	assert_non_null(strstr(shim_console(), VOL1_UUID ": no secret for this volume; it stays locked"));
	/* A table that holds only other volumes' entries: the same. */
	shim_reset();
	assert_int_equal(shim_load_driver(&image), EFI_SUCCESS);
	disks[0] = NULL;
	shim_disk_close(d);
	d = open_disk(0, "vol1.img", 512);
	fwcfg_secret((ent[]){ { VOL2_UUID, "pass-one", 0 } }, 1);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_NOT_FOUND);
	assert_non_null(strstr(shim_console(), "no secret for this volume"));
	assert_int_equal(shim_unload_driver(image), EFI_SUCCESS);
	assert_int_equal(shim_live_allocs(), 0);
}

/* The console prompt (a build option, off by default): asked only when no provider has
 * a secret; no echo; backspace edits; typed text goes in as UTF-8. */
static void test_prompt(void **state)
{
	(void)state;
	needles(&vols[0]);
	shim_disk *d = open_disk(0, "vol1.img", 512);
	EFI_HANDLE h = shim_disk_handle(d);
	shim_keys(u"pass-onX\bee\b\r");
	assert_int_equal(shim_connect(image, h), EFI_NOT_FOUND); /* off by default */
	assert_null(strstr(shim_console(), "passphrase for"));

	luksdxe_opt_prompt = 1;
	shim_unload_driver(image);
	assert_int_equal(shim_load_driver(&image), EFI_SUCCESS); /* forget the failure */
	shim_keys(u"pass-onX\bee\b\r");
	assert_int_equal(shim_connect(image, h), EFI_SUCCESS);
	const char *con = shim_console();
	assert_non_null(strstr(con, "LuksDxe: passphrase for " VOL1_UUID ": \n"));
	assert_non_null(strstr(con, "secret from console"));
	assert_null(strstr(con, "pass-on"));
	assert_int_equal(shim_bs.DisconnectController(h, image, NULL), EFI_SUCCESS);

	/* Three attempts; non-ASCII input is UTF-8 encoded (wrong, but no crash). */
	shim_console_clear();
	shim_keys(u"p\u00e4\u20acss\rwrong\rpass-one\r");
	assert_int_equal(shim_connect(image, h), EFI_SUCCESS);
	assert_non_null(strstr(shim_console(), "wrong passphrase, try again"));
	assert_int_equal(shim_bs.DisconnectController(h, image, NULL), EFI_SUCCESS);
	shim_console_clear();
	shim_keys(u"a\rb\rc\rpass-one\r");
	assert_int_equal(shim_connect(image, h), EFI_ACCESS_DENIED);
	assert_non_null(strstr(shim_console(), "wrong secret: no keyslot accepts it"));
	/* Input ending without Enter and nothing typed: no secret. */
	shim_unload_driver(image);
	assert_int_equal(shim_load_driver(&image), EFI_SUCCESS);
	shim_keys(u"");
	assert_int_equal(shim_connect(image, h), EFI_NOT_FOUND);
	assert_int_equal(shim_unload_driver(image), EFI_SUCCESS);
	assert_int_equal(shim_live_allocs(), 0);
	assert_int_equal(shim_freed_with_needle(), 0);
}

/* Reloads the driver, so that it forgets controllers whose unlock failed. */
static void reload(void)
{
	assert_int_equal(shim_unload_driver(image), EFI_SUCCESS);
	assert_int_equal(shim_load_driver(&image), EFI_SUCCESS);
	shim_console_clear();
}

/* Hostile CC areas are reported and ignored; being present, the area is still the only
 * provider: fw_cfg (host-controlled) is not asked, even though it has the secret. */
static void test_malformed_cc_tables(void **state)
{
	(void)state;
	fwcfg_secret((ent[]){ { NULL, "pass-one", 0 } }, 1);
	shim_disk *d = open_disk(0, "vol1.img", 512);
	EFI_HANDLE h = shim_disk_handle(d);
	static const char *why[] = { "does not start with the secret table GUID",
				     "length outside the area", "entry length out of bounds",
				     "entry length out of bounds", "smaller than the table header" };
	for (int k = 0; k < 5; k++) {
		size_t len;
		uint8_t *t = table((ent[]){ { VOL1_UUID, "pass-one", 0 } }, 1, &len);
		size_t area = 4096;
		switch (k) {
		case 0: t[0] ^= 0xff; break;                          /* header GUID */
		case 1: t[16] = 0; t[17] = 0x20; break;               /* total_len 8 KiB > area */
		case 2: t[36] = 0xff; t[37] = 0xff; break;            /* entry length overflow */
		case 3: t[36] = 3; break;                             /* entry length < header */
		case 4: area = 10; break;                             /* area smaller than header */
		}
		cc_secret_raw(t, area);
		reload();
		assert_int_equal(shim_connect(image, h), EFI_NOT_FOUND);
		const char *con = shim_console();
		assert_non_null(strstr(con, "confidential-computing secret table: "));
		if (!strstr(con, why[k]))
			fail_msg("case %d: no '%s' in: %s", k, why[k], con);
		assert_non_null(strstr(con, "; ignored"));
		assert_non_null(strstr(con, "fw_cfg and console are not asked"));
		assert_non_null(strstr(con, "no secret for this volume; it stays locked"));
		assert_null(strstr(con, "deriving key"));
	}
	/* An absurd location is refused without touching it. */
	static EFI_GUID g = { 0xadf956ad, 0xe98c, 0x484c, { 0xae, 0x11, 0xb5, 0x1c, 0x7d, 0x33, 0x64, 0x47 } };
	cc_loc.base = UINT64_MAX - 10;
	cc_loc.size = 4096;
	shim_set_config_table(&g, &cc_loc);
	reload();
	assert_int_equal(shim_connect(image, h), EFI_NOT_FOUND);
	assert_non_null(strstr(shim_console(), "bad location; ignored"));
	/* Without a secret area, fw_cfg is asked; a malformed fw_cfg table is reported. */
	shim_set_config_table(&g, NULL);
	uint8_t junk[64];
	memset(junk, 0x41, sizeof(junk));
	shim_fwcfg_reset(1);
	shim_fwcfg_add_file("opt/luksdxe/secret", junk, sizeof(junk));
	reload();
	assert_int_equal(shim_connect(image, h), EFI_NOT_FOUND);
	assert_non_null(strstr(shim_console(), "fw_cfg opt/luksdxe/secret: secret area does not start"));
	assert_int_equal(shim_unload_driver(image), EFI_SUCCESS);
	assert_int_equal(shim_live_allocs(), 0);
}

/* A secret area without an entry for this volume (nor a disk passphrase): the volume
 * stays locked although fw_cfg offers the right passphrase. */
static void test_cc_area_is_exclusive(void **state)
{
	(void)state;
	cc_secret((ent[]){ { VOL2_UUID, "pass-two", 0 } }, 1);
	fwcfg_secret((ent[]){ { NULL, "pass-one", 0 } }, 1);
	shim_disk *d = open_disk(0, "vol1.img", 512);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_NOT_FOUND);
	assert_non_null(strstr(shim_console(), VOL1_UUID ": no entry in the confidential-computing secret area"));
	assert_null(strstr(shim_console(), "deriving key"));
	/* Without the area the same fw_cfg secret opens it. */
	static EFI_GUID g = { 0xadf956ad, 0xe98c, 0x484c, { 0xae, 0x11, 0xb5, 0x1c, 0x7d, 0x33, 0x64, 0x47 } };
	shim_set_config_table(&g, NULL);
	reload();
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_SUCCESS);
	disconnect_and_unload(&d, 1);
	assert_int_equal(shim_live_allocs(), 0);
}

static void test_not_luks(void **state)
{
	(void)state;
	shim_disk *d = open_disk(0, "notluks.img", 512);
	EFI_DRIVER_BINDING_PROTOCOL *b = shim_binding(image);
	assert_int_equal(b->Supported(b, shim_disk_handle(d), NULL), EFI_UNSUPPORTED);
	assert_true(shim_disk_read_bytes(d) <= 4096);
	assert_int_equal(shim_open_count(shim_disk_handle(d), &g_dio, EFI_OPEN_PROTOCOL_BY_DRIVER), 0);
	/* Another driver holding DiskIo keeps us off. */
	EFI_HANDLE other = NULL;
	static EFI_GUID dummy = { 1, 2, 3, { 4, 5, 6, 7, 8, 9, 10, 11 } };
	assert_int_equal(shim_bs.InstallProtocolInterface(&other, &dummy, EFI_NATIVE_INTERFACE, NULL), EFI_SUCCESS);
	shim_disk *v = open_disk(1, "vol1.img", 512);
	assert_int_equal(shim_hold(shim_disk_handle(v), &g_dio, other), EFI_SUCCESS);
	assert_int_equal(b->Supported(b, shim_disk_handle(v), NULL), EFI_ACCESS_DENIED);
	assert_int_equal(shim_unload_driver(image), EFI_SUCCESS);
	assert_int_equal(shim_live_allocs(), 0);
}

/* A failing or swapped parent: Start fails cleanly at every point a read can fail, and
 * an unlocked child reports device errors (with a zeroed buffer, never ciphertext). */
static void test_parent_failures(void **state)
{
	(void)state;
	fwcfg_secret((ent[]){ { NULL, "pass-one", 0 } }, 1);
	shim_disk *d = open_disk(0, "vol1.img", 512);
	EFI_HANDLE h = shim_disk_handle(d);
	EFI_DRIVER_BINDING_PROTOCOL *b = shim_binding(image);
	int started = 0;
	for (long n = 0; n < 64 && !started; n++) {
		reload();
		b = shim_binding(image);
		shim_disk_fail_reads_after(d, n);
		EFI_STATUS st = b->Start(b, h, NULL);
		shim_disk_fail_reads_after(d, -1);
		if (st == EFI_SUCCESS) {
			started = 1;
			break;
		}
		assert_int_equal(shim_open_count(h, &g_dio, EFI_OPEN_PROTOCOL_BY_DRIVER), 0);
		EFI_HANDLE kids[2];
		assert_int_equal(shim_children(h, &g_dio, kids, 2), 0);
	}
	assert_true(started);
	EFI_BLOCK_IO_PROTOCOL *bio = shim_protocol(only_child(d), &g_bio);
	uint8_t buf[4096];
	shim_disk_fail_reads_after(d, 0);
	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(bio->ReadBlocks(bio, bio->Media->MediaId, 8, sizeof(buf), buf), EFI_DEVICE_ERROR);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	shim_disk_fail_reads_after(d, -1);
	assert_int_equal(bio->ReadBlocks(bio, bio->Media->MediaId, 8, sizeof(buf), buf), EFI_SUCCESS);
	assert_memory_equal(buf, vols[0].plain + 8 * 512, sizeof(buf));
	/* The medium under us changed: the child no longer reads it. */
	shim_disk_change_media(d);
	assert_int_equal(bio->ReadBlocks(bio, bio->Media->MediaId, 8, sizeof(buf), buf), EFI_DEVICE_ERROR);
	disconnect_and_unload(&d, 1);
	assert_int_equal(shim_live_allocs(), 0);
	assert_int_equal(shim_disk_writes(d), 0);
}

/* A valid volume with a feature the driver lacks: one clear line, and the secret is not
 * even asked for (so no key derivation runs). */
static void test_unsupported(void **state)
{
	(void)state;
	static const struct {
		const char *file, *uuid, *why;
	} cases[] = {
		{ "ctr.img", "5e3f0c1a-9b8d-4c7e-a6f5-0123456789ab", "aes-ctr-plain64" },
		{ "reenc.img", "6f4a1d2b-0c9e-4d8f-b7a6-123456789abc", "online-reencrypt" },
	};
	fwcfg_secret((ent[]){ { NULL, "pass-four", 0 } }, 1);
	for (int i = 0; i < 2; i++) {
		char want[96];
		shim_disk *d = open_disk(i, cases[i].file, 512);
		shim_console_clear();
		assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_UNSUPPORTED);
		const char *con = shim_console();
		snprintf(want, sizeof(want), "LuksDxe: %s: unsupported: ", cases[i].uuid);
		assert_non_null(strstr(con, want));
		if (!strstr(con, cases[i].why))
			fail_msg("no '%s' in: %s", cases[i].why, con);
		assert_non_null(strstr(con, "the volume stays locked"));
		assert_null(strstr(con, "deriving key"));
		assert_int_equal(shim_open_count(shim_disk_handle(d), &g_dio, EFI_OPEN_PROTOCOL_BY_DRIVER), 0);
	}
	assert_int_equal(shim_unload_driver(image), EFI_SUCCESS);
	assert_int_equal(shim_live_allocs(), 0);
}

/* At ExitBootServices every key is wiped in place (nothing may be freed then). */
static void test_exit_boot_services(void **state)
{
	(void)state;
	needles(&vols[0]);
	luksdxe_opt_wipe_cc = 1;
	cc_secret((ent[]){ { VOL1_UUID, "pass-one", 0 }, { NULL, "pass-two", 0 } }, 2);
	shim_disk *d[2] = { open_disk(0, "vol1.img", 512), open_disk(1, "vol2.img", 4096) };
	assert_int_equal(shim_connect(image, shim_disk_handle(d[0])), EFI_SUCCESS);
	/* The per-volume entry is deleted right away, Linux-style: null GUID, len kept. */
	static const uint8_t zero[16];
	assert_memory_equal(cc_area + 20, zero, 16);
	assert_int_equal(ld_le32(cc_area + 36), 20 + 9);
	assert_memory_equal(cc_area + 40, zero, 9);
	assert_int_equal(shim_connect(image, shim_disk_handle(d[1])), EFI_SUCCESS);
	/* The shared disk passphrase stays until ExitBootServices. */
	assert_memory_equal(cc_area + 49, ld_secret_disk_guid, 16);
	EFI_BLOCK_IO_PROTOCOL *bio = shim_protocol(only_child(d[0]), &g_bio);
	uint8_t buf[512];
	assert_int_equal(bio->ReadBlocks(bio, bio->Media->MediaId, 0, 512, buf), EFI_SUCCESS);
	/* The scan sees the live key schedule now (so it would see a leftover later). */
	assert_true(shim_live_with_needle() > 0);

	shim_exit_boot_services();
	assert_int_equal(shim_live_with_needle(), 0);
	assert_int_equal(bio->ReadBlocks(bio, bio->Media->MediaId, 0, 512, buf), EFI_DEVICE_ERROR);
	assert_memory_equal(cc_area + 49, zero, 16);
	assert_int_equal(ld_le32(cc_area + 65), 20 + 9);
	assert_memory_equal(cc_area + 69, zero, 9);
	assert_int_equal(ld_secret_table_check(cc_area, 4096, NULL, 0), LD_OK);
}

/* A consumer that will not let go of the child's BlockIo: Stop fails cleanly and the
 * child keeps working; once released, Stop succeeds. */
static void test_stop_refused(void **state)
{
	(void)state;
	fwcfg_secret((ent[]){ { NULL, "pass-one", 0 } }, 1);
	shim_disk *d = open_disk(0, "vol1.img", 512);
	EFI_HANDLE h = shim_disk_handle(d);
	assert_int_equal(shim_connect(image, h), EFI_SUCCESS);
	EFI_HANDLE child = only_child(d);
	EFI_HANDLE other = NULL;
	static EFI_GUID dummy = { 1, 2, 3, { 4, 5, 6, 7, 8, 9, 10, 11 } };
	assert_int_equal(shim_bs.InstallProtocolInterface(&other, &dummy, EFI_NATIVE_INTERFACE, NULL), EFI_SUCCESS);
	assert_int_equal(shim_hold(child, &g_bio, other), EFI_SUCCESS);
	assert_int_not_equal(shim_bs.DisconnectController(h, image, NULL), EFI_SUCCESS);
	assert_true(shim_handle_live(child));
	/* Rolled back: every protocol is still there. */
	assert_non_null(shim_protocol(child, &g_bio));
	assert_non_null(shim_protocol(child, &g_bio2));
	assert_non_null(shim_protocol(child, &g_dp));
	assert_int_equal(shim_open_count(h, &g_dio, EFI_OPEN_PROTOCOL_BY_CHILD_CONTROLLER), 1);
	check_child_reads(child, &vols[0]);
	/* Unload refuses too, and leaves the driver installed. */
	assert_int_not_equal(shim_unload_driver(image), EFI_SUCCESS);
	assert_non_null(shim_binding(image));
	assert_int_equal(shim_bs.CloseProtocol(child, &g_bio, other, child), EFI_SUCCESS);
	assert_int_equal(shim_unload_driver(image), EFI_SUCCESS);
	assert_false(shim_handle_live(child));
	assert_int_equal(shim_live_allocs(), 0);
}

/* Every allocation the driver makes may fail: Start then fails cleanly (or succeeds),
 * and after unload nothing is left allocated or opened. */
static void test_allocation_failures(void **state)
{
	(void)state;
	int succeeded = 0;
	for (long n = 0; n < 200 && !succeeded; n++) {
		shim_reset();
		assert_int_equal(shim_load_driver(&image), EFI_SUCCESS);
		fwcfg_secret((ent[]){ { NULL, "pass-two", 0 } }, 1);
		if (disks[0])
			shim_disk_close(disks[0]);
		disks[0] = NULL;
		shim_disk *d = open_disk(0, "vol2.img", 4096);
		EFI_HANDLE h = shim_disk_handle(d);
		shim_fail_allocs_after(n);
		EFI_STATUS st = shim_connect(image, h);
		shim_fail_allocs_after(-1);
		if (st == EFI_SUCCESS) {
			succeeded = 1;
			check_child_reads(only_child(d), &vols[1]);
			assert_int_equal(shim_bs.DisconnectController(h, image, NULL), EFI_SUCCESS);
		}
		assert_int_equal(shim_open_count(h, &g_dio, EFI_OPEN_PROTOCOL_BY_DRIVER), 0);
		assert_int_equal(shim_unload_driver(image), EFI_SUCCESS);
		if (shim_live_allocs() != 0)
			fail_msg("allocation %ld failing leaks %zu blocks", n, shim_live_allocs());
		shim_disk_close(d);
		disks[0] = NULL;
	}
	assert_true(succeeded);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unlock_fwcfg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_luks1_essiv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blockio_params, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_volumes_per_uuid_cc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generic_fallback_and_priority, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prompt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_cc_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cc_area_is_exclusive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_luks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parent_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsupported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_boot_services, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allocation_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verity_luks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verity_luks_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verity_media, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verity_tamper, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_decisions, setup_policy, teardown_policy),
		cmocka_unit_test_setup_teardown(test_policy_backlog, setup_policy, teardown_policy),
		cmocka_unit_test_setup_teardown(test_policy_audit, setup_policy, teardown_policy),
		cmocka_unit_test_setup_teardown(test_memory_rule, setup_policy, teardown_policy),
		cmocka_unit_test_setup_teardown(test_isolation, setup_policy, teardown_policy),
		cmocka_unit_test_setup_teardown(test_isolation_audit, setup_policy, teardown_policy),
		cmocka_unit_test_setup_teardown(test_policy_unload_refused, setup_policy, teardown_policy),
		cmocka_unit_test_setup_teardown(test_policy_unload_refused_intact, setup_policy, teardown_policy),
		cmocka_unit_test_setup_teardown(test_unload_above_application, setup_policy, teardown_policy),
		cmocka_unit_test_setup_teardown(test_policy_unload_stop_refused, setup_policy, teardown_policy),
		cmocka_unit_test_setup_teardown(test_policy_pins, setup_policy, teardown_policy),
		cmocka_unit_test_setup_teardown(test_policy_verity, setup_policy, teardown_policy),
		cmocka_unit_test_setup_teardown(test_pin_mismatch, setup_policy, teardown_policy),
		cmocka_unit_test_setup_teardown(test_volume_key_secret, setup_policy, teardown_policy),
		cmocka_unit_test_setup_teardown(test_bad_records, setup_policy, teardown_policy),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
