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
 * or the volume key itself.  With --verity-* options (tools/lt_verity_opts.h) the record
 * also carries the dm-verity parameters of the tree in the volume's plaintext, completed
 * from its superblock and checked against the tree's top block before anything is written.
 * Outside an --image group the same options, with --verity-image DEVICE or all given, make
 * a record for plaintext verified media, named by the root hash's first 16 bytes. */
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
#include "tools/lt_verity_opts.h"
#include "tools/lt_secret_file.h"
#include "tools/lukstool.h"
#include "tools/mk_util.h"
#include "verity/verity.h"

#define HDR_SIZE LD_SECRET_ENTRY_HDR_SIZE
#define MAX_ENTRIES 64u          /* Linux's efi_secret reads at most 64 entries */
#define MAX_DATA (64u * 1024)    /* per entry; far above any real secret area */
#define WHO "mksecret"
/* The largest record: magic, four items, the longest passphrase, pin, verity item. */
#define RECORD_MAX (LD_VOLREC_MAGIC_SIZE + 4 * 4 + LD_VOLREC_PASSPHRASE_MAX + LD_PIN_SIZE + \
		    LD_VOLREC_VERITY_FIXED + LD_VERITY_SALT_MAX + LD_HASH_MAX_SIZE)

/* What an --image (or --verity-image) group asked for: everything after it up to the next
 * entry. */
struct image_opts {
	const char *device, *header, *keyfile;
	uint32_t partition;
	int pin, volume_key;
};

enum {
	KIND_GENERIC, KIND_VOLUME, KIND_RAW, KIND_IMAGE, KIND_IMAGE_PIN, KIND_IMAGE_KEY, KIND_MEDIA
};

struct entry {
	uint8_t guid[16];
	uint8_t *data; /* wiped and freed at the end */
	size_t len;
	int kind;
	const char *src;
	const char *note;      /* said after the entry's line, or NULL */
	struct image_opts img; /* KIND_IMAGE*, KIND_MEDIA: resolved after the options are parsed */
	int verity;            /* --verity-* given: the record carries the verity item */
	lt_verity_opts vo;
};

static int is_image(int kind)
{
	return kind == KIND_IMAGE || kind == KIND_IMAGE_PIN || kind == KIND_IMAGE_KEY;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: lukstool mksecret [--key-file FILE] [--volume UUID --key-file FILE]...\n"
"                         [--image DEVICE [--partition N] [--header HDR] --key-file FILE\n"
"                          [--pin | --volume-key] [VERITY]]...\n"
"                         [--verity-image DEVICE [--partition N] VERITY]...\n"
"                         [[--verity-media] VERITY]... [--entry GUID:FILE]... -o SECRET\n"
"                         [--force]\n"
"  VERITY: --verity-root-hash HEX [--verity-hash-offset BYTES] [--verity-data-blocks N]\n"
"          [--verity-salt HEX|-] [--verity-hash ALG] [--verity-data-block-size N]\n"
"          [--verity-hash-block-size N] [--verity-format 0|1] [--verity-no-superblock]\n"
"\n"
"Writes SECRET, a confidential-computing secret table (GUID 1e74f542-71dd-4d66-963e-\n"
"ef4287ff173b), to be injected into the firmware's secret area: by SEV launch-secret\n"
"injection (lukstool sev-secret build makes the packet), or without SEV by QEMU's\n"
"  -device loader,file=SECRET,addr=0x80C000,force-raw=on   (OVMF-LuksDxe.fd's area)\n"
"The driver also reads QEMU's  -fw_cfg name=opt/luksdxe/secret,file=SECRET  but ONLY\n"
"when the firmware publishes no secret area: OVMF-LuksDxe.fd (an AmdSev build) always\n"
"publishes one, so it ignores fw_cfg; fw_cfg serves only the driver loaded into another\n"
"firmware (stock OVMF, Driver0000).  lukstool dump SECRET shows a table, lukstool unlock\n"
"--secret SECRET DEVICE checks that it opens a disk.\n"
"\n"
"  --key-file FILE          the disk passphrase for every volume (entry 736869e5-84f0-4973-\n"
"                           92ec-06879ce3da0b); FILE's exact bytes, stored NUL-terminated\n"
"                           (--passphrase-file FILE is another name for --key-file)\n"
"  --volume UUID --key-file FILE\n"
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
"    VERITY                 a volume record that also carries the dm-verity tree the\n"
"                           volume's plaintext must verify against (data from byte 0, the\n"
"                           superblock and tree at --verity-hash-offset, which is needed):\n"
"                           LuksDxe then serves only its data_blocks verified blocks.  The\n"
"                           options have veritysetup's names; what is not given is read\n"
"                           from the superblock in the plaintext, what is given must agree\n"
"                           with it, and a root hash that does not match the tree's top\n"
"                           block is refused (lukstool verify checks every block)\n"
"  --verity-image DEVICE VERITY\n"
"                           a record for plaintext verified media: DEVICE (or its\n"
"                           partition N) holds the data and, at --verity-hash-offset, the\n"
"                           superblock and tree; read and checked as for a volume\n"
"  --verity-media VERITY    the same without a device: --verity-hash-offset,\n"
"                           --verity-data-blocks and --verity-salt are needed, nothing is\n"
"                           checked.  --verity-media may be left out where no --image or\n"
"                           --verity-image group is open\n"
"                           A media entry's GUID is the root hash's first 16 bytes as\n"
"                           stored (EFI byte order: in its text the first three groups\n"
"                           are byte-swapped against the hash's hex)\n"
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
"\"LuksDxe volume pin v1\", its NUL, then the volume key), tag 4 dm-verity (little-\n"
"endian: u8 format 0|1, u8 hash 1 sha1 / 2 sha256 / 3 sha512, u8 flags (bit 0: no\n"
"superblock), u8 0, u32 data block size, u32 hash block size, u64 data blocks, u64 hash\n"
"offset in bytes, u16 salt size, the salt, the root hash).  Exactly one of tags 1 and 2;\n"
"for plaintext media neither, tag 4 alone.\n");
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

/* The entry's data: a volume record for vs.  LT_* status. */
static int record_data(struct entry *e, const ld_volume_secret *vs)
{
	int r;

	e->data = malloc(RECORD_MAX);
	if (e->data == NULL)
		return LT_IO;
	e->len = RECORD_MAX; /* until built: the size the final wipe covers */
	r = ld_volume_secret_build(e->data, RECORD_MAX, &e->len, vs);
	if (r != LD_OK) {
		fprintf(stderr, "mksecret: %s: cannot build the volume record: %s\n", e->src,
			ld_strerror(r));
		return LT_IO;
	}
	return LT_OK;
}

/* The entry's data for an unlocked volume: the passphrase NUL-terminated, or a volume
 * record with the passphrase or volume key vk, its pin (unless a plain --image) and the
 * verity parameters vp (or NULL).  LT_* status. */
static int image_data(struct entry *e, const uint8_t *key, size_t keylen, const uint8_t *vk,
		      size_t vklen, const uint8_t pin[LD_PIN_SIZE], const ld_verity_params *vp)
{
	ld_volume_secret vs;
	int r;

	if (e->kind == KIND_IMAGE && vp == NULL) {
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
	vs.pin = e->kind == KIND_IMAGE ? NULL : pin;
	if (vp != NULL) {
		vs.has_verity = 1;
		vs.verity = *vp;
	}
	r = record_data(e, &vs);
	ld_wipe(&vs, sizeof(vs));
	return r;
}

/* The verity parameters of e's options, completed from the superblock on dev (named name)
 * and checked: the tree opens against the root hash (its top block, or the only data
 * block, hashes to it).  LT_* status, messages on stderr; *p wiped on failure. */
static int verity_check(struct entry *e, ld_blockdev *dev, const char *name,
			ld_verity_params *p)
{
	ld_verity *v = NULL;
	char err[256] = "";
	int r = lt_verity_resolve(&e->vo, dev, name, WHO, p);

	if (r)
		return r;
	r = ld_verity_open(&v, dev, dev, p, &lt_hostdev_alloc, err, sizeof(err));
	ld_verity_close(v);
	if (r != LD_OK) {
		fprintf(stderr, "mksecret: %s: dm-verity: %s; nothing written\n", name,
			err[0] ? err : ld_strerror(r));
		ld_wipe(p, sizeof(*p));
		return lt_exit_status(r);
	}
	e->note = "the root hash matches the tree's top block; lukstool verify checks every "
		  "data block";
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
	else if ((e->kind == KIND_IMAGE_PIN || e->verity) && keylen > LD_VOLREC_PASSPHRASE_MAX)
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
	ld_verity_params vp;
	ld_volume *v = NULL;
	lt_target t;
	char err[512];
	int r, slot = -1;

	memset(&vp, 0, sizeof(vp));
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
	if (e->verity) {
		ld_blockdev plain;
		char name[600];

		ld_volume_blockdev(v, &plain);
		snprintf(name, sizeof(name), "%s (plaintext)", im->device);
		r = verity_check(e, &plain, name, &vp);
		if (r)
			goto out;
	}
	r = image_data(e, key, keylen, vk, vklen, pin, e->verity ? &vp : NULL);
out:
	ld_wipe(vk, sizeof(vk));
	ld_wipe(pin, sizeof(pin));
	ld_wipe(&vp, sizeof(vp));
	if (v != NULL)
		ld_volume_close(v);
	lt_close_target(&t);
	lt_free_key(key, keylen);
	return r;
}

/* A plaintext-media entry: the verity parameters from the options, completed from DEVICE's
 * superblock and checked against its tree when --verity-image gave one; the record holds
 * them alone, and the root hash's first 16 bytes name it. */
static int media_entry(struct entry *e)
{
	ld_volume_secret vs;
	lt_target t;
	int r;

	memset(&vs, 0, sizeof(vs));
	if (e->img.device != NULL) {
		r = lt_open_plain(&t, e->img.device, e->img.partition);
		if (r)
			return r;
		r = verity_check(e, t.data, e->img.device, &vs.verity);
		lt_close_target(&t);
	} else {
		r = lt_verity_resolve(&e->vo, NULL, NULL, WHO, &vs.verity);
		e->note = "no --verity-image: not checked against any media; lukstool verify "
			  "checks it";
	}
	if (r == LT_OK) {
		vs.has_verity = 1;
		memcpy(e->guid, vs.verity.root_hash, 16); /* every digest has at least 20 bytes */
		r = record_data(e, &vs);
	}
	ld_wipe(&vs, sizeof(vs));
	return r;
}

/* An option of the group just opened (g: --image, --verity-image or plaintext media; NULL
 * when none is): the number of arguments it takes up (1 or 2), 0 if a is no such option
 * (a --verity-* option outside any group opens a plaintext-media entry), -1 on error. */
static int group_option(struct entry *g, const char *a, const char *v)
{
	struct image_opts *im = g ? &g->img : NULL;
	int is_flag = strcmp(a, "--pin") == 0 || strcmp(a, "--volume-key") == 0;
	int has_arg;

	/* Outside an --image group a key file is a passphrase entry of its own. */
	if (strcmp(a, "--key-file") == 0 && (g == NULL || g->kind == KIND_MEDIA))
		return 0;

	if (strncmp(a, "--", 2) == 0 && lt_verity_is_option(a + 2, &has_arg)) {
		if (g == NULL)
			return 0;
		if (lt_verity_option(&g->vo, a + 2, has_arg ? v : NULL, WHO) != LT_OK)
			return -1;
		g->verity = 1;
		return has_arg ? 2 : 1;
	}
	if (!is_flag && strcmp(a, "--key-file") != 0 && strcmp(a, "--partition") != 0 &&
	    strcmp(a, "--header") != 0)
		return 0;
	if (im == NULL || (g->kind == KIND_MEDIA && (strcmp(a, "--partition") != 0 ||
						    im->device == NULL))) {
		fprintf(stderr, "mksecret: %s belongs to an --image%s (give --image DEVICE first)\n",
			a, strcmp(a, "--partition") == 0 ? " or a --verity-image" : "");
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
		fprintf(stderr, "mksecret: %s given twice for %s %s%s\n", a,
			g->kind == KIND_MEDIA ? "--verity-image" : "--image", im->device,
			strcmp(a, "--key-file") == 0 ? " (the disk passphrase's --key-file goes "
			"before the --image group)" : "");
		return -1;
	}
	return is_flag ? 1 : 2;
}

/* Checks a finished group; LT_OK or LT_USAGE. */
static int group_close(struct entry *e)
{
	if (e == NULL)
		return LT_OK;
	if (e->kind == KIND_MEDIA)
		return lt_verity_opts_need(&e->vo, e->img.device ? LT_VO_OFFSET :
					   LT_VO_OFFSET | LT_VO_BLOCKS | LT_VO_SALT,
					   e->img.device ? "where the superblock or tree lies on "
					   "the device" : "no --verity-image to read a superblock from",
					   WHO);
	if (e->img.keyfile == NULL) {
		fprintf(stderr, "mksecret: --image %s has no --key-file\n", e->img.device);
		return LT_USAGE;
	}
	if (e->img.pin && e->img.volume_key) {
		fprintf(stderr, "mksecret: --image %s: --pin and --volume-key exclude each other "
			"(a volume-key record is always pinned)\n", e->img.device);
		return LT_USAGE;
	}
	if (e->verity && lt_verity_opts_need(&e->vo, LT_VO_OFFSET, "where the superblock or "
					     "tree lies in the plaintext", WHO) != LT_OK)
		return LT_USAGE;
	e->kind = e->img.volume_key ? KIND_IMAGE_KEY : e->img.pin ? KIND_IMAGE_PIN : KIND_IMAGE;
	return LT_OK;
}

/* The entry that an option a starts, the next free one: NULL after a message when the
 * table is full or a --volume still waits for its --key-file. */
static struct entry *next_entry(struct entry *ents, size_t nent, const char *a,
				const char *pending_volume)
{
	if (nent == MAX_ENTRIES) {
		fprintf(stderr, "mksecret: more than %u entries (Linux reads at most %u)\n",
			MAX_ENTRIES, MAX_ENTRIES);
		return NULL;
	}
	if (strcmp(a, "--key-file") != 0 && pending_volume != NULL) {
		fprintf(stderr, "mksecret: --volume %s must be followed by --key-file\n",
			pending_volume);
		return NULL;
	}
	return &ents[nent];
}

/* Opens a group: --image DEVICE, --verity-image DEVICE, or (device NULL) plaintext media. */
static struct entry *open_group(struct entry *e, int kind, const char *device)
{
	e->kind = kind;
	e->src = device ? device : "--verity-* options";
	e->img.device = device;
	lt_verity_opts_init(&e->vo);
	return e;
}

/* An --entry GUID:FILE. */
static int raw_entry(struct entry *e, const char *v)
{
	const char *colon = strchr(v, ':');
	char g[37];

	if (colon == NULL || colon - v != 36) {
		fprintf(stderr, "mksecret: --entry wants GUID:FILE, got %s\n", v);
		return LT_USAGE;
	}
	memcpy(g, v, 36);
	g[36] = '\0';
	return add_file_entry(e, g, colon + 1, KIND_RAW);
}

/* The command line into ents[*nent], *out and *force: LT_OK, -1 for --help (printed), or
 * an LT_* status after a message.  Files are read here; images and media later. */
static int parse_args(int argc, char **argv, struct entry *ents, size_t *nent,
		      const char **out, int *force)
{
	struct entry *group = NULL, *e;
	const char *pending_volume = NULL;
	size_t i;
	int n, r, has_arg;

	for (i = 1; i < (size_t)argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < (size_t)argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--passphrase-file") == 0)
			a = "--key-file"; /* the older name, kept as an alias */

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return -1;
		}
		if (strcmp(a, "--force") == 0) {
			*force = 1;
			continue;
		}
		n = group_option(group, a, v);
		if (n < 0)
			return LT_USAGE;
		if (n > 0) {
			i += (size_t)n - 1;
			continue;
		}
		if (strcmp(a, "--verity-media") == 0 ||
		    (strncmp(a, "--", 2) == 0 && lt_verity_is_option(a + 2, &has_arg))) {
			/* plaintext media without a device: the option opens the entry */
			if (group_close(group) != LT_OK ||
			    (e = next_entry(ents, *nent, a, pending_volume)) == NULL)
				return LT_USAGE;
			group = open_group(e, KIND_MEDIA, NULL);
			(*nent)++;
			if (strcmp(a, "--verity-media") != 0)
				i--; /* read again, as the new group's option */
			continue;
		}
		if (v == NULL) {
			fprintf(stderr, "mksecret: %s needs a value (see --help)\n", a);
			return LT_USAGE;
		}
		i++;
		if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			*out = v;
			continue;
		}
		/* Every other option starts a new entry and so ends the group. */
		if (group_close(group) != LT_OK)
			return LT_USAGE;
		group = NULL;
		if (strcmp(a, "--volume") == 0) {
			if (pending_volume != NULL) {
				fprintf(stderr, "mksecret: --volume %s has no --key-file\n",
					pending_volume);
				return LT_USAGE;
			}
			pending_volume = v;
			continue;
		}
		if (strcmp(a, "--key-file") != 0 && strcmp(a, "--entry") != 0 &&
		    strcmp(a, "--image") != 0 && strcmp(a, "--verity-image") != 0) {
			fprintf(stderr, "mksecret: unknown option %s (see --help)\n", a);
			return LT_USAGE;
		}
		if ((e = next_entry(ents, *nent, a, pending_volume)) == NULL)
			return LT_USAGE;
		r = LT_OK;
		if (strcmp(a, "--image") == 0)
			group = open_group(e, KIND_IMAGE, v);
		else if (strcmp(a, "--verity-image") == 0)
			group = open_group(e, KIND_MEDIA, v);
		else if (strcmp(a, "--entry") == 0)
			r = raw_entry(e, v);
		else if (pending_volume != NULL)
			r = add_file_entry(e, pending_volume, v, KIND_VOLUME);
		else
			r = add_file_entry(e, NULL, v, KIND_GENERIC);
		pending_volume = NULL;
		if (r != LT_OK)
			return r;
		(*nent)++;
	}
	if (group_close(group) != LT_OK)
		return LT_USAGE;
	if (pending_volume != NULL) {
		fprintf(stderr, "mksecret: --volume %s has no --key-file\n", pending_volume);
		return LT_USAGE;
	}
	if (*out == NULL || *nent == 0) {
		fprintf(stderr, "mksecret: need -o SECRET and at least one entry (see --help)\n");
		return LT_USAGE;
	}
	return LT_OK;
}

/* Two entries with one GUID would make the choice depend on the reader. */
static int check_unique(const struct entry *ents, size_t nent)
{
	size_t i, j;
	char g[37];

	for (i = 0; i < nent; i++)
		for (j = i + 1; j < nent; j++)
			if (memcmp(ents[i].guid, ents[j].guid, 16) == 0) {
				ld_guid_format(ents[i].guid, g);
				fprintf(stderr, "mksecret: GUID %s given twice\n", g);
				return LT_USAGE;
			}
	return LT_OK;
}

/* The table for ents into a fresh *table (capacity *cap, wiped by the caller), *total
 * bytes.  LT_* status. */
static int build_table(const struct entry *ents, size_t nent, uint8_t **table, size_t *cap,
		       size_t *total)
{
	ld_secret_entry le[MAX_ENTRIES];
	size_t i;
	int r;

	*cap = LD_SECRET_HDR_SIZE + 15;
	for (i = 0; i < nent; i++) {
		memcpy(le[i].guid, ents[i].guid, 16);
		le[i].data = ents[i].data;
		le[i].len = ents[i].len;
		*cap += HDR_SIZE + ents[i].len; /* each len <= MAX_DATA, nent <= 64: no overflow */
	}
	*table = calloc(1, *cap);
	if (*table == NULL)
		return LT_IO;
	r = ld_secret_table_build(*table, *cap, total, le, nent, 16);
	ld_wipe(le, sizeof(le));
	if (r != LD_OK || *total == 0 || *total > *cap || *total % 16 != 0) {
		fprintf(stderr, "mksecret: cannot build the table: %s\n", ld_strerror(r));
		return LT_IO;
	}
	return LT_OK;
}

/* Writes the table to out (mode 0600; O_EXCL unless force).  LT_* status. */
static int write_table(const char *out, int force, const uint8_t *table, size_t total)
{
	int fd = open(out, O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL), 0600);

	if (fd < 0) {
		if (errno == EEXIST)
			fprintf(stderr, "mksecret: %s exists; use --force to overwrite it\n", out);
		else
			fprintf(stderr, "mksecret: cannot create %s: %s\n", out, strerror(errno));
		return errno == EEXIST ? LT_USAGE : LT_IO;
	}
	if (fchmod(fd, 0600) != 0 || lt_pwrite_all(fd, table, total, 0) != 0 ||
	    ftruncate(fd, (off_t)total) != 0 || fsync(fd) != 0) {
		fprintf(stderr, "mksecret: cannot write %s: %s\n", out, strerror(errno));
		close(fd);
		return LT_IO;
	}
	return close(fd) != 0 ? LT_IO : LT_OK;
}

/* One line per entry. */
static void report(const struct entry *ents, size_t nent)
{
	static const char *const kinds[] = {
		"disk passphrase (all volumes)", "passphrase of volume", "entry",
		"passphrase of volume", "passphrase and pin of volume",
		"volume key and pin of volume", "dm-verity root of plaintext media" };
	static const char *const verified[] = {
		"passphrase and dm-verity root of volume",
		"passphrase, pin and dm-verity root of volume",
		"volume key, pin and dm-verity root of volume" };
	size_t i;
	char g[37];

	for (i = 0; i < nent; i++) {
		const struct entry *e = &ents[i];

		ld_guid_format(e->guid, g);
		printf("mksecret: %s %s: %zu bytes from %s%s%s%s\n",
		       is_image(e->kind) && e->verity ? verified[e->kind - KIND_IMAGE] :
		       kinds[e->kind], g, e->len, e->src, e->note ? " (" : "",
		       e->note ? e->note : "", e->note ? ")" : "");
	}
}

int lt_cmd_mksecret(int argc, char **argv)
{
	struct entry ents[MAX_ENTRIES];
	size_t nent = 0, i, total = 0, cap = 0;
	const char *out = NULL;
	uint8_t *table = NULL;
	int force = 0, rc;

	memset(ents, 0, sizeof(ents));
	rc = parse_args(argc, argv, ents, &nent, &out, &force);
	if (rc)
		goto out;
	/* Fail early, before any key derivation; the exclusive open below decides. */
	if (!force && access(out, F_OK) == 0) {
		fprintf(stderr, "mksecret: %s exists; use --force to overwrite it\n", out);
		rc = LT_USAGE;
		goto out;
	}
	for (i = 0; i < nent && rc == LT_OK; i++)
		if (is_image(ents[i].kind))
			rc = image_entry(&ents[i]);
		else if (ents[i].kind == KIND_MEDIA)
			rc = media_entry(&ents[i]);
	if (rc == LT_OK)
		rc = check_unique(ents, nent);
	if (rc == LT_OK)
		rc = build_table(ents, nent, &table, &cap, &total);
	if (rc == LT_OK)
		rc = write_table(out, force, table, total);
	if (rc)
		goto out;
	report(ents, nent);
	printf("mksecret: wrote %s: %zu entries, %zu bytes\n", out, nent, total);
	if (total > LT_AMDSEV_SECRET_AREA)
		fprintf(stderr, "mksecret: warning: %zu bytes do not fit OVMF AmdSev's %u-byte secret area\n",
			total, LT_AMDSEV_SECRET_AREA);
out:
	if (table != NULL)
		lt_free_wipe(table, cap);
	for (i = 0; i < nent; i++)
		lt_free_wipe(ents[i].data, ents[i].len);
	return rc < 0 ? LT_OK : rc;
}
