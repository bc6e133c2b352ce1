/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* lukstool measure: the AMD SEV / SEV-ES / SEV-SNP launch digest a guest owner expects
 * for a firmware image, with the options of virtee's sev-snp-measure (the same options
 * give the same digest), and the check of the launch-measurement blob that QMP
 * query-sev-launch-measure returns.  The work is in secret/ovmf_image.c (the image's
 * footer table and SEV metadata) and secret/sev_launch.c (VMSA, hashes table, digests). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "crypto/crypto.h"
#include "mbedtls/base64.h"
#include "secret/ovmf_image.h"
#include "secret/sev_launch.h"
#include "tools/hostdev.h"
#include "tools/lukstool.h"
#include "tools/mk_util.h"

#define IMAGE_MAX (256u << 20)
#define BLOB_SIZE 48u /* MEASURE (32) || MNONCE (16) */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: lukstool measure --mode sev|seves|snp --ovmf PATH [--vcpus N]\n"
"         [--vcpu-type NAME | --vcpu-sig VALUE | --vcpu-family F --vcpu-model M --vcpu-stepping S]\n"
"         [--vmm-type QEMU|ec2|gce] [--vmsa-style init2|legacy]\n"
"         [--kernel PATH [--initrd PATH] [--append CMDLINE]] [--guest-features VALUE]\n"
"         [--snp-ovmf-hash HEX] [--output-format hex|base64]\n"
"         [--verify-launch-blob B64 --tik FILE --policy N --api-major N --api-minor N --build N]\n"
"       lukstool measure --digest HEX|B64 --verify-launch-blob B64 --tik FILE --policy N ...\n"
"\n"
"Prints the launch digest that the AMD secure processor computes when the host launches\n"
"PATH (the pflash unit 0 image, e.g. build/ovmf/OVMF-LuksDxe.fd) this way, alone on the\n"
"last line: SEV and SEV-ES a SHA-256, SNP a SHA-384.  The options are those of virtee's\n"
"sev-snp-measure and give the same digest.\n"
"\n"
"  --mode sev|seves|snp      the guest's SEV generation\n"
"  --vcpus N                 vCPUs (seves, snp): one VMSA page each\n"
"  --vcpu-type NAME          a QEMU CPU model: EPYC, EPYC-v1..v4, EPYC-IBPB, EPYC-Rome,\n"
"                            EPYC-Rome-v1..v3, EPYC-Milan, EPYC-Milan-v1, -v2, EPYC-Genoa,\n"
"                            EPYC-Genoa-v1, EPYC-Turin\n"
"  --vcpu-sig VALUE          or the CPUID 1 EAX signature itself (0x... or decimal)\n"
"  --vcpu-family F --vcpu-model M --vcpu-stepping S   or its parts\n"
"  --vmm-type QEMU|ec2|gce   the hypervisor (default QEMU)\n"
"  --vmsa-style init2|legacy how QEMU/KVM build an SEV-ES VMSA (default init2):\n"
"                            init2  = KVM_SEV_INIT2 (Linux >= 6.10 with QEMU >= 9.1), MXCSR\n"
"                                     0x1f80 and FCW 0x37f, what sev-snp-measure assumes;\n"
"                            legacy = KVM_SEV_ES_INIT (QEMU 7.2 as in Debian 12, or any\n"
"                                     QEMU on an older kernel), MXCSR and FCW 0.\n"
"                            SNP launches always use init2.\n"
"  --kernel/--initrd/--append  measured direct boot (QEMU -kernel/-initrd/-append): adds\n"
"                            QEMU's SEV hashes table; the image must advertise one\n"
"  --guest-features VALUE    SNP: the VMSA's SEV_FEATURES (default 0x1)\n"
"  --snp-ovmf-hash HEX       SNP: start from this digest of the image (the image is then\n"
"                            read only for its footer table and SEV metadata)\n"
"  --output-format hex|base64\n"
"  -v, --verbose             print what the image advertises (footer table, SEV\n"
"                            metadata) on stderr\n"
"\n"
"Checking a launch (SEV, SEV-ES): --verify-launch-blob B64 is the \"data\" of QMP\n"
"query-sev-launch-measure (48 bytes: MEASURE then MNONCE); --tik FILE the 16-byte\n"
"transport integrity key of the session; --policy, --api-major, --api-minor, --build\n"
"what QMP query-sev reports.  MEASURE must be HMAC-SHA256(TIK, 0x04 || api-major ||\n"
"api-minor || build || policy (LE32) || digest || MNONCE), with the digest computed as\n"
"above or given with --digest.  Exit 0 when it is, 4 when it is not.\n"
"\n"
"Exit status: 0 success, 1 usage, 2 I/O error, 3 malformed image or blob, 4 the launch\n"
"blob does not match.\n");
}

/* QEMU's AMD EPYC CPU models (target/i386/cpu.c builtin_x86_defs): family, model, stepping. */
static const struct {
	const char *name;
	uint8_t family, model, stepping;
} cpu_types[] = {
	{ "EPYC", 23, 1, 2 },         { "EPYC-v1", 23, 1, 2 },     { "EPYC-v2", 23, 1, 2 },
	{ "EPYC-IBPB", 23, 1, 2 },    { "EPYC-v3", 23, 1, 2 },     { "EPYC-v4", 23, 1, 2 },
	{ "EPYC-Rome", 23, 49, 0 },   { "EPYC-Rome-v1", 23, 49, 0 }, { "EPYC-Rome-v2", 23, 49, 0 },
	{ "EPYC-Rome-v3", 23, 49, 0 }, { "EPYC-Milan", 25, 1, 1 },  { "EPYC-Milan-v1", 25, 1, 1 },
	{ "EPYC-Milan-v2", 25, 1, 1 }, { "EPYC-Genoa", 25, 17, 0 }, { "EPYC-Genoa-v1", 25, 17, 0 },
	{ "EPYC-Turin", 26, 0, 0 },
};

/* A number as Python's int(s, 0) reads it: 0x / 0o / 0b prefixes, else decimal. */
static int parse_auto(const char *s, uint64_t max, uint64_t *out)
{
	int base = 10;
	char *end;
	unsigned long long v;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16;
	else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		base = 8;
	else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		base = 2;
	if (base != 10)
		s += 2;
	if (!ld_is_digit(*s) && !(base == 16 && ld_hexval(*s) >= 0))
		return -1;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Hex (2 * n digits) or base64 of exactly n bytes. */
static int parse_bytes(const char *s, uint8_t *out, size_t n)
{
	size_t i, len = strlen(s), olen = 0;
	uint8_t tmp[64];

	if (len == 2 * n) {
		for (i = 0; i < n; i++) {
			int hi = ld_hexval(s[2 * i]), lo = ld_hexval(s[2 * i + 1]);
			if (hi < 0 || lo < 0)
				break;
			out[i] = (uint8_t)(hi << 4 | lo);
		}
		if (i == n)
			return 0;
	}
	if (n > sizeof(tmp) ||
	    mbedtls_base64_decode(tmp, sizeof(tmp), &olen, (const unsigned char *)s, len) != 0 ||
	    olen != n)
		return -1;
	memcpy(out, tmp, n);
	return 0;
}

static int hash_file(const char *path, uint8_t out[32])
{
	FILE *f = fopen(path, "rb");
	ld_hash_ctx c;
	uint8_t buf[65536];
	size_t n;
	int bad;

	if (f == NULL) {
		fprintf(stderr, "measure: %s: %s\n", path, strerror(errno));
		return -1;
	}
	ld_hash_init(&c, LD_HASH_SHA256);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		ld_hash_update(&c, buf, n);
	bad = ferror(f);
	fclose(f);
	ld_hash_final(&c, out);
	if (bad) {
		fprintf(stderr, "measure: %s: read error\n", path);
		return -1;
	}
	return 0;
}

/* QEMU's SEV hashes table for --kernel/--initrd/--append. */
static int hashes_table(const char *kernel, const char *initrd, const char *append,
			uint8_t out[LD_SEV_HASHES_TABLE_SIZE])
{
	uint8_t hk[32], hi[32], hc[32];
	ld_hash_ctx c;

	if (hash_file(kernel, hk) != 0)
		return -1;
	if (initrd != NULL) {
		if (hash_file(initrd, hi) != 0)
			return -1;
	} else {
		ld_hash(LD_HASH_SHA256, NULL, 0, hi);
	}
	/* The command line as the guest sees it: with its NUL ("\0" alone when none). */
	ld_hash_init(&c, LD_HASH_SHA256);
	if (append != NULL)
		ld_hash_update(&c, append, strlen(append));
	ld_hash_update(&c, "", 1);
	ld_hash_final(&c, hc);
	ld_sev_hashes_table(out, hc, hi, hk);
	return 0;
}

static void print_info(const char *path, size_t len, const ld_ovmf_info *i)
{
	static const char *const names[] = { "?", "SNP_SEC_MEM", "SNP_SECRETS", "CPUID", "SVSM_CAA" };
	uint32_t k;

	fprintf(stderr, "%s: %zu bytes, %s\n", path, len,
		i->has_footer ? "OVMF footer table" : "no OVMF footer table");
	if (i->has_reset_block)
		fprintf(stderr, "  SEV-ES reset block: AP reset address 0x%08x\n", i->ap_reset_ip);
	if (i->has_hashes)
		fprintf(stderr, "  SEV hashes table: 0x%08x, %u bytes\n", i->hashes_gpa, i->hashes_size);
	if (i->has_secret)
		fprintf(stderr, "  SEV secret area: 0x%08x, %u bytes\n", i->secret_base, i->secret_size);
	for (k = 0; k < i->n_sections; k++)
		fprintf(stderr, "  SEV metadata section: 0x%08x, %u bytes, type %u %s\n", i->sections[k].gpa,
			i->sections[k].size, i->sections[k].type,
			i->sections[k].type < 5 ? names[i->sections[k].type]
			: i->sections[k].type == LD_SEV_SECTION_KERNEL_HASHES ? "SNP_KERNEL_HASHES" : "?");
}

static void print_digest(const uint8_t *d, size_t n, int base64)
{
	unsigned char b64[LD_SEV_DIGEST_MAX * 2];
	size_t olen = 0, i;

	if (base64 && mbedtls_base64_encode(b64, sizeof(b64), &olen, d, n) == 0) {
		printf("%.*s\n", (int)olen, (const char *)b64);
		return;
	}
	for (i = 0; i < n; i++)
		printf("%02x", d[i]);
	printf("\n");
}

struct verify {
	const char *blob, *tik, *digest;
	uint32_t policy, major, minor, build;
	int have;          /* bits: policy 1, major 2, minor 4, build 8 */
};

static int verify_blob(const struct verify *v, const uint8_t *digest, size_t dlen)
{
	uint8_t blob[BLOB_SIZE], mac[32], *tik = NULL;
	size_t tlen = 0;
	int ok;

	if (dlen != 32) {
		fprintf(stderr, "measure: an SNP launch has no launch-measurement blob (use an attestation report)\n");
		return LT_USAGE;
	}
	if (parse_bytes(v->blob, blob, sizeof(blob)) != 0) {
		fprintf(stderr, "measure: --verify-launch-blob: not 48 bytes of base64 (or hex)\n");
		return LT_INVALID;
	}
	if (lt_read_file(v->tik, 17, &tik, &tlen) != 0 || tlen != 16) {
		fprintf(stderr, "measure: --tik %s: %s\n", v->tik,
			tik == NULL && errno != EFBIG ? strerror(errno) : "not a 16-byte key");
		if (tik)
			lt_free_wipe(tik, tlen);
		return tik == NULL && errno != EFBIG ? LT_IO : LT_USAGE;
	}
	ld_sev_launch_mac(tik, (uint8_t)v->major, (uint8_t)v->minor, (uint8_t)v->build, v->policy,
			  digest, blob + 32, mac);
	lt_free_wipe(tik, tlen);
	ok = ld_ct_equal(mac, blob, 32);
	ld_wipe(mac, sizeof(mac));
	if (!ok) {
		fprintf(stderr, "measure: the launch blob does NOT match this digest: the host did not "
				"launch this image this way (or the TIK, policy or API version differ)\n");
		return LT_BADKEY;
	}
	fprintf(stderr, "measure: the launch blob matches this digest\n");
	return LT_OK;
}

enum {
	O_MODE = 256, O_OVMF, O_VCPUS, O_VCPU_TYPE, O_VCPU_SIG, O_FAMILY, O_MODEL, O_STEPPING,
	O_VMM, O_STYLE, O_KERNEL, O_INITRD, O_APPEND, O_FEATURES, O_FORMAT, O_SEED, O_BLOB, O_TIK,
	O_POLICY, O_MAJOR, O_MINOR, O_BUILD, O_DIGEST,
};

static const struct option opts[] = {
	{ "mode", required_argument, NULL, O_MODE },
	{ "ovmf", required_argument, NULL, O_OVMF },
	{ "vcpus", required_argument, NULL, O_VCPUS },
	{ "vcpu-type", required_argument, NULL, O_VCPU_TYPE },
	{ "vcpu-sig", required_argument, NULL, O_VCPU_SIG },
	{ "vcpu-family", required_argument, NULL, O_FAMILY },
	{ "vcpu-model", required_argument, NULL, O_MODEL },
	{ "vcpu-stepping", required_argument, NULL, O_STEPPING },
	{ "vmm-type", required_argument, NULL, O_VMM },
	{ "vmsa-style", required_argument, NULL, O_STYLE },
	{ "kernel", required_argument, NULL, O_KERNEL },
	{ "initrd", required_argument, NULL, O_INITRD },
	{ "append", required_argument, NULL, O_APPEND },
	{ "guest-features", required_argument, NULL, O_FEATURES },
	{ "output-format", required_argument, NULL, O_FORMAT },
	{ "snp-ovmf-hash", required_argument, NULL, O_SEED },
	{ "verify-launch-blob", required_argument, NULL, O_BLOB },
	{ "tik", required_argument, NULL, O_TIK },
	{ "policy", required_argument, NULL, O_POLICY },
	{ "api-major", required_argument, NULL, O_MAJOR },
	{ "api-minor", required_argument, NULL, O_MINOR },
	{ "build", required_argument, NULL, O_BUILD },
	{ "digest", required_argument, NULL, O_DIGEST },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct args {
	const char *mode, *ovmf, *kernel, *initrd, *append, *seed;
	size_t vcpu_type; /* index in cpu_types, when have_type */
	int have_type;
	int64_t vcpus, family, model, stepping; /* -1: not given */
	int have_sig, base64, verbose;
	uint64_t sig, features;
	ld_sev_vmm vmm;
	ld_sev_vmsa_style style;
	struct verify v;
};

static int bad(const char *opt, const char *val)
{
	fprintf(stderr, "measure: bad %s value '%s' (see lukstool measure --help)\n", opt, val);
	return LT_USAGE;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	uint64_t n;
	uint32_t u;
	size_t i;
	int c;

	memset(a, 0, sizeof(*a));
	a->vcpus = a->family = a->model = a->stepping = -1;
	a->features = 0x1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		switch (c) {
		case O_MODE: a->mode = optarg; break;
		case O_OVMF: a->ovmf = optarg; break;
		case O_KERNEL: a->kernel = optarg; break;
		case O_INITRD: a->initrd = optarg; break;
		case O_APPEND: a->append = optarg; break;
		case O_SEED: a->seed = optarg; break;
		case O_VCPU_TYPE:
			for (i = 0; i < sizeof(cpu_types) / sizeof(cpu_types[0]); i++)
				if (!strcmp(optarg, cpu_types[i].name))
					break;
			if (i == sizeof(cpu_types) / sizeof(cpu_types[0]))
				return bad("--vcpu-type", optarg);
			a->vcpu_type = i;
			a->have_type = 1;
			break;
		case O_VCPUS: case O_FAMILY: case O_MODEL: case O_STEPPING:
			if (lt_parse_u32(optarg, 0x7fffffff, &u) != 0)
				return bad(opts[c - O_MODE].name, optarg);
			n = u;
			*(c == O_VCPUS ? &a->vcpus : c == O_FAMILY ? &a->family : c == O_MODEL ? &a->model
										 : &a->stepping) = (int64_t)n;
			break;
		case O_VCPU_SIG:
			if (parse_auto(optarg, UINT32_MAX, &a->sig) != 0)
				return bad("--vcpu-sig", optarg);
			a->have_sig = 1;
			break;
		case O_FEATURES:
			if (parse_auto(optarg, UINT64_MAX, &a->features) != 0)
				return bad("--guest-features", optarg);
			break;
		case O_VMM:
			if (!strcmp(optarg, "QEMU"))
				a->vmm = LD_SEV_VMM_QEMU;
			else if (!strcmp(optarg, "ec2"))
				a->vmm = LD_SEV_VMM_EC2;
			else if (!strcmp(optarg, "gce"))
				a->vmm = LD_SEV_VMM_GCE;
			else
				return bad("--vmm-type", optarg);
			break;
		case O_STYLE:
			if (!strcmp(optarg, "init2"))
				a->style = LD_SEV_VMSA_INIT2;
			else if (!strcmp(optarg, "legacy"))
				a->style = LD_SEV_VMSA_LEGACY;
			else
				return bad("--vmsa-style", optarg);
			break;
		case O_FORMAT:
			if (strcmp(optarg, "hex") && strcmp(optarg, "base64"))
				return bad("--output-format", optarg);
			a->base64 = !strcmp(optarg, "base64");
			break;
		case O_BLOB: a->v.blob = optarg; break;
		case O_TIK: a->v.tik = optarg; break;
		case O_DIGEST: a->v.digest = optarg; break;
		case O_POLICY: case O_MAJOR: case O_MINOR: case O_BUILD:
			if (parse_auto(optarg, c == O_POLICY ? UINT32_MAX : 0xff, &n) != 0)
				return bad(opts[c - O_MODE].name, optarg);
			*(c == O_POLICY ? &a->v.policy : c == O_MAJOR ? &a->v.major : c == O_MINOR ? &a->v.minor
										   : &a->v.build) = (uint32_t)n;
			a->v.have |= c == O_POLICY ? 1 : c == O_MAJOR ? 2 : c == O_MINOR ? 4 : 8;
			break;
		case 'v':
			a->verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return LT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "measure: unexpected argument '%s'\n", argv[optind]);
		return LT_USAGE;
	}
	return LT_OK;
}

/* The launch parameters from the arguments, checked as sev-snp-measure checks them. */
static int launch_params(const struct args *a, ld_sev_launch *l)
{
	size_t i;

	memset(l, 0, sizeof(*l));
	if (a->mode == NULL || a->ovmf == NULL) {
		fprintf(stderr, "measure: --mode and --ovmf are required (or --digest with --verify-launch-blob)\n");
		return LT_USAGE;
	}
	if (!strcmp(a->mode, "sev"))
		l->mode = LD_SEV_MODE_SEV;
	else if (!strcmp(a->mode, "seves"))
		l->mode = LD_SEV_MODE_SEVES;
	else if (!strcmp(a->mode, "snp"))
		l->mode = LD_SEV_MODE_SNP;
	else
		return bad("--mode", a->mode);
	if ((a->initrd || a->append) && !a->kernel) {
		fprintf(stderr, "measure: --initrd and --append need --kernel\n");
		return LT_USAGE;
	}
	if (a->seed && l->mode != LD_SEV_MODE_SNP) {
		fprintf(stderr, "measure: --snp-ovmf-hash only works with --mode snp\n");
		return LT_USAGE;
	}
	if (l->mode != LD_SEV_MODE_SEV) {
		if (a->vcpus < 1 || a->vcpus > LD_SEV_VCPUS_MAX) {
			fprintf(stderr, "measure: --mode %s needs --vcpus N (1..%u)\n", a->mode, LD_SEV_VCPUS_MAX);
			return LT_USAGE;
		}
		l->vcpus = (uint32_t)a->vcpus;
		if (a->family >= 0 || a->model >= 0 || a->stepping >= 0) {
			if (a->family < 0 || a->model < 0 || a->stepping < 0) {
				fprintf(stderr, "measure: --vcpu-family, --vcpu-model and --vcpu-stepping go together\n");
				return LT_USAGE;
			}
			l->vcpu_sig = ld_sev_cpu_sig((uint32_t)a->family, (uint32_t)a->model, (uint32_t)a->stepping);
		} else if (a->have_sig) {
			l->vcpu_sig = (uint32_t)a->sig;
		} else if (a->have_type) {
			i = a->vcpu_type;
			l->vcpu_sig = ld_sev_cpu_sig(cpu_types[i].family, cpu_types[i].model, cpu_types[i].stepping);
		} else if (a->vmm == LD_SEV_VMM_QEMU) {
			fprintf(stderr, "measure: --mode %s under QEMU needs --vcpu-type, --vcpu-sig or "
					"--vcpu-family/--vcpu-model/--vcpu-stepping\n", a->mode);
			return LT_USAGE;
		}
	}
	l->vmm = a->vmm;
	l->style = a->style;
	l->guest_features = a->features;
	return LT_OK;
}

int lt_cmd_measure(int argc, char **argv)
{
	struct args a;
	ld_sev_launch l;
	ld_ovmf_info *info = NULL;
	uint8_t *img = NULL, ht[LD_SEV_HASHES_TABLE_SIZE], seed[48], d[LD_SEV_DIGEST_MAX];
	size_t len = 0, dlen = 0;
	char err[160];
	int r = parse_args(argc, argv, &a);

	if (r != LT_OK)
		return r < 0 ? LT_OK : r;
	if (a.v.blob && (a.v.tik == NULL || a.v.have != 15)) {
		fprintf(stderr, "measure: --verify-launch-blob needs --tik, --policy, --api-major, --api-minor and --build\n");
		return LT_USAGE;
	}
	if (a.v.digest) {
		if (!a.v.blob || a.mode || a.ovmf) {
			fprintf(stderr, "measure: --digest goes with --verify-launch-blob, without --mode/--ovmf\n");
			return LT_USAGE;
		}
		if (parse_bytes(a.v.digest, d, 32) != 0)
			return bad("--digest", a.v.digest);
		print_digest(d, 32, a.base64);
		return verify_blob(&a.v, d, 32);
	}
	r = launch_params(&a, &l);
	if (r != LT_OK)
		return r;
	if (a.seed) {
		if (strlen(a.seed) != 96 || parse_bytes(a.seed, seed, 48) != 0)
			return bad("--snp-ovmf-hash", a.seed);
		l.snp_seed = seed;
	}
	if (a.kernel) {
		if (hashes_table(a.kernel, a.initrd, a.append, ht) != 0)
			return LT_IO;
		l.hashes = ht;
	}
	if (lt_read_file(a.ovmf, IMAGE_MAX, &img, &len) != 0) {
		fprintf(stderr, "measure: %s: %s\n", a.ovmf, strerror(errno));
		return LT_IO;
	}
	info = malloc(sizeof(*info));
	if (info == NULL) {
		r = LT_IO;
		goto out;
	}
	r = ld_ovmf_parse(img, len, info, err, sizeof(err));
	if (r == LD_OK && a.verbose)
		print_info(a.ovmf, len, info);
	if (r == LD_OK)
		r = ld_sev_measure(img, len, info, &l, d, &dlen, err, sizeof(err));
	if (r != LD_OK) {
		fprintf(stderr, "measure: %s: %s\n", a.ovmf, err);
		r = LT_INVALID;
		goto out;
	}
	print_digest(d, dlen, a.base64);
	r = a.v.blob ? verify_blob(&a.v, d, dlen) : LT_OK;
out:
	free(info);
	lt_free_wipe(img, len);
	return r;
}
