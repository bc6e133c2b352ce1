/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* AMD SEV / SEV-ES / SEV-SNP launch digests (see sev_launch.h).  The image and its footer
 * table were checked by ovmf_image.c; what is checked here is that the launch the caller
 * describes can be built from them (a section page aligned, an AP reset address present).
 * At the end, the LAUNCH_SECRET packet (ld_sev_secret_seal / ld_sev_secret_open). */
#include <string.h>

#include "base/endian.h"
#include "base/str.h"
#include "crypto/crypto.h"
#include "secret/sev_launch.h"

/* Offsets in the VMSA (AMD APM vol. 2, table B-4, "VMSA layout, save area"). */
#define VMSA_ES 0x000u /* segments: es cs ss ds fs gs gdtr ldtr idtr tr, 16 bytes each */
#define VMSA_EFER 0x0d0u
#define VMSA_CR4 0x148u
#define VMSA_CR0 0x158u
#define VMSA_DR7 0x160u
#define VMSA_DR6 0x168u
#define VMSA_RFLAGS 0x170u
#define VMSA_RIP 0x178u
#define VMSA_G_PAT 0x268u
#define VMSA_RDX 0x310u
#define VMSA_SEV_FEATURES 0x3b0u
#define VMSA_XCR0 0x3e8u
#define VMSA_MXCSR 0x408u
#define VMSA_X87_FCW 0x410u

enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_GDTR, SEG_LDTR, SEG_IDTR, SEG_TR };

/* SEV hashes table GUIDs (QEMU target/i386/sev.c, EFI byte order). */
static const uint8_t ht_guid[16] = { 0x06, 0xd6, 0x38, 0x94, 0x22, 0x4f, 0xc9, 0x4c,
				     0xb4, 0x79, 0xa7, 0x93, 0xd4, 0x11, 0xfd, 0x21 };
static const uint8_t ht_cmdline_guid[16] = { 0xd8, 0x2d, 0xd0, 0x97, 0x20, 0xbd, 0x94, 0x4c,
					     0xaa, 0x78, 0xe7, 0x71, 0x4d, 0x36, 0xab, 0x2a };
static const uint8_t ht_initrd_guid[16] = { 0x31, 0xf7, 0xba, 0x44, 0x2f, 0x3a, 0xd7, 0x4b,
					    0x9a, 0xf1, 0x41, 0xe2, 0x91, 0x69, 0x78, 0x1d };
static const uint8_t ht_kernel_guid[16] = { 0x37, 0x94, 0xe7, 0x4d, 0xd2, 0xab, 0x7f, 0x42,
					    0xb8, 0x35, 0xd5, 0xb1, 0x72, 0xd2, 0x04, 0x5b };
#define HT_ENTRY 50u /* GUID, UINT16 length, SHA-256 */
#define HT_SIZE (18u + 3u * HT_ENTRY)

uint32_t ld_sev_cpu_sig(uint32_t family, uint32_t model, uint32_t stepping)
{
	uint32_t fam_lo = family > 0xf ? 0xf : family;
	uint32_t fam_hi = family > 0xf ? (family - 0xf) & 0xff : 0;

	return (fam_hi << 20) | (((model >> 4) & 0xf) << 16) | ((fam_lo & 0xf) << 8) |
	       ((model & 0xf) << 4) | (stepping & 0xf);
}

static void seg(uint8_t *page, int i, uint16_t sel, uint16_t attrib, uint32_t limit, uint64_t base)
{
	uint8_t *s = page + VMSA_ES + 16u * (unsigned)i;

	ld_put_le16(s, sel);
	ld_put_le16(s + 2, attrib);
	ld_put_le32(s + 4, limit);
	ld_put_le64(s + 8, base);
}

void ld_sev_vmsa(uint8_t page[LD_SEV_PAGE], uint32_t eip, uint64_t sev_features, uint32_t vcpu_sig,
		 ld_sev_vmm vmm, ld_sev_vmsa_style style)
{
	/* Reset state as KVM sets it (APM vol. 2 table 14-1, plus EFER.SVME and CR4.MCE); the
	 * hypervisors differ in a few attribute bytes, RDX, PAT and the FPU control words. */
	uint16_t cs = 0x9b, ss = 0x93, tr = 0x8b;
	uint64_t g_pat = 0x0007040600070406ull, rdx = vcpu_sig;
	uint32_t mxcsr = 0x1f80;
	uint16_t fcw = 0x37f;

	if (vmm == LD_SEV_VMM_EC2) {
		cs = eip == LD_SEV_BSP_EIP ? 0x9a : 0x9b;
		ss = 0x92;
		tr = 0x83;
		rdx = 0x600;
	} else if (vmm == LD_SEV_VMM_GCE) {
		g_pat = 0x00070106;
		rdx = 0x600;
	}
	if (vmm != LD_SEV_VMM_QEMU || style == LD_SEV_VMSA_LEGACY) {
		mxcsr = 0;
		fcw = 0;
	}
	memset(page, 0, LD_SEV_PAGE);
	seg(page, SEG_ES, 0, 0x93, 0xffff, 0);
	seg(page, SEG_CS, 0xf000, cs, 0xffff, eip & 0xffff0000u);
	seg(page, SEG_SS, 0, ss, 0xffff, 0);
	seg(page, SEG_DS, 0, 0x93, 0xffff, 0);
	seg(page, SEG_FS, 0, 0x93, 0xffff, 0);
	seg(page, SEG_GS, 0, 0x93, 0xffff, 0);
	seg(page, SEG_GDTR, 0, 0, 0xffff, 0);
	seg(page, SEG_LDTR, 0, 0x82, 0xffff, 0);
	seg(page, SEG_IDTR, 0, 0, 0xffff, 0);
	seg(page, SEG_TR, 0, tr, 0xffff, 0);
	ld_put_le64(page + VMSA_EFER, 0x1000);
	ld_put_le64(page + VMSA_CR4, 0x40);
	ld_put_le64(page + VMSA_CR0, 0x10);
	ld_put_le64(page + VMSA_DR7, 0x400);
	ld_put_le64(page + VMSA_DR6, 0xffff0ff0);
	ld_put_le64(page + VMSA_RFLAGS, 0x2);
	ld_put_le64(page + VMSA_RIP, eip & 0xffffu);
	ld_put_le64(page + VMSA_G_PAT, g_pat);
	ld_put_le64(page + VMSA_RDX, rdx);
	ld_put_le64(page + VMSA_SEV_FEATURES, sev_features);
	ld_put_le64(page + VMSA_XCR0, 0x1);
	ld_put_le32(page + VMSA_MXCSR, mxcsr);
	ld_put_le16(page + VMSA_X87_FCW, fcw);
}

static uint8_t *ht_entry(uint8_t *p, const uint8_t guid[16], const uint8_t hash[32])
{
	memcpy(p, guid, 16);
	ld_put_le16(p + 16, HT_ENTRY);
	memcpy(p + 18, hash, 32);
	return p + HT_ENTRY;
}

void ld_sev_hashes_table(uint8_t out[LD_SEV_HASHES_TABLE_SIZE], const uint8_t cmdline[32],
			 const uint8_t initrd[32], const uint8_t kernel[32])
{
	uint8_t *p = out;

	memset(out, 0, LD_SEV_HASHES_TABLE_SIZE);
	memcpy(p, ht_guid, 16);
	ld_put_le16(p + 16, HT_SIZE);
	p = ht_entry(p + 18, ht_cmdline_guid, cmdline);
	p = ht_entry(p, ht_initrd_guid, initrd);
	ht_entry(p, ht_kernel_guid, kernel);
}

int ld_snp_page(ld_snp_digest *g, uint8_t type, uint64_t gpa, const uint8_t contents[48])
{
	uint8_t info[0x70];

	/* PAGE_INFO (SNP firmware ABI, "SNP_LAUNCH_UPDATE"): DIGEST_CUR, CONTENTS, LENGTH,
	 * PAGE_TYPE, IMI_PAGE 0, VMPL3..1 permissions 0, reserved, GPA. */
	memset(info, 0, sizeof(info));
	memcpy(info, g->ld, 48);
	memcpy(info + 48, contents, 48);
	ld_put_le16(info + 96, sizeof(info));
	info[98] = type;
	ld_put_le64(info + 104, gpa);
	return ld_sha384(info, sizeof(info), g->ld);
}

int ld_snp_normal_pages(ld_snp_digest *g, uint64_t gpa, const uint8_t *data, size_t len)
{
	uint8_t h[LD_SHA384_SIZE];
	size_t off;
	int r = LD_OK;

	if (len % LD_SEV_PAGE != 0)
		return LD_ERR_INVALID;
	for (off = 0; off < len && r == LD_OK; off += LD_SEV_PAGE) {
		r = ld_sha384(data + off, LD_SEV_PAGE, h);
		if (r == LD_OK)
			r = ld_snp_page(g, LD_SNP_PAGE_NORMAL, gpa + off, h);
	}
	return r;
}

static int snp_pages_of(ld_snp_digest *g, uint8_t type, uint64_t gpa, uint32_t size)
{
	static const uint8_t zero[48];
	uint64_t off;
	int r = LD_OK;

	for (off = 0; off < size && r == LD_OK; off += LD_SEV_PAGE)
		r = ld_snp_page(g, type, gpa + off, zero);
	return r;
}

static int snp_section(ld_snp_digest *g, const ld_sev_section *s, const ld_ovmf_info *info,
		       const ld_sev_launch *l, char *err, size_t errlen)
{
	static const uint8_t zero[48];
	uint8_t page[LD_SEV_PAGE], h[LD_SHA384_SIZE];
	uint32_t off;
	int r;

	switch (s->type) {
	case LD_SEV_SECTION_SNP_SEC_MEM:
	case LD_SEV_SECTION_SVSM_CAA:
		if (s->size % LD_SEV_PAGE != 0)
			return ld_fail(err, errlen, "SEV metadata: ", "section size not a multiple of 4096");
		return snp_pages_of(g, s->type == LD_SEV_SECTION_SNP_SEC_MEM && l->vmm == LD_SEV_VMM_GCE ?
					       LD_SNP_PAGE_UNMEASURED : LD_SNP_PAGE_ZERO, s->gpa, s->size);
	case LD_SEV_SECTION_SNP_SECRETS:
		return ld_snp_page(g, LD_SNP_PAGE_SECRETS, s->gpa, zero);
	case LD_SEV_SECTION_CPUID:
		/* EC2 adds the CPUID pages after all other sections (see ld_sev_measure). */
		return l->vmm == LD_SEV_VMM_EC2 ? LD_OK : ld_snp_page(g, LD_SNP_PAGE_CPUID, s->gpa, zero);
	case LD_SEV_SECTION_KERNEL_HASHES:
		if (l->hashes == NULL) {
			if (s->size % LD_SEV_PAGE != 0)
				return ld_fail(err, errlen, "SEV metadata: ",
					       "kernel hashes section size not a multiple of 4096");
			return snp_pages_of(g, LD_SNP_PAGE_ZERO, s->gpa, s->size);
		}
		if (s->size != LD_SEV_PAGE)
			return ld_fail(err, errlen, "SEV metadata: ", "kernel hashes section is not one page");
		if (!info->has_hashes)
			return ld_fail(err, errlen, "OVMF footer table: ", "no SEV hashes table entry");
		off = info->hashes_gpa & (LD_SEV_PAGE - 1);
		if (off > LD_SEV_PAGE - LD_SEV_HASHES_TABLE_SIZE)
			return ld_fail(err, errlen, "OVMF footer table: ", "SEV hashes table crosses a page");
		memset(page, 0, sizeof(page));
		memcpy(page + off, l->hashes, LD_SEV_HASHES_TABLE_SIZE);
		r = ld_sha384(page, sizeof(page), h);
		return r == LD_OK ? ld_snp_page(g, LD_SNP_PAGE_NORMAL, s->gpa, h) : r;
	default:
		return ld_fail(err, errlen, "SEV metadata: ", "unknown section type");
	}
}

static int snp_measure(const uint8_t *img, size_t len, const ld_ovmf_info *info,
		       const ld_sev_launch *l, uint8_t out[48], char *err, size_t errlen)
{
	ld_snp_digest g;
	uint8_t vmsa[LD_SEV_PAGE], h[LD_SHA384_SIZE];
	uint32_t i;
	int r = LD_OK, has_hashes_section = 0;

	memset(&g, 0, sizeof(g));
	if (l->snp_seed != NULL) {
		memcpy(g.ld, l->snp_seed, 48);
	} else {
		if (len % LD_SEV_PAGE != 0)
			return ld_fail(err, errlen, "SNP: ", "image size not a multiple of 4096");
		r = ld_snp_normal_pages(&g, 0x100000000ull - len, img, len);
	}
	for (i = 0; i < info->n_sections && r == LD_OK; i++) {
		has_hashes_section |= info->sections[i].type == LD_SEV_SECTION_KERNEL_HASHES;
		r = snp_section(&g, &info->sections[i], info, l, err, errlen);
	}
	for (i = 0; l->vmm == LD_SEV_VMM_EC2 && i < info->n_sections && r == LD_OK; i++)
		if (info->sections[i].type == LD_SEV_SECTION_CPUID)
			r = ld_snp_page(&g, LD_SNP_PAGE_CPUID, info->sections[i].gpa, (const uint8_t[48]){ 0 });
	if (r != LD_OK)
		return r;
	if (l->hashes != NULL && !has_hashes_section)
		return ld_fail(err, errlen, "SNP: ", "a kernel is given but the image's SEV metadata has no kernel hashes section");
	for (i = 0; i < l->vcpus && r == LD_OK; i++) {
		ld_sev_vmsa(vmsa, i == 0 ? LD_SEV_BSP_EIP : info->ap_reset_ip, l->guest_features,
			    l->vcpu_sig, l->vmm, LD_SEV_VMSA_INIT2);
		r = ld_sha384(vmsa, sizeof(vmsa), h);
		if (r == LD_OK)
			r = ld_snp_page(&g, LD_SNP_PAGE_VMSA, LD_SNP_VMSA_GPA, h);
	}
	memcpy(out, g.ld, 48);
	return r;
}

int ld_sev_measure(const uint8_t *img, size_t len, const ld_ovmf_info *info,
		   const ld_sev_launch *l, uint8_t out[LD_SEV_DIGEST_MAX], size_t *outlen,
		   char *err, size_t errlen)
{
	ld_hash_ctx c;
	uint8_t vmsa[LD_SEV_PAGE];
	uint32_t i;
	int r;

	*outlen = 0;
	if (img == NULL || len == 0 || (uint64_t)len > 0x100000000ull)
		return ld_fail(err, errlen, "image: ", "empty or larger than 4 GiB");
	if (l->mode != LD_SEV_MODE_SEV) {
		if (l->vcpus == 0 || l->vcpus > LD_SEV_VCPUS_MAX)
			return ld_fail(err, errlen, "vcpus: ", "out of range");
		if (!info->has_reset_block)
			return ld_fail(err, errlen, "OVMF footer table: ", "no SEV-ES reset block (the APs' start address)");
		if (l->vcpus > 1 && info->ap_reset_ip == 0)
			return ld_fail(err, errlen, "OVMF footer table: ", "the SEV-ES reset block's address is 0");
	}
	if (l->hashes != NULL && l->mode != LD_SEV_MODE_SNP && (!info->has_hashes || info->hashes_gpa == 0))
		return ld_fail(err, errlen, "image: ", "a kernel is given but the image has no SEV hashes table");
	if (l->mode == LD_SEV_MODE_SNP) {
		r = snp_measure(img, len, info, l, out, err, errlen);
		if (r == LD_OK)
			*outlen = 48;
		return r;
	}
	r = ld_hash_init(&c, LD_HASH_SHA256);
	if (r == LD_OK)
		r = ld_hash_update(&c, img, len);
	if (r == LD_OK && l->hashes != NULL)
		r = ld_hash_update(&c, l->hashes, LD_SEV_HASHES_TABLE_SIZE);
	for (i = 0; l->mode == LD_SEV_MODE_SEVES && i < l->vcpus && r == LD_OK; i++) {
		ld_sev_vmsa(vmsa, i == 0 ? LD_SEV_BSP_EIP : info->ap_reset_ip, 0, l->vcpu_sig, l->vmm,
			    l->style);
		r = ld_hash_update(&c, vmsa, sizeof(vmsa));
	}
	if (r == LD_OK)
		r = ld_hash_final(&c, out);
	else
		ld_wipe(&c, sizeof(c));
	if (r == LD_OK)
		*outlen = 32;
	return r;
}

int ld_sev_launch_mac(const uint8_t tik[16], uint8_t api_major, uint8_t api_minor, uint8_t build,
		      uint32_t policy, const uint8_t digest[32], const uint8_t mnonce[16],
		      uint8_t out[32])
{
	uint8_t msg[1 + 3 + 4 + 32 + 16];

	msg[0] = 0x04;
	msg[1] = api_major;
	msg[2] = api_minor;
	msg[3] = build;
	ld_put_le32(msg + 4, policy);
	memcpy(msg + 8, digest, 32);
	memcpy(msg + 40, mnonce, 16);
	return ld_hmac(LD_HASH_SHA256, tik, 16, msg, sizeof(msg), out);
}

/* The LAUNCH_SECRET MAC of payload[0..len) into mac: HMAC-SHA256 (crypto/'s; mbedTLS's
 * HMAC needs its md layer, which is deliberately not built) over three pieces without
 * copying the payload: the inner hash continued from the keyed state, then the outer. */
static int secret_mac(const uint8_t tik[16], const uint8_t iv[16], const uint8_t *payload,
		      size_t len, const uint8_t measure[32], uint8_t mac[32])
{
	uint8_t pre[1 + 4 + 16 + 4 + 4], inner[32];
	ld_hmac_ctx h;
	ld_hash_ctx x;
	int r;

	if (len > UINT32_MAX)
		return LD_ERR_INVALID;
	pre[0] = 0x01;
	ld_put_le32(pre + 1, 0); /* FLAGS */
	memcpy(pre + 5, iv, 16);
	ld_put_le32(pre + 21, (uint32_t)len); /* GUEST_LENGTH */
	ld_put_le32(pre + 25, (uint32_t)len); /* TRANS_LENGTH */
	r = ld_hmac_init(&h, LD_HASH_SHA256, tik, 16);
	if (r != LD_OK)
		return r;
	x = h.inner;
	r = ld_hash_update(&x, pre, sizeof(pre));
	if (r == LD_OK)
		r = ld_hash_update(&x, payload, len);
	if (r == LD_OK)
		r = ld_hash_update(&x, measure, 32);
	if (r == LD_OK)
		r = ld_hash_final(&x, inner);
	x = h.outer;
	if (r == LD_OK)
		r = ld_hash_update(&x, inner, sizeof(inner));
	if (r == LD_OK)
		r = ld_hash_final(&x, mac);
	ld_wipe(inner, sizeof(inner));
	ld_wipe(&x, sizeof(x));
	ld_hmac_wipe(&h);
	return r;
}

int ld_sev_secret_seal(const uint8_t tek[16], const uint8_t tik[16], const uint8_t iv[16],
		       const uint8_t measure[32], const uint8_t *data, size_t len,
		       uint8_t hdr[LD_SEV_SECRET_HDR_SIZE], uint8_t *payload)
{
	int r = ld_aes_ctr(tek, 16, iv, data, payload, len);

	if (r != LD_OK)
		return r;
	ld_put_le32(hdr, 0); /* FLAGS: not compressed */
	memcpy(hdr + 4, iv, 16);
	return secret_mac(tik, iv, payload, len, measure, hdr + 20);
}

int ld_sev_secret_open(const uint8_t tek[16], const uint8_t tik[16], const uint8_t measure[32],
		       const uint8_t hdr[LD_SEV_SECRET_HDR_SIZE], const uint8_t *payload,
		       size_t len, uint8_t *data)
{
	uint8_t mac[32];
	int r;

	if (ld_le32(hdr) != 0)
		return LD_ERR_UNSUPPORTED;
	r = secret_mac(tik, hdr + 4, payload, len, measure, mac);
	if (r == LD_OK && !ld_ct_equal(mac, hdr + 20, sizeof(mac)))
		r = LD_ERR_KEY;
	if (r == LD_OK)
		r = ld_aes_ctr(tek, 16, hdr + 4, payload, data, len);
	return r;
}
