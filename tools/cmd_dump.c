/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* lukstool dump: shows a LUKS1/LUKS2 header as this project parsed and validated it,
 * in the spirit of cryptsetup luksDump (one "Field: value" per line); or, where DEVICE
 * has a dm-verity superblock and no LUKS header (or --verity-hash-offset says where one
 * is), that superblock as veritysetup dump shows it; or, for a file that starts with the
 * secret table GUID (lukstool mksecret's output), the table (tools/lt_secret_file.c). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/uuid.h"
#include "luks/luks_meta.h"
#include "tools/hostdev.h"
#include "tools/lt_secret_file.h"
#include "tools/lt_verity_opts.h"
#include "tools/lukstool.h"
#include "verity/verity.h"

#define DUMP_USAGE "Usage: lukstool dump [--header HDR] [--partition N] " \
		   "[--verity-hash-offset BYTES] DEVICE\n" \
		   "       lukstool dump [--show-secret] SECRET\n"
#define DUMP_HELP DUMP_USAGE \
"\n" \
"Shows what DEVICE holds, as LuksDxe parses it:\n" \
"  - a LUKS1/LUKS2 header (DEVICE a LUKS image, or a GPT/MBR disk image: its first LUKS\n" \
"    partition): version, UUID, cipher, segments, keyslots, digests, tokens, in the\n" \
"    manner of cryptsetup luksDump.  No key is needed and none is shown;\n" \
"  - a dm-verity superblock (DEVICE starts with one and has no LUKS header), as\n" \
"    veritysetup dump shows it;\n" \
"  - a secret table (SECRET, the file lukstool mksecret writes): its size and whether it\n" \
"    fits the secret area, every entry with its GUID and what it holds (passphrase,\n" \
"    volume key, pin, dm-verity root), and what the table asks of every volume.\n" \
"\n" \
"  --header HDR          read the LUKS header from HDR (a detached header)\n" \
"  --partition N         use partition N of a GPT/MBR disk image (N >= 1)\n" \
"  --verity-hash-offset BYTES\n" \
"                        show the dm-verity superblock at BYTES (a tree after the data)\n" \
"  --show-secret         SECRET: print passphrases and volume keys too (default: only\n" \
"                        their lengths)\n"

static void hex(const char *label, const uint8_t *p, size_t n)
{
	size_t i;

	printf("\t%-12s", label);
	for (i = 0; i < n; i++)
		printf("%02x%s", p[i], i + 1 == n ? "" : i % 16 == 15 ? "\n\t            " : " ");
	printf("\n");
}

/* A salt or digest value: its bytes, or its length when it is longer than we keep. */
static void blob(const char *label, const uint8_t *p, uint32_t n, uint32_t kept)
{
	if (n > kept)
		printf("\t%-12s(%u bytes, not shown)\n", label, n);
	else if (!n)
		printf("\t%-12s(empty)\n", label);
	else
		hex(label, p, n);
}

static const char *prio_name(int p)
{
	switch (p) {
	case LD_PRIO_IGNORE: return "ignore";
	case LD_PRIO_NORMAL: return "normal";
	case LD_PRIO_PREFER: return "prefer";
	default: return "unknown";
	}
}

static void mask(const char *label, uint32_t m)
{
	int i, first = 1;

	printf("\t%-12s", label);
	for (i = 0; i < 32; i++)
		if (m & (1u << i)) {
			printf("%s%d", first ? "" : " ", i);
			first = 0;
		}
	printf("%s\n", first ? "(none)" : "");
}

static void dump_keyslot(int id, const ld_keyslot *k, int version)
{
	printf("  %d: %s\n", id, k->type);
	printf("\tKey:        %u bits\n", k->key_size * 8);
	if (version == 2)
		printf("\tPriority:   %s\n", prio_name(k->priority));
	if (!k->is_luks2) {
		printf("\tArea offset:%llu [bytes]\n", (unsigned long long)k->area_offset);
		printf("\tArea length:%llu [bytes]\n", (unsigned long long)k->area_size);
		return;
	}
	printf("\tCipher:     %s\n", k->area_cipher);
	printf("\tCipher key: %u bits\n", k->area_key_size * 8);
	printf("\tPBKDF:      %s\n", k->kdf_type);
	if (k->kdf == LD_KDF_PBKDF2) {
		printf("\tHash:       %s\n", k->kdf_hash);
		printf("\tIterations: %u\n", k->iterations);
	} else if (k->kdf == LD_KDF_ARGON2I || k->kdf == LD_KDF_ARGON2ID) {
		printf("\tTime cost:  %u\n", k->iterations);
		printf("\tMemory:     %u\n", k->memory_kib);
		printf("\tThreads:    %u\n", k->cpus);
	}
	if (k->kdf != LD_KDF_OTHER)
		blob("Salt:", k->salt, k->salt_len, LD_SALT_MAX);
	if (k->bad)
		printf("\tUnusable:   %s\n", k->bad);
	printf("\tAF stripes: %u\n", k->stripes);
	printf("\tAF hash:    %s\n", k->af_hash);
	printf("\tArea offset:%llu [bytes]\n", (unsigned long long)k->area_offset);
	printf("\tArea length:%llu [bytes]\n", (unsigned long long)k->area_size);
	if (k->digest >= 0)
		printf("\tDigest ID:  %d\n", k->digest);
}

static void dump(const ld_volume *v)
{
	const ld_volume_info *in = ld_volume_get_info(v);
	const ld_luks_meta *m = ld_volume_meta(v);
	const char *uns = ld_volume_unsupported(v);
	int i;

	printf("LUKS header information\n");
	printf("Version:       \t%d\n", m->version);
	if (m->version == 2) {
		printf("Epoch:         \t%llu\n", (unsigned long long)m->seqid);
		printf("Metadata area: \t%llu [bytes]\n", (unsigned long long)m->hdr_size);
		printf("Keyslots area: \t%llu [bytes]\n", (unsigned long long)m->keyslots_size);
	}
	printf("UUID:          \t%s\n", m->uuid);
	if (m->version == 2) {
		printf("Label:         \t%s\n", m->label[0] ? m->label : "(no label)");
		printf("Subsystem:     \t%s\n", m->subsystem[0] ? m->subsystem : "(no subsystem)");
		printf("Flags:       \t%s\n", m->config_flags[0] ? m->config_flags : "(no flags)");
		printf("Checksum:      \t%s\n", m->csum_alg);
		printf("Header copies: \tprimary %s, secondary %s at %llu; using %s\n",
		       m->copy_ok[0] ? "ok" : "BAD", m->copy_ok[1] ? "ok" : "BAD",
		       (unsigned long long)m->copy_offset[1], m->copy_used ? "secondary" : "primary");
		printf("Requirements:  \t%s\n", m->requirements[0] ? m->requirements : "(none)");
	} else {
		printf("Cipher name:   \t%s\n", m->l1_cipher_name);
		printf("Cipher mode:   \t%s\n", m->l1_cipher_mode);
		printf("Hash spec:     \t%s\n", m->csum_alg);
		printf("Payload offset:\t%u\n", m->l1_payload_offset);
		printf("MK bits:       \t%u\n", in->key_bytes * 8);
	}
	printf("Unlockable:    \t%s\n", uns[0] ? uns : "yes");

	printf("\nData segments:\n");
	for (i = 0; i < LD_MAX_SEGMENTS; i++) {
		const ld_segment *s = &m->segments[i];
		if (!s->present)
			continue;
		printf("  %d: %s\n", i, s->type);
		printf("\toffset: %llu [bytes]\n", (unsigned long long)s->offset);
		if (s->dynamic)
			printf("\tlength: (whole device)\n");
		else
			printf("\tlength: %llu [bytes]\n", (unsigned long long)s->size);
		if (!strcmp(s->type, "crypt")) {
			printf("\tcipher: %s\n", s->cipher);
			printf("\tsector: %u [bytes]\n", s->sector_size);
			printf("\tiv_tweak: %llu\n", (unsigned long long)s->iv_tweak);
			if (s->integrity)
				printf("\tintegrity: %s\n", s->integrity_type);
		}
		if (s->flags[0])
			printf("\tflags : %s\n", s->flags);
	}
	printf("\tplaintext size: %llu [bytes]\n", (unsigned long long)in->data_size);

	printf("\nKeyslots:\n");
	for (i = 0; i < m->nkeyslots; i++) {
		int id = m->keyslot_order[i];
		if (m->keyslots[id].present)
			dump_keyslot(id, &m->keyslots[id], m->version);
		else if (m->version == 1)
			printf("  %d: %s\n", id, m->keyslots[id].type[0] ? "INVALID" : "DISABLED");
	}
	if (m->version == 2) {
		printf("Tokens:\n");
		for (i = 0; i < LD_MAX_TOKENS; i++) {
			const ld_token *t = &m->tokens[i];
			if (!t->present)
				continue;
			printf("  %d: %s\n", i, t->type);
			mask("Keyslot:", t->keyslots);
		}
	}
	printf("Digests:\n");
	for (i = 0; i < LD_MAX_DIGESTS; i++) {
		const ld_digest *d = &m->digests[i];
		if (!d->present)
			continue;
		printf("  %d: %s\n", i, d->type);
		if (m->version == 2) {
			mask("Keyslots:", d->keyslots);
			mask("Segments:", d->segments);
		}
		if (strcmp(d->type, "pbkdf2"))
			continue;
		printf("\tHash:       %s\n", d->hash);
		printf("\tIterations: %u\n", d->iterations);
		blob("Salt:", d->salt, d->salt_len, LD_SALT_MAX);
		blob("Digest:", d->digest, d->digest_len, LD_DIGEST_MAX);
		if (d->bad)
			printf("\tUnusable:   %s (no key can match)\n", d->bad);
	}
}

/* ---- dm-verity ------------------------------------------------------------------------ */

/* 1 if dev starts with a verity superblock's magic and not with a LUKS header. */
static int is_verity(ld_blockdev *dev)
{
	uint8_t b[8];

	return ld_volume_probe(dev) != LD_OK && ld_dev_read(dev, 0, b, sizeof(b)) == LD_OK &&
	       !memcmp(b, "verity\0\0", sizeof(b));
}

static void dump_verity_sb(const char *name, uint64_t off, const ld_verity_params *p,
			   const uint8_t uuid[16])
{
	ld_verity_geometry g;
	char u[37];
	size_t i;

	ld_uuid_format(uuid, u);
	printf("VERITY header information for %s\n", name);
	printf("Version:         \t1\n");
	printf("UUID:            \t%s\n", u);
	printf("Hash type:       \t%u\n", p->hash_type);
	printf("Data blocks:     \t%llu\n", (unsigned long long)p->data_blocks);
	printf("Data block size: \t%u\n", p->data_block_size);
	if (ld_verity_geometry_of(p, &g) == LD_OK)
		printf("Hash blocks:     \t%llu\n", (unsigned long long)g.hash_blocks);
	printf("Hash block size: \t%u\n", p->hash_block_size);
	printf("Hash algorithm:  \t%s\n", ld_hash_name(p->hash));
	printf("Salt:            \t");
	for (i = 0; i < p->salt_size; i++)
		printf("%02x", p->salt[i]);
	printf("%s\n", p->salt_size ? "" : "-");
	printf("Hash offset:     \t%llu [bytes]\n", (unsigned long long)off);
	if (ld_verity_geometry_of(p, &g) == LD_OK)
		printf("Tree:            \t%llu..%llu [bytes]\n", (unsigned long long)g.tree_offset,
		       (unsigned long long)g.hash_end);
}

/* The superblock at off on DEVICE (or its partition N): shown, or the reason it cannot
 * be.  LT_* status.  DEVICE itself is opened as a file: its data may well start with a
 * partition table. */
static int dump_verity_device(const char *device, uint32_t partition, uint64_t off)
{
	uint8_t uuid[16];
	ld_verity_params p;
	lt_target t;
	int r = lt_open_plain(&t, device, partition);

	if (r)
		return r;
	r = lt_verity_read_sb(t.data, device, off, &p, uuid, "lukstool");
	lt_close_target(&t);
	if (r)
		return r;
	p.hash_offset = off;
	dump_verity_sb(device, off, &p, uuid);
	return fflush(stdout) ? LT_IO : LT_OK;
}

int lt_cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "header", required_argument, NULL, 'H' },
		{ "partition", required_argument, NULL, 'p' },
		{ "verity-hash-offset", required_argument, NULL, 'V' },
		{ "show-secret", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *header = NULL;
	uint32_t partition = 0;
	uint64_t voff = 0;
	int verity = 0, show_secret = 0;
	ld_blockdev probe;
	char err[512];
	lt_target t;
	ld_volume *v;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			header = optarg;
			break;
		case 'p':
			if (lt_parse_u32(optarg, 1u << 20, &partition) || !partition) {
				fprintf(stderr, "lukstool dump: bad --partition %s\n", optarg);
				return LT_USAGE;
			}
			break;
		case 'V':
			if (lt_parse_u64(optarg, &voff)) {
				fprintf(stderr, "lukstool dump: bad --verity-hash-offset %s\n", optarg);
				return LT_USAGE;
			}
			verity = 1;
			break;
		case 'S':
			show_secret = 1;
			break;
		case 'h':
			printf(DUMP_HELP);
			return LT_OK;
		default:
			return LT_USAGE;
		}
	}
	if (argc - optind != 1 || (verity && header)) {
		fprintf(stderr, DUMP_USAGE);
		return LT_USAGE;
	}
	if (!verity && !header && !partition && lt_secret_file_is_table(argv[optind]))
		return lt_secret_file_dump(argv[optind], show_secret);
	if (show_secret) {
		fprintf(stderr, "lukstool dump: --show-secret is for a secret table, and %s is "
			"none\n", argv[optind]);
		return LT_USAGE;
	}
	if (!verity && !header && !partition && lt_hostdev_open(&probe, argv[optind]) == LD_OK) {
		verity = is_verity(&probe);
		lt_hostdev_close(&probe);
	}
	if (verity)
		return dump_verity_device(argv[optind], partition, voff);
	r = lt_open_target(&t, argv[optind], header, partition);
	if (r)
		return r;
	r = ld_volume_open(&v, t.hdr, t.data, &lt_hostdev_alloc, err, sizeof(err));
	if (r) {
		fprintf(stderr, "lukstool: %s: %s\n", header ? header : argv[optind], err);
		lt_close_target(&t);
		return lt_exit_status(r);
	}
	if (t.partition)
		printf("Partition:     \t%u\n", t.partition);
	dump(v);
	ld_volume_close(v);
	lt_close_target(&t);
	return fflush(stdout) ? LT_IO : LT_OK;
}
