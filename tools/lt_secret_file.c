/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* A secret table in a file: see lt_secret_file.h.  The table is read with the parsers the
 * driver uses (secret/secret_table.c, secret/volume_secret.c), so what is shown here is
 * what the firmware will see. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/endian.h"
#include "base/uuid.h"
#include "crypto/crypto.h"
#include "secret/secret_table.h"
#include "secret/volume_secret.h"
#include "tools/lt_secret_file.h"
#include "tools/lukstool.h"
#include "tools/mk_util.h"


static const uint8_t null_guid[16];

int lt_secret_file_is_table(const char *path)
{
	uint8_t b[16];
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return 0;
	if (lt_pread_all(fd, b, sizeof(b), 0) == 0)
		r = memcmp(b, ld_secret_table_guid, 16) == 0;
	close(fd);
	return r;
}

int lt_secret_file_read(const char *path, uint8_t **buf, size_t *len)
{
	char err[160];

	if (lt_read_file(path, LT_SECRET_FILE_MAX, buf, len) != 0) {
		fprintf(stderr, "lukstool: cannot read %s: %s\n", path, strerror(errno));
		return LT_IO;
	}
	if (ld_secret_table_check(*buf, *len, err, sizeof(err)) != LD_OK) {
		fprintf(stderr, "lukstool: %s: not a valid secret table: %s\n", path, err);
		lt_free_wipe(*buf, *len);
		*buf = NULL;
		return LT_INVALID;
	}
	return LT_OK;
}

static void hexline(const char *label, const uint8_t *p, size_t n)
{
	size_t i;

	printf("\t%-12s", label);
	for (i = 0; i < n; i++)
		printf("%02x%s", p[i], i + 1 == n ? "" : i % 32 == 31 ? "\n\t            " : "");
	printf("\n");
}

/* A passphrase as text when it is printable ASCII, else in hex. */
static void show_passphrase(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && p[i] >= 0x20 && p[i] < 0x7f; i++)
		;
	if (i == n)
		printf("\tPassphrase: %zu bytes: \"%.*s\"\n", n, (int)n, (const char *)p);
	else
		hexline("Passphrase:", p, n);
}

static void show_verity(const ld_verity_params *v)
{
	printf("\tVerity:     format %u, %s, data block %u, hash block %u, %llu data blocks,\n"
	       "\t            hash offset %llu, %s\n", v->hash_type, ld_hash_name(v->hash),
	       v->data_block_size, v->hash_block_size, (unsigned long long)v->data_blocks,
	       (unsigned long long)v->hash_offset,
	       v->no_superblock ? "no superblock" : "superblock at the hash offset");
	if (v->salt_size)
		hexline("Salt:", v->salt, v->salt_size);
	else
		printf("\tSalt:       (none)\n");
	hexline("Root hash:", v->root_hash, ld_hash_size(v->hash));
}

/* One entry's data: what it is and holds; 1 if the driver would refuse it. */
static int show_entry(const uint8_t *guid, const uint8_t *d, size_t n, int generic, int show)
{
	ld_volume_secret vs;
	char err[160];
	int record = ld_volrec_is_record(d, n), bad = 0;

	if (ld_volume_secret_parse(d, n, &vs, err, sizeof(err)) != LD_OK) {
		printf("\tUnusable:   %s (LuksDxe refuses this entry)\n", err);
		return 1;
	}
	if (!vs.passphrase && !vs.volume_key)
		printf("\tHolds:      dm-verity root of plaintext media (no key; named by the "
		       "root hash)\n");
	else
		printf("\tHolds:      %s%s%s%s\n", record ? "volume record: " : "",
		       vs.passphrase ? "passphrase" : "volume key",
		       vs.pin ? ", pin" : "", vs.has_verity ? ", dm-verity root" : "");
	if (vs.passphrase && show)
		show_passphrase(vs.passphrase, vs.passphrase_len);
	else if (vs.passphrase)
		printf("\tPassphrase: %zu bytes (not shown; --show-secret shows it)\n",
		       vs.passphrase_len);
	if (vs.volume_key && show)
		hexline("Volume key:", vs.volume_key, vs.volume_key_len);
	else if (vs.volume_key)
		printf("\tVolume key: %zu bits (not shown; --show-secret shows it)\n",
		       vs.volume_key_len * 8);
	if (vs.pin)
		hexline("Pin:", vs.pin, LD_PIN_SIZE);
	if (vs.has_verity)
		show_verity(&vs.verity);
	if (generic && ld_volume_secret_for_luks(&vs, 1, err, sizeof(err)) != LD_OK) {
		printf("\tUnusable:   %s (LuksDxe refuses it)\n", err);
		bad = 1;
	} else if (!vs.passphrase && !vs.volume_key && memcmp(guid, vs.verity.root_hash, 16)) {
		printf("\tNote:       not named by its root hash's first 16 bytes (as lukstool "
		       "mksecret names media records)\n");
	}
	ld_wipe(&vs, sizeof(vs)); /* pointers into the table, which the caller wipes */
	return bad;
}

int lt_secret_file_dump(const char *path, int show)
{
	ld_secret_summary *s = NULL;
	uint8_t *t = NULL;
	size_t len = 0, off = 0, n = 0, bad = 0;
	ld_secret_ref e;
	char g[37];
	int r = lt_secret_file_read(path, &t, &len);

	if (r)
		return r;
	uint32_t total = ld_le32(t + 16);
	printf("Secret table: %s\n", path);
	printf("Size:         %zu bytes: table %u, then %zu bytes of padding%s\n", len, total,
	       len - total, len % 16 ? " (not a multiple of 16: sev-secret pads it)" : "");
	printf("Secret area:  %s OVMF AmdSev's %u-byte area\n",
	       len <= LT_AMDSEV_SECRET_AREA ? "fits" : "does NOT fit", LT_AMDSEV_SECRET_AREA);
	printf("Entries:\n");
	while (ld_secret_table_next(t, len, &off, &e)) {
		const uint8_t *guid = t + e.entry_offset, *d = t + e.data_offset;

		ld_guid_format(guid, g);
		if (memcmp(guid, null_guid, 16) == 0) {
			printf("  %zu: deleted (null GUID), %zu bytes (skipped)\n", n++, e.data_len);
			continue;
		}
		printf("  %zu: %s  %s, %zu bytes at offset %zu\n", n++, g,
		       e.generic ? "disk passphrase (every volume without its own entry)" :
		       "own entry (a LUKS UUID, or a media root hash)", e.data_len, e.entry_offset);
		bad += (size_t)show_entry(guid, d, e.data_len, e.generic, show);
	}
	if (n == 0)
		printf("  (none)\n");
	s = calloc(1, sizeof(*s));
	if (s != NULL && ld_secret_table_summary(t, len, s) == LD_OK) {
		printf("Policy:       %s\n", s->pins ? "pins present: only pinned volumes may boot"
						: "no pins");
		printf("              %s\n", s->verity ?
		       "verity present: only verified volumes and media may boot" :
		       "no verity parameters");
		if (s->n_media)
			printf("              %zu plaintext verified media record(s)%s\n",
			       s->n_media, s->media_dropped ? " (more are ignored)" : "");
	}
	if (bad)
		printf("Warning:      %zu entr%s LuksDxe refuses (see above)\n", bad,
		       bad == 1 ? "y" : "ies");
	if (s != NULL) {
		ld_wipe(s, sizeof(*s));
		free(s);
	}
	lt_free_wipe(t, len);
	return fflush(stdout) ? LT_IO : LT_OK;
}
