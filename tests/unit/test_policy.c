/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Unit tests of the load policy's decision (efi/policy.c, luksdxe_policy_decide) over
 * device paths captured from a real OVMF boot: tests/unit/data/ovmf-paths.txt, written by
 * tests/e2e/capture-paths.sh from dpdump.efi's output (every firmware volume, file system,
 * block device, LoadFile handle and loaded image, with the firmware's own text form).
 *
 * The oracle for what each path IS comes from the firmware, not from policy.c: the text
 * that OVMF's DevicePathToText printed for it (Fv(..)/FvFile(..), /Offset(..) for an
 * option ROM, VenMedia(CDD7A9B4-..) for a LuksDxe child, /USB(, /CDROM(, MAC(..)) and the
 * kind of handle it was captured from.  The context is what the driver would pass: the
 * captured firmware volumes and the captured LuksDxe children (blk paths ending in the
 * vendor node).  Hand-built paths cover the malformed shapes a hostile caller can hand
 * to LoadImage. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "efi/policy.h"
#include "common/testutil.h"

#ifndef LD_TEST_DATA
#define LD_TEST_DATA "tests/unit/data"
#endif

#define VENDOR_TEXT "VenMedia(CDD7A9B4-36D8-45EB-90F4-66FBD8CDA3E5,"
#define MAX_PATHS 512
#define MAX_VOLS 8
#define END_NODE "\x7f\xff\x04\x00"

struct cpath {
	char kind[12];
	uint8_t *bytes; /* with the end node */
	size_t len;     /* with the end node */
	char *text;
};

static struct cpath paths[MAX_PATHS];
static size_t n_paths;
static luksdxe_dp fvs[MAX_VOLS], vols[MAX_VOLS];
static size_t n_fvs, n_vols;
static const char *vol_text[MAX_VOLS];

/* ---- the fixture -------------------------------------------------------------------- */

static int load_fixture(void **state)
{
	(void)state;
	size_t n;
	char *buf = (char *)tu_read_file(LD_TEST_DATA "/ovmf-paths.txt", &n);
	if (!buf) {
		fprintf(stderr, "cannot read %s/ovmf-paths.txt\n", LD_TEST_DATA);
		return -1;
	}
	buf = realloc(buf, n + 1);
	buf[n] = 0;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#')
			continue;
		char kind[12], *hex, *text;
		if (strncmp(line, "dpdump: ", 8) != 0 || sscanf(line + 8, "%11s", kind) != 1)
			return -1;
		hex = line + 8 + strlen(kind) + 1;
		text = strchr(hex, ' ');
		if (!text || n_paths == MAX_PATHS)
			return -1;
		*text++ = 0;
		struct cpath *p = &paths[n_paths++];
		memcpy(p->kind, kind, sizeof(kind));
		p->bytes = tu_unhex_alloc(hex, &p->len);
		p->text = strdup(text);
		/* dpdump includes the end node: the fixture must not be cut short. */
		if (!p->bytes || p->len < 4 || memcmp(p->bytes + p->len - 4, END_NODE, 4) != 0)
			return -1;
	}
	free(buf);
	/* The context: the platform's firmware volumes, and every LuksDxe child (a block
	 * device whose path ends with LuksDxe's vendor node - its text ends in ")"). */
	for (size_t i = 0; i < n_paths; i++) {
		struct cpath *p = &paths[i];
		luksdxe_dp dp = { p->bytes, p->len - 4 };
		if (strcmp(p->kind, "fv") == 0 && n_fvs < MAX_VOLS)
			fvs[n_fvs++] = dp;
		const char *v = strstr(p->text, VENDOR_TEXT);
		if (strcmp(p->kind, "blk") == 0 && v && !strchr(v, '/') && n_vols < MAX_VOLS) {
			vol_text[n_vols] = p->text;
			vols[n_vols++] = dp;
		}
	}
	return n_paths > 0 ? 0 : -1;
}

static int free_fixture(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_paths; i++) {
		free(paths[i].bytes);
		free(paths[i].text);
	}
	return 0;
}

static luksdxe_policy_ctx ctx_of(const uint8_t *pinned, int pins_present)
{
	luksdxe_policy_ctx c = { fvs, n_fvs, vols, pinned, n_vols, pins_present, 0, 0, NULL, 0 };
	return c;
}

static size_t count_kind(const char *kind, const char *text_has)
{
	size_t n = 0;
	for (size_t i = 0; i < n_paths; i++)
		n += strcmp(paths[i].kind, kind) == 0 && (!text_has || strstr(paths[i].text, text_has));
	return n;
}

/* The child a path lies on, by the firmware's text: the longest child text it starts with. */
static size_t child_of(const char *text)
{
	size_t best = n_vols, best_len = 0;
	for (size_t v = 0; v < n_vols; v++) {
		size_t l = strlen(vol_text[v]);
		if (strncmp(text, vol_text[v], l) == 0 && l > best_len) {
			best = v;
			best_len = l;
		}
	}
	return best;
}

/* path (without its end node) + nodes (with the end node) in a buffer of exactly that
 * size, so that ASan sees any read past it. */
static uint8_t *join(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, size_t *len)
{
	*len = alen + blen;
	uint8_t *p = malloc(*len ? *len : 1);
	assert_non_null(p);
	if (alen)
		memcpy(p, a, alen);
	if (blen)
		memcpy(p + alen, b, blen);
	return p;
}

/* A file-path node for \EFI\BOOT\BOOTX64.EFI (UCS-2, NUL-terminated) and the end node. */
static size_t file_node(uint8_t *out, const char *name)
{
	size_t n = strlen(name), len = 4 + 2 * (n + 1);
	out[0] = 0x04;
	out[1] = 0x04;
	out[2] = (uint8_t)len;
	out[3] = (uint8_t)(len >> 8);
	for (size_t i = 0; i <= n; i++) {
		out[4 + 2 * i] = (uint8_t)name[i];
		out[5 + 2 * i] = 0;
	}
	memcpy(out + len, END_NODE, 4);
	return len + 4;
}

static luksdxe_verdict decide(const luksdxe_policy_ctx *c, const uint8_t *p, size_t len, size_t *vol)
{
	*vol = (size_t)-1;
	return luksdxe_policy_decide(c, p, len, vol);
}

/* ---- captured paths ------------------------------------------------------------------ */

static void test_fixture_shape(void **state)
{
	(void)state;
	/* What capture-paths.sh put in the VM must be in the capture; otherwise the tests
	 * below would pass vacuously. */
	assert_int_equal(n_fvs, 1);
	assert_int_equal(n_vols, 2);
	assert_true(count_kind("image", "Fv(") >= 50);
	assert_int_equal(count_kind("image", "/Offset("), 1);         /* the iPXE option ROM */
	assert_int_equal(count_kind("image", VENDOR_TEXT), 1);        /* dpdump, on the child */
	assert_int_equal(count_kind("image", "\\LuksDxe.efi"), 1);    /* from the plaintext FS0 */
	assert_true(count_kind("fs", "/USB(") == 1 && count_kind("blk", "/USB(") == 1);
	assert_true(count_kind("fs", "/CDROM(") == 1 && count_kind("blk", "/CDROM(") == 1);
	assert_int_equal(count_kind("fs", VENDOR_TEXT), 2);           /* on a child, in a partition */
	assert_true(count_kind("blk", ")/HD(1,GPT") >= 1);
	assert_true(count_kind("loadfile", "MAC(") >= 3);
	assert_true(count_kind("loadfile", "IPv4(") >= 1 && count_kind("loadfile", "IPv6(") >= 1);
	/* A partition inside an unlocked volume: child, then HD. */
	size_t inner = 0;
	for (size_t i = 0; i < n_paths; i++) {
		const char *v = strstr(paths[i].text, VENDOR_TEXT);
		inner += strcmp(paths[i].kind, "fs") == 0 && v && strstr(v, ")/HD(");
	}
	assert_int_equal(inner, 1);
}

/* Every loaded image as it is: FV drivers allowed, the option ROM and the driver loaded
 * from the plaintext disk refused, the application on the unlocked volume allowed. */
static void test_captured_images(void **state)
{
	(void)state;
	uint8_t pinned[MAX_VOLS] = { 0 };
	luksdxe_policy_ctx c = ctx_of(pinned, 0);
	size_t fv = 0, rom = 0, vol = 0, plain = 0;
	for (size_t i = 0; i < n_paths; i++) {
		struct cpath *p = &paths[i];
		if (strcmp(p->kind, "image") != 0)
			continue;
		size_t v;
		luksdxe_verdict r = decide(&c, p->bytes, p->len, &v);
		if (strncmp(p->text, "Fv(", 3) == 0 && strstr(p->text, ")/FvFile(")) {
			assert_int_equal(r, LUKSDXE_ALLOW_FV);
			fv++;
		} else if (strstr(p->text, "/Offset(")) {
			assert_int_equal(r, LUKSDXE_DENY_UNENCRYPTED);
			rom++;
		} else if (strstr(p->text, VENDOR_TEXT)) {
			assert_int_equal(r, LUKSDXE_ALLOW_VOLUME);
			assert_int_equal(v, child_of(p->text));
			vol++;
		} else {
			assert_int_equal(r, LUKSDXE_DENY_UNENCRYPTED);
			assert_false(LUKSDXE_VERDICT_ALLOWED(r));
			plain++;
		}
	}
	assert_true(fv >= 50 && rom == 1 && vol == 1 && plain == 1);
}

/* Every file system and block device + \EFI\BOOT\BOOTX64.EFI: allowed exactly on the
 * unlocked children (and the partition inside one); the plaintext disks, the USB stick,
 * the CD-ROM and the LUKS partitions' raw (ciphertext) devices refused. */
static void test_captured_media(void **state)
{
	(void)state;
	uint8_t pinned[MAX_VOLS] = { 0 };
	luksdxe_policy_ctx c = ctx_of(pinned, 0);
	uint8_t tail[128];
	size_t tlen = file_node(tail, "\\EFI\\BOOT\\BOOTX64.EFI");
	size_t on = 0, off = 0, usb = 0, cd = 0;
	for (size_t i = 0; i < n_paths; i++) {
		struct cpath *p = &paths[i];
		if (strcmp(p->kind, "fs") != 0 && strcmp(p->kind, "blk") != 0)
			continue;
		size_t len, v;
		uint8_t *f = join(p->bytes, p->len - 4, tail, tlen, &len);
		luksdxe_verdict r = decide(&c, f, len, &v);
		if (strstr(p->text, VENDOR_TEXT)) {
			assert_int_equal(r, LUKSDXE_ALLOW_VOLUME);
			assert_int_equal(v, child_of(p->text));
			assert_true(v < n_vols);
			on++;
		} else {
			assert_int_equal(r, LUKSDXE_DENY_UNENCRYPTED);
			off++;
			usb += strstr(p->text, "/USB(") != NULL;
			cd += strstr(p->text, "/CDROM(") != NULL;
		}
		/* The medium itself, without a file, is never loadable. */
		r = decide(&c, p->bytes, p->len, &v);
		assert_false(LUKSDXE_VERDICT_ALLOWED(r));
		if (strstr(p->text, VENDOR_TEXT))
			assert_int_equal(r, LUKSDXE_DENY_BAD_VOLUME_PATH);
		free(f);
	}
	assert_int_equal(on, 5); /* 2 fs + 3 blk */
	assert_true(off >= 10 && usb == 2 && cd == 2);
}

/* Network boot: every LoadFile path, alone or with a file node, is refused. */
static void test_captured_loadfile(void **state)
{
	(void)state;
	uint8_t pinned[MAX_VOLS] = { 0 };
	luksdxe_policy_ctx c = ctx_of(pinned, 0);
	uint8_t tail[128];
	size_t tlen = file_node(tail, "\\EFI\\BOOT\\BOOTX64.EFI"), n = 0;
	for (size_t i = 0; i < n_paths; i++) {
		struct cpath *p = &paths[i];
		if (strcmp(p->kind, "loadfile") != 0)
			continue;
		size_t len, v;
		assert_int_equal(decide(&c, p->bytes, p->len, &v), LUKSDXE_DENY_UNENCRYPTED);
		uint8_t *f = join(p->bytes, p->len - 4, tail, tlen, &len);
		assert_int_equal(decide(&c, f, len, &v), LUKSDXE_DENY_UNENCRYPTED);
		free(f);
		n++;
	}
	assert_true(n >= 3);
	/* The firmware volume alone (no file) is not a file either. */
	size_t v;
	for (size_t i = 0; i < n_fvs; i++) {
		uint8_t *f;
		size_t len;
		f = join(fvs[i].bytes, fvs[i].len, (const uint8_t *)END_NODE, 4, &len);
		assert_false(LUKSDXE_VERDICT_ALLOWED(decide(&c, f, len, &v)));
		free(f);
	}
}

/* Pins: with pins present, an unpinned child refuses; a pinned one allows; without
 * pins the pinned[] array does not matter. */
static void test_captured_pins(void **state)
{
	(void)state;
	uint8_t none[MAX_VOLS] = { 0 }, first[MAX_VOLS] = { 1, 0 };
	luksdxe_policy_ctx all_unpinned = ctx_of(none, 1), first_pinned = ctx_of(first, 1);
	uint8_t tail[128];
	size_t tlen = file_node(tail, "\\EFI\\BOOT\\BOOTX64.EFI"), seen[2] = { 0, 0 };
	for (size_t i = 0; i < n_paths; i++) {
		struct cpath *p = &paths[i];
		if (!strstr(p->text, VENDOR_TEXT))
			continue;
		size_t len, v, want = child_of(p->text);
		uint8_t *f = strcmp(p->kind, "image") == 0
			? join(p->bytes, p->len, NULL, 0, &len)
			: join(p->bytes, p->len - 4, tail, tlen, &len);
		assert_int_equal(decide(&all_unpinned, f, len, &v), LUKSDXE_DENY_NOT_PINNED);
		assert_int_equal(v, want);
		assert_int_equal(decide(&first_pinned, f, len, &v),
				 want == 0 ? LUKSDXE_ALLOW_VOLUME : LUKSDXE_DENY_NOT_PINNED);
		assert_int_equal(v, want);
		seen[want]++;
		free(f);
	}
	assert_true(seen[0] > 0 && seen[1] > 0);
	/* Pins change nothing for firmware-volume drivers and plaintext media. */
	luksdxe_policy_ctx nopins = ctx_of(none, 0);
	for (size_t i = 0; i < n_paths; i++) {
		size_t v;
		luksdxe_verdict a = decide(&nopins, paths[i].bytes, paths[i].len, &v);
		luksdxe_verdict b = decide(&first_pinned, paths[i].bytes, paths[i].len, &v);
		if (!strstr(paths[i].text, VENDOR_TEXT))
			assert_int_equal(a, b);
	}
}

/* Verity: with verity in the secret, only a verified child admits its files (after the
 * pin rule); without it, verified[] does not matter; a NULL verified[] is none verified. */
static void test_captured_verity(void **state)
{
	(void)state;
	uint8_t none[MAX_VOLS] = { 0 }, first[MAX_VOLS] = { 1, 0 }, both[MAX_VOLS] = { 1, 1 };
	uint8_t tail[128];
	size_t tlen = file_node(tail, "\\EFI\\BOOT\\BOOTX64.EFI"), seen[2] = { 0, 0 };
	luksdxe_policy_ctx c = ctx_of(none, 0);
	for (size_t i = 0; i < n_paths; i++) {
		struct cpath *p = &paths[i];
		size_t len, v, want = child_of(p->text);
		uint8_t *f;
		if (!strstr(p->text, VENDOR_TEXT)) {
			/* firmware volumes and plaintext media: verity changes nothing */
			luksdxe_policy_ctx a = ctx_of(none, 0), b = ctx_of(none, 0);
			b.verity_present = 1;
			assert_int_equal(decide(&a, p->bytes, p->len, &v), decide(&b, p->bytes, p->len, &v));
			continue;
		}
		f = strcmp(p->kind, "image") == 0 ? join(p->bytes, p->len, NULL, 0, &len)
						  : join(p->bytes, p->len - 4, tail, tlen, &len);
		c.verity_present = 1;
		c.verified = NULL;
		assert_int_equal(decide(&c, f, len, &v), LUKSDXE_DENY_NOT_VERIFIED);
		assert_int_equal(v, want);
		c.verified = none;
		assert_int_equal(decide(&c, f, len, &v), LUKSDXE_DENY_NOT_VERIFIED);
		c.verified = first;
		assert_int_equal(decide(&c, f, len, &v),
				 want == 0 ? LUKSDXE_ALLOW_VOLUME : LUKSDXE_DENY_NOT_VERIFIED);
		/* the pin rule is asked first */
		c.pins_present = 1;
		c.pinned = none;
		c.verified = both;
		assert_int_equal(decide(&c, f, len, &v), LUKSDXE_DENY_NOT_PINNED);
		c.pinned = both;
		c.verified = first;
		assert_int_equal(decide(&c, f, len, &v),
				 want == 0 ? LUKSDXE_ALLOW_VOLUME : LUKSDXE_DENY_NOT_VERIFIED);
		c.pins_present = 0;
		c.pinned = none;
		/* without verity in the secret, verified[] does not matter */
		c.verity_present = 0;
		c.verified = none;
		assert_int_equal(decide(&c, f, len, &v), LUKSDXE_ALLOW_VOLUME);
		seen[want]++;
		free(f);
	}
	assert_true(seen[0] > 0 && seen[1] > 0);
}

/* A firmware volume the platform did not publish: the captured FV path with its GUID
 * changed, holding a captured driver's file node. */
static void test_foreign_fv(void **state)
{
	(void)state;
	uint8_t pinned[MAX_VOLS] = { 0 };
	luksdxe_policy_ctx c = ctx_of(pinned, 0);
	size_t done = 0;
	for (size_t i = 0; i < n_paths && done < 3; i++) {
		struct cpath *p = &paths[i];
		if (strcmp(p->kind, "image") != 0 || strncmp(p->text, "Fv(", 3) != 0)
			continue;
		size_t v;
		uint8_t *f = join(p->bytes, p->len, NULL, 0, &v);
		for (size_t byte = 4; byte < fvs[0].len; byte++) {
			f[byte] ^= 0x01; /* one bit of the FV's GUID */
			assert_int_equal(decide(&c, f, p->len, &v), LUKSDXE_DENY_FOREIGN_FV);
			f[byte] ^= 0x01;
		}
		/* Another file GUID in the platform's own volume stays a platform file. */
		f[p->len - 4 - 1] ^= 0x80;
		assert_int_equal(decide(&c, f, p->len, &v), LUKSDXE_ALLOW_FV);
		/* Without any platform volume in the context, the same path is foreign. */
		luksdxe_policy_ctx nofv = c;
		nofv.n_fvs = 0;
		assert_int_equal(decide(&nofv, f, p->len, &v), LUKSDXE_DENY_FOREIGN_FV);
		free(f);
		done++;
	}
	assert_int_equal(done, 3);
}

/* ---- hand-built edge cases -------------------------------------------------------- */

/* The first child's path + nodes + end, in an exact-size buffer. */
static uint8_t *child_plus(const uint8_t *nodes, size_t nlen, size_t *len)
{
	uint8_t *tmp = malloc(nlen + 4);
	assert_non_null(tmp);
	if (nlen)
		memcpy(tmp, nodes, nlen);
	memcpy(tmp + nlen, END_NODE, 4);
	uint8_t *p = join(vols[0].bytes, vols[0].len, tmp, nlen + 4, len);
	free(tmp);
	return p;
}

static void test_edge_cases(void **state)
{
	(void)state;
	uint8_t pinned[MAX_VOLS] = { 0 };
	luksdxe_policy_ctx c = ctx_of(pinned, 0);
	uint8_t file[128];
	size_t flen = file_node(file, "\\a.efi") - 4; /* without the end */
	size_t len, v;
	uint8_t *p, *one;

	assert_int_equal(decide(&c, NULL, 100, &v), LUKSDXE_DENY_NO_PATH);

	/* The reference: child + file is allowed, with every byte counted exactly. */
	p = child_plus(file, flen, &len);
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_ALLOW_VOLUME);
	assert_int_equal(v, 0);
	/* maxlen cutting the end node or the file node. */
	for (size_t cut = 0; cut < len; cut++)
		assert_int_equal(decide(&c, p, cut, &v), LUKSDXE_DENY_MALFORMED);
	/* A node length past the end; a zero-length node; lengths 1..3 (below a header). */
	size_t fo = vols[0].len; /* offset of the file node */
	p[fo + 2] = (uint8_t)(flen + 5);
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_DENY_MALFORMED);
	p[fo + 3] = 0xff;
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_DENY_MALFORMED);
	for (uint8_t l = 0; l < 4; l++) {
		p[fo + 2] = l;
		p[fo + 3] = 0;
		assert_int_equal(decide(&c, p, len, &v), LUKSDXE_DENY_MALFORMED);
	}
	/* A node length that swallows the end node: no end node within maxlen. */
	p[fo + 2] = (uint8_t)(flen + 4);
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_DENY_MALFORMED);
	p[fo + 2] = (uint8_t)flen;
	/* The end node itself: only 7f ff 04 00 ends a file's path. */
	p[len - 2] = 5;
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_DENY_MALFORMED);
	p[len - 2] = 4;
	p[len - 3] = 0x01; /* end of instance: a multi-instance path */
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_DENY_MALFORMED);
	p[len - 3] = 0xff;
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_ALLOW_VOLUME);
	free(p);

	/* An end node longer than its header, with the extra bytes inside maxlen. */
	one = child_plus(file, flen, &len);
	p = malloc(len + 4);
	assert_non_null(p);
	memcpy(p, one, len);
	memcpy(p + len, "\0\0\0\0", 4);
	p[len - 2] = 8;
	assert_int_equal(decide(&c, p, len + 4, &v), LUKSDXE_DENY_MALFORMED);
	free(p);
	free(one);

	/* Two instances: child + file, end-of-instance, child + file, end. */
	one = child_plus(file, flen, &len);
	uint8_t *two = malloc(2 * len);
	assert_non_null(two);
	memcpy(two, one, len);
	two[len - 3] = 0x01;
	memcpy(two + len, one, len);
	assert_int_equal(decide(&c, two, 2 * len, &v), LUKSDXE_DENY_MALFORMED);
	free(two);
	free(one);

	/* The child's path alone: a volume, not a file. */
	p = child_plus(NULL, 0, &len);
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_DENY_BAD_VOLUME_PATH);
	free(p);

	/* A messaging node (USB) after the child, then a file. */
	uint8_t tail[256];
	static const uint8_t usb[] = { 0x03, 0x05, 0x06, 0x00, 0x00, 0x00 };
	memcpy(tail, usb, sizeof(usb));
	memcpy(tail + sizeof(usb), file, flen);
	p = child_plus(tail, sizeof(usb) + flen, &len);
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_DENY_BAD_VOLUME_PATH);
	free(p);
	/* Nodes of other types whose subtype numbers equal file (4) and HD (1). */
	static const uint8_t other[][8] = {
		{ 0x03, 0x04, 0x08, 0x00, 0, 0, 0, 0 }, /* messaging 4 */
		{ 0x03, 0x01, 0x08, 0x00, 0, 0, 0, 0 }, /* messaging 1 (ATAPI) */
		{ 0x01, 0x01, 0x06, 0x00, 0, 0 },       /* hardware PCI */
		{ 0x02, 0x01, 0x0c, 0x00, 0, 0, 0, 0 }, /* ACPI (12 bytes) */
	};
	for (size_t k = 0; k < 4; k++) {
		size_t ol = other[k][2];
		uint8_t node[16] = { 0 };
		memcpy(node, other[k], 8);
		memcpy(tail, node, ol);
		memcpy(tail + ol, file, flen);
		p = child_plus(tail, ol + flen, &len);
		assert_int_equal(decide(&c, p, len, &v), LUKSDXE_DENY_BAD_VOLUME_PATH);
		free(p);
		/* ... and as the last node, where a file would be */
		memcpy(tail, file, flen);
		memcpy(tail + flen, node, ol);
		p = child_plus(tail, flen + ol, &len);
		assert_int_equal(decide(&c, p, len, &v), LUKSDXE_DENY_BAD_VOLUME_PATH);
		free(p);
	}
	/* Another media node than HD/CD-ROM/file (a second vendor node). */
	static const uint8_t ven[] = { 0x04, 0x03, 0x14, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
				       11, 12, 13, 14, 15, 16 };
	memcpy(tail, ven, sizeof(ven));
	memcpy(tail + sizeof(ven), file, flen);
	p = child_plus(tail, sizeof(ven) + flen, &len);
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_DENY_BAD_VOLUME_PATH);
	free(p);
	/* HD and CD-ROM nodes, then two file nodes: allowed. */
	static const uint8_t hd[42] = { 0x04, 0x01, 0x2a, 0x00, 1 };
	static const uint8_t cdrom[24] = { 0x04, 0x02, 0x18, 0x00 };
	memcpy(tail, hd, sizeof(hd));
	memcpy(tail + sizeof(hd), cdrom, sizeof(cdrom));
	memcpy(tail + sizeof(hd) + sizeof(cdrom), file, flen);
	memcpy(tail + sizeof(hd) + sizeof(cdrom) + flen, file, flen);
	p = child_plus(tail, sizeof(hd) + sizeof(cdrom) + 2 * flen, &len);
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_ALLOW_VOLUME);
	free(p);
	/* A partition node after a file node: refused. */
	memcpy(tail, file, flen);
	memcpy(tail + flen, hd, sizeof(hd));
	p = child_plus(tail, flen + sizeof(hd), &len);
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_DENY_BAD_VOLUME_PATH);
	free(p);

	/* The child's path with its last byte changed is not the child. */
	p = child_plus(file, flen, &len);
	p[vols[0].len - 1] ^= 1;
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_DENY_UNENCRYPTED);
	free(p);

	/* More nodes than LUKSDXE_DP_MAX_NODES (each a valid 4-byte node). */
	size_t many = LUKSDXE_DP_MAX_NODES + 1;
	p = malloc(4 * many + 4);
	assert_non_null(p);
	for (size_t i = 0; i < many; i++)
		memcpy(p + 4 * i, "\x04\x04\x04\x00", 4);
	memcpy(p + 4 * many, END_NODE, 4);
	assert_int_equal(decide(&c, p, 4 * many + 4, &v), LUKSDXE_DENY_MALFORMED);
	assert_int_equal(luksdxe_dp_length(p + 4 * 2, 4 * (many - 2) + 4), 4 * (many - 2));
	free(p);
	assert_int_equal(luksdxe_dp_length(NULL, 100), -1);
	assert_int_equal(luksdxe_dp_length((const uint8_t *)END_NODE, 4), 0);
	assert_int_equal(luksdxe_dp_length((const uint8_t *)END_NODE, 3), -1);
}

/* Rule (a) shapes: an FV path + two file nodes, an FV file node of the wrong length, a
 * file node that is not PIWG's. */
static void test_fv_shapes(void **state)
{
	(void)state;
	uint8_t pinned[MAX_VOLS] = { 0 };
	luksdxe_policy_ctx c = ctx_of(pinned, 0);
	uint8_t buf[128], piwg[20] = { 0x04, 0x06, 0x14, 0x00, 0xaa };
	size_t v, fl = fvs[0].len;
	memcpy(buf, fvs[0].bytes, fl);
	memcpy(buf + fl, piwg, 20);
	memcpy(buf + fl + 20, END_NODE, 4);
	assert_int_equal(decide(&c, buf, fl + 24, &v), LUKSDXE_ALLOW_FV);
	/* two file nodes */
	memcpy(buf + fl + 20, piwg, 20);
	memcpy(buf + fl + 40, END_NODE, 4);
	assert_int_equal(decide(&c, buf, fl + 44, &v), LUKSDXE_DENY_FOREIGN_FV);
	/* a PIWG node 24 bytes long whose last 20 bytes look like a PIWG node */
	uint8_t big[24] = { 0x04, 0x06, 0x18, 0x00, 0x04, 0x06, 0x14, 0x00 };
	memcpy(buf + fl, big, 24);
	memcpy(buf + fl + 24, END_NODE, 4);
	assert_false(LUKSDXE_VERDICT_ALLOWED(decide(&c, buf, fl + 28, &v)));
	/* a file-path node (04/04) in the FV instead of PIWG's */
	uint8_t fnode[64];
	size_t fn = file_node(fnode, "\\x.efi");
	memcpy(buf + fl, fnode, fn);
	assert_false(LUKSDXE_VERDICT_ALLOWED(decide(&c, buf, fl + fn, &v)));
	/* the file node alone, without the FV */
	memcpy(buf, piwg, 20);
	memcpy(buf + 20, END_NODE, 4);
	assert_int_equal(decide(&c, buf, 24, &v), LUKSDXE_DENY_FOREIGN_FV);
}

/* A LuksDxe volume inside another one's partition: the longest (inner) volume decides,
 * with its own pin. */
static void test_nested_volumes(void **state)
{
	(void)state;
	static const uint8_t hd_ven[] = {
		0x04, 0x01, 0x2a, 0x00, 1, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 2, 2,
		0x04, 0x03, 0x24, 0x00, 0xb4, 0xa9, 0xd7, 0xcd, 0xd8, 0x36, 0xeb, 0x45, 0x90, 0xf4,
		0x66, 0xfb, 0xd8, 0xcd, 0xa3, 0xe5, 0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x33, 0x33,
		0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 };
	uint8_t inner[512], file[64], pin[2];
	size_t il = vols[0].len + sizeof(hd_ven), v, len;
	memcpy(inner, vols[0].bytes, vols[0].len);
	memcpy(inner + vols[0].len, hd_ven, sizeof(hd_ven));
	luksdxe_dp two[2] = { vols[0], { inner, il } };
	luksdxe_policy_ctx c = { fvs, n_fvs, two, pin, 2, 1, 0, 0, NULL, 0 };
	size_t fl = file_node(file, "\\in.efi");
	uint8_t *p = join(inner, il, file, fl, &len);
	pin[0] = 1;
	pin[1] = 0;
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_DENY_NOT_PINNED);
	assert_int_equal(v, 1);
	pin[0] = 0;
	pin[1] = 1;
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_ALLOW_VOLUME);
	assert_int_equal(v, 1);
	c.pins_present = 0;
	pin[1] = 0;
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_ALLOW_VOLUME);
	assert_int_equal(v, 1);
	/* Listed the other way round, the inner volume still wins. */
	luksdxe_dp rev[2] = { two[1], two[0] };
	c.volumes = rev;
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_ALLOW_VOLUME);
	assert_int_equal(v, 0);
	free(p);
	/* An empty volume path in the context matches nothing. */
	luksdxe_dp empty = { inner, 0 };
	luksdxe_policy_ctx e = { fvs, n_fvs, &empty, pin, 1, 0, 0, 0, NULL, 0 };
	p = join(inner, il, file, fl, &len);
	assert_int_equal(decide(&e, p, len, &v), LUKSDXE_DENY_UNENCRYPTED);
	free(p);
}

/* Rule (c): an image handed over from memory by a running owner image, only under
 * systemd-stub's path VenMedia(55C5D1F8-04CD-46B5-8A20-E56CBB3052D0) - the path systemd
 * 252's src/boot/efi/linux.c builds (STUB_PAYLOAD_GUID, one MEDIA_VENDOR_DP node of 20
 * bytes, no data), and the one the firmware image's console shows when the UKI starts its
 * kernel.  Written out here from those sources, not from policy.h. */
static void test_owner_memory(void **state)
{
	(void)state;
	static const uint8_t stub[] = { 0x04, 0x03, 0x14, 0x00,
		0xf8, 0xd1, 0xc5, 0x55, 0xcd, 0x04, 0xb5, 0x46, 0x8a, 0x20, 0xe5, 0x6c, 0xbb, 0x30, 0x52, 0xd0,
		0x7f, 0xff, 0x04, 0x00 };
	uint8_t pinned[4] = { 0 };
	luksdxe_policy_ctx c = ctx_of(pinned, 0);
	size_t v, len, fl;
	uint8_t file[64];
	/* Not from memory (a device answers for the path): rule (b)'s refusal. */
	assert_int_equal(decide(&c, stub, sizeof(stub), &v), LUKSDXE_DENY_UNENCRYPTED);
	c.owner_running = 1;
	assert_int_equal(decide(&c, stub, sizeof(stub), &v), LUKSDXE_DENY_UNENCRYPTED);
	/* From memory while an owner image runs: admitted. */
	c.from_memory = 1;
	assert_int_equal(decide(&c, stub, sizeof(stub), &v), LUKSDXE_ALLOW_OWNER_MEMORY);
	/* From memory with no owner image running: refused as from memory. */
	c.owner_running = 0;
	assert_int_equal(decide(&c, stub, sizeof(stub), &v), LUKSDXE_DENY_MEMORY);
	c.owner_running = 1;
	/* The stub's node followed by a file node: no longer the stub's path. */
	fl = file_node(file, "\\kernel");
	uint8_t *p = join(stub, sizeof(stub) - 4, file, fl, &len);
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_DENY_MEMORY);
	free(p);
	/* A file node alone, from memory. */
	p = join(file, 0, file, fl, &len);
	assert_int_equal(decide(&c, p, len, &v), LUKSDXE_DENY_MEMORY);
	free(p);
	/* Another vendor GUID (one bit), a VenHw node, and the stub's node with 4 bytes of
	 * vendor data: each refused from memory. */
	uint8_t other[sizeof(stub)];
	memcpy(other, stub, sizeof(stub));
	other[4] ^= 0x01;
	assert_int_equal(decide(&c, other, sizeof(other), &v), LUKSDXE_DENY_MEMORY);
	memcpy(other, stub, sizeof(stub));
	other[0] = 0x01;
	other[1] = 0x04;
	assert_int_equal(decide(&c, other, sizeof(other), &v), LUKSDXE_DENY_MEMORY);
	uint8_t longer[sizeof(stub) + 4];
	memcpy(longer, stub, 20);
	longer[2] = 24;
	memset(longer + 20, 0, 4);
	memcpy(longer + 24, stub + 20, 4);
	assert_int_equal(decide(&c, longer, sizeof(longer), &v), LUKSDXE_DENY_MEMORY);
	/* Every captured plaintext device path with a file, handed over from memory (the
	 * bytes a loader read from a plaintext disk, under that disk's path): refused from
	 * memory; and, read from the device itself, refused by rule (b) as always. */
	size_t refused = 0;
	for (size_t i = 0; i < n_paths; i++) {
		if (strcmp(paths[i].kind, "fs") != 0 || strstr(paths[i].text, VENDOR_TEXT))
			continue;
		p = join(paths[i].bytes, paths[i].len - 4, file, fl, &len);
		c.from_memory = 1;
		assert_int_equal(decide(&c, p, len, &v), LUKSDXE_DENY_MEMORY);
		c.from_memory = 0;
		assert_int_equal(decide(&c, p, len, &v), LUKSDXE_DENY_UNENCRYPTED);
		free(p);
		refused++;
	}
	assert_true(refused >= 3);
	/* No path at all stays refused. */
	assert_int_equal(luksdxe_policy_decide(&c, NULL, 0, &v), LUKSDXE_DENY_NO_PATH);
}

static void test_verdict_text(void **state)
{
	(void)state;
	for (int v = LUKSDXE_ALLOW_FV; v <= LUKSDXE_VERDICT_LAST; v++) {
		const char *t = luksdxe_verdict_text((luksdxe_verdict)v);
		assert_non_null(t);
		assert_true(strlen(t) > 5);
		for (int w = LUKSDXE_ALLOW_FV; w < v; w++)
			assert_string_not_equal(t, luksdxe_verdict_text((luksdxe_verdict)w));
	}
	assert_string_equal(luksdxe_verdict_text((luksdxe_verdict)0), "?");
	assert_string_equal(luksdxe_verdict_text((luksdxe_verdict)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_shape),
		cmocka_unit_test(test_captured_images),
		cmocka_unit_test(test_captured_media),
		cmocka_unit_test(test_captured_loadfile),
		cmocka_unit_test(test_captured_pins),
		cmocka_unit_test(test_captured_verity),
		cmocka_unit_test(test_foreign_fv),
		cmocka_unit_test(test_edge_cases),
		cmocka_unit_test(test_fv_shapes),
		cmocka_unit_test(test_nested_volumes),
		cmocka_unit_test(test_owner_memory),
		cmocka_unit_test(test_verdict_text),
	};
	return cmocka_run_group_tests(tests, load_fixture, free_fixture);
}
