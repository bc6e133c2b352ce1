/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The TPM secret source (efi/tpm.c) in the real driver on the host shim.  A fake
 * EFI_TCG2_PROTOCOL answers SubmitCommand with the responses a real swtpm gave to the
 * unseal of a systemd 252 token (tests/unit/data/tpm2, see its README), or with garbage,
 * or fails; the volumes are made by cryptsetup (tests/shim/mktpmimage.sh) with that token
 * and a keyslot opened by the base64 of the secret in the recorded response.  Checks: the
 * token unlocks its keyslot; garbage, a failing TPM and no TPM fall back to fw_cfg; a CC
 * secret area keeps the TPM out; a PIN token is skipped without the prompt build; each
 * unlocked volume is measured (HashLogExtendEvent, PCR 15, EV_EVENT_TAG) with its source,
 * and, through a fake EFI_CC_MEASUREMENT_PROTOCOL, into the MR it maps PCR 15 to, with or
 * without the TPM, the same event; its failures are said and change nothing else. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/sha.h>

#include "shim.h"
#include "luksdxe.h"
#include "tpm.h"
#include "secret/secret_table.h"
#include "secret/volume_secret.h"
#include "base/uuid.h"

#define IMG "build/shim-images"
#define TPM_UUID "5a1e0c3d-7b2a-4c5d-8e9f-0a1b2c3d4e5f"
#define PIN_UUID "6b2f1d4e-8c3b-4d6e-9fa0-1b2c3d4e5f60"

static EFI_GUID g_tcg2 = LUKSDXE_TCG2_GUID;
static EFI_GUID g_dio = EFI_DISK_IO_PROTOCOL_GUID;
static EFI_HANDLE image, tpm_handle;
static shim_disk *disk;

/* ---- the fake TCG2 --------------------------------------------------------------- */
enum { REPLAY, GARBAGE_SIZE, GARBAGE_BODY, FAIL };
static struct {
	luksdxe_tcg2 proto;
	int mode;
	uint8_t rsp[16][1024];
	size_t rlen[16];
	int n, next, calls;
	uint8_t event[1024];
	size_t event_len, data_len;
	char data[512];
	int extends;
} fake;

static EFI_STATUS EFIAPI fake_extend(luksdxe_tcg2 *This, UINT64 flags, EFI_PHYSICAL_ADDRESS data,
				     UINT64 len, void *event)
{
	uint32_t size;

	(void)This;
	assert_int_equal(flags, 0);
	memcpy(&size, event, 4);
	assert_true(size <= sizeof(fake.event) && len < sizeof(fake.data));
	memcpy(fake.event, event, size);
	fake.event_len = size;
	memcpy(fake.data, (const void *)(uintptr_t)data, len);
	fake.data[len] = 0;
	fake.data_len = len;
	fake.extends++;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI fake_submit(luksdxe_tcg2 *This, UINT32 in_size, UINT8 *in,
				     UINT32 out_size, UINT8 *out)
{
	(void)This;
	(void)in;
	assert_true(in_size >= 10);
	fake.calls++;
	switch (fake.mode) {
	case FAIL:
		return EFI_DEVICE_ERROR;
	case GARBAGE_SIZE: /* a size field far beyond the buffer */
		memset(out, 0xa5, out_size < 64 ? out_size : 64);
		return EFI_SUCCESS;
	case GARBAGE_BODY: { /* a well-formed header, rc 0, nonsense after it */
		static const uint8_t g[16] = { 0x80, 0x02, 0, 0, 0, 16, 0, 0, 0, 0,
					       0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
		memcpy(out, g, sizeof(g));
		return EFI_SUCCESS;
	}
	default:
		if (fake.next >= fake.n)
			return EFI_DEVICE_ERROR;
		assert_true(fake.rlen[fake.next] <= out_size);
		memcpy(out, fake.rsp[fake.next], fake.rlen[fake.next]);
		fake.next++;
		return EFI_SUCCESS;
	}
}

static void load_responses(const char *trace)
{
	char path[256], line[4200];
	FILE *f;

	snprintf(path, sizeof(path), "tests/unit/data/tpm2/%s", trace);
	f = fopen(path, "r");
	assert_non_null(f);
	fake.n = 0;
	while (fgets(line, sizeof(line), f))
		if (line[0] == '<') {
			size_t k = 0;
			for (const char *p = line + 2; p[0] && p[1] && p[0] != '\n'; p += 2) {
				unsigned v;
				sscanf(p, "%2x", &v);
				fake.rsp[fake.n][k++] = (uint8_t)v;
			}
			fake.rlen[fake.n++] = k;
		}
	fclose(f);
}

static void install_tpm(int mode, const char *trace)
{
	memset(&fake, 0, sizeof(fake));
	fake.mode = mode;
	fake.proto.SubmitCommand = fake_submit;
	fake.proto.HashLogExtendEvent = fake_extend;
	if (trace)
		load_responses(trace);
	tpm_handle = NULL;
	assert_int_equal(shim_bs.InstallProtocolInterface(&tpm_handle, &g_tcg2,
							  EFI_NATIVE_INTERFACE, &fake.proto),
			 EFI_SUCCESS);
}

/* ---- the fake EFI_CC_MEASUREMENT_PROTOCOL (UEFI 2.10, 38.4) ------------------------ */
static EFI_GUID g_cc = { 0x96751a3d, 0x72f4, 0x41a6,
			 { 0xa7, 0x94, 0xed, 0x5d, 0x0e, 0x67, 0xae, 0x6b } }; /* from the spec */
static struct {
	luksdxe_cc_measurement proto;
	EFI_STATUS map_status, extend_status;
	UINT32 mr;                  /* what MapPcrToMrIndex answers */
	int maps, asked_pcr, extends;
	uint8_t event[1024];
	size_t event_len, data_len;
	char data[512];
} cc;

static EFI_STATUS EFIAPI cc_map(luksdxe_cc_measurement *This, UINT32 pcr, UINT32 *mr)
{
	assert_ptr_equal(This, &cc.proto);
	assert_non_null(mr);
	cc.maps++;
	cc.asked_pcr = (int)pcr;
	if (cc.map_status == EFI_SUCCESS)
		*mr = cc.mr;
	return cc.map_status;
}

static EFI_STATUS EFIAPI cc_extend(luksdxe_cc_measurement *This, UINT64 flags,
				   EFI_PHYSICAL_ADDRESS data, UINT64 len, void *event)
{
	uint32_t size;

	assert_ptr_equal(This, &cc.proto);
	assert_int_equal(flags, 0);
	memcpy(&size, event, 4);
	assert_true(size <= sizeof(cc.event) && len < sizeof(cc.data));
	memcpy(cc.event, event, size);
	cc.event_len = size;
	memcpy(cc.data, (const void *)(uintptr_t)data, len);
	cc.data[len] = 0;
	cc.data_len = len;
	cc.extends++;
	return cc.extend_status;
}

/* mr: what the firmware maps PCR 15 to: 3 (RTMR[2]) per UEFI 2.10 38.4.1 and current
 * edk2 TdTcg2Dxe, 2 in edk2-stable202211's TdTcg2Dxe (RTMR numbering, MRTD not counted) */
static void install_cc(UINT32 mr, EFI_STATUS map_status, EFI_STATUS extend_status)
{
	EFI_HANDLE h = NULL;

	memset(&cc, 0, sizeof(cc));
	cc.proto.MapPcrToMrIndex = cc_map;
	cc.proto.HashLogExtendEvent = cc_extend;
	cc.mr = mr;
	cc.map_status = map_status;
	cc.extend_status = extend_status;
	assert_int_equal(shim_bs.InstallProtocolInterface(&h, &g_cc, EFI_NATIVE_INTERFACE,
							  &cc.proto),
			 EFI_SUCCESS);
}

/* ---- fixtures -------------------------------------------------------------------- */
static int group_setup(void **state)
{
	(void)state;
	return system("bash tests/shim/mktpmimage.sh " IMG) == 0 ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	shim_reset();
	luksdxe_opt_prompt = 0;
	disk = NULL;
	assert_int_equal(shim_load_driver(&image), EFI_SUCCESS);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (disk)
		shim_disk_close(disk);
	shim_reset();
	return 0;
}

static void fwcfg_pw(const char *uuid)
{
	ld_secret_entry e;
	uint8_t t[4096];
	size_t len;

	assert_int_equal(ld_guid_parse(uuid, strlen(uuid), e.guid), LD_OK);
	e.data = (const uint8_t *)"pw";
	e.len = 2;
	assert_int_equal(ld_secret_table_build(t, sizeof(t), &len, &e, 1, 16), LD_OK);
	shim_fwcfg_reset(1);
	shim_fwcfg_add_file("etc/boot-fail-wait", "\0\0\0\0", 4);
	shim_fwcfg_add_file("opt/luksdxe/secret", t, len);
}

static EFI_STATUS connect(const char *file)
{
	disk = shim_disk_open(file, 512);
	assert_non_null(disk);
	return shim_connect(image, shim_disk_handle(disk));
}

static void has(const char *s)
{
	if (!strstr(shim_console(), s))
		fail_msg("console lacks \"%s\":\n%s", s, shim_console());
}

/* The measured event (TCG EFI Protocol Specification 6.6.5 EFI_TCG2_EVENT, PC Client
 * TCG_PCClientTaggedEvent), field by field, and its text: what the PCR is extended by, the
 * UUID, SHA-256 of the primary LUKS2 header copy computed by OpenSSL over the image's
 * bytes, the source and keyslot. */
static void check_record(const uint8_t *event, size_t event_len, const char *data,
			 size_t data_len, uint32_t index, const char *img, const char *uuid,
			 const char *source, int slot)
{
	uint32_t v[5];
	uint16_t ver;
	char want[400], dig[65];
	uint8_t md[32], *hdr;
	uint64_t hsize = 0;
	FILE *f = fopen(img, "rb");

	memcpy(&v[0], event + 4, 4);   /* HeaderSize */
	memcpy(&ver, event + 8, 2);    /* HeaderVersion */
	memcpy(&v[1], event + 10, 4);  /* PCRIndex (TCG2) or MrIndex (CC) */
	memcpy(&v[2], event + 14, 4);  /* EventType */
	memcpy(&v[4], event + 18, 4);  /* taggedEventID */
	memcpy(&v[3], event + 22, 4);  /* taggedEventDataSize */
	assert_int_equal(v[0], 14);
	assert_int_equal(ver, 1);
	assert_int_equal(v[1], index);
	assert_int_equal(v[2], 6);     /* EV_EVENT_TAG */
	assert_int_equal(v[4], 0x4c444c55);
	assert_int_equal(v[3], data_len);
	assert_int_equal(event_len, 26 + data_len);
	/* the digest input is exactly the tagged event's data, no NUL, nothing else */
	assert_int_equal(strlen(data), data_len);
	assert_memory_equal(event + 26, data, data_len);
	assert_non_null(f);
	hdr = malloc(1u << 22);
	assert_int_equal(fread(hdr, 1, 4096, f), 4096);
	for (int i = 0; i < 8; i++)         /* hdr_size, big endian at offset 8 */
		hsize = hsize << 8 | hdr[8 + i];
	assert_true(hsize <= (1u << 22));
	assert_int_equal(fread(hdr + 4096, 1, hsize - 4096, f), hsize - 4096);
	fclose(f);
	SHA256(hdr, hsize, md);
	free(hdr);
	for (int i = 0; i < 32; i++)
		snprintf(dig + 2 * i, 3, "%02x", md[i]);
	snprintf(want, sizeof(want), "luksdxe-volume-v1 uuid=%s header-sha256=%s source=%s "
		 "keyslot=%d verity-root=none", uuid, dig, source, slot);
	assert_string_equal(data, want);
}

static void check_event(const char *img, const char *uuid, const char *source, int slot)
{
	assert_int_equal(fake.extends, 1);
	check_record(fake.event, fake.event_len, fake.data, fake.data_len, 15, img, uuid, source,
		     slot);
	has("measured into PCR 15: luksdxe-volume-v1 uuid=");
}

/* The CC event: MapPcrToMrIndex asked for PCR 15 once, its answer used as MrIndex, the
 * rest as for the TPM. */
static void check_cc_event(uint32_t mr, const char *img, const char *uuid, const char *source,
			   int slot)
{
	char line[80];

	assert_int_equal(cc.maps, 1);
	assert_int_equal(cc.asked_pcr, 15);
	assert_int_equal(cc.extends, 1);
	check_record(cc.event, cc.event_len, cc.data, cc.data_len, mr, img, uuid, source, slot);
	snprintf(line, sizeof(line), "%s: measured into CC MR %u (PCR 15)\n", uuid, mr);
	has(line);
}

static void served(void)
{
	EFI_HANDLE kids[2];

	assert_int_equal(shim_children(shim_disk_handle(disk), &g_dio, kids, 2), 1);
}

/* ---- cases ----------------------------------------------------------------------- */
static void test_token_unlocks(void **state)
{
	(void)state;
	shim_fwcfg_reset(0);
	install_tpm(REPLAY, "pcr15.trace");
	assert_int_equal(connect(IMG "/tpm.img"), EFI_SUCCESS);
	has("TPM2 token 0: unsealed; keyslot opened");
	has(TPM_UUID ": unlocked with keyslot 1");
	assert_int_equal(fake.next, fake.n); /* every recorded exchange, flushes included */
	check_event(IMG "/tpm.img", TPM_UUID, "tpm2", 1);
}

static void test_garbage_falls_back(void **state)
{
	(void)state;
	fwcfg_pw(TPM_UUID);
	install_tpm(GARBAGE_SIZE, NULL);
	assert_int_equal(connect(IMG "/tpm.img"), EFI_SUCCESS);
	has("TPM2 CreatePrimary: the TPM did not answer");
	has("the TPM did not unlock it");
	has(TPM_UUID ": unlocked with keyslot 0");
	check_event(IMG "/tpm.img", TPM_UUID, "fwcfg", 0);
}

static void test_garbage_body_falls_back(void **state)
{
	(void)state;
	fwcfg_pw(TPM_UUID);
	install_tpm(GARBAGE_BODY, NULL);
	assert_int_equal(connect(IMG "/tpm.img"), EFI_SUCCESS);
	has("TPM2 CreatePrimary: malformed response");
	has(TPM_UUID ": unlocked with keyslot 0");
}

static void test_failing_tpm_falls_back(void **state)
{
	(void)state;
	fwcfg_pw(TPM_UUID);
	install_tpm(FAIL, NULL);
	assert_int_equal(connect(IMG "/tpm.img"), EFI_SUCCESS);
	has("the TPM did not answer");
	has(TPM_UUID ": unlocked with keyslot 0");
}

static void test_no_tpm(void **state)
{
	(void)state;
	fwcfg_pw(TPM_UUID);
	assert_int_equal(connect(IMG "/tpm.img"), EFI_SUCCESS);
	assert_null(strstr(shim_console(), "TPM2"));
	has(TPM_UUID ": unlocked with keyslot 0");
}

static void test_no_tpm_no_secret(void **state)
{
	(void)state;
	shim_fwcfg_reset(0);
	assert_int_equal(connect(IMG "/tpm.img"), EFI_NOT_FOUND);
	has(TPM_UUID ": no secret for this volume; it stays locked");
}

static void test_cc_area_keeps_tpm_out(void **state)
{
	static EFI_GUID g = { 0xadf956ad, 0xe98c, 0x484c,
			      { 0xae, 0x11, 0xb5, 0x1c, 0x7d, 0x33, 0x64, 0x47 } };
	static struct {
		uint64_t base, size;
	} loc;
	static uint8_t area[4096];
	ld_secret_entry e;
	size_t len;

	(void)state;
	assert_int_equal(ld_guid_parse(TPM_UUID, strlen(TPM_UUID), e.guid), LD_OK);
	e.data = (const uint8_t *)"pw";
	e.len = 2;
	memset(area, 0, sizeof(area));
	assert_int_equal(ld_secret_table_build(area, sizeof(area), &len, &e, 1, 16), LD_OK);
	loc.base = (uint64_t)(uintptr_t)area;
	loc.size = sizeof(area);
	shim_set_config_table(&g, &loc);
	install_tpm(REPLAY, "pcr15.trace");
	assert_int_equal(connect(IMG "/tpm.img"), EFI_SUCCESS);
	assert_int_equal(fake.calls, 0);
	has(TPM_UUID ": unlocked with keyslot 0");
	check_event(IMG "/tpm.img", TPM_UUID, "cc", 0);
	shim_set_config_table(&g, NULL);
}

static void test_pin_token_skipped(void **state)
{
	(void)state;
	shim_fwcfg_reset(0);
	install_tpm(REPLAY, "pin.trace");
	assert_int_equal(connect(IMG "/tpmpin.img"), EFI_NOT_FOUND);
	has("TPM2 token 0: needs a PIN and this build asks for none; skipped");
	assert_int_equal(fake.calls, 0);
}

static void test_pin_token_prompt(void **state)
{
	(void)state;
	shim_fwcfg_reset(0);
	luksdxe_opt_prompt = 1;
	install_tpm(REPLAY, "pin.trace");
	shim_keys(u"4321\r");
	assert_int_equal(connect(IMG "/tpmpin.img"), EFI_SUCCESS);
	has("LuksDxe: TPM2 PIN for " PIN_UUID ": ");
	has(PIN_UUID ": unlocked with keyslot 1");
	assert_null(strstr(shim_console(), "4321"));
	check_event(IMG "/tpmpin.img", PIN_UUID, "tpm2", 1);
}

/* A token never weakens the pins: with a secret that pins another volume (so the load
 * policy admits images only from pinned volumes), the volume the TPM opens is published
 * unpinned, and the policy's inputs say so. */
static void test_token_does_not_pin(void **state)
{
	static const uint8_t pin[LD_PIN_SIZE] = { 1, 2, 3 };
	ld_volume_secret vs = { (const uint8_t *)"other", 5, NULL, 0, pin, 0, { 0 } };
	ld_secret_entry e;
	uint8_t rec[256], t[4096];
	size_t rlen, len;
	EFI_HANDLE kids[2];

	(void)state;
	assert_int_equal(ld_volume_secret_build(rec, sizeof(rec), &rlen, &vs), LD_OK);
	assert_int_equal(ld_guid_parse(PIN_UUID, strlen(PIN_UUID), e.guid), LD_OK);
	e.data = rec;
	e.len = rlen;
	assert_int_equal(ld_secret_table_build(t, sizeof(t), &len, &e, 1, 16), LD_OK);
	shim_fwcfg_reset(1);
	shim_fwcfg_add_file("etc/boot-fail-wait", "\0\0\0\0", 4);
	shim_fwcfg_add_file("opt/luksdxe/secret", t, len);
	install_tpm(REPLAY, "pcr15.trace");
	assert_int_equal(connect(IMG "/tpm.img"), EFI_SUCCESS);
	has(TPM_UUID ": unlocked with keyslot 1\n");
	assert_int_equal(luksdxe_secret_pins_present(), 1);
	assert_int_equal(shim_children(shim_disk_handle(disk), &g_dio, kids, 2), 1);
	assert_non_null(luksdxe_volumes_find_child(kids[0]));
	assert_int_equal(luksdxe_volumes_find_child(kids[0])->pinned, 0);
}

/* Only the CC protocol (a TDX guest without a vTPM): the volume is logged to the MR
 * the firmware maps PCR 15 to, nothing else is tried. */
static void test_cc_only(void **state)
{
	(void)state;
	fwcfg_pw(TPM_UUID);
	install_cc(3, EFI_SUCCESS, EFI_SUCCESS);
	assert_int_equal(connect(IMG "/tpm.img"), EFI_SUCCESS);
	has(TPM_UUID ": unlocked with keyslot 0");
	check_cc_event(3, IMG "/tpm.img", TPM_UUID, "fwcfg", 0);
	assert_null(strstr(shim_console(), "into PCR 15"));
	served();
}

/* Only the TPM: no CC line at all. */
static void test_tcg2_only(void **state)
{
	(void)state;
	fwcfg_pw(TPM_UUID);
	install_tpm(FAIL, NULL);
	assert_int_equal(connect(IMG "/tpm.img"), EFI_SUCCESS);
	check_event(IMG "/tpm.img", TPM_UUID, "fwcfg", 0);
	assert_null(strstr(shim_console(), "CC MR"));
	served();
}

/* Both: each gets the event once; the records are byte for byte the same but for the
 * index field, and the digest input is the same.  The MR index is the one the firmware
 * gave (2 here, as edk2-stable202211's TdTcg2Dxe answers), not a constant. */
static void test_tcg2_and_cc(void **state)
{
	(void)state;
	shim_fwcfg_reset(0);
	install_tpm(REPLAY, "pcr15.trace");
	install_cc(2, EFI_SUCCESS, EFI_SUCCESS);
	assert_int_equal(connect(IMG "/tpm.img"), EFI_SUCCESS);
	check_event(IMG "/tpm.img", TPM_UUID, "tpm2", 1);
	check_cc_event(2, IMG "/tpm.img", TPM_UUID, "tpm2", 1);
	assert_int_equal(cc.event_len, fake.event_len);
	assert_memory_equal(cc.event, fake.event, 10);
	assert_memory_equal(cc.event + 14, fake.event + 14, fake.event_len - 14);
	assert_int_equal(cc.data_len, fake.data_len);
	assert_memory_equal(cc.data, fake.data, fake.data_len);
	served();
}

/* The CC extend fails: said on the console, the TPM measurement is unaffected and the
 * volume is still served, as when the TPM's extend fails. */
static void test_cc_extend_fails(void **state)
{
	(void)state;
	fwcfg_pw(TPM_UUID);
	install_tpm(FAIL, NULL);
	install_cc(3, EFI_SUCCESS, EFI_DEVICE_ERROR);
	assert_int_equal(connect(IMG "/tpm.img"), EFI_SUCCESS);
	check_event(IMG "/tpm.img", TPM_UUID, "fwcfg", 0);
	assert_int_equal(cc.extends, 1);
	has(TPM_UUID ": measuring into CC MR 3 (PCR 15) failed (status 0x8000000000000007)\n");
	assert_null(strstr(shim_console(), "measured into CC MR"));
	served();
}

/* MapPcrToMrIndex refuses PCR 15: nothing is extended there, the line says so, the TPM
 * measurement and the volume are unaffected. */
static void test_cc_map_fails(void **state)
{
	(void)state;
	fwcfg_pw(TPM_UUID);
	install_tpm(FAIL, NULL);
	install_cc(3, EFI_INVALID_PARAMETER, EFI_SUCCESS);
	assert_int_equal(connect(IMG "/tpm.img"), EFI_SUCCESS);
	check_event(IMG "/tpm.img", TPM_UUID, "fwcfg", 0);
	assert_int_equal(cc.maps, 1);
	assert_int_equal(cc.asked_pcr, 15);
	assert_int_equal(cc.extends, 0);
	has(TPM_UUID ": the CC measurement protocol maps no register for PCR 15 (status "
	    "0x8000000000000002); not measured there\n");
	served();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_token_unlocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_falls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_body_falls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failing_tpm_falls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_tpm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_tpm_no_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cc_area_keeps_tpm_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_token_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_token_prompt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_token_does_not_pin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cc_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tcg2_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tcg2_and_cc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cc_extend_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cc_map_fails, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
