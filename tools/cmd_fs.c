/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* lukstool ls / cat / cp: read the file system (ext2/3/4 or FAT) inside an encrypted
 * volume without root, dm-crypt or mount.  See fsview.h for how the file system is found.
 *
 *   ls  ... DEVICE PATH        one line per entry: type+mode, size, name (name last);
 *                              for a file, its own line
 *   cat ... DEVICE PATH        the file's bytes on standard output
 *   cp  ... DEVICE PATH DEST   a file to DEST; with -r a directory tree into the new
 *                              directory DEST (symlinks kept as symlinks, permission bits
 *                              and modification times kept, special files skipped) */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/fsview.h"
#include "tools/lt_opts.h"
#include "tools/lukstool.h"

#define CHUNK (1u << 20)
#define CP_MAX_DEPTH 256

enum { FS_LS, FS_CAT, FS_CP };

static const char *const usages[] = {
	"Usage: lukstool ls [--header HDR] [--partition N] [--inner-partition N] [--key-slot N]\n"
	"                   --key-file FILE DEVICE PATH\n",
	"Usage: lukstool cat [--header HDR] [--partition N] [--inner-partition N] [--key-slot N]\n"
	"                    --key-file FILE DEVICE PATH\n",
	"Usage: lukstool cp [-r] [--header HDR] [--partition N] [--inner-partition N] [--key-slot N]\n"
	"                   --key-file FILE DEVICE PATH DEST\n",
};

struct fsargs {
	lt_volargs a;
	const char *path, *dest;
	int recursive;
};

static int parse(int argc, char **argv, struct fsargs *fa, int cmd)
{
	static const struct option opts[] = {
		LT_VOLUME_OPTIONS,
		LT_INNER_PARTITION_OPTION,
		{ "recursive", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, nargs = cmd == FS_CP ? 3 : 2;

	memset(fa, 0, sizeof(*fa));
	lt_volargs_init(&fa->a);
	optind = 1;
	while ((c = getopt_long(argc, argv, "hr" LT_VOLUME_SHORTOPTS, opts, NULL)) != -1) {
		int known = lt_volume_option(&fa->a, c, optarg);

		if (known < 0)
			goto bad;
		if (known)
			continue;
		switch (c) {
		case 'r':
			if (cmd != FS_CP)
				goto bad;
			fa->recursive = 1;
			break;
		case 'h':
			printf("%s", usages[cmd]);
			return -1;
		default:
			goto bad;
		}
	}
	if (!fa->a.keyfile || argc - optind != nargs)
		goto bad;
	fa->a.device = argv[optind];
	fa->path = argv[optind + 1];
	if (cmd == FS_CP)
		fa->dest = argv[optind + 2];
	return LT_OK;
bad:
	fprintf(stderr, "%s", usages[cmd]);
	return LT_USAGE;
}

/* Reports a reader error on path; returns the exit status. */
static int fs_error(lt_fsview *v, const char *path, int r)
{
	const char *why = v->ops->reason(v->fs);

	fprintf(stderr, "lukstool: %s: %s\n", path, why && *why ? why : ld_strerror(r));
	return r == LD_ERR_NOTFOUND ? LT_INVALID : lt_exit_status(r);
}

static int write_all(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;

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

/* ---- ls ------------------------------------------------------------------------------ */

static void ls_line(lt_fsstat *st, const char *name)
{
	char mode[11];

	lt_mode_str(st->type, st->mode, mode);
	printf("%s %12llu %s\n", mode, (unsigned long long)st->size, name);
}

static int do_ls(lt_fsview *v, const char *path)
{
	lt_fsstat st, cst;
	lt_fsent *e;
	uint64_t pos = 0;
	void *f, *c;
	int r;

	r = v->ops->open(v->fs, path, 1, &f);
	if (r)
		return fs_error(v, path, r);
	v->ops->stat(f, &st);
	if (st.type != LD_EXT4_T_DIR) {
		ls_line(&st, path);
		v->ops->close(f);
		return LT_OK;
	}
	e = malloc(sizeof(*e));
	if (!e) {
		v->ops->close(f);
		return LT_IO;
	}
	while ((r = v->ops->readdir(f, &pos, e)) == LD_OK) {
		r = v->ops->open_entry(v->fs, f, e, &c);
		if (r)
			break;
		v->ops->stat(c, &cst);
		v->ops->close(c);
		ls_line(&cst, e->name);
	}
	free(e);
	v->ops->close(f);
	if (r != LD_ERR_NOTFOUND)
		return fs_error(v, path, r);
	return LT_OK;
}

/* ---- cat ----------------------------------------------------------------------------- */

static int is_zero(const uint8_t *p, size_t n)
{
	return n == 0 || (p[0] == 0 && !memcmp(p, p + 1, n - 1));
}

/* Copies file f's bytes to fd (seeking over zero chunks when sparse). */
static int copy_out(lt_fsview *v, void *f, const char *path, int fd, const char *dest, int sparse)
{
	uint8_t *buf = malloc(CHUNK);
	uint64_t off = 0;
	size_t got;
	int r;

	if (!buf)
		return LT_IO;
	for (;;) {
		r = v->ops->read(f, off, buf, CHUNK, &got);
		if (r) {
			free(buf);
			return fs_error(v, path, r);
		}
		if (!got)
			break;
		if (sparse && is_zero(buf, got)) {
			/* keep holes (a 5 GiB sparse file stays sparse in the copy) */
			if (lseek(fd, (off_t)got, SEEK_CUR) < 0 ||
			    ftruncate(fd, (off_t)(off + got))) {
				fprintf(stderr, "lukstool: cannot write %s: %s\n", dest, strerror(errno));
				free(buf);
				return LT_IO;
			}
		} else if (write_all(fd, buf, got)) {
			fprintf(stderr, "lukstool: cannot write %s: %s\n", dest, strerror(errno));
			free(buf);
			return LT_IO;
		}
		off += got;
	}
	free(buf);
	return LT_OK;
}

static int do_cat(lt_fsview *v, const char *path)
{
	lt_fsstat st;
	void *f;
	int r;

	r = v->ops->open(v->fs, path, 0, &f);
	if (r)
		return fs_error(v, path, r);
	v->ops->stat(f, &st);
	if (st.type == LD_EXT4_T_DIR) {
		fprintf(stderr, "lukstool: %s: is a directory\n", path);
		v->ops->close(f);
		return LT_USAGE;
	}
	r = copy_out(v, f, path, STDOUT_FILENO, "standard output", 0);
	v->ops->close(f);
	return r;
}

/* ---- cp ------------------------------------------------------------------------------ */

static void set_times(const char *dest, const lt_fsstat *st)
{
	struct timespec ts[2];

	ts[0].tv_sec = ts[1].tv_sec = (time_t)st->mtime;
	ts[0].tv_nsec = ts[1].tv_nsec = st->mtime_nsec;
	(void)utimensat(AT_FDCWD, dest, ts, AT_SYMLINK_NOFOLLOW);
}

static int cp_file(lt_fsview *v, void *f, const lt_fsstat *st, const char *src, const char *dest)
{
	int fd, r;

	/* O_EXCL | O_NOFOLLOW: never write through something that already exists */
	fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "lukstool: cannot create %s: %s\n", dest, strerror(errno));
		return LT_IO;
	}
	r = copy_out(v, f, src, fd, dest, 1);
	if (fchmod(fd, st->mode & 07777) && !r)
		r = LT_IO;
	if (close(fd) && !r) {
		fprintf(stderr, "lukstool: cannot write %s: %s\n", dest, strerror(errno));
		r = LT_IO;
	}
	if (!r)
		set_times(dest, st);
	return r;
}

static int cp_link(lt_fsview *v, void *f, const char *src, const char *dest)
{
	char target[4097];
	lt_fsstat st;
	int r;

	r = v->ops->readlink(f, target, sizeof(target));
	if (r)
		return fs_error(v, src, r);
	if (symlink(target, dest)) {
		fprintf(stderr, "lukstool: cannot create symlink %s: %s\n", dest, strerror(errno));
		return LT_IO;
	}
	v->ops->stat(f, &st);
	set_times(dest, &st);
	return LT_OK;
}

static int cp_tree(lt_fsview *v, void *dir, const lt_fsstat *st, const char *src,
		   const char *dest, int depth);

/* Copies the open node f (src inside the volume) to dest. */
static int cp_node(lt_fsview *v, void *f, const char *src, const char *dest, int depth)
{
	lt_fsstat st;

	v->ops->stat(f, &st);
	switch (st.type) {
	case LD_EXT4_T_REG:
		return cp_file(v, f, &st, src, dest);
	case LD_EXT4_T_LNK:
		return cp_link(v, f, src, dest);
	case LD_EXT4_T_DIR:
		return cp_tree(v, f, &st, src, dest, depth);
	default:
		fprintf(stderr, "lukstool: %s: special file skipped\n", src);
		return LT_OK;
	}
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + lb + 2);

	if (p) {
		memcpy(p, a, la);
		p[la] = '/';
		memcpy(p + la + 1, b, lb + 1);
	}
	return p;
}

static int cp_tree(lt_fsview *v, void *dir, const lt_fsstat *st, const char *src,
		   const char *dest, int depth)
{
	lt_fsent *e;
	uint64_t pos = 0;
	int r, rr = LT_OK;

	if (depth > CP_MAX_DEPTH) {
		fprintf(stderr, "lukstool: %s: directories nested deeper than %d (a loop?)\n", src,
			CP_MAX_DEPTH);
		return LT_INVALID;
	}
	if (mkdir(dest, 0700)) {
		fprintf(stderr, "lukstool: cannot create directory %s: %s\n", dest, strerror(errno));
		return LT_IO;
	}
	e = malloc(sizeof(*e));
	if (!e)
		return LT_IO;
	while ((r = v->ops->readdir(dir, &pos, e)) == LD_OK) {
		char *s = join(src, e->name), *d = join(dest, e->name);
		void *c;
		if (!s || !d) {
			free(s);
			free(d);
			rr = LT_IO;
			break;
		}
		r = v->ops->open_entry(v->fs, dir, e, &c);
		if (r) {
			rr = fs_error(v, s, r);
		} else {
			r = cp_node(v, c, s, d, depth + 1);
			v->ops->close(c);
			if (r)
				rr = r;
		}
		free(s);
		free(d);
		if (rr)
			break;
	}
	free(e);
	if (!rr && r != LD_ERR_NOTFOUND)
		rr = fs_error(v, src, r);
	if (chmod(dest, st->mode & 07777) && !rr)
		rr = LT_IO;
	if (!rr)
		set_times(dest, st);
	return rr;
}

static int do_cp(lt_fsview *v, const char *path, const char *dest, int recursive)
{
	lt_fsstat st;
	void *f;
	int r;

	r = v->ops->open(v->fs, path, 0, &f);
	if (r)
		return fs_error(v, path, r);
	v->ops->stat(f, &st);
	if (st.type == LD_EXT4_T_DIR && !recursive) {
		fprintf(stderr, "lukstool: %s: is a directory (use -r)\n", path);
		r = LT_USAGE;
	} else {
		r = cp_node(v, f, path, dest, 0);
	}
	v->ops->close(f);
	return r;
}

static int run(int argc, char **argv, int cmd)
{
	struct fsargs fa;
	lt_fsview v;
	int r;

	r = parse(argc, argv, &fa, cmd);
	if (r)
		return r < 0 ? LT_OK : r;
	r = lt_fsview_open(&v, &fa.a);
	if (r)
		return r;
	if (cmd == FS_LS)
		r = do_ls(&v, fa.path);
	else if (cmd == FS_CAT)
		r = do_cat(&v, fa.path);
	else
		r = do_cp(&v, fa.path, fa.dest, fa.recursive);
	lt_fsview_close(&v);
	if (!r && fflush(stdout))
		r = LT_IO;
	return r;
}

int lt_cmd_ls(int argc, char **argv)
{
	return run(argc, argv, FS_LS);
}

int lt_cmd_cat(int argc, char **argv)
{
	return run(argc, argv, FS_CAT);
}

int lt_cmd_cp(int argc, char **argv)
{
	return run(argc, argv, FS_CP);
}
