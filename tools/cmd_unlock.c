/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* lukstool unlock / decrypt: open a volume with a key file, report the keyslot (and the
 * volume key on request), or write the whole plaintext data segment to a file.
 * unlock --secret SECRET opens it with a secret table instead, the way the driver does
 * (efi/driver.c unlock_with): the entry named by the volume's UUID, else the disk
 * passphrase; its passphrase or volume key; its pin checked against the volume key. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/uuid.h"
#include "luks/luks.h"
#include "secret/secret_table.h"
#include "secret/volume_secret.h"
#include "tools/hostdev.h"
#include "tools/lt_opts.h"
#include "tools/lt_secret_file.h"
#include "tools/lukstool.h"
#include "tools/mk_util.h"

#define CHUNK (1u << 20)

struct args {
	lt_volargs vol;
	const char *output, *secret;
	int print_key;
};

static const char unlock_help[] =
"Usage: lukstool unlock [--header HDR] [--partition N] [--key-slot N] --key-file FILE\n"
"                       [--print-volume-key] DEVICE\n"
"       lukstool unlock [--header HDR] [--partition N] --secret SECRET\n"
"                       [--print-volume-key] DEVICE\n"
"\n"
"Opens the LUKS1/LUKS2 volume on DEVICE (a LUKS image, or a GPT/MBR disk image: its first\n"
"LUKS partition) and says which keyslot accepted the key.  Nothing is written.\n"
"\n"
"  --header HDR          read the LUKS header from HDR (a detached header)\n"
"  --partition N         use partition N of a GPT/MBR disk image (N >= 1)\n"
"  --key-slot N          try only keyslot N (0..31); default: every keyslot\n"
"  --key-file FILE       the passphrase: FILE's exact bytes (cryptsetup --key-file);\n"
"                        '-' reads stdin\n"
"  --secret SECRET       instead of --key-file: a secret table (lukstool mksecret's\n"
"                        output), used as LuksDxe uses it at boot: the entry whose GUID\n"
"                        is the volume's UUID, else the disk-passphrase entry; its\n"
"                        passphrase or volume key, and its pin checked against the\n"
"                        volume key.  Checks offline that the secret opens this disk\n"
"  --print-volume-key    print the volume key in hex (it decrypts everything: keep it\n"
"                        off shared terminals and logs)\n";

static const char decrypt_help[] =
"Usage: lukstool decrypt [--header HDR] [--partition N] [--key-slot N] --key-file FILE\n"
"                        DEVICE OUTPUT\n"
"\n"
"Opens the LUKS1/LUKS2 volume on DEVICE and writes its whole plaintext data segment to\n"
"OUTPUT (a file, created with mode 0600, or '-' for stdout).  DEVICE is not written.\n"
"\n"
"  --header HDR          read the LUKS header from HDR (a detached header)\n"
"  --partition N         use partition N of a GPT/MBR disk image (N >= 1)\n"
"  --key-slot N          try only keyslot N (0..31); default: every keyslot\n"
"  --key-file FILE       the passphrase: FILE's exact bytes (cryptsetup --key-file);\n"
"                        '-' reads stdin\n";

static int parse(int argc, char **argv, struct args *a, int decrypt)
{
	static const struct option opts[] = {
		LT_VOLUME_OPTIONS,
		{ "print-volume-key", no_argument, NULL, 'P' },
		{ "secret", required_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *help = decrypt ? decrypt_help : unlock_help;
	int c;

	memset(a, 0, sizeof(*a));
	lt_volargs_init(&a->vol);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h" LT_VOLUME_SHORTOPTS, opts, NULL)) != -1) {
		int known = lt_volume_option(&a->vol, c, optarg);

		if (known < 0)
			goto bad;
		if (known)
			continue;
		switch (c) {
		case 'P':
			if (decrypt)
				goto bad;
			a->print_key = 1;
			break;
		case 'X':
			if (decrypt)
				goto bad;
			a->secret = optarg;
			break;
		case 'h':
			printf("%s", help);
			return -1;
		default:
			goto bad;
		}
	}
	if (!a->vol.keyfile == !a->secret || argc - optind != (decrypt ? 2 : 1) ||
	    (a->secret && a->vol.keyslot >= 0))
		goto bad;
	a->vol.device = argv[optind];
	if (decrypt)
		a->output = argv[optind + 1];
	return LT_OK;
bad:
	/* the usage lines, not the whole help */
	fprintf(stderr, "%.*s", (int)(strstr(help, "\n\n") - help + 1), help);
	return LT_USAGE;
}

/* The clock and console of the key-derivation cost limit (the firmware's are in efi/). */
static uint64_t now_us(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void notice(void *ctx, const char *line)
{
	(void)ctx;
	lt_progress_end();
	fprintf(stderr, "lukstool: %s\n", line);
}

static const ld_kdf_limit kdf_limit = { now_us, notice, NULL, LD_KDF_MAX_SECONDS };

/* Unlocks v with the table's entry for it, the driver's way (efi/driver.c unlock_with):
 * LD_OK (*slot the keyslot, -1 for a volume key), or an ld_err code after a message. */
static int unlock_secret(ld_volume *v, const char *path, const uint8_t *t, size_t len, int *slot,
			 char *err, size_t errlen)
{
	uint8_t guid[16], vk[LD_VOLUME_KEY_MAX], pin[LD_PIN_SIZE];
	size_t vklen = 0;
	ld_volume_secret vs;
	ld_secret_ref ref;
	char g[37];
	int r, verity;

	ld_guid_from_uuid(guid, ld_volume_get_info(v)->uuid_bin);
	r = ld_secret_table_find(t, len, guid, &ref, err, errlen);
	if (r != LD_OK)
		return r == LD_ERR_NOTFOUND ? LD_ERR_KEY : r;
	ld_guid_format(t + ref.entry_offset, g);
	r = ld_volume_secret_parse(t + ref.data_offset, ref.data_len, &vs, err, errlen);
	if (r == LD_OK)
		r = ld_volume_secret_for_luks(&vs, ref.generic, err, errlen);
	if (r != LD_OK) {
		fprintf(stderr, "lukstool: %s: entry %s: %s (LuksDxe refuses it)\n", path, g, err);
		err[0] = '\0'; /* said */
		return LD_ERR_INVALID;
	}
	printf("Secret entry %s (%s): %s%s%s.\n", g, ref.generic ? "the disk passphrase" :
	       "the volume's own", vs.volume_key ? "volume key" : "passphrase",
	       vs.pin ? ", pin" : "", vs.has_verity ? ", dm-verity root" : "");
	*slot = -1;
	verity = vs.has_verity;
	if (vs.volume_key)
		r = ld_volume_unlock_key(v, vs.volume_key, vs.volume_key_len, err, errlen);
	else
		r = ld_volume_unlock(v, vs.passphrase, vs.passphrase_len, -1, lt_progress, NULL,
				     slot, err, errlen);
	lt_progress_end();
	if (r != LD_OK || !vs.pin)
		goto out;
	r = ld_volume_key(v, vk, sizeof(vk), &vklen);
	if (r == LD_OK)
		r = ld_volume_pin(vk, vklen, pin);
	if (r == LD_OK && !ld_ct_equal(pin, vs.pin, LD_PIN_SIZE)) {
		snprintf(err, errlen, "the volume key does not match the entry's pin: another "
			 "volume (a copy of the header, or the same UUID and passphrase); LuksDxe "
			 "leaves it locked");
		r = LD_ERR_KEY;
	} else if (r == LD_OK) {
		printf("Pin matches the volume key.\n");
	}
out:
	ld_wipe(vk, sizeof(vk));
	ld_wipe(pin, sizeof(pin));
	ld_wipe(&vs, sizeof(vs));
	if (r == LD_OK && verity)
		printf("The entry also carries dm-verity parameters: LuksDxe serves only data that "
		       "verifies (lukstool dump shows them; lukstool verify checks them).\n");
	return r;
}

/* The passphrase from --key-file, or the secret table from --secret, into *key. */
static int read_key(const struct args *a, uint8_t **key, size_t *keylen)
{
	return a->secret ? lt_secret_file_read(a->secret, key, keylen)
			 : lt_read_keyfile(a->vol.keyfile, key, keylen);
}

static void free_key(const struct args *a, uint8_t *key, size_t keylen)
{
	if (a->secret)
		lt_free_wipe(key, keylen);
	else
		lt_free_key(key, keylen);
}

/* Opens and unlocks; on LT_OK *vp and *t are live. */
static int open_unlock(const struct args *args, lt_target *t, ld_volume **vp, int *slot)
{
	const lt_volargs *a = &args->vol;
	uint8_t *key = NULL;
	size_t keylen = 0;
	char err[512];
	int r;

	r = read_key(args, &key, &keylen);
	if (r)
		return r;
	r = lt_open_target(t, a->device, a->header, a->partition);
	if (r) {
		free_key(args, key, keylen);
		return r;
	}
	r = ld_volume_open(vp, t->hdr, t->data, &lt_hostdev_alloc, err, sizeof(err));
	if (r) {
		fprintf(stderr, "lukstool: %s: %s\n", a->header ? a->header : a->device, err);
		goto fail;
	}
	ld_volume_set_kdf_limit(*vp, &kdf_limit);
	err[0] = '\0';
	if (args->secret)
		r = unlock_secret(*vp, args->secret, key, keylen, slot, err, sizeof(err));
	else
		r = ld_volume_unlock(*vp, key, keylen, a->keyslot, lt_progress, NULL, slot, err,
				     sizeof(err));
	lt_progress_end();
	if (r) {
		if (err[0])
			fprintf(stderr, "lukstool: %s: %s\n", a->device, err);
		ld_volume_close(*vp);
		*vp = NULL;
		if (r == LD_ERR_NOTFOUND)
			r = LD_ERR_KEY; /* --key-slot names an empty slot */
		goto fail;
	}
	free_key(args, key, keylen);
	return LT_OK;
fail:
	free_key(args, key, keylen);
	lt_close_target(t);
	return lt_exit_status(r);
}

int lt_cmd_unlock(int argc, char **argv)
{
	struct args a;
	lt_target t;
	ld_volume *v;
	uint8_t key[256];
	size_t keylen = 0, i;
	int r, slot = -1;

	r = parse(argc, argv, &a, 0);
	if (r)
		return r < 0 ? LT_OK : r;
	r = open_unlock(&a, &t, &v, &slot);
	if (r)
		return r;
	if (slot >= 0)
		printf("Key slot %d unlocked.\n", slot);
	else
		printf("Volume key matches the volume's digest: unlocked.\n");
	if (a.print_key) {
		r = ld_volume_key(v, key, sizeof(key), &keylen);
		if (r == LD_OK) {
			for (i = 0; i < keylen; i++)
				printf("%02x", key[i]);
			printf("\n");
		}
		ld_wipe(key, sizeof(key));
	}
	ld_volume_close(v);
	lt_close_target(&t);
	if (r)
		return lt_exit_status(r);
	return fflush(stdout) ? LT_IO : LT_OK;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int lt_cmd_decrypt(int argc, char **argv)
{
	const ld_volume_info *in;
	struct args a;
	lt_target t;
	ld_volume *v;
	uint8_t *buf = NULL;
	uint64_t sec = 0, nsec, per;
	int r, slot = -1, fd = -1;

	r = parse(argc, argv, &a, 1);
	if (r)
		return r < 0 ? LT_OK : r;
	r = open_unlock(&a, &t, &v, &slot);
	if (r)
		return r;
	fprintf(stderr, "Key slot %d unlocked.\n", slot);
	in = ld_volume_get_info(v);
	nsec = in->data_size / in->sector_size;
	per = CHUNK / in->sector_size;
	buf = malloc(CHUNK);
	fd = strcmp(a.output, "-") ? open(a.output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)
				   : STDOUT_FILENO;
	if (!buf || fd < 0) {
		fprintf(stderr, "lukstool: cannot write %s: %s\n", a.output, strerror(errno));
		r = LT_IO;
		goto out;
	}
	while (sec < nsec) {
		uint64_t n = nsec - sec < per ? nsec - sec : per;
		int e = ld_volume_read_sectors(v, sec, n, buf);
		if (e) {
			fprintf(stderr, "lukstool: reading sector %llu: %s\n", (unsigned long long)sec,
				ld_strerror(e));
			r = lt_exit_status(e);
			goto out;
		}
		if (write_all(fd, buf, (size_t)(n * in->sector_size))) {
			fprintf(stderr, "lukstool: cannot write %s: %s\n", a.output, strerror(errno));
			r = LT_IO;
			goto out;
		}
		sec += n;
	}
	if (fd != STDOUT_FILENO && close(fd)) {
		fd = -1;
		fprintf(stderr, "lukstool: cannot write %s: %s\n", a.output, strerror(errno));
		r = LT_IO;
		goto out;
	}
	fd = -1;
	r = LT_OK;
out:
	if (fd >= 0 && fd != STDOUT_FILENO)
		close(fd);
	if (buf) {
		ld_wipe(buf, CHUNK);
		free(buf);
	}
	ld_volume_close(v);
	lt_close_target(&t);
	return r;
}
