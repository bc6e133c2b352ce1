/* lukstool mksecret: writes a confidential-computing secret table, the layout that OVMF's
 * AmdSev build publishes, Linux's efi_secret and GRUB's efisecret read, and LuksDxe takes
 * from the secret area or from the fw_cfg file opt/luksdxe/secret:
 *
 *   header  { EFI_GUID 1e74f542-71dd-4d66-963e-ef4287ff173b; UINT32 len_total }   20 bytes
 *   entry   { EFI_GUID guid; UINT32 len (20 + data); UINT8 data[len - 20] }       repeated
 *
 * all packed, little-endian, GUIDs in EFI byte order.  A passphrase entry holds the
 * passphrase bytes followed by one NUL.  The table is zero-padded to a multiple of 16 bytes
 * because SEV's LAUNCH_SECRET injects whole 16-byte blocks; len_total is the unpadded size.
 * The layout itself is built by the portable builder in luks/secret_table.c, the same
 * module whose parser the driver uses, so writer and reader cannot drift apart; this file
 * only gathers the entries and checks them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/ld_common.h"
#include "luks/secret_table.h"
#include "tools/lukstool.h"
#include "tools/mk_util.h"

#define HDR_SIZE LD_SECRET_ENTRY_HDR_SIZE
#define MAX_ENTRIES 64u          /* Linux's efi_secret reads at most 64 entries */
#define MAX_DATA (64u * 1024)    /* per entry; far above any real secret area */
#define AMDSEV_AREA 3072u        /* OVMF AmdSev secret area size */

struct entry {
	uint8_t guid[16];
	uint8_t *data; /* wiped and freed at the end */
	size_t len;
	int kind;      /* 0 generic passphrase, 1 per-volume passphrase, 2 raw entry */
	const char *src;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: lukstool mksecret [--passphrase-file FILE] [--volume UUID --passphrase-file FILE]...\n"
"                         [--entry GUID:FILE]... -o SECRET [--force]\n"
"\n"
"Writes SECRET, a confidential-computing secret table (GUID 1e74f542-71dd-4d66-963e-\n"
"ef4287ff173b) for SEV launch-secret injection or for QEMU's\n"
"  -fw_cfg name=opt/luksdxe/secret,file=SECRET\n"
"\n"
"  --passphrase-file FILE   the disk passphrase for every volume (entry 736869e5-84f0-4973-\n"
"                           92ec-06879ce3da0b); FILE's exact bytes, stored NUL-terminated\n"
"  --volume UUID --passphrase-file FILE\n"
"                           the passphrase of the LUKS volume with this UUID (an entry\n"
"                           whose GUID is the UUID); it wins over the generic one\n"
"  --entry GUID:FILE        any other entry, FILE's bytes stored as they are\n"
"  -o, --output SECRET      output file (mode 0600; refused if it exists, see --force)\n"
"  --force                  overwrite SECRET\n"
"\n"
"A passphrase file must not contain a NUL byte (the stored passphrase ends at the first\n"
"NUL).  The table is zero-padded to a multiple of 16 bytes.\n");
}

/* guid_text NULL: the disk-passphrase GUID. */
static int add_file_entry(struct entry *e, const char *guid_text, const char *file, int kind)
{
	uint8_t *b;
	size_t n;

	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->src = file;
	if (guid_text == NULL)
		memcpy(e->guid, ld_secret_disk_guid, 16);
	else if (ld_guid_parse(guid_text, strlen(guid_text), e->guid) != LD_OK) {
		fprintf(stderr, "mksecret: bad GUID %s\n", guid_text);
		return LT_USAGE;
	}
	if (mk_read_file(file, MAX_DATA, &b, &n) != 0) {
		fprintf(stderr, "mksecret: cannot read %s: %s\n", file, strerror(errno));
		return LT_IO;
	}
	if (kind != 2) {
		if (n == 0 || memchr(b, 0, n) != NULL) {
			fprintf(stderr, "mksecret: passphrase file %s is %s\n", file,
				n == 0 ? "empty" : "not usable: it contains a NUL byte");
			mk_free_wipe(b, n);
			return LT_USAGE;
		}
		/* Store the passphrase NUL-terminated, as efi_secret users and GRUB expect. */
		uint8_t *t = malloc(n + 1);
		if (t == NULL) {
			mk_free_wipe(b, n);
			return LT_IO;
		}
		memcpy(t, b, n);
		t[n] = 0;
		mk_free_wipe(b, n);
		b = t;
		n++;
	}
	e->data = b;
	e->len = n;
	return LT_OK;
}

int cmd_mksecret(int argc, char **argv)
{
	struct entry ents[MAX_ENTRIES];
	size_t nent = 0, i, j, total = 0;
	const char *out = NULL, *pending_volume = NULL;
	int force = 0, rc = LT_USAGE, fd = -1;
	uint8_t *table = NULL;
	size_t cap = 0;

	memset(ents, 0, sizeof(ents));
	for (i = 1; i < (size_t)argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < (size_t)argc ? argv[i + 1] : NULL;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			rc = LT_OK;
			goto out;
		} else if (strcmp(a, "--force") == 0) {
			force = 1;
			continue;
		}
		if (v == NULL) {
			fprintf(stderr, "mksecret: %s needs a value (see --help)\n", a);
			goto out;
		}
		i++;
		if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			out = v;
		} else if (strcmp(a, "--volume") == 0) {
			if (pending_volume != NULL) {
				fprintf(stderr, "mksecret: --volume %s has no --passphrase-file\n", pending_volume);
				goto out;
			}
			pending_volume = v;
		} else if (strcmp(a, "--passphrase-file") == 0 || strcmp(a, "--entry") == 0) {
			if (nent == MAX_ENTRIES) {
				fprintf(stderr, "mksecret: more than %u entries (Linux reads at most %u)\n",
					MAX_ENTRIES, MAX_ENTRIES);
				goto out;
			}
			int r;
			if (strcmp(a, "--entry") == 0) {
				const char *colon = strchr(v, ':');
				char g[37];
				if (pending_volume != NULL) {
					fprintf(stderr, "mksecret: --volume %s must be followed by --passphrase-file\n",
						pending_volume);
					goto out;
				}
				if (colon == NULL || colon - v != 36) {
					fprintf(stderr, "mksecret: --entry wants GUID:FILE, got %s\n", v);
					goto out;
				}
				memcpy(g, v, 36);
				g[36] = '\0';
				r = add_file_entry(&ents[nent], g, colon + 1, 2);
			} else if (pending_volume != NULL) {
				r = add_file_entry(&ents[nent], pending_volume, v, 1);
				pending_volume = NULL;
			} else {
				r = add_file_entry(&ents[nent], NULL, v, 0);
			}
			if (r != LT_OK) {
				rc = r;
				goto out;
			}
			nent++;
		} else {
			fprintf(stderr, "mksecret: unknown option %s (see --help)\n", a);
			goto out;
		}
	}
	if (pending_volume != NULL) {
		fprintf(stderr, "mksecret: --volume %s has no --passphrase-file\n", pending_volume);
		goto out;
	}
	if (out == NULL || nent == 0) {
		fprintf(stderr, "mksecret: need -o SECRET and at least one entry (see --help)\n");
		goto out;
	}
	/* Two entries with one GUID would make the choice depend on the reader. */
	for (i = 0; i < nent; i++)
		for (j = i + 1; j < nent; j++)
			if (memcmp(ents[i].guid, ents[j].guid, 16) == 0) {
				char g[37];
				ld_guid_format(ents[i].guid, g);
				fprintf(stderr, "mksecret: GUID %s given twice\n", g);
				goto out;
			}

	ld_secret_entry le[MAX_ENTRIES];
	cap = LD_SECRET_HDR_SIZE + 15;
	for (i = 0; i < nent; i++) {
		memcpy(le[i].guid, ents[i].guid, 16);
		le[i].data = ents[i].data;
		le[i].len = ents[i].len;
		cap += HDR_SIZE + ents[i].len; /* each len <= MAX_DATA, nent <= 64: no overflow */
	}
	table = calloc(1, cap);
	if (table == NULL) {
		rc = LT_IO;
		goto out;
	}
	int br = ld_secret_table_build(table, cap, &total, le, nent, 16);
	ld_wipe(le, sizeof(le));
	if (br != LD_OK || total == 0 || total > cap || total % 16 != 0) {
		fprintf(stderr, "mksecret: cannot build the table: %s\n", ld_strerror(br));
		rc = LT_IO;
		goto out;
	}

	fd = open(out, O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL), 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			fprintf(stderr, "mksecret: %s exists; use --force to overwrite it\n", out);
		else
			fprintf(stderr, "mksecret: cannot create %s: %s\n", out, strerror(errno));
		rc = errno == EEXIST ? LT_USAGE : LT_IO;
		goto out;
	}
	if (fchmod(fd, 0600) != 0 || mk_pwrite_all(fd, table, total, 0) != 0 || ftruncate(fd, (off_t)total) != 0 ||
	    fsync(fd) != 0) {
		fprintf(stderr, "mksecret: cannot write %s: %s\n", out, strerror(errno));
		rc = LT_IO;
		goto out;
	}
	for (i = 0; i < nent; i++) {
		char g[37];
		static const char *const kinds[] = { "disk passphrase (all volumes)",
						     "passphrase of volume", "entry" };
		ld_guid_format(ents[i].guid, g);
		printf("mksecret: %s %s: %zu bytes from %s\n", kinds[ents[i].kind], g,
		       ents[i].len, ents[i].src);
	}
	printf("mksecret: wrote %s: %zu entries, %zu bytes\n", out, nent, total);
	if (total > AMDSEV_AREA)
		fprintf(stderr, "mksecret: warning: %zu bytes do not fit OVMF AmdSev's %u-byte secret area\n",
			total, AMDSEV_AREA);
	rc = LT_OK;
out:
	if (fd >= 0)
		close(fd);
	if (table != NULL)
		mk_free_wipe(table, cap);
	for (i = 0; i < nent; i++)
		mk_free_wipe(ents[i].data, ents[i].len);
	return rc;
}
