/* SPDX-License-Identifier: BSD-2-Clause-Patent */
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
 * The layout itself is built by the portable builder in secret/secret_table.c, the same
 * module whose parser the driver uses, so writer and reader cannot drift apart; this file
 * only gathers the entries and checks them.
 *
 * --image DEVICE ... --key-file FILE opens the guest owner's own LUKS image with the core
 * that lukstool unlock uses, proves the key file opens it, and derives the entry from the
 * volume itself: its UUID names the entry, and with --pin or --volume-key the entry is a
 * LuksDxe volume record (format in secret/volume_secret.h) carrying the pin of the volume key
 * or the volume key itself. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/common.h"
#include "base/uuid.h"
#include "luks/luks.h"
#include "secret/secret_table.h"
#include "secret/volume_secret.h"
#include "tools/hostdev.h"
#include "tools/lukstool.h"
#include "tools/mk_util.h"

#define HDR_SIZE LD_SECRET_ENTRY_HDR_SIZE
#define MAX_ENTRIES 64u          /* Linux's efi_secret reads at most 64 entries */
#define MAX_DATA (64u * 1024)    /* per entry; far above any real secret area */
#define AMDSEV_AREA 3072u        /* OVMF AmdSev secret area size */

/* What an --image group asked for: everything after --image up to the next entry. */
struct image_opts {
	const char *device, *header, *keyfile;
	uint32_t partition;
	int pin, volume_key;
};

enum { KIND_GENERIC, KIND_VOLUME, KIND_RAW, KIND_IMAGE, KIND_IMAGE_PIN, KIND_IMAGE_KEY };

struct entry {
	uint8_t guid[16];
	uint8_t *data; /* wiped and freed at the end */
	size_t len;
	int kind;
	const char *src;
	struct image_opts img; /* KIND_IMAGE*: resolved after the options are parsed */
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: lukstool mksecret [--passphrase-file FILE] [--volume UUID --passphrase-file FILE]...\n"
"                         [--image DEVICE [--partition N] [--header HDR] --key-file FILE\n"
"                          [--pin | --volume-key]]...\n"
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
"  --image DEVICE --key-file FILE\n"
"                           an entry for the LUKS volume on DEVICE (a LUKS image, or a\n"
"                           GPT/MBR disk image: its first LUKS partition, or --partition\n"
"                           N; --header HDR for a detached header).  The volume is opened\n"
"                           and unlocked with FILE (exact bytes, as cryptsetup --key-file)\n"
"                           to prove the key, and its UUID names the entry.  Alone: the\n"
"                           passphrase, stored as --volume would store it.\n"
"    --pin                  a volume record: the passphrase plus the pin of the volume\n"
"                           key, so that LuksDxe unlocks only this very volume (a copy of\n"
"                           the header, or another disk with the same UUID and passphrase,\n"
"                           stays locked); any pin in the table also means that only\n"
"                           pinned volumes may boot\n"
"    --volume-key           a volume record: the volume key itself and its pin, no\n"
"                           passphrase (no key derivation at boot; FILE may be binary).\n"
"                           The volume key does not change when passphrases do: removing\n"
"                           or changing a passphrase does not revoke this secret\n"
"  --entry GUID:FILE        any other entry, FILE's bytes stored as they are\n"
"  -o, --output SECRET      output file (mode 0600; refused if it exists, see --force)\n"
"  --force                  overwrite SECRET\n"
"\n"
"A passphrase file must not contain a NUL byte (the stored passphrase ends at the first\n"
"NUL).  The table is zero-padded to a multiple of 16 bytes.\n"
"\n"
"Volume record (an entry's data): 8 bytes 00 'L' 'D' 'X' 'V' 'O' 'L' 01, then items\n"
"{u8 tag, u8 0, u16 little-endian length, value}: tag 1 passphrase (1..512 bytes, no\n"
"NUL), tag 2 volume key (16..64 bytes), tag 3 pin (32 bytes: SHA-256 of the string\n"
"\"LuksDxe volume pin v1\", its NUL, then the volume key).  Exactly one of tags 1 and 2.\n");
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
	if (lt_read_file(file, MAX_DATA, &b, &n) != 0) {
		fprintf(stderr, "mksecret: cannot read %s: %s\n", file, strerror(errno));
		return LT_IO;
	}
	if (kind != KIND_RAW) {
		if (n == 0 || memchr(b, 0, n) != NULL) {
			fprintf(stderr, "mksecret: passphrase file %s is %s\n", file,
				n == 0 ? "empty" : "not usable: it contains a NUL byte");
			lt_free_wipe(b, n);
			return LT_USAGE;
		}
		/* Store the passphrase NUL-terminated, as efi_secret users and GRUB expect. */
		uint8_t *t = malloc(n + 1);
		if (t == NULL) {
			lt_free_wipe(b, n);
			return LT_IO;
		}
		memcpy(t, b, n);
		t[n] = 0;
		lt_free_wipe(b, n);
		b = t;
		n++;
	}
	e->data = b;
	e->len = n;
	return LT_OK;
}

/* The entry's data for an unlocked volume: the passphrase NUL-terminated, or a volume
 * record with the passphrase or volume key vk and its pin.  LT_* status. */
static int image_data(struct entry *e, const uint8_t *key, size_t keylen, const uint8_t *vk,
		      size_t vklen, const uint8_t pin[LD_PIN_SIZE])
{
	size_t cap = LD_VOLREC_MAGIC_SIZE + 2 * 4 + LD_VOLREC_PASSPHRASE_MAX + LD_PIN_SIZE;
	ld_volume_secret vs;

	if (e->kind == KIND_IMAGE) {
		e->data = malloc(keylen + 1);
		if (e->data == NULL)
			return LT_IO;
		memcpy(e->data, key, keylen);
		e->data[keylen] = 0;
		e->len = keylen + 1;
		return LT_OK;
	}
	memset(&vs, 0, sizeof(vs));
	if (e->kind == KIND_IMAGE_KEY) {
		vs.volume_key = vk;
		vs.volume_key_len = vklen;
	} else {
		vs.passphrase = key;
		vs.passphrase_len = keylen;
	}
	vs.pin = pin;
	e->data = malloc(cap);
	if (e->data == NULL)
		return LT_IO;
	e->len = cap; /* until built: the size the final wipe covers */
	int r = ld_volume_secret_build(e->data, cap, &e->len, &vs);
	if (r != LD_OK) {
		fprintf(stderr, "mksecret: %s: cannot build the volume record: %s\n", e->src,
			ld_strerror(r));
		return LT_IO;
	}
	return LT_OK;
}

/* A passphrase that goes into the table must be storable: checked before the (slow)
 * unlock.  LT_OK or LT_USAGE with a message. */
static int check_passphrase(const struct entry *e, const uint8_t *key, size_t keylen)
{
	const char *why = NULL;

	if (e->kind == KIND_IMAGE_KEY)
		return LT_OK; /* only opens the volume; never stored */
	if (keylen == 0)
		why = "is empty";
	else if (memchr(key, 0, keylen) != NULL)
		why = "contains a NUL byte (use --volume-key to store the volume key instead)";
	else if (e->kind == KIND_IMAGE_PIN && keylen > LD_VOLREC_PASSPHRASE_MAX)
		why = "is longer than the 512 bytes a volume record holds (see --volume-key)";
	if (why == NULL)
		return LT_OK;
	fprintf(stderr, "mksecret: key file %s %s\n", e->img.keyfile, why);
	return LT_USAGE;
}

/* Opens and unlocks an --image volume with its key file, then fills the entry from it.
 * The volume key is copied out only for --pin/--volume-key and wiped here. */
static int image_entry(struct entry *e)
{
	const struct image_opts *im = &e->img;
	uint8_t *key = NULL, vk[LD_VOLUME_KEY_MAX], pin[LD_PIN_SIZE];
	size_t keylen = 0, vklen = 0;
	ld_volume *v = NULL;
	lt_target t;
	char err[512];
	int r, slot = -1;

	r = lt_read_keyfile(im->keyfile, &key, &keylen);
	if (r)
		return r;
	r = check_passphrase(e, key, keylen);
	if (r) {
		lt_free_key(key, keylen);
		return r;
	}
	r = lt_open_target(&t, im->device, im->header, im->partition);
	if (r) {
		lt_free_key(key, keylen);
		return r;
	}
	const char *what = im->header ? im->header : im->device;
	r = ld_volume_open(&v, t.hdr, t.data, &lt_hostdev_alloc, err, sizeof(err));
	if (r == LD_OK) {
		r = ld_volume_unlock(v, key, keylen, -1, lt_progress, NULL, &slot, err, sizeof(err));
		lt_progress_end();
	}
	if (r != LD_OK) {
		fprintf(stderr, "mksecret: %s: %s\n", what, r == LD_ERR_KEY ?
			"the key file does not unlock this volume" : err);
		r = lt_exit_status(r);
		goto out;
	}
	ld_guid_from_uuid(e->guid, ld_volume_get_info(v)->uuid_bin);
	if (e->kind != KIND_IMAGE) {
		r = ld_volume_key(v, vk, sizeof(vk), &vklen);
		if (r == LD_OK)
			r = ld_volume_pin(vk, vklen, pin);
		if (r != LD_OK) {
			fprintf(stderr, "mksecret: %s: cannot read the volume key: %s\n", what,
				ld_strerror(r));
			r = lt_exit_status(r);
			goto out;
		}
		if (e->kind == KIND_IMAGE_KEY &&
		    (vklen < LD_VOLREC_KEY_MIN || vklen > LD_VOLREC_KEY_MAX)) {
			fprintf(stderr, "mksecret: %s: a %zu-byte volume key does not fit a volume "
				"record (%u..%u bytes); use --pin\n", what, vklen, LD_VOLREC_KEY_MIN,
				LD_VOLREC_KEY_MAX);
			r = LT_UNSUPPORTED;
			goto out;
		}
	}
	r = image_data(e, key, keylen, vk, vklen, pin);
out:
	ld_wipe(vk, sizeof(vk));
	ld_wipe(pin, sizeof(pin));
	if (v != NULL)
		ld_volume_close(v);
	lt_close_target(&t);
	lt_free_key(key, keylen);
	return r;
}

/* Options that belong to the --image group just opened; 1 if a handled, -1 on error. */
static int image_option(struct entry *cur, const char *a, const char *v)
{
	struct image_opts *im = cur ? &cur->img : NULL;
	int is_flag = strcmp(a, "--pin") == 0 || strcmp(a, "--volume-key") == 0;

	if (!is_flag && strcmp(a, "--key-file") != 0 && strcmp(a, "--partition") != 0 &&
	    strcmp(a, "--header") != 0)
		return 0;
	if (im == NULL) {
		fprintf(stderr, "mksecret: %s belongs to an --image (give --image DEVICE first)\n", a);
		return -1;
	}
	if (strcmp(a, "--pin") == 0) {
		im->pin = 1;
	} else if (strcmp(a, "--volume-key") == 0) {
		im->volume_key = 1;
	} else if (v == NULL) {
		fprintf(stderr, "mksecret: %s needs a value (see --help)\n", a);
		return -1;
	} else if (strcmp(a, "--key-file") == 0 && im->keyfile == NULL) {
		im->keyfile = v;
	} else if (strcmp(a, "--header") == 0 && im->header == NULL) {
		im->header = v;
	} else if (strcmp(a, "--partition") == 0 && im->partition == 0) {
		if (lt_parse_u32(v, 1u << 20, &im->partition) != 0 || im->partition == 0) {
			fprintf(stderr, "mksecret: bad partition number %s\n", v);
			return -1;
		}
	} else {
		fprintf(stderr, "mksecret: %s given twice for --image %s\n", a, im->device);
		return -1;
	}
	return 1;
}

/* Checks a finished --image group; LT_OK or LT_USAGE. */
static int image_close(struct entry *e)
{
	if (e == NULL)
		return LT_OK;
	if (e->img.keyfile == NULL) {
		fprintf(stderr, "mksecret: --image %s has no --key-file\n", e->img.device);
		return LT_USAGE;
	}
	if (e->img.pin && e->img.volume_key) {
		fprintf(stderr, "mksecret: --image %s: --pin and --volume-key exclude each other "
			"(a volume-key record is always pinned)\n", e->img.device);
		return LT_USAGE;
	}
	e->kind = e->img.volume_key ? KIND_IMAGE_KEY : e->img.pin ? KIND_IMAGE_PIN : KIND_IMAGE;
	return LT_OK;
}

int lt_cmd_mksecret(int argc, char **argv)
{
	struct entry ents[MAX_ENTRIES];
	struct entry *cur_image = NULL;
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
		int io = image_option(cur_image, a, v);
		if (io < 0)
			goto out;
		if (io > 0) {
			if (strcmp(a, "--pin") != 0 && strcmp(a, "--volume-key") != 0)
				i++;
			continue;
		}
		if (v == NULL) {
			fprintf(stderr, "mksecret: %s needs a value (see --help)\n", a);
			goto out;
		}
		i++;
		if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			out = v;
			continue;
		}
		/* Every other option starts a new entry and so ends the --image group. */
		if (image_close(cur_image) != LT_OK)
			goto out;
		cur_image = NULL;
		if (strcmp(a, "--volume") == 0) {
			if (pending_volume != NULL) {
				fprintf(stderr, "mksecret: --volume %s has no --passphrase-file\n", pending_volume);
				goto out;
			}
			pending_volume = v;
		} else if (strcmp(a, "--passphrase-file") == 0 || strcmp(a, "--entry") == 0 ||
			   strcmp(a, "--image") == 0) {
			if (nent == MAX_ENTRIES) {
				fprintf(stderr, "mksecret: more than %u entries (Linux reads at most %u)\n",
					MAX_ENTRIES, MAX_ENTRIES);
				goto out;
			}
			int r = LT_OK;
			if (strcmp(a, "--passphrase-file") != 0 && pending_volume != NULL) {
				fprintf(stderr, "mksecret: --volume %s must be followed by --passphrase-file\n",
					pending_volume);
				goto out;
			}
			if (strcmp(a, "--image") == 0) {
				cur_image = &ents[nent];
				cur_image->kind = KIND_IMAGE;
				cur_image->src = v;
				cur_image->img.device = v;
			} else if (strcmp(a, "--entry") == 0) {
				const char *colon = strchr(v, ':');
				char g[37];
				if (colon == NULL || colon - v != 36) {
					fprintf(stderr, "mksecret: --entry wants GUID:FILE, got %s\n", v);
					goto out;
				}
				memcpy(g, v, 36);
				g[36] = '\0';
				r = add_file_entry(&ents[nent], g, colon + 1, KIND_RAW);
			} else if (pending_volume != NULL) {
				r = add_file_entry(&ents[nent], pending_volume, v, KIND_VOLUME);
				pending_volume = NULL;
			} else {
				r = add_file_entry(&ents[nent], NULL, v, KIND_GENERIC);
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
	if (image_close(cur_image) != LT_OK)
		goto out;
	if (pending_volume != NULL) {
		fprintf(stderr, "mksecret: --volume %s has no --passphrase-file\n", pending_volume);
		goto out;
	}
	if (out == NULL || nent == 0) {
		fprintf(stderr, "mksecret: need -o SECRET and at least one entry (see --help)\n");
		goto out;
	}
	/* Fail early, before any key derivation; the exclusive open below decides. */
	if (!force && access(out, F_OK) == 0) {
		fprintf(stderr, "mksecret: %s exists; use --force to overwrite it\n", out);
		goto out;
	}
	for (i = 0; i < nent; i++)
		if (ents[i].kind >= KIND_IMAGE && (rc = image_entry(&ents[i])) != LT_OK)
			goto out;
	rc = LT_USAGE;
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
	if (fchmod(fd, 0600) != 0 || lt_pwrite_all(fd, table, total, 0) != 0 || ftruncate(fd, (off_t)total) != 0 ||
	    fsync(fd) != 0) {
		fprintf(stderr, "mksecret: cannot write %s: %s\n", out, strerror(errno));
		rc = LT_IO;
		goto out;
	}
	for (i = 0; i < nent; i++) {
		char g[37];
		static const char *const kinds[] = {
			"disk passphrase (all volumes)", "passphrase of volume", "entry",
			"passphrase of volume", "passphrase and pin of volume",
			"volume key and pin of volume" };
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
		lt_free_wipe(table, cap);
	for (i = 0; i < nent; i++)
		lt_free_wipe(ents[i].data, ents[i].len);
	return rc;
}
