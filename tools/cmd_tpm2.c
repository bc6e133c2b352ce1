/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* lukstool tpm2-unlock: unlock a volume with its systemd-tpm2 tokens through the same
 * portable code the firmware runs (tpm/), talking to a TPM on the host: a kernel TPM
 * device (/dev/tpmrm0) or the command socket of swtpm ("swtpm socket --server
 * type=unixio,path=SOCK", raw TPM 2.0 command buffers; the TPM must be started).
 * LUKSTOOL_TPM2_TRACE=FILE appends each command ("> HEX") and response ("< HEX") to FILE:
 * the transcripts of tests/unit/data/tpm2-*.trace were recorded so. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "luks/luks.h"
#include "tools/hostdev.h"
#include "tools/lukstool.h"
#include "tpm/tpm2.h"

static int io_all(int fd, void *p, size_t n, int wr)
{
	uint8_t *b = p;

	while (n) {
		ssize_t k = wr ? write(fd, b, n) : read(fd, b, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

static int tpm_open(const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd;

	if (stat(path, &st))
		return -1;
	if (!S_ISSOCK(st.st_mode))
		return open(path, O_RDWR | O_CLOEXEC);
	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void trace(char dir, const uint8_t *p, size_t n)
{
	const char *path = getenv("LUKSTOOL_TPM2_TRACE");
	FILE *f;
	size_t i;

	if (!path || !(f = fopen(path, "a")))
		return;
	fprintf(f, "%c ", dir);
	for (i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
	fprintf(f, "\n");
	fclose(f);
}

/* One command, one response: the 10-byte header, then the rest its size field gives
 * (a kernel TPM device returns the whole response to one read). */
static int submit(void *ctx, const uint8_t *cmd, size_t cmdlen, uint8_t *resp, size_t cap,
		  size_t *resplen)
{
	int fd = *(int *)ctx;
	size_t size;
	ssize_t k;

	trace('>', cmd, cmdlen);
	if (io_all(fd, (void *)cmd, cmdlen, 1))
		return LD_ERR_IO;
	k = read(fd, resp, cap);
	if (k < 10)
		return LD_ERR_IO;
	size = (size_t)resp[2] << 24 | (size_t)resp[3] << 16 | (size_t)resp[4] << 8 | resp[5];
	if (size < (size_t)k || size > cap)
		return LD_ERR_IO;
	if (io_all(fd, resp + k, size - (size_t)k, 0))
		return LD_ERR_IO;
	*resplen = size;
	trace('<', resp, size);
	return LD_OK;
}

static void wait_ms(void *ctx, unsigned ms)
{
	(void)ctx;
	usleep(ms * 1000u);
}

static void notice(void *ctx, const char *line)
{
	(void)ctx;
	lt_progress_end();
	fprintf(stderr, "lukstool: %s\n", line);
}

static const char *pin_file;

static int get_pin(void *ctx, int token, uint8_t *buf, size_t cap, size_t *len)
{
	uint8_t *k = NULL;
	size_t n = 0;

	(void)ctx;
	(void)token;
	if (lt_read_keyfile(pin_file, &k, &n) || n > cap) {
		lt_free_key(k, n);
		return LD_ERR_INVALID;
	}
	memcpy(buf, k, n);
	*len = n;
	lt_free_key(k, n);
	return LD_OK;
}

int lt_cmd_tpm2_unlock(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tpm", required_argument, NULL, 't' },
		{ "pin-file", required_argument, NULL, 'p' },
		{ "print-volume-key", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *use = "Usage: lukstool tpm2-unlock --tpm DEV|SOCK [--pin-file FILE] "
			  "[--print-volume-key] DEVICE\n";
	ld_tpm2_unlock_ops ops = { notice, NULL, lt_progress, NULL };
	const char *tpm = NULL;
	int c, r, fd, slot = -1, print_key = 0;
	uint8_t key[LD_VOLUME_KEY_MAX];
	size_t keylen = 0, i;
	ld_tpm2 t = { submit, wait_ms, &fd };
	ld_volume *v;
	lt_target tg;
	char err[512];

	optind = 1;
	pin_file = NULL;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't': tpm = optarg; break;
		case 'p': pin_file = optarg; break;
		case 'P': print_key = 1; break;
		case 'h': printf("%s", use); return LT_OK;
		default: fprintf(stderr, "%s", use); return LT_USAGE;
		}
	}
	if (!tpm || argc - optind != 1) {
		fprintf(stderr, "%s", use);
		return LT_USAGE;
	}
	if (pin_file)
		ops.get_pin = get_pin;
	fd = tpm_open(tpm);
	if (fd < 0) {
		fprintf(stderr, "lukstool: %s: cannot open the TPM: %s\n", tpm, strerror(errno));
		return LT_IO;
	}
	r = lt_open_target(&tg, argv[optind], NULL, 0);
	if (r) {
		close(fd);
		return r;
	}
	r = ld_volume_open(&v, tg.hdr, tg.data, &lt_hostdev_alloc, err, sizeof(err));
	if (r) {
		fprintf(stderr, "lukstool: %s: %s\n", argv[optind], err);
		r = lt_exit_status(r);
		goto out;
	}
	r = ld_tpm2_unlock(v, tg.hdr, &lt_hostdev_alloc, &t, &ops, &slot, err, sizeof(err));
	lt_progress_end();
	if (r) {
		fprintf(stderr, "lukstool: %s: %s\n", argv[optind], err);
	} else {
		printf("Key slot %d unlocked.\n", slot);
		if (print_key && ld_volume_key(v, key, sizeof(key), &keylen) == LD_OK) {
			for (i = 0; i < keylen; i++)
				printf("%02x", key[i]);
			printf("\n");
		}
		ld_wipe(key, sizeof(key));
	}
	ld_volume_close(v);
out:
	lt_close_target(&tg);
	close(fd);
	if (r >= 0)
		return r;
	/* a volume that opened but that no token unlocks: "no keyslot accepts the key" */
	return r == LD_ERR_IO ? LT_IO : r ? LT_BADKEY : LT_OK;
}
