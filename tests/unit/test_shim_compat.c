/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Issue 11 on the host shim, with the real driver code.
 * The key-derivation cost limit: a volume made by cryptsetup
 * (tests/shim/mkimages.sh's vol1), given a second keyslot for the same passphrase with
 * luksAddKey, whose first keyslot is then edited (tests/oracle/luks2_edit.py) to PBKDF2
 * iterations of 2^31-1 (hours of work).  The driver, with its clock (the TSC calibrated
 * against the shim's Stall), prints that keyslot 0 is skipped and unlocks with keyslot 1
 * in seconds; a digest of 2^32-1 iterations leaves the volume locked with the reason.
 * A data segment that starts beyond the end of the disk: refused before any secret is
 * used, with a message that says so. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "shim.h"
#include "luksdxe.h"
#include "secret/secret_table.h"
#include "common/testutil.h"

#define IMG "build/shim-images"
#define DIR IMG "/compat"
#define VOL1_UUID "3f0b8c62-52a4-4b8e-9a41-6c1d2e3f4a5b"

static int group_setup(void **state)
{
	(void)state;
	/* slot 1: the same passphrase; then slot 0 hostile (h0), or the digest (hd) */
	return system("set -e; bash tests/shim/mkimages.sh " IMG "; rm -rf " DIR "; mkdir " DIR ";"
		      "cp " IMG "/vol1.img " DIR "/h0.img;"
		      "cryptsetup luksAddKey -q --pbkdf pbkdf2 --pbkdf-force-iterations 1000"
		      " --key-file " IMG "/vol1.pass " DIR "/h0.img " IMG "/vol1.pass;"
		      "cp " DIR "/h0.img " DIR "/hd.img;"
		      "python3 tests/oracle/luks2_edit.py " DIR "/h0.img --expr"
		      " 'j[\"keyslots\"][\"0\"][\"kdf\"][\"iterations\"]=2**31-1';"
		      "python3 tests/oracle/luks2_edit.py " DIR "/hd.img --expr"
		      " 'j[\"digests\"][\"0\"][\"iterations\"]=2**32-1';"
		      "cp " IMG "/vol1.img " DIR "/beyond.img;"
		      "python3 tests/oracle/luks2_edit.py " DIR "/beyond.img --expr"
		      " 'j[\"segments\"][\"0\"][\"offset\"]=\"104857600\"'") ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	return system("rm -rf " DIR) ? -1 : 0;
}

static EFI_HANDLE image;

static void start(void)
{
	static const char pass[] = "pass-one";
	ld_secret_entry e;
	uint8_t t[256];
	size_t len;

	shim_reset();
	luksdxe_opt_prompt = 0;
	luksdxe_opt_wipe_cc = 0;
	assert_int_equal(shim_load_driver(&image), EFI_SUCCESS);
	memcpy(e.guid, ld_secret_disk_guid, 16);
	e.data = (const uint8_t *)pass;
	e.len = sizeof(pass);
	assert_int_equal(ld_secret_table_build(t, sizeof(t), &len, &e, 1, 16), LD_OK);
	shim_fwcfg_reset(1);
	shim_fwcfg_add_file("opt/luksdxe/secret", t, len);
}

static void finish_driver(shim_disk *d)
{
	shim_disk_close(d);
	assert_int_equal(shim_unload_driver(image), EFI_SUCCESS);
	assert_int_equal(shim_live_allocs(), 0);
	shim_reset();
}

static void test_hostile_keyslot_skipped(void **state)
{
	(void)state;
	start();
	shim_disk *d = shim_disk_open(DIR "/h0.img", 512);
	assert_non_null(d);
	time_t t0 = time(NULL);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_SUCCESS);
	assert_true(time(NULL) - t0 < 30);
	const char *con = shim_console();
	printf("# console: %s\n", con);
	if (!strstr(con, "LuksDxe: keyslot 0: key derivation would take about "))
		fail_msg("no skip line in: %s", con);
	assert_non_null(strstr(con, " s, above the limit of 120 s: skipped"));
	assert_non_null(strstr(con, VOL1_UUID ": unlocked with keyslot 1"));
	finish_driver(d);
}

static void test_hostile_digest_refused(void **state)
{
	(void)state;
	start();
	shim_disk *d = shim_disk_open(DIR "/hd.img", 512);
	assert_non_null(d);
	time_t t0 = time(NULL);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_UNSUPPORTED);
	assert_true(time(NULL) - t0 < 30);
	const char *con = shim_console();
	printf("# console: %s\n", con);
	if (!strstr(con, "the volume key digest would take about "))
		fail_msg("no digest line in: %s", con);
	assert_null(strstr(con, "unlocked with keyslot"));
	finish_driver(d);
}

static void test_segment_beyond_disk(void **state)
{
	(void)state;
	start();
	shim_disk *d = shim_disk_open(DIR "/beyond.img", 512);
	assert_non_null(d);
	assert_int_equal(shim_connect(image, shim_disk_handle(d)), EFI_UNSUPPORTED);
	const char *con = shim_console();
	if (!strstr(con, "LuksDxe: " VOL1_UUID ": the data segment is empty or starts beyond the "
			 "end of the disk; the volume stays locked"))
		fail_msg("no clear message in: %s", con);
	assert_null(strstr(con, "deriving key"));
	finish_driver(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_keyslot_skipped),
		cmocka_unit_test(test_hostile_digest_refused),
		cmocka_unit_test(test_segment_beyond_disk),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
