/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Unit tests of secret/ovmf_image.c (OVMF footer table, SEV metadata) and
 * secret/sev_launch.c (VMSA pages, SNP page-info chain, LAUNCH_MEASURE HMAC).
 * Oracles, each with its origin beside it:
 *  - virtee/sev-snp-measure, commit 8f2b337e38bc83f87cd30f3253cdfe8e3e12cc3a:
 *    tests/test_vcpu_types.py (CPU signatures), tests/test_guest.py (SNP digests of their
 *    ovmf_AmdSev_suffix.bin fixture, whose footer facts are typed in below), and VMSA
 *    pages it wrote with --dump-vmsa (commands below; SHA-256 by sha256sum);
 *  - virtee/sevctl, commit 8b47f3a6b980525f4c1e9804661abbdda459e137: the SHA-256 of
 *    tests/data/vmsa0.bin and vmsa1.bin (legacy KVM_SEV_ES_INIT VMSAs, `sevctl vmsa build
 *    --family 25 --model 1 --stepping 1 --userspace qemu` per tests/vmsabuild.rs) and the
 *    launch blobs of tests/measurementbuild.rs;
 *  - virtee/sev, commit 9cf2adbffa209cc5becf7ff89ffdf624e7278ced: src/session/mod.rs verify();
 *  - virtee/sevctl (same commit): tests/secretbuild.rs, the one-secret LAUNCH_SECRET packet.
 * SHA-256 here is OpenSSL's; images are written byte by byte from the layout in
 * ovmf_image.h, independently of the parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/sha.h>

#include "secret/ovmf_image.h"
#include "secret/sev_launch.h"

static void unhex(const char *h, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void assert_sha256(const uint8_t *d, size_t n, const char *hex)
{
	uint8_t got[32], exp[32];
	SHA256(d, n, got);
	unhex(hex, exp, 32);
	assert_memory_equal(got, exp, 32);
}

/* ---- images ------------------------------------------------------------------------- */
static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, v & 0xffff); put16(p + 2, v >> 16); }

/* GUIDs in EFI byte order, typed from their text (96b582de-1fb2-45f7-baea-a366c55a082d ...). */
static const uint8_t g_footer[16] = { 0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45, 0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d };
static const uint8_t g_reset[16] = { 0xde, 0x71, 0xf7, 0x00, 0x7e, 0x1a, 0xcb, 0x4f, 0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4, 0x4e };
static const uint8_t g_hashes[16] = { 0x1f, 0x37, 0x55, 0x72, 0x3b, 0x3a, 0x04, 0x4b, 0x92, 0x7b, 0x1d, 0xa6, 0xef, 0xa8, 0xd4, 0x54 };
static const uint8_t g_secret[16] = { 0x61, 0xb3, 0x2e, 0x4c, 0x9b, 0x7d, 0xc3, 0x4c, 0x80, 0x81, 0x12, 0x7c, 0x90, 0xd3, 0xd2, 0x94 };
static const uint8_t g_meta[16] = { 0x66, 0x65, 0x88, 0xdc, 0x4a, 0x98, 0x98, 0x47, 0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc };

#define IMG 4096u
/* The footer facts of sev-snp-measure's tests/fixtures/ovmf_AmdSev_suffix.bin (edk2
 * stable202405 AmdSevX64): AP reset 0x80b004; hashes table 0x810c00, 0x400; secret
 * 0x810000, 0xc00; SEV metadata sections (gpa, size, type). */
static const uint32_t fixture_sections[][3] = {
	{ 0x800000, 0x9000, 1 }, { 0x80a000, 0x3000, 1 }, { 0x80d000, 0x1000, 2 }, { 0x80e000, 0x1000, 3 },
	{ 0x80f000, 0x1000, 4 }, { 0x810000, 0x1000, 0x10 }, { 0x811000, 0xf000, 1 },
};

/* Writes entry {data; len; guid} ending at *end, moves *end back. */
static void put_entry(uint8_t *img, size_t *end, const uint8_t guid[16], const uint8_t *data, size_t n)
{
	*end -= 18 + n;
	memcpy(img + *end, data, n);
	put16(img + *end + n, (unsigned)(18 + n));
	memcpy(img + *end + n + 2, guid, 16);
}

/* An image with the fixture's footer table and metadata (at 0x800 from the end). */
static void fixture_image(uint8_t img[IMG])
{
	uint8_t d[8];
	size_t end = IMG - 32 - 18, meta = IMG - 0x800, i;

	memset(img, 0xcc, IMG);
	memcpy(img + meta, "ASEV", 4);
	put32(img + meta + 4, 16 + 12 * 7);
	put32(img + meta + 8, 1);
	put32(img + meta + 12, 7);
	for (i = 0; i < 7; i++)
		for (size_t k = 0; k < 3; k++)
			put32(img + meta + 16 + 12 * i + 4 * k, fixture_sections[i][k]);
	put32(d, 0x80b004); put32(d + 4, 0);
	put_entry(img, &end, g_reset, d, 8);
	put32(d, 0x810c00); put32(d + 4, 0x400);
	put_entry(img, &end, g_hashes, d, 8);
	put32(d, 0x810000); put32(d + 4, 0xc00);
	put_entry(img, &end, g_secret, d, 8);
	put32(d, 0x800);
	put_entry(img, &end, g_meta, d, 4);
	put16(img + IMG - 32 - 18, (unsigned)(IMG - 32 - end)); /* footer: the whole table */
	memcpy(img + IMG - 32 - 16, g_footer, 16);
}

static void test_parse_fixture(void **state)
{
	static uint8_t img[IMG];
	ld_ovmf_info info;
	const uint8_t *d;
	size_t n;
	char err[128];
	(void)state;

	fixture_image(img);
	assert_int_equal(ld_ovmf_parse(img, IMG, &info, err, sizeof(err)), LD_OK);
	assert_true(info.has_footer && info.has_reset_block && info.has_hashes && info.has_secret && info.has_metadata);
	assert_int_equal(info.ap_reset_ip, 0x80b004);
	assert_int_equal(info.hashes_gpa, 0x810c00);
	assert_int_equal(info.hashes_size, 0x400);
	assert_int_equal(info.secret_base, 0x810000);
	assert_int_equal(info.secret_size, 0xc00);
	assert_int_equal(info.n_sections, 7);
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(info.sections[i].gpa, fixture_sections[i][0]);
		assert_int_equal(info.sections[i].size, fixture_sections[i][1]);
		assert_int_equal(info.sections[i].type, fixture_sections[i][2]);
	}
	assert_int_equal(ld_ovmf_table_find(img, IMG, g_secret, &d, &n, err, sizeof(err)), LD_OK);
	assert_int_equal(n, 8);
	assert_ptr_equal(d, img + IMG - 32 - 18 - 26 - 26 - 26); /* 3rd entry before the footer */
}

static void test_parse_no_footer(void **state)
{
	static uint8_t img[IMG];
	ld_ovmf_info info;
	const uint8_t *d;
	size_t n;
	char err[128];
	(void)state;

	memset(img, 0, IMG);
	assert_int_equal(ld_ovmf_parse(img, IMG, &info, err, sizeof(err)), LD_OK);
	assert_false(info.has_footer || info.has_reset_block || info.has_metadata);
	assert_int_equal(ld_ovmf_table_find(img, IMG, g_reset, &d, &n, err, sizeof(err)), LD_ERR_NOTFOUND);
	/* Too small to hold a footer: nothing, not an overread. */
	assert_int_equal(ld_ovmf_parse(img, 49, &info, err, sizeof(err)), LD_OK);
	assert_int_equal(ld_ovmf_parse(img, 0, &info, err, sizeof(err)), LD_OK);
}

/* Each corruption must be refused with a reason. */
static void test_parse_malformed(void **state)
{
	static uint8_t img[IMG];
	ld_ovmf_info info;
	char err[128];
	/* Layout of fixture_image, from the end: footer {len, GUID} at foot; reset block,
	 * hashes, secret entries (26 bytes each) and the metadata entry (22) before it. */
	size_t foot = IMG - 32 - 18, meta = IMG - 0x800;
	(void)state;

	struct {
		const char *what;
		size_t off;
		uint32_t val;
		int width;
	} cases[] = {
		{ "footer length beyond the image", foot, 0xffff, 2 },
		{ "footer length below one entry", foot, 17, 2 },
		{ "footer length leaves a partial entry", foot, (IMG - 32 - (foot - 22 - 26 - 26 - 26)) + 5, 2 },
		{ "entry length 0", foot - 18, 0, 2 },
		{ "entry length beyond the table", foot - 18, 0x400, 2 },
		{ "metadata offset beyond the image", foot - 100, IMG + 1, 4 },
		{ "metadata offset too small", foot - 100, 15, 4 },
		{ "metadata signature", meta, 0x56455341 + 1, 4 },
		{ "metadata version", meta + 8, 2, 4 },
		{ "metadata size beyond the image", meta + 4, 0x801, 4 },
		{ "metadata count beyond its size", meta + 12, 8, 4 },
		{ "metadata count huge", meta + 12, 0xffffffff, 4 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fixture_image(img);
		if (cases[i].width == 2)
			put16(img + cases[i].off, cases[i].val);
		else
			put32(img + cases[i].off, cases[i].val);
		err[0] = 0;
		print_message("# %s\n", cases[i].what);
		assert_int_equal(ld_ovmf_parse(img, IMG, &info, err, sizeof(err)), LD_ERR_INVALID);
		assert_true(err[0] != 0);
	}
	/* A GUID twice: the secret entry's GUID over the hashes entry's. */
	fixture_image(img);
	memcpy(img + foot - 42, g_secret, 16);
	assert_int_equal(ld_ovmf_parse(img, IMG, &info, err, sizeof(err)), LD_ERR_INVALID);
	/* Unknown GUIDs are skipped: the hashes entry renamed is just absent. */
	fixture_image(img);
	img[foot - 42] ^= 1;
	assert_int_equal(ld_ovmf_parse(img, IMG, &info, err, sizeof(err)), LD_OK);
	assert_false(info.has_hashes);
	assert_true(info.has_secret && info.has_metadata);
}

/* ---- CPU signatures and VMSAs ------------------------------------------------------ */
static void test_cpu_sig(void **state)
{
	(void)state;
	/* sev-snp-measure tests/test_vcpu_types.py */
	assert_int_equal(ld_sev_cpu_sig(14, 1, 2), 0x0e12);
	assert_int_equal(ld_sev_cpu_sig(23, 1, 2), 0x800f12);
}

static void test_vmsa(void **state)
{
	static uint8_t p[LD_SEV_PAGE];
	uint32_t milan = ld_sev_cpu_sig(25, 1, 1), epyc = ld_sev_cpu_sig(23, 1, 2);
	(void)state;

	/* sevctl tests/data/vmsa0.bin, vmsa1.bin (sha256sum): legacy KVM_SEV_ES_INIT, family 25
	 * model 1 stepping 1, AP reset 0x80b004 from its trimmed edk2-ovmf-20220126 image. */
	ld_sev_vmsa(p, LD_SEV_BSP_EIP, 0, milan, LD_SEV_VMM_QEMU, LD_SEV_VMSA_LEGACY);
	assert_sha256(p, sizeof(p), "f8b52f775502472e5797d2674d9de21f6abc05dc05e9bc49cbb7b6a13688d5e7");
	ld_sev_vmsa(p, 0x80b004, 0, milan, LD_SEV_VMM_QEMU, LD_SEV_VMSA_LEGACY);
	assert_sha256(p, sizeof(p), "bcee5cb289f72882da17abd8dca5e8a7e9f8e2033e7ad96b4db0ab1a383a6487");
	/* sev-snp-measure --dump-vmsa, vmsa0.bin and vmsa1.bin (AP reset 0x80b004):
	 *   --mode seves --vcpus 2 --vcpu-type EPYC-v4 */
	ld_sev_vmsa(p, LD_SEV_BSP_EIP, 0, epyc, LD_SEV_VMM_QEMU, LD_SEV_VMSA_INIT2);
	assert_sha256(p, sizeof(p), "8295cef559b57130391d59605890ef93297720b48bef9a8c3c985b9c3fb0788c");
	ld_sev_vmsa(p, 0x80b004, 0, epyc, LD_SEV_VMM_QEMU, LD_SEV_VMSA_INIT2);
	assert_sha256(p, sizeof(p), "7ff723da33f39dedbe8336bb697e0a2f76471690074d5902e1a8177cd5312c95");
	/*   --mode snp --vcpus 2 --vcpu-type EPYC-Milan --guest-features 0x21 */
	ld_sev_vmsa(p, LD_SEV_BSP_EIP, 0x21, milan, LD_SEV_VMM_QEMU, LD_SEV_VMSA_INIT2);
	assert_sha256(p, sizeof(p), "75fa05347e9be43f9d500bdefb65686ab0464eb7771daaaad91f807cb46b99a8");
	ld_sev_vmsa(p, 0x80b004, 0x21, milan, LD_SEV_VMM_QEMU, LD_SEV_VMSA_INIT2);
	assert_sha256(p, sizeof(p), "7cf249d321e4b7a57528abb273a3a25838422df02e436e00a601a4c48017a35d");
	/*   --mode seves --vcpus 2 --vmm-type ec2 (the style does not matter there) */
	ld_sev_vmsa(p, LD_SEV_BSP_EIP, 0, 0, LD_SEV_VMM_EC2, LD_SEV_VMSA_INIT2);
	assert_sha256(p, sizeof(p), "68f77db70cd037d5048ca3d14facee1da86e4185d8c5670d354e3cd5fe957ed8");
	ld_sev_vmsa(p, 0x80b004, 0, 0, LD_SEV_VMM_EC2, LD_SEV_VMSA_LEGACY);
	assert_sha256(p, sizeof(p), "42f5f188f830ef836d79fdf9a776c78d2c467f9dc312ae2eaa902a2dc1aa9bbc");
	/*   --mode snp --vcpus 2 --vmm-type gce */
	ld_sev_vmsa(p, LD_SEV_BSP_EIP, 1, 0, LD_SEV_VMM_GCE, LD_SEV_VMSA_INIT2);
	assert_sha256(p, sizeof(p), "a2b1355de1e1f11159d4cfaa28a748c6d19f63b330a7cb09696eda0c5f2f8ab8");
	ld_sev_vmsa(p, 0x80b004, 1, 0, LD_SEV_VMM_GCE, LD_SEV_VMSA_INIT2);
	assert_sha256(p, sizeof(p), "e62b24c0430d685360090aa7362d89bc9009a43794cdd274a57abb8fada49344");
}

/* ---- SNP digests --------------------------------------------------------------------- */
/* sev-snp-measure tests/test_guest.py on ovmf_AmdSev_suffix.bin, from the image digest
 * that test_snp_ovmf_hash_full_default asserts (086e2e91...): kernel and initrd
 * /dev/null (empty) or none. */
static void test_snp_published(void **state)
{
	static uint8_t img[IMG];
	static const struct {
		uint32_t vcpus;
		ld_sev_vmm vmm;
		uint64_t features;
		int kernel;
		const char *append, *digest;
	} v[] = {
		{ 1, LD_SEV_VMM_QEMU, 0x21, 1, "", "329c8ce0972ae52343b64d34a434a86f245dfd74f5ed7aae15d22efc78fb9683632b9b50e4e1d7fa41179ef98a7ef198" },
		{ 1, LD_SEV_VMM_QEMU, 0x1, 1, "console=ttyS0 loglevel=7", "6d287813eb5222d770f75005c664e34c204f385ce832cc2ce7d0d6f354454362f390ef83a92046c042e706363b4b08fa" },
		{ 1, LD_SEV_VMM_EC2, 0x21, 1, "", "0ce9ccc06bab55eebe8abc234f3df6514883977a68a591b71052498ab52b2f1aa415db338033946ef93aa8278c0d67fb" },
		{ 4, LD_SEV_VMM_GCE, 0x1, 1, "", "5c5debf100fc339f90276e761ee1f1658d08922c3b20e2a2e6c7a6c3370b2452a15a00eae11886a93d6fd1e7ab81e29d" },
		{ 1, LD_SEV_VMM_QEMU, 0x21, 0, NULL, "e1e1ca029dd7973ab9513295be68198472dcd4fc834bd9af9b63f6e8a1674dbf281a9278a4a2ebe0eed9f22adbcd0e2b" },
		{ 4, LD_SEV_VMM_QEMU, 0x1, 1, "", "5061fffb019493a903613d56d54b94912a1a2f9e4502385f5c194616753720a92441310ba6c4933de877c36e23046ad5" },
	};
	uint8_t seed[48], exp[48], out[LD_SEV_DIGEST_MAX], ht[LD_SEV_HASHES_TABLE_SIZE];
	uint8_t hk[32], hi[32], hc[32];
	ld_ovmf_info info;
	size_t n;
	char err[128];
	(void)state;

	fixture_image(img);
	assert_int_equal(ld_ovmf_parse(img, IMG, &info, err, sizeof(err)), LD_OK);
	unhex("086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa16aff8c374c2a55c467a50da6d466b74", seed, 48);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ld_sev_launch l = { .mode = LD_SEV_MODE_SNP, .vcpus = v[i].vcpus, .vcpu_sig = ld_sev_cpu_sig(23, 1, 2),
				    .vmm = v[i].vmm, .guest_features = v[i].features, .snp_seed = seed };
		if (v[i].kernel) {
			SHA256((const uint8_t *)"", 0, hk);
			SHA256((const uint8_t *)"", 0, hi);
			SHA256((const uint8_t *)v[i].append, strlen(v[i].append) + 1, hc);
			ld_sev_hashes_table(ht, hc, hi, hk);
			l.hashes = ht;
		}
		unhex(v[i].digest, exp, 48);
		assert_int_equal(ld_sev_measure(img, IMG, &info, &l, out, &n, err, sizeof(err)), LD_OK);
		assert_int_equal(n, 48);
		assert_memory_equal(out, exp, 48);
	}
}

/* ---- LAUNCH_MEASURE ------------------------------------------------------------------ */
/* LAUNCH_SECRET: sevctl's published one-secret packet (tests/secretbuild.rs "Full test":
 * TIK tests/data/secret/tik1.bin, TEK tek1.bin, --iv rFR07U3TLH2YnsUj2SVZ7A==, the blob's
 * first 32 bytes, secret 736869e5-84f0-4973-92ec-06879ce3da0b:secret1.txt, i.e.
 * "MY-LUKS-PASSPHRASE"; expected header_file and payload_file through base64 -d | xxd -p).
 * The table is typed in from the layout: header GUID, len 58, entry GUID, len 38, the 18
 * bytes, 6 bytes of padding. */
static void test_secret_packet(void **state)
{
	static const char table_hex[] =
		"42f5741edd71664d963eef4287ff173b3a000000"
		"e5696873f084734992ec06879ce3da0b26000000"
		"4d592d4c554b532d50415353504852415345" "000000000000";
	uint8_t tek[16], tik[16], iv[16], m[32], table[64], hdr[52], want_hdr[52];
	uint8_t payload[64], want_payload[64], back[64];
	(void)state;

	unhex("52a869b79ab9c13bb6a92b0561619cb3", tek, 16);
	unhex("c6d5a9956133050912b24bbe5c372686", tik, 16);
	unhex("ac5474ed4dd32c7d989ec523d92559ec", iv, 16);
	unhex("4cb780efad3b959427b4b8d1635fe2fac6ed75267eef9cf1a73e0fc7d873a412", m, 32);
	unhex(table_hex, table, 64);
	unhex("00000000ac5474ed4dd32c7d989ec523d92559ecbc152cde610e17f0aef557334a2d4fca"
	      "42c22c4312e3b5b85a3d47b0aac857e5", want_hdr, 52);
	unhex("d14ddee4f717bf4516f87e2d48114a39d0987ca135fa3dfc05cd9fb8ed7a9988"
	      "b223eb16c7b20d7e7fa58188f9e862f5db2ca29c36be9557c20b00ffdb0e5c3c", want_payload, 64);
	assert_int_equal(ld_sev_secret_seal(tek, tik, iv, m, table, 64, hdr, payload), LD_OK);
	assert_memory_equal(hdr, want_hdr, 52);
	assert_memory_equal(payload, want_payload, 64);
	assert_int_equal(ld_sev_secret_open(tek, tik, m, hdr, payload, 64, back), LD_OK);
	assert_memory_equal(back, table, 64);
	/* Every single changed byte of the packet or the measurement fails the MAC. */
	for (size_t i = 4; i < 52 + 64 + 32; i++) {
		uint8_t *p = i < 52 ? hdr + i : i < 116 ? payload + i - 52 : m + i - 116;
		*p ^= 0x40;
		assert_int_equal(ld_sev_secret_open(tek, tik, m, hdr, payload, 64, back), LD_ERR_KEY);
		*p ^= 0x40;
	}
	hdr[0] = 1; /* FLAGS: compressed */
	assert_int_equal(ld_sev_secret_open(tek, tik, m, hdr, payload, 64, back), LD_ERR_UNSUPPORTED);
}

static void test_launch_mac(void **state)
{
	uint8_t tik[16], digest[32], blob[48], mac[32];
	(void)state;

	/* virtee/sev src/session/mod.rs verify(): API 0.18 build 15, policy 0, digest SHA-256(""). */
	unhex("66320db73158a35a255d051758e95ed4", tik, 16);
	unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", digest, 32);
	unhex("6faab2daae389bcd3405a05d6cafe33c0414f7bedd0bae19ba5f38b7fd1664ea"
	      "4fbe0bedbad6c86ae8f68971d103e554", blob, 48);
	assert_int_equal(ld_sev_launch_mac(tik, 0x00, 0x12, 0x0f, 0, digest, blob + 32, mac), LD_OK);
	assert_memory_equal(mac, blob, 32);

	/* virtee/sevctl tests/measurementbuild.rs, TIK tests/data/measurement/tik1.bin, API 1.40
	 * build 40, policy 3, --launch-digest xkvRAfya... (base64 -d | xxd -p), blob lswbxWxI...
	 * (base64 -d | xxd -p). */
	unhex("3569cf61a32a602b87185ac6e0f55913", tik, 16);
	unhex("c64bd101fc9a4a2ce0a27c408d9200911f139a895469b04a40a6fa2890830d23", digest, 32);
	unhex("96cc1bc56c48f60724c9ad7a250bdd16da5898d3b86fede29c03e9aac828048e"
	      "c313fab511c216b1505b1b2ea9903c40", blob, 48);
	assert_int_equal(ld_sev_launch_mac(tik, 1, 40, 40, 3, digest, blob + 32, mac), LD_OK);
	assert_memory_equal(mac, blob, 32);
	/* Its SEV-ES case: API 1.49 build 6, policy 5, 4 vCPUs; digest = SHA-256 of the
	 * trimmed firmware || vmsa0.bin || vmsa1.bin x 3 (Python hashlib over their files),
	 * blob /o0nzDKE5... (base64 -d | xxd -p). */
	unhex("847b5ab6db136ea67dc5a95478ebe7e5ebbe93e9e74bdb1284165f9007a4e367", digest, 32);
	unhex("fe8d27cc3284e5782d56751958f85479afd6658ad328b13147b282c2e31d6c07"
	      "2dbe959f5d3164db528c6480008509f2", blob, 48);
	assert_int_equal(ld_sev_launch_mac(tik, 1, 49, 6, 5, digest, blob + 32, mac), LD_OK);
	assert_memory_equal(mac, blob, 32);
	/* One input off: another MAC. */
	assert_int_equal(ld_sev_launch_mac(tik, 1, 49, 6, 7, digest, blob + 32, mac), LD_OK);
	assert_memory_not_equal(mac, blob, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_fixture),   cmocka_unit_test(test_parse_no_footer),
		cmocka_unit_test(test_parse_malformed), cmocka_unit_test(test_cpu_sig),
		cmocka_unit_test(test_vmsa),            cmocka_unit_test(test_snp_published),
		cmocka_unit_test(test_launch_mac),      cmocka_unit_test(test_secret_packet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
