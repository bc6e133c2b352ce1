/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* lukstool sev-secret build: the guest owner's SEV launch-secret packet, what
 * `sevctl secret build` writes, from the project's secret table (lukstool mksecret's
 * output, or GUID:FILE pairs), the session's TEK and TIK and the launch measurement.  The
 * packet itself (AES-128-CTR payload, header with the MAC) is secret/sev_launch.c's
 * ld_sev_secret_seal; here: the inputs, the secret area's limit and the output forms.
 * MEASURE is the first 32 bytes of the 48-byte blob (MEASURE || MNONCE) that QMP
 * query-sev-launch-measure returns.  SEV injects whole 16-byte blocks, so the table is
 * zero-padded to a multiple of 16.  tests/oracle/test_sev_secret.sh reproduces sevctl's
 * published packets.
 *
 * The table must fit the secret area the firmware advertises: read from the image's SEV
 * secret block (secret/ovmf_image.h) with --ovmf, else OVMF AmdSev's 3 KiB.
 *
 * lukstool sev-secret open checks a packet as the SEV firmware would (the MAC, compared in
 * constant time) and decrypts it back into a table, so that a packet built elsewhere
 * (sevctl) can be inspected with lukstool dump. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/common.h"
#include "base/endian.h"
#include "base/str.h"
#include "base/uuid.h"
#include "crypto/crypto.h"
#include "mbedtls/base64.h"
#include "secret/ovmf_image.h"
#include "secret/secret_table.h"
#include "secret/sev_launch.h"
#include "tools/hostdev.h"
#include "tools/lt_secret_file.h"
#include "tools/lukstool.h"
#include "tools/mk_util.h"

#define MAX_SECRETS 64u             /* Linux's efi_secret reads at most 64 entries */
#define FILE_MAX (1024u * 1024)    /* any table or secret file; far above any secret area */
#define MAX_IMAGE (128u * 1024 * 1024) /* firmware images are a few MiB */
#define MEASURE_SIZE 32u
#define BLOB_SIZE 48u               /* MEASURE || MNONCE */
#define HEADER_SIZE LD_SEV_SECRET_HDR_SIZE /* FLAGS || IV || MAC */

struct args {
	const char *table, *tek, *tik, *blob, *iv, *ovmf, *header_file, *payload_file;
	const char *secrets[MAX_SECRETS];
	size_t nsecrets;
	uint32_t area_size; /* --area-size, 0: not given */
	int b64_files;
	int open;           /* sev-secret open */
	const char *out;    /* open: -o TABLE */
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: lukstool sev-secret build (--table SECRET | --secret GUID:FILE...)\n"
"                 --tek FILE --tik FILE --launch-measure-blob BLOB\n"
"                 [--ovmf IMAGE | --area-size BYTES] [--iv HEX] [--base64-files]\n"
"                 HEADER PAYLOAD\n"
"\n"
"Writes the SEV LAUNCH_SECRET packet that injects a secret table into a guest's secret\n"
"area: HEADER (52 bytes: flags, IV, MAC) and PAYLOAD (the table, AES-128-CTR encrypted\n"
"with the TEK).  Prints both in base64 and the QMP and virsh commands that inject them.\n"
"\n"
"  --table SECRET         the table lukstool mksecret wrote (checked before use)\n"
"  --secret GUID:FILE     an entry holding FILE's exact bytes, as sevctl secret build\n"
"                         --secret does (repeatable; instead of --table)\n"
"  --tek FILE, --tik FILE the session's transport encryption and integrity keys, 16\n"
"                         bytes each (the files the session was started with, e.g.\n"
"                         sevctl session's tek.bin and tik.bin)\n"
"  --launch-measure-blob BLOB\n"
"                         the launch measurement: the base64 string QMP\n"
"                         query-sev-launch-measure returns (48 bytes: MEASURE, MNONCE),\n"
"                         or a file holding it in base64 or binary (48 or 32 bytes).\n"
"                         Only MEASURE enters the MAC.  Check it first (the expected\n"
"                         measurement of the image, see docs/owner-secret.md)\n"
"  --ovmf IMAGE           the firmware image the guest runs: the table must fit the\n"
"                         secret area it advertises (its SEV secret block), whose\n"
"                         address is printed as the QMP gpa\n"
"  --area-size BYTES      the secret area's size when no image is given (default 3072,\n"
"                         OVMF AmdSev's)\n"
"  --iv HEX               the 16-byte IV (32 hex digits), for tests only: an IV must\n"
"                         never be used twice with one TEK.  Default: random (getrandom)\n"
"  --base64-files         write HEADER and PAYLOAD base64-encoded, the form virsh\n"
"                         domsetlaunchsecstate --secrethdr/--secret reads (default binary,\n"
"                         as sevctl writes them)\n"
"\n"
"usage: lukstool sev-secret open --tek FILE --tik FILE --launch-measure-blob BLOB\n"
"                 -o TABLE HEADER PAYLOAD\n"
"\n"
"Checks a packet (this command's, or sevctl's) the way the SEV firmware does: the MAC\n"
"with the TIK over the header, payload and MEASURE, compared in constant time; then\n"
"decrypts the payload with the TEK into TABLE (mode 0600, not overwritten), which\n"
"lukstool dump shows.  HEADER and PAYLOAD may be binary or base64.  Exit status 4 when\n"
"the MAC does not match (wrong TIK or measurement, or a changed packet).\n");
}

/* Base64 (RFC 4648, padded; mbedTLS's) of n bytes in a fresh string, or NULL. */
static char *b64_alloc(const uint8_t *in, size_t n)
{
	size_t need = 0;
	char *s;

	mbedtls_base64_encode(NULL, 0, &need, in, n); /* the size, NUL included */
	s = malloc(need ? need : 1);
	if (s != NULL && mbedtls_base64_encode((unsigned char *)s, need, &need, in, n) != 0) {
		free(s);
		s = NULL;
	}
	return s;
}

/* Base64 text (a trailing newline allowed) of 1..max bytes into a fresh *out: 0, or -1. */
static int b64_decode(const void *text, size_t len, size_t max, uint8_t **out, size_t *n)
{
	size_t need = 0;

	*out = NULL;
	if (mbedtls_base64_decode(NULL, 0, &need, text, len) !=
	    MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL || need == 0 || need > max)
		return -1;
	*out = malloc(need);
	if (*out == NULL || mbedtls_base64_decode(*out, need, n, text, len) != 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "table", required_argument, NULL, 'T' },
		{ "secret", required_argument, NULL, 's' },
		{ "tek", required_argument, NULL, 'e' },
		{ "tik", required_argument, NULL, 'i' },
		{ "launch-measure-blob", required_argument, NULL, 'm' },
		{ "ovmf", required_argument, NULL, 'O' },
		{ "area-size", required_argument, NULL, 'A' },
		{ "iv", required_argument, NULL, 'V' },
		{ "base64-files", no_argument, NULL, 'B' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	if (argc < 2 || (strcmp(argv[1], "build") != 0 && strcmp(argv[1], "open") != 0)) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			usage(stdout);
			return -1;
		}
		fprintf(stderr, "sev-secret: the subcommands are build and open (see lukstool "
			"sev-secret --help)\n");
		return LT_USAGE;
	}
	a->open = strcmp(argv[1], "open") == 0;
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': a->out = optarg; break;
		case 'T': a->table = optarg; break;
		case 'e': a->tek = optarg; break;
		case 'i': a->tik = optarg; break;
		case 'm': a->blob = optarg; break;
		case 'O': a->ovmf = optarg; break;
		case 'V': a->iv = optarg; break;
		case 'B': a->b64_files = 1; break;
		case 's':
			if (a->nsecrets == MAX_SECRETS) {
				fprintf(stderr, "sev-secret: more than %u --secret\n", MAX_SECRETS);
				return LT_USAGE;
			}
			a->secrets[a->nsecrets++] = optarg;
			break;
		case 'A':
			if (lt_parse_u32(optarg, 1u << 30, &a->area_size) != 0 || a->area_size == 0) {
				fprintf(stderr, "sev-secret: bad --area-size %s\n", optarg);
				return LT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			fprintf(stderr, "sev-secret: see lukstool sev-secret --help\n");
			return LT_USAGE;
		}
	}
	if (a->open && (argc - optind != 2 || !a->tek || !a->tik || !a->blob || !a->out ||
			a->table || a->nsecrets || a->ovmf || a->area_size || a->iv ||
			a->b64_files)) {
		fprintf(stderr, "sev-secret open: need --tek, --tik, --launch-measure-blob, -o TABLE, "
			"HEADER and PAYLOAD, and nothing else (see --help)\n");
		return LT_USAGE;
	}
	if (!a->open && (argc - optind != 2 || !a->tek || !a->tik || !a->blob || a->out ||
			 (a->table != NULL) == (a->nsecrets != 0) || (a->ovmf && a->area_size))) {
		fprintf(stderr, "sev-secret: need --table or --secret (not both), --tek, --tik, "
			"--launch-measure-blob, at most one of --ovmf and --area-size, and HEADER "
			"PAYLOAD (see --help)\n");
		return LT_USAGE;
	}
	a->header_file = argv[optind];
	a->payload_file = argv[optind + 1];
	return LT_OK;
}

/* A 16-byte key file (TEK, TIK) into key. */
static int read_key(const char *what, const char *path, uint8_t key[16])
{
	uint8_t *b;
	size_t n;

	if (lt_read_file(path, 4096, &b, &n) != 0) {
		fprintf(stderr, "sev-secret: cannot read %s %s: %s\n", what, path, strerror(errno));
		return LT_IO;
	}
	if (n == 16)
		memcpy(key, b, 16);
	lt_free_wipe(b, n);
	if (n != 16) {
		fprintf(stderr, "sev-secret: %s %s has %zu bytes, not 16\n", what, path, n);
		return LT_USAGE;
	}
	return LT_OK;
}

/* Base64 text of 32 or 48 bytes: MEASURE into m.  0, or -1. */
static int blob_from_b64(const char *s, size_t len, uint8_t m[MEASURE_SIZE])
{
	uint8_t *blob;
	size_t n = 0;

	if (b64_decode(s, len, BLOB_SIZE, &blob, &n) != 0)
		return -1;
	if (n == BLOB_SIZE || n == MEASURE_SIZE)
		memcpy(m, blob, MEASURE_SIZE);
	free(blob);
	return n == BLOB_SIZE || n == MEASURE_SIZE ? 0 : -1;
}

/* --launch-measure-blob: a file (binary 32/48 bytes, or base64 text), else base64. */
static int read_measure(const char *arg, uint8_t m[MEASURE_SIZE])
{
	struct stat st;
	uint8_t *b;
	size_t n;
	int r = -1;

	if (stat(arg, &st) != 0)
		r = blob_from_b64(arg, strlen(arg), m);
	else if (lt_read_file(arg, 4096, &b, &n) != 0) {
		fprintf(stderr, "sev-secret: cannot read %s: %s\n", arg, strerror(errno));
		return LT_IO;
	} else {
		if (n == BLOB_SIZE || n == MEASURE_SIZE) {
			memcpy(m, b, MEASURE_SIZE);
			r = 0;
		} else {
			r = blob_from_b64((const char *)b, n, m);
		}
		lt_free_wipe(b, n);
	}
	if (r != 0) {
		fprintf(stderr, "sev-secret: --launch-measure-blob %s: not the 48-byte launch "
			"measurement (MEASURE, MNONCE) or its 32-byte MEASURE, in base64 or binary\n",
			arg);
		return LT_USAGE;
	}
	return LT_OK;
}

static int parse_iv(const char *s, uint8_t iv[16])
{
	size_t i;

	if (strlen(s) != 32)
		return -1;
	for (i = 0; i < 16; i++) {
		int hi = ld_hexval(s[2 * i]), lo = ld_hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		iv[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* The secret area's size, and its address when the image gives one (*gpa 0: unknown). */
static int area_of(const struct args *a, uint32_t *size, uint32_t *gpa)
{
	ld_ovmf_info *info;
	uint8_t *img;
	size_t n;
	char err[160];
	int r;

	*gpa = 0;
	if (a->ovmf == NULL) {
		*size = a->area_size ? a->area_size : LT_AMDSEV_SECRET_AREA;
		printf("sev-secret: secret area %u bytes (%s; give --ovmf IMAGE to read it from "
		       "the firmware)\n", *size, a->area_size ? "--area-size" :
		       "OVMF AmdSev's default");
		return LT_OK;
	}
	if (lt_read_file(a->ovmf, MAX_IMAGE, &img, &n) != 0) {
		fprintf(stderr, "sev-secret: cannot read %s: %s\n", a->ovmf, strerror(errno));
		return LT_IO;
	}
	info = malloc(sizeof(*info));
	r = info == NULL ? LD_ERR_NOMEM : ld_ovmf_parse(img, n, info, err, sizeof(err));
	lt_free_wipe(img, n);
	if (r == LD_OK && (!info->has_secret || info->secret_size == 0 || info->secret_base == 0)) {
		snprintf(err, sizeof(err), "advertises no secret area (its SEV secret block, "
			 "4c2eb361-7d9b-4cc3-8081-127c90d3d294, is absent or empty): not an image "
			 "that takes a launch secret");
		r = LD_ERR_INVALID;
	}
	if (r != LD_OK) {
		fprintf(stderr, "sev-secret: %s: %s\n", a->ovmf, r == LD_ERR_NOMEM ?
			"out of memory" : err);
		free(info);
		return lt_exit_status(r);
	}
	*gpa = info->secret_base;
	*size = info->secret_size;
	free(info);
	printf("sev-secret: secret area %u bytes at 0x%x (the SEV secret block of %s)\n", *size,
	       *gpa, a->ovmf);
	return LT_OK;
}

/* --secret GUID:FILE... into a fresh table, padded to 16. */
static int table_from_pairs(const struct args *a, uint8_t **table, size_t *cap, size_t *len)
{
	ld_secret_entry e[MAX_SECRETS];
	uint8_t *data[MAX_SECRETS];
	size_t dlen[MAX_SECRETS], i, n = 0;
	int r = LT_OK;

	*cap = LD_SECRET_HDR_SIZE + 15;
	for (; n < a->nsecrets; n++) {
		const char *s = a->secrets[n], *colon = strchr(s, ':');

		if (colon == NULL || ld_guid_parse(s, (size_t)(colon - s), e[n].guid) != LD_OK) {
			fprintf(stderr, "sev-secret: --secret wants GUID:FILE, got %s\n", s);
			r = LT_USAGE;
			break;
		}
		if (lt_read_file(colon + 1, FILE_MAX, &data[n], &dlen[n]) != 0) {
			fprintf(stderr, "sev-secret: cannot read %s: %s\n", colon + 1, strerror(errno));
			r = LT_IO;
			break;
		}
		e[n].data = data[n];
		e[n].len = dlen[n];
		*cap += LD_SECRET_ENTRY_HDR_SIZE + dlen[n]; /* <= 64 * (20 + 1 MiB): no overflow */
	}
	if (r == LT_OK) {
		*table = calloc(1, *cap);
		if (*table == NULL)
			r = LT_IO;
		else if (ld_secret_table_build(*table, *cap, len, e, n, 16) != LD_OK) {
			fprintf(stderr, "sev-secret: cannot build the table\n");
			r = LT_USAGE;
		}
	}
	for (i = 0; i < n; i++)
		lt_free_wipe(data[i], dlen[i]);
	ld_wipe(e, sizeof(e));
	return r;
}

/* --table SECRET: checked, and padded to 16 if it is not. */
static int table_from_file(const char *path, uint8_t **table, size_t *cap, size_t *len)
{
	uint8_t *b;
	size_t n;
	char err[160];

	if (lt_read_file(path, FILE_MAX, &b, &n) != 0) {
		fprintf(stderr, "sev-secret: cannot read %s: %s\n", path, strerror(errno));
		return LT_IO;
	}
	if (ld_secret_table_check(b, n, err, sizeof(err)) != LD_OK) {
		fprintf(stderr, "sev-secret: %s: not a secret table: %s\n", path, err);
		lt_free_wipe(b, n);
		return LT_INVALID;
	}
	*len = (n + 15) & ~(size_t)15;
	*cap = *len;
	*table = calloc(1, *cap);
	if (*table != NULL)
		memcpy(*table, b, n);
	lt_free_wipe(b, n);
	return *table != NULL ? LT_OK : LT_IO;
}

static int write_out(const char *path, const uint8_t *p, size_t n, int b64)
{
	char *s = NULL;
	int fd, r = LT_OK;

	if (b64) {
		s = b64_alloc(p, n);
		if (s == NULL)
			return LT_IO;
		p = (const uint8_t *)s;
		n = strlen(s);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || lt_pwrite_all(fd, p, n, 0) != 0 || close(fd) != 0) {
		fprintf(stderr, "sev-secret: cannot write %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		r = LT_IO;
	}
	free(s);
	return r;
}

static int build(const struct args *a)
{
	uint8_t tek[16], tik[16], iv[16], m[MEASURE_SIZE], hdr[HEADER_SIZE];
	uint8_t *table = NULL, *ct = NULL;
	size_t cap = 0, len = 0;
	uint32_t area = 0, gpa = 0;
	char *hb = NULL, *pb = NULL;
	int r;

	r = read_key("TEK", a->tek, tek);
	if (r == LT_OK)
		r = read_key("TIK", a->tik, tik);
	if (r == LT_OK)
		r = read_measure(a->blob, m);
	if (r == LT_OK && a->iv != NULL && parse_iv(a->iv, iv) != 0) {
		fprintf(stderr, "sev-secret: --iv wants 32 hex digits\n");
		r = LT_USAGE;
	} else if (r == LT_OK && a->iv == NULL && lt_random(iv, sizeof(iv)) != 0) {
		fprintf(stderr, "sev-secret: no randomness for the IV: %s\n", strerror(errno));
		r = LT_IO;
	}
	if (r == LT_OK)
		r = area_of(a, &area, &gpa);
	if (r == LT_OK)
		r = a->table ? table_from_file(a->table, &table, &cap, &len)
			     : table_from_pairs(a, &table, &cap, &len);
	if (r == LT_OK && len > area) {
		fprintf(stderr, "sev-secret: the table (%zu bytes padded) does not fit the %u-byte "
			"secret area; the firmware would not see it\n", len, area);
		r = LT_USAGE;
	}
	if (r == LT_OK && (ct = malloc(len)) == NULL)
		r = LT_IO;
	if (r == LT_OK && ld_sev_secret_seal(tek, tik, iv, m, table, len, hdr, ct) != LD_OK)
		r = LT_IO;
	if (r == LT_OK)
		r = write_out(a->header_file, hdr, sizeof(hdr), a->b64_files);
	if (r == LT_OK)
		r = write_out(a->payload_file, ct, len, a->b64_files);
	if (r == LT_OK && ((hb = b64_alloc(hdr, sizeof(hdr))) == NULL ||
			   (pb = b64_alloc(ct, len)) == NULL))
		r = LT_IO;
	if (r == LT_OK) {
		printf("sev-secret: wrote %s (header, %u bytes) and %s (payload, %zu bytes)%s\n",
		       a->header_file, HEADER_SIZE, a->payload_file, len,
		       a->b64_files ? ", base64" : "");
		printf("packet-header: %s\nsecret: %s\n", hb, pb);
		printf("qmp: { \"execute\": \"sev-inject-launch-secret\", \"arguments\": "
		       "{ \"packet-header\": \"%s\", \"secret\": \"%s\"", hb, pb);
		if (gpa)
			printf(", \"gpa\": %u", gpa);
		printf(" } }\n");
		printf("virsh: virsh domsetlaunchsecstate DOMAIN --secrethdr HEADER.b64 --secret "
		       "PAYLOAD.b64");
		if (gpa)
			printf(" --set-address %u", gpa);
		printf("   (files holding the base64 lines above: --base64-files)\n");
	}
	ld_wipe(tek, sizeof(tek));
	ld_wipe(tik, sizeof(tik));
	if (table != NULL)
		lt_free_wipe(table, cap);
	free(ct);
	free(hb);
	free(pb);
	return r;
}

/* A packet file: base64 text of want bytes (want 0: a multiple of 16), else those bytes
 * in binary.  (Binary ciphertext that is all base64 text is as likely as guessing it.) */
static int read_packet(const char *path, size_t want, uint8_t **out, size_t *len)
{
	uint8_t *b;
	size_t n;

	if (lt_read_file(path, 2 * FILE_MAX, &b, &n) != 0) {
		fprintf(stderr, "sev-secret: cannot read %s: %s\n", path, strerror(errno));
		return LT_IO;
	}
	if (b64_decode(b, n, FILE_MAX, out, len) == 0 && (want ? *len == want : *len % 16 == 0)) {
		free(b);
		return LT_OK;
	}
	free(*out);
	*out = NULL;
	if (want ? n == want : (n && n % 16 == 0 && n <= FILE_MAX)) {
		*out = b;
		*len = n;
		return LT_OK;
	}
	free(b);
	fprintf(stderr, "sev-secret: %s is no %s (binary or base64)\n", path,
		want ? "52-byte packet header" : "payload (a multiple of 16 bytes)");
	return LT_USAGE;
}

static int open_packet(const struct args *a)
{
	uint8_t tek[16], tik[16], m[MEASURE_SIZE];
	uint8_t *hdr = NULL, *ct = NULL, *table = NULL;
	size_t hlen = 0, len = 0;
	char err[160];
	int r, fd;

	r = read_key("TEK", a->tek, tek);
	if (r == LT_OK)
		r = read_key("TIK", a->tik, tik);
	if (r == LT_OK)
		r = read_measure(a->blob, m);
	if (r == LT_OK)
		r = read_packet(a->header_file, HEADER_SIZE, &hdr, &hlen);
	if (r == LT_OK)
		r = read_packet(a->payload_file, 0, &ct, &len);
	if (r == LT_OK && (table = malloc(len)) == NULL)
		r = LT_IO;
	if (r == LT_OK) {
		int e = ld_sev_secret_open(tek, tik, m, hdr, ct, len, table);

		if (e == LD_ERR_UNSUPPORTED)
			fprintf(stderr, "sev-secret: header FLAGS 0x%x: only 0 (not compressed) is "
				"known\n", ld_le32(hdr));
		else if (e == LD_ERR_KEY)
			fprintf(stderr, "sev-secret: the MAC does not match: wrong TIK or launch "
				"measurement, or the packet was changed; the SEV firmware would "
				"refuse it\n");
		r = e == LD_OK ? LT_OK : e == LD_ERR_UNSUPPORTED ? LT_UNSUPPORTED :
		    e == LD_ERR_KEY ? LT_BADKEY : LT_IO;
	}
	if (r == LT_OK && ld_secret_table_check(table, len, err, sizeof(err)) != LD_OK) {
		fprintf(stderr, "sev-secret: the MAC matches, but the payload is no secret table "
			"(wrong TEK?): %s\n", err);
		r = LT_INVALID;
	}
	if (r == LT_OK) {
		fd = open(a->out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || lt_pwrite_all(fd, table, len, 0) != 0 || close(fd) != 0) {
			fprintf(stderr, "sev-secret: cannot write %s: %s\n", a->out, strerror(errno));
			if (fd >= 0)
				close(fd);
			r = LT_IO;
		} else {
			printf("sev-secret: the MAC matches; wrote the %zu-byte table to %s (lukstool "
			       "dump %s shows it)\n", len, a->out, a->out);
		}
	}
	ld_wipe(tek, sizeof(tek));
	ld_wipe(tik, sizeof(tik));
	if (table != NULL)
		lt_free_wipe(table, len);
	free(hdr);
	free(ct);
	return r;
}

int lt_cmd_sevsecret(int argc, char **argv)
{
	struct args a;
	int r = parse(argc, argv, &a);

	if (r)
		return r < 0 ? LT_OK : r;
	return a.open ? open_packet(&a) : build(&a);
}
