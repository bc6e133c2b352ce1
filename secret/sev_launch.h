/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The AMD SEV launch measurement a guest owner expects, computed from the firmware image
 * (ovmf_image.h) and the launch parameters, the way QEMU/KVM and the AMD secure processor
 * build it (and as virtee's sev-snp-measure computes it):
 *
 *   SEV     SHA-256(image || [hashes table])
 *   SEV-ES  SHA-256(image || [hashes table] || VMSA(BSP) || VMSA(AP) x (vcpus - 1))
 *   SNP     the SHA-384 chain over PAGE_INFO structures (SNP firmware ABI, "SNP_LAUNCH_
 *           UPDATE"): every 4 KiB page of the image at GPA 4 GiB - size, then each SEV
 *           metadata section the image advertises, then one VMSA page per vCPU.
 *
 * The hashes table is QEMU's SEV_HASH_TABLE for -kernel/-initrd/-append (measured direct
 * boot), padded to 16 bytes.  A VMSA is the initial register state of one vCPU: the BSP
 * starts at the reset vector 0xfffffff0, the APs at the SEV-ES reset block's address.
 *
 * QEMU/KVM build the SEV-ES VMSA in two ways, which differ in two fields:
 *   LD_SEV_VMSA_LEGACY  KVM_SEV_ES_INIT, the only way of QEMU 7.2 (Debian 12's) and of any
 *                       QEMU on a kernel before Linux 6.10: MXCSR 0 and x87 FCW 0;
 *   LD_SEV_VMSA_INIT2   KVM_SEV_INIT2 (Linux 6.10 and later with a QEMU that uses it: 9.1
 *                       and later, sev-guest property legacy-vm-type off): MXCSR 0x1f80 and
 *                       FCW 0x37f, their reset values; what sev-snp-measure assumes for QEMU.
 * EC2 and GCE set both to 0 whatever the style. */
#ifndef LD_SEV_LAUNCH_H
#define LD_SEV_LAUNCH_H

#include "base/common.h"
#include "secret/ovmf_image.h"

#define LD_SEV_PAGE 4096u
#define LD_SEV_HASHES_TABLE_SIZE 176u /* 168 bytes, padded to a multiple of 16 */
#define LD_SEV_DIGEST_MAX 48u         /* SHA-384 for SNP, SHA-256 (32) otherwise */
#define LD_SEV_BSP_EIP 0xfffffff0u
#define LD_SNP_VMSA_GPA 0xFFFFFFFFF000ull /* GPA (u64)-1, page aligned, bits 63:52 clear */
#define LD_SEV_VCPUS_MAX 512u

typedef enum { LD_SEV_MODE_SEV, LD_SEV_MODE_SEVES, LD_SEV_MODE_SNP } ld_sev_mode;
typedef enum { LD_SEV_VMM_QEMU, LD_SEV_VMM_EC2, LD_SEV_VMM_GCE } ld_sev_vmm;
typedef enum { LD_SEV_VMSA_INIT2, LD_SEV_VMSA_LEGACY } ld_sev_vmsa_style;

/* SNP PAGE_INFO page types. */
enum {
	LD_SNP_PAGE_NORMAL = 1,
	LD_SNP_PAGE_VMSA = 2,
	LD_SNP_PAGE_ZERO = 3,
	LD_SNP_PAGE_UNMEASURED = 4,
	LD_SNP_PAGE_SECRETS = 5,
	LD_SNP_PAGE_CPUID = 6,
};

/* CPUID Fn0000_0001_EAX from family, model, stepping (AMD pub. 25481): what QEMU puts in
 * RDX at reset.  A family above 15 is 15 plus the extended family. */
uint32_t ld_sev_cpu_sig(uint32_t family, uint32_t model, uint32_t stepping);

/* One vCPU's VMSA page at reset, starting at eip. */
void ld_sev_vmsa(uint8_t page[LD_SEV_PAGE], uint32_t eip, uint64_t sev_features, uint32_t vcpu_sig,
		 ld_sev_vmm vmm, ld_sev_vmsa_style style);

/* QEMU's SEV hashes table from the SHA-256 of the command line (with its NUL), of the
 * initrd and of the kernel. */
void ld_sev_hashes_table(uint8_t out[LD_SEV_HASHES_TABLE_SIZE], const uint8_t cmdline[32],
			 const uint8_t initrd[32], const uint8_t kernel[32]);

/* The SNP launch digest so far: 48 zero bytes at the start, or a caller's seed. */
typedef struct ld_snp_digest {
	uint8_t ld[LD_SEV_DIGEST_MAX];
} ld_snp_digest;
/* ld := SHA-384(PAGE_INFO{ ld, contents, 0x70, type, gpa }). */
int ld_snp_page(ld_snp_digest *g, uint8_t type, uint64_t gpa, const uint8_t contents[48]);
/* NORMAL pages of data (len a multiple of 4096) from gpa on. */
int ld_snp_normal_pages(ld_snp_digest *g, uint64_t gpa, const uint8_t *data, size_t len);

typedef struct ld_sev_launch {
	ld_sev_mode mode;
	uint32_t vcpus;            /* SEV-ES, SNP: 1..LD_SEV_VCPUS_MAX */
	uint32_t vcpu_sig;         /* RDX at reset under QEMU */
	ld_sev_vmm vmm;
	ld_sev_vmsa_style style;   /* SEV-ES under QEMU; SNP is always INIT2 */
	uint64_t guest_features;   /* SNP: the VMSA's SEV_FEATURES (SEV-ES: 0) */
	const uint8_t *hashes;     /* NULL, or the LD_SEV_HASHES_TABLE_SIZE bytes of a kernel */
	const uint8_t *snp_seed;   /* NULL, or 48 bytes: the SNP digest of the image itself
				    * (sev-snp-measure --snp-ovmf-hash); img is then not hashed */
} ld_sev_launch;

/* The expected launch digest of img (pflash unit 0, whose footer table and metadata
 * ld_ovmf_parse read into *info) into out (32 bytes, SNP: 48), *outlen its size.
 * LD_ERR_INVALID with a reason for an image or parameters that cannot be launched so. */
int ld_sev_measure(const uint8_t *img, size_t len, const ld_ovmf_info *info,
		   const ld_sev_launch *l, uint8_t out[LD_SEV_DIGEST_MAX], size_t *outlen,
		   char *err, size_t errlen);

/* The 32-byte MEASURE of LAUNCH_MEASURE (SEV API 6.5): HMAC-SHA256 keyed with the TIK
 * over 0x04 || api_major || api_minor || build || policy (LE32) || digest || mnonce. */
int ld_sev_launch_mac(const uint8_t tik[16], uint8_t api_major, uint8_t api_minor, uint8_t build,
		      uint32_t policy, const uint8_t digest[32], const uint8_t mnonce[16],
		      uint8_t out[32]);

/* LAUNCH_SECRET (SEV API, publication 55766, 6.6): the packet that injects data (a secret
 * table, padded to 16 bytes) into the guest's secret area.  The payload is the data
 * encrypted with AES-128-CTR under the TEK, the counter starting at IV; the 52-byte header is
 *   FLAGS (LE32, 0) || IV || HMAC-SHA256(TIK, 0x01 || FLAGS || IV || GUEST_LENGTH (LE32) ||
 *                                        TRANS_LENGTH (LE32) || payload || MEASURE)
 * with both lengths len and MEASURE the 32-byte LAUNCH_MEASURE of the launch (the first half
 * of the blob QMP query-sev-launch-measure returns).  sevctl's secret build and virtee/sev's
 * Session::secret compute the same. */
#define LD_SEV_SECRET_HDR_SIZE 52u
int ld_sev_secret_seal(const uint8_t tek[16], const uint8_t tik[16], const uint8_t iv[16],
		       const uint8_t measure[32], const uint8_t *data, size_t len,
		       uint8_t hdr[LD_SEV_SECRET_HDR_SIZE], uint8_t *payload);
/* The inverse, as the SEV firmware checks a packet: LD_ERR_KEY when the MAC (compared in
 * constant time) does not match, LD_ERR_UNSUPPORTED for FLAGS other than 0; else the
 * payload decrypted into data (len bytes) and LD_OK. */
int ld_sev_secret_open(const uint8_t tek[16], const uint8_t tik[16], const uint8_t measure[32],
		       const uint8_t hdr[LD_SEV_SECRET_HDR_SIZE], const uint8_t *payload,
		       size_t len, uint8_t *data);

#endif
