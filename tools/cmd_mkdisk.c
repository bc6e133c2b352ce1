/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* lukstool mkdisk: builds an encrypted-only boot disk from a directory, without root.
 *
 *   1. a FAT file system image is made as a plain file (mkfs.vfat -C) and filled from DIR
 *      (mcopy -s), both Debian tools (dosfstools, mtools); or, with --fs ext4, an ext4
 *      image made and filled in one step by e2fsprogs' mke2fs -d (no root needed);
 *   2. a fresh volume key comes from the kernel's CSPRNG; libcryptsetup writes the LUKS2
 *      header and one keyslot for the key file into a scratch partition file;
 *   3. the disk image gets a GPT with one partition: the LUKS2 header area copied from the
 *      scratch file, then the file system encrypted sector by sector with the project's own
 *      crypto layer (ld_cipher_encrypt), exactly as dm-crypt would have written it.
 * With --verity, between 1 and 2 libcryptsetup writes a dm-verity superblock and tree after
 * the file system (tools/mk_verity.h), and all of it is encrypted in step 3.
 * The image is assembled under a temporary name and renamed into place only when complete. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <libcryptsetup.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/uuid.h"
#include "crypto/crypto.h"
#include "tools/hostdev.h"
#include "tools/lt_verity_opts.h"
#include "tools/lukstool.h"
#include "tools/mk_gpt.h"
#include "tools/mk_util.h"
#include "tools/mk_verity.h"

extern char **environ;

#define MiB (1024u * 1024u)
#define PART_START (1 * (uint64_t)MiB)     /* first partition at 1 MiB, as partitioners do */
#define DATA_OFFSET (16 * (uint64_t)MiB)   /* cryptsetup's LUKS2 default data offset */
#define MAX_KEYFILE (8u * 1024 * 1024)     /* cryptsetup's default key file limit */
#define CHUNK (1u * MiB)

/* "Linux LUKS" partition type (sgdisk code 8309). */
static const char LUKS_PART_TYPE[] = "ca7d7ccb-63ed-4c53-861c-1742536059cc";

struct opts {
	const char *key_file, *from, *out, *fs, *label, *pbkdf, *hash, *cipher, *uuid;
	uint64_t size;
	uint32_t iter_time, memory_kib, parallel, force_iter, key_bits, sector;
	int force, verity;
	lt_verity_opts vo; /* --verity: the tree's parameters that may be chosen */
};

/* What --verity computes rather than takes. */
#define VERITY_COMPUTED (LT_VO_ROOT | LT_VO_OFFSET | LT_VO_BLOCKS | LT_VO_NOSB)

static void usage(FILE *f)
{
	fprintf(f,
"usage: lukstool mkdisk --key-file FILE --from DIR -o DISK [options]\n"
"\n"
"Makes DISK, a GPT disk image with one partition holding a LUKS2 volume whose file\n"
"system is populated from DIR (recursively).  No root and no dm-crypt are needed: the\n"
"LUKS2 header is written by libcryptsetup, the data is encrypted by LuksDxe's own crypto\n"
"layer.  The file system image is made with mkfs.vfat (dosfstools) and filled with mcopy\n"
"(mtools), or with --fs ext4 made and filled by mke2fs -d (e2fsprogs).\n"
"\n"
"  --key-file FILE          passphrase: the exact bytes of FILE (as cryptsetup --key-file)\n"
"  --from DIR               directory copied into the file system\n"
"  -o, --output DISK        disk image to create (refused if it exists, see --force)\n"
"  --size SIZE              whole disk size, e.g. 64M, 1G (default: DIR's size + room)\n"
"  --fs vfat|ext4           file system (default vfat)\n"
"  --label LABEL            file system label (default LUKSDXE)\n"
"  --cipher SPEC            data cipher (default aes-xts-plain64)\n"
"  --key-size BITS          volume key size (default 512 for XTS, 256 otherwise)\n"
"  --sector-size 512|4096   encryption sector size (default 4096)\n"
"  --pbkdf argon2id|argon2i|pbkdf2   keyslot KDF (default argon2id)\n"
"  --hash HASH              hash for PBKDF2 and the anti-forensic split (default sha256)\n"
"  --iter-time MS           KDF benchmark target in milliseconds (default 2000)\n"
"  --pbkdf-memory KIB       Argon2 memory cost limit (default 1048576)\n"
"  --pbkdf-parallel N       Argon2 lanes (default 4)\n"
"  --pbkdf-force-iterations N  no benchmark: PBKDF2 iterations or Argon2 time cost\n"
"  --uuid UUID              LUKS UUID (default random)\n"
"  --verity                 a dm-verity tree over the file system, inside the volume: its\n"
"                           superblock right after the file system, then the tree, both\n"
"                           written by libcryptsetup and encrypted with the file system\n"
"    --verity-salt HEX|-    salt (default 32 random bytes; - for none)\n"
"    --verity-hash ALG      sha1, sha256 (default) or sha512\n"
"    --verity-data-block-size N, --verity-hash-block-size N   512..4096 (default 4096)\n"
"    --verity-format 0|1    hash type (default 1)\n"
"  --force                  overwrite DISK\n"
"\n"
"Prints the LUKS UUID (line \"mkdisk: LUKS UUID <uuid>\") and the layout it made; with\n"
"--verity also the root hash (\"mkdisk: verity root hash <hex>\") and the options that\n"
"give the tree to lukstool mksecret --image DISK --key-file FILE and lukstool verify\n"
"(\"mkdisk: verity options: --verity-root-hash ...\").\n");
}


/* ---- running mkfs.vfat and mcopy ------------------------------------------------- */
static int run(char *const argv[], int quiet)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, rc;

	posix_spawn_file_actions_init(&fa);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		fprintf(stderr, "mkdisk: cannot run %s: %s\n", argv[0], strerror(rc));
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "mkdisk: %s failed (status %d)\n", argv[0],
			WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		return -1;
	}
	return 0;
}

/* ---- how much room DIR needs ----------------------------------------------------- */
static uint64_t g_bytes, g_files, g_dirs;
static int count_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)path; (void)ftw;
	if (type == FTW_F) {
		/* Whole clusters (at most 4 KiB on the small volumes made here) plus a directory
		 * slot with long-name entries. */
		g_bytes += ((uint64_t)st->st_size + 4095) / 4096 * 4096 + 256;
		g_files++;
	} else if (type == FTW_D) {
		g_bytes += 4096;
		g_dirs++;
	} else if (type == FTW_DNR || type == FTW_NS) {
		fprintf(stderr, "mkdisk: cannot read %s\n", path);
		return 1;
	}
	return 0;
}

/* ---- running mke2fs -d (--fs ext4) ------------------------------------------------ */
/* Makes and fills the ext4 image in one step: a plain file of fs_size bytes, 4 KiB blocks
 * (a whole number of encryption sectors), enough inodes for DIR, files owned as in DIR. */
static int make_ext4(const struct opts *o, const char *path, uint64_t fs_size)
{
	char inodes[32];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0 || ftruncate(fd, (off_t)fs_size) != 0 || close(fd) != 0) {
		fprintf(stderr, "mkdisk: cannot create %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(inodes, sizeof(inodes), "%llu", (unsigned long long)(g_files + g_dirs + 1024));
	char *mkfs[] = { "mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096", "-N", inodes,
			 "-L", (char *)o->label, "-d", (char *)o->from, (char *)path, NULL };
	return run(mkfs, 1);
}

/* ---- scratch files next to the output -------------------------------------------- */
struct scratch {
	char dir[PATH_MAX], fs[PATH_MAX], part[PATH_MAX], disk[PATH_MAX];
};

static int scratch_make(struct scratch *s, const char *out)
{
	char tmp[PATH_MAX];
	const char *slash = strrchr(out, '/');
	int n;

	memset(s, 0, sizeof(*s));
	if (slash == NULL)
		n = snprintf(tmp, sizeof(tmp), ".lukstool-mkdisk.XXXXXX");
	else
		n = snprintf(tmp, sizeof(tmp), "%.*s/.lukstool-mkdisk.XXXXXX", (int)(slash - out), out);
	if (n < 0 || (size_t)n >= sizeof(tmp) || mkdtemp(tmp) == NULL)
		return -1;
	strcpy(s->dir, tmp);
	if (snprintf(s->fs, sizeof(s->fs), "%s/fs.img", tmp) >= (int)sizeof(s->fs) ||
	    snprintf(s->part, sizeof(s->part), "%s/luks.img", tmp) >= (int)sizeof(s->part) ||
	    snprintf(s->disk, sizeof(s->disk), "%s/disk.img", tmp) >= (int)sizeof(s->disk))
		return -1;
	return 0;
}

static void scratch_remove(struct scratch *s)
{
	if (s->dir[0] == '\0')
		return;
	unlink(s->fs);
	unlink(s->part);
	unlink(s->disk);
	rmdir(s->dir);
}

static void log_cb(int level, const char *msg, void *usrptr)
{
	(void)usrptr;
	if (level == CRYPT_LOG_ERROR)
		fprintf(stderr, "mkdisk: libcryptsetup: %s", msg);
}

/* Writes the LUKS2 header and keyslot for vk/pass into the scratch partition file.
 * On success uuid receives the volume's UUID. */
static int format_luks(const struct opts *o, const char *part, const uint8_t *vk, size_t vklen,
		       const uint8_t *pass, size_t passlen, char uuid[40], char kdf_desc[160])
{
	struct crypt_device *cd = NULL;
	struct crypt_pbkdf_type pbkdf;
	struct crypt_params_luks2 params;
	char cipher[32], mode[64];
	const char *dash = strchr(o->cipher, '-');
	int rc = -1, slot;

	if (dash == NULL || (size_t)(dash - o->cipher) >= sizeof(cipher) || strlen(dash + 1) >= sizeof(mode)) {
		fprintf(stderr, "mkdisk: cipher must be CIPHER-MODE, e.g. aes-xts-plain64\n");
		return -1;
	}
	memcpy(cipher, o->cipher, (size_t)(dash - o->cipher));
	cipher[dash - o->cipher] = '\0';
	strcpy(mode, dash + 1);

	const struct crypt_pbkdf_type *def = crypt_get_pbkdf_default(CRYPT_LUKS2);
	if (def == NULL)
		return -1;
	pbkdf = *def;
	pbkdf.type = o->pbkdf;
	pbkdf.hash = o->hash;
	if (o->iter_time)
		pbkdf.time_ms = o->iter_time;
	if (strcmp(o->pbkdf, CRYPT_KDF_PBKDF2) == 0) {
		pbkdf.max_memory_kb = 0;
		pbkdf.parallel_threads = 0;
	} else {
		if (o->memory_kib)
			pbkdf.max_memory_kb = o->memory_kib;
		if (o->parallel)
			pbkdf.parallel_threads = o->parallel;
	}
	if (o->force_iter) {
		pbkdf.iterations = o->force_iter;
		pbkdf.time_ms = 0;
		pbkdf.flags |= CRYPT_PBKDF_NO_BENCHMARK;
	}

	if (crypt_init(&cd, part) < 0) {
		fprintf(stderr, "mkdisk: libcryptsetup cannot open the scratch file %s\n", part);
		return -1;
	}
	memset(&params, 0, sizeof(params));
	params.pbkdf = &pbkdf;
	params.sector_size = o->sector;
	if (crypt_set_pbkdf_type(cd, &pbkdf) < 0 ||
	    crypt_set_data_offset(cd, DATA_OFFSET / 512) < 0) {
		fprintf(stderr, "mkdisk: libcryptsetup refused the KDF settings\n");
		goto out;
	}
	if (crypt_format(cd, CRYPT_LUKS2, cipher, mode, o->uuid, (const char *)vk, vklen, &params) < 0) {
		fprintf(stderr, "mkdisk: libcryptsetup could not format the LUKS2 header\n");
		goto out;
	}
	slot = crypt_keyslot_add_by_volume_key(cd, CRYPT_ANY_SLOT, (const char *)vk, vklen,
					       (const char *)pass, passlen);
	if (slot < 0) {
		fprintf(stderr, "mkdisk: libcryptsetup could not add the keyslot\n");
		goto out;
	}
	if (crypt_get_data_offset(cd) != DATA_OFFSET / 512) {
		fprintf(stderr, "mkdisk: libcryptsetup chose data offset %llu sectors, expected %llu\n",
			(unsigned long long)crypt_get_data_offset(cd),
			(unsigned long long)(DATA_OFFSET / 512));
		goto out;
	}
	const char *u = crypt_get_uuid(cd);
	if (u == NULL || strlen(u) >= 40)
		goto out;
	strcpy(uuid, u);
	struct crypt_pbkdf_type used;
	if (crypt_keyslot_get_pbkdf(cd, slot, &used) == 0) {
		if (strcmp(used.type, CRYPT_KDF_PBKDF2) == 0)
			snprintf(kdf_desc, 160, "keyslot %d: pbkdf2-%s, %u iterations", slot,
				 used.hash, used.iterations);
		else
			snprintf(kdf_desc, 160, "keyslot %d: %s, time cost %u, memory %u KiB, %u lanes",
				 slot, used.type, used.iterations, used.max_memory_kb,
				 used.parallel_threads);
	} else {
		snprintf(kdf_desc, 160, "keyslot %d: %s", slot, o->pbkdf);
	}
	rc = 0;
out:
	crypt_free(cd);
	return rc;
}

/* Copies the LUKS2 header area from the scratch partition file to the disk, skipping
 * all-zero chunks so that the (sparse) keyslot area stays sparse in the image. */
static int copy_header(int part_fd, int disk_fd, uint8_t *buf)
{
	static const uint8_t zero[64 * 1024];
	uint64_t off;

	for (off = 0; off < DATA_OFFSET; off += sizeof(zero)) {
		if (lt_pread_all(part_fd, buf, sizeof(zero), off) != 0)
			return -1;
		if (memcmp(buf, zero, sizeof(zero)) == 0)
			continue;
		if (lt_pwrite_all(disk_fd, buf, sizeof(zero), PART_START + off) != 0)
			return -1;
	}
	return 0;
}

/* Encrypts the file system image into the data segment, as dm-crypt would for LUKS2: the
 * IV of each encryption sector is its offset in the segment counted in 512-byte units
 * (cryptsetup never sets dm-crypt's iv_large_sectors for LUKS2), so with 4096-byte
 * sectors consecutive sectors have IVs 0, 8, 16, ... */
static int encrypt_fs(ld_cipher *c, int fs_fd, int disk_fd, uint64_t fs_size, uint32_t sector,
		      uint8_t *buf)
{
	uint64_t off;
	int rc;

	for (off = 0; off < fs_size; off += CHUNK) {
		size_t n = fs_size - off < CHUNK ? (size_t)(fs_size - off) : CHUNK;
		if (n % sector != 0) {
			errno = EINVAL;
			return -1;
		}
		if (lt_pread_all(fs_fd, buf, n, off) != 0)
			return -1;
		rc = ld_cipher_encrypt(c, buf, n, sector, off / 512, sector / 512);
		if (rc != LD_OK) {
			fprintf(stderr, "mkdisk: encryption failed: %s\n", ld_strerror(rc));
			errno = EIO;
			return -1;
		}
		if (lt_pwrite_all(disk_fd, buf, n, PART_START + DATA_OFFSET + off) != 0)
			return -1;
	}
	return 0;
}

/* The --verity-* options given: only with --verity, only those mkdisk does not compute,
 * and parameters the reader accepts.  0, or -1 after a message. */
static int verity_parse_check(struct opts *o)
{
	ld_verity_params p = o->vo.p;
	uint64_t plain;
	char err[160];

	if (!o->verity && o->vo.given) {
		fprintf(stderr, "mkdisk: --%s needs --verity\n", lt_verity_option_name(o->vo.given));
		return -1;
	}
	if (o->vo.given & VERITY_COMPUTED) {
		fprintf(stderr, "mkdisk: --%s is what mkdisk --verity computes, not an option of it\n",
			lt_verity_option_name(o->vo.given & VERITY_COMPUTED));
		return -1;
	}
	if (!o->verity)
		return 0;
	p.data_blocks = 1;
	if (ld_verity_params_check(&p, err, sizeof(err)) != LD_OK ||
	    lt_mk_verity_layout(MiB, &p, &plain) != LD_OK) {
		fprintf(stderr, "mkdisk: dm-verity parameters: %s\n", err[0] ? err : "refused");
		return -1;
	}
	return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
	enum { O_KEY = 256, O_FROM, O_SIZE, O_FS, O_LABEL, O_PBKDF, O_HASH, O_ITER, O_MEM, O_PAR,
	       O_FORCEIT, O_CIPHER, O_KEYSIZE, O_SECTOR, O_UUID, O_FORCE, O_HELP, O_VERITY };
	static const struct option lo[] = {
		{ "key-file", required_argument, 0, O_KEY }, { "from", required_argument, 0, O_FROM },
		{ "output", required_argument, 0, 'o' }, { "size", required_argument, 0, O_SIZE },
		{ "fs", required_argument, 0, O_FS }, { "label", required_argument, 0, O_LABEL },
		{ "pbkdf", required_argument, 0, O_PBKDF }, { "hash", required_argument, 0, O_HASH },
		{ "iter-time", required_argument, 0, O_ITER },
		{ "pbkdf-memory", required_argument, 0, O_MEM },
		{ "pbkdf-parallel", required_argument, 0, O_PAR },
		{ "pbkdf-force-iterations", required_argument, 0, O_FORCEIT },
		{ "cipher", required_argument, 0, O_CIPHER },
		{ "key-size", required_argument, 0, O_KEYSIZE },
		{ "sector-size", required_argument, 0, O_SECTOR },
		{ "uuid", required_argument, 0, O_UUID }, { "force", no_argument, 0, O_FORCE },
		{ "verity", no_argument, 0, O_VERITY }, LT_VERITY_OPTIONS,
		{ "help", no_argument, 0, O_HELP }, { 0, 0, 0, 0 }
	};
	int c, idx;

	memset(o, 0, sizeof(*o));
	o->fs = "vfat";
	o->label = "LUKSDXE";
	o->pbkdf = CRYPT_KDF_ARGON2ID;
	o->hash = "sha256";
	o->cipher = "aes-xts-plain64";
	o->sector = 4096;
	lt_verity_opts_init(&o->vo);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", lo, &idx)) != -1) {
		int bad = 0;
		switch (c) {
		case O_KEY: o->key_file = optarg; break;
		case O_FROM: o->from = optarg; break;
		case 'o': o->out = optarg; break;
		case O_SIZE: bad = lt_parse_size(optarg, &o->size); break;
		case O_FS: o->fs = optarg; break;
		case O_LABEL: o->label = optarg; break;
		case O_PBKDF: o->pbkdf = optarg; break;
		case O_HASH: o->hash = optarg; break;
		case O_ITER: bad = lt_parse_u32(optarg, UINT32_MAX, &o->iter_time) || o->iter_time == 0; break;
		case O_MEM: bad = lt_parse_u32(optarg, UINT32_MAX, &o->memory_kib) || o->memory_kib == 0; break;
		case O_PAR: bad = lt_parse_u32(optarg, UINT32_MAX, &o->parallel) || o->parallel == 0; break;
		case O_FORCEIT: bad = lt_parse_u32(optarg, UINT32_MAX, &o->force_iter) || o->force_iter == 0; break;
		case O_CIPHER: o->cipher = optarg; break;
		case O_KEYSIZE: bad = lt_parse_u32(optarg, UINT32_MAX, &o->key_bits); break;
		case O_SECTOR: bad = lt_parse_u32(optarg, UINT32_MAX, &o->sector); break;
		case O_UUID: o->uuid = optarg; break;
		case O_FORCE: o->force = 1; break;
		case O_VERITY: o->verity = 1; break;
		case LT_OPT_VERITY:
			if (lt_verity_option(&o->vo, lo[idx].name, optarg, "mkdisk"))
				return -1;
			break;
		case 'h': case O_HELP: usage(stdout); return 1;
		default: usage(stderr); return -1;
		}
		if (bad) {
			fprintf(stderr, "mkdisk: bad value for an option: %s\n", optarg);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "mkdisk: unexpected argument: %s\n", argv[optind]);
		return -1;
	}
	if (o->key_file == NULL || o->from == NULL || o->out == NULL) {
		fprintf(stderr, "mkdisk: --key-file, --from and -o are required (see --help)\n");
		return -1;
	}
	if (strcmp(o->fs, "vfat") != 0 && strcmp(o->fs, "ext4") != 0) {
		fprintf(stderr, "mkdisk: file system %s is not supported (vfat or ext4)\n", o->fs);
		return -1;
	}
	if (strcmp(o->pbkdf, CRYPT_KDF_ARGON2ID) != 0 && strcmp(o->pbkdf, CRYPT_KDF_ARGON2I) != 0 &&
	    strcmp(o->pbkdf, CRYPT_KDF_PBKDF2) != 0) {
		fprintf(stderr, "mkdisk: --pbkdf must be argon2id, argon2i or pbkdf2\n");
		return -1;
	}
	if (o->sector != 512 && o->sector != 1024 && o->sector != 2048 && o->sector != 4096) {
		fprintf(stderr, "mkdisk: --sector-size must be 512, 1024, 2048 or 4096\n");
		return -1;
	}
	if (o->key_bits == 0)
		o->key_bits = strstr(o->cipher, "-xts-") != NULL ? 512 : 256;
	if (o->key_bits % 8 != 0 || o->key_bits > 1024) {
		fprintf(stderr, "mkdisk: bad --key-size %u\n", o->key_bits);
		return -1;
	}
	if (o->uuid != NULL) {
		uint8_t g[16];
		if (ld_guid_parse(o->uuid, strlen(o->uuid), g) != LD_OK) {
			fprintf(stderr, "mkdisk: bad --uuid %s\n", o->uuid);
			return -1;
		}
	}
	return verity_parse_check(o);
}

/* The sizes: [1 MiB gap][LUKS2 header area 16 MiB][plaintext][>= 1 MiB for the backup
 * GPT]; the plaintext is the file system, with --verity followed by its superblock and
 * tree (o->vo.p gets their layout). */
struct sizes {
	uint64_t fs, plain, part, disk;
};

static int plan_sizes(struct opts *o, int is_ext4, struct sizes *z)
{
	uint64_t overhead = PART_START + DATA_OFFSET + MiB;

	if (o->size != 0) {
		if (o->size < overhead + 2 * (uint64_t)MiB) {
			fprintf(stderr, "mkdisk: --size must be at least %llu MiB\n",
				(unsigned long long)((overhead >> 20) + 2));
			return LT_USAGE;
		}
		z->fs = z->plain = (o->size - overhead) / MiB * MiB;
		if (o->verity && lt_mk_verity_fit(z->plain, &o->vo.p, &z->fs, &z->plain) != LD_OK) {
			fprintf(stderr, "mkdisk: --size leaves no room for a file system and its tree\n");
			return LT_USAGE;
		}
		z->disk = o->size / 512 * 512;
	} else {
		z->fs = (g_bytes + g_bytes / 8 + 2 * (uint64_t)MiB + MiB - 1) / MiB * MiB;
		if (is_ext4) /* room for inode tables, a journal and 4 KiB per small file */
			z->fs += (g_bytes / 8 + (g_files + g_dirs) * 4096 + 16 * (uint64_t)MiB) / MiB * MiB;
		if (z->fs < 8 * (uint64_t)MiB)
			z->fs = 8 * (uint64_t)MiB;
		z->plain = z->fs;
		if (o->verity && lt_mk_verity_layout(z->fs, &o->vo.p, &z->plain) != LD_OK) {
			fprintf(stderr, "mkdisk: no dm-verity tree fits a %llu MiB file system\n",
				(unsigned long long)(z->fs >> 20));
			return LT_UNSUPPORTED;
		}
		z->disk = overhead + z->plain;
	}
	z->part = DATA_OFFSET + z->plain;
	return LT_OK;
}

/* --verity without --verity-salt: 32 random bytes, as veritysetup's default.  0 or -1. */
static int verity_salt(struct opts *o)
{
	if (o->vo.given & LT_VO_SALT)
		return 0;
	o->vo.p.salt_size = 32;
	if (lt_random(o->vo.p.salt, o->vo.p.salt_size) == 0)
		return 0;
	fprintf(stderr, "mkdisk: no randomness: %s\n", strerror(errno));
	return -1;
}

/* The lines that give the tree to mksecret and verify. */
static void print_verity(const ld_verity_params *p, const char *sb_uuid)
{
	ld_verity_geometry g;
	size_t i;

	if (ld_verity_geometry_of(p, &g) != LD_OK)
		return;
	printf("mkdisk: dm-verity: %s, format %u, %llu data blocks of %u bytes, superblock "
	       "(UUID %s) at %llu, %llu hash blocks of %u bytes at %llu..%llu, salt ",
	       ld_hash_name(p->hash), p->hash_type, (unsigned long long)p->data_blocks,
	       p->data_block_size, sb_uuid, (unsigned long long)p->hash_offset,
	       (unsigned long long)g.hash_blocks, p->hash_block_size,
	       (unsigned long long)g.tree_offset, (unsigned long long)g.hash_end);
	for (i = 0; i < p->salt_size; i++)
		printf("%02x", p->salt[i]);
	printf("%s\nmkdisk: verity root hash ", p->salt_size ? "" : "-");
	for (i = 0; i < ld_hash_size(p->hash); i++)
		printf("%02x", p->root_hash[i]);
	printf("\nmkdisk: verity options: ");
	lt_verity_print_options(stdout, p);
}

int lt_cmd_mkdisk(int argc, char **argv)
{
	struct opts o;
	struct scratch s;
	uint8_t *pass = NULL, *buf = NULL, vk[128];
	size_t passlen = 0, vklen;
	struct sizes z;
	char uuid[40] = "", vuuid[40] = "", kdf_desc[160] = "", err[128] = "";
	int rc = LT_IO, fs_fd = -1, part_fd = -1, disk_fd = -1;
	ld_cipher *c = NULL;
	struct stat st;

	int p = parse(argc, argv, &o);
	if (p != 0)
		return p > 0 ? LT_OK : LT_USAGE;
	crypt_set_log_callback(NULL, log_cb, NULL);
	vklen = o.key_bits / 8;
	memset(&s, 0, sizeof(s));

	/* Refuse what the driver could not read back before doing any work. */
	if (ld_cipher_check(o.cipher, vklen, err, sizeof(err)) != LD_OK) {
		fprintf(stderr, "mkdisk: cipher %s with a %u-bit key is not supported: %s\n",
			o.cipher, o.key_bits, err);
		return LT_UNSUPPORTED;
	}
	if (!o.force && lstat(o.out, &st) == 0) {
		fprintf(stderr, "mkdisk: %s exists; use --force to overwrite it\n", o.out);
		return LT_USAGE;
	}
	if (stat(o.from, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "mkdisk: %s is not a directory\n", o.from);
		return LT_USAGE;
	}
	if (lt_read_file(o.key_file, MAX_KEYFILE, &pass, &passlen) != 0) {
		fprintf(stderr, "mkdisk: cannot read key file %s: %s\n", o.key_file, strerror(errno));
		return LT_IO;
	}
	if (passlen == 0) {
		fprintf(stderr, "mkdisk: key file %s is empty\n", o.key_file);
		lt_free_wipe(pass, passlen);
		return LT_USAGE;
	}

	int is_ext4 = strcmp(o.fs, "ext4") == 0;

	/* Sizes: [1 MiB gap][LUKS2 header area 16 MiB][file system][>= 1 MiB for the backup GPT]. */
	g_bytes = g_files = g_dirs = 0;
	if (nftw(o.from, count_entry, 32, FTW_PHYS) != 0) {
		fprintf(stderr, "mkdisk: cannot walk %s\n", o.from);
		goto out;
	}
	if (o.verity && verity_salt(&o) != 0)
		goto out;
	if ((rc = plan_sizes(&o, is_ext4, &z)) != LT_OK)
		goto out;
	rc = LT_IO;

	if (scratch_make(&s, o.out) != 0) {
		fprintf(stderr, "mkdisk: cannot create a scratch directory next to %s: %s\n", o.out,
			strerror(errno));
		goto out;
	}

	/* 1. The plaintext file system, as a plain file. */
	if (is_ext4) {
		if (make_ext4(&o, s.fs, z.fs) != 0)
			goto out;
	} else {
	{
		char kib[32], sec[16];
		snprintf(kib, sizeof(kib), "%llu", (unsigned long long)(z.fs / 1024));
		snprintf(sec, sizeof(sec), "%u", o.sector);
		/* FAT's logical sector = the encryption sector, so that every FAT sector maps to
		 * whole blocks of the unlocked BlockIo (whose block size is the sector size). */
		char *mkfs[] = { "mkfs.vfat", "-C", "-S", sec, "-n", (char *)o.label, s.fs, kib, NULL };
		if (run(mkfs, 1) != 0)
			goto out;
	}
	{
		DIR *d = opendir(o.from);
		struct dirent *de;
		size_t n = 0, cap = 16;
		char **argvv = calloc(cap, sizeof(char *));
		int ok = d != NULL && argvv != NULL;

		if (ok) {
			argvv[n++] = "mcopy";
			argvv[n++] = "-s"; /* recursive */
			argvv[n++] = "-m"; /* keep modification times */
			argvv[n++] = "-Q"; /* stop at the first error */
			argvv[n++] = "-i";
			argvv[n++] = s.fs;
		}
		size_t first = n;
		while (ok && (de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			if (n + 3 > cap) {
				char **nv = realloc(argvv, 2 * cap * sizeof(char *));
				if (nv == NULL) { ok = 0; break; }
				argvv = nv;
				cap *= 2;
			}
			size_t l = strlen(o.from) + strlen(de->d_name) + 2;
			if ((argvv[n] = malloc(l)) == NULL) { ok = 0; break; }
			snprintf(argvv[n++], l, "%s/%s", o.from, de->d_name);
		}
		if (d != NULL)
			closedir(d);
		if (ok && n > first) {
			argvv[n++] = "::/";
			argvv[n] = NULL;
			/* mtools refuses image files whose geometry it cannot check otherwise. */
			setenv("MTOOLS_SKIP_CHECK", "1", 1);
			ok = run(argvv, 0) == 0;
			n--;
		} else if (!ok) {
			fprintf(stderr, "mkdisk: cannot list %s\n", o.from);
		}
		for (size_t i = first; argvv != NULL && i < n; i++)
			free(argvv[i]);
		free(argvv);
		if (!ok)
			goto out;
	}
	}

	/* 1b. --verity: the superblock and tree after the file system, by libcryptsetup. */
	if (o.verity) {
		if (truncate(s.fs, (off_t)z.plain) != 0) {
			fprintf(stderr, "mkdisk: cannot extend %s: %s\n", s.fs, strerror(errno));
			goto out;
		}
		if (lt_mk_verity_format(s.fs, &o.vo.p, vuuid) != 0) {
			rc = LT_UNSUPPORTED;
			goto out;
		}
	}

	/* 2. LUKS2 header in a sparse scratch partition file of the final partition size. */
	if (lt_random(vk, vklen) != 0) {
		fprintf(stderr, "mkdisk: no randomness: %s\n", strerror(errno));
		goto out;
	}
	part_fd = open(s.part, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (part_fd < 0 || ftruncate(part_fd, (off_t)z.part) != 0) {
		fprintf(stderr, "mkdisk: cannot create %s: %s\n", s.part, strerror(errno));
		goto out;
	}
	if (format_luks(&o, s.part, vk, vklen, pass, passlen, uuid, kdf_desc) != 0) {
		rc = LT_UNSUPPORTED;
		goto out;
	}

	/* 3. The disk: GPT, header area, encrypted file system. */
	disk_fd = open(s.disk, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	fs_fd = open(s.fs, O_RDONLY | O_CLOEXEC);
	buf = malloc(CHUNK);
	if (disk_fd < 0 || fs_fd < 0 || buf == NULL || ftruncate(disk_fd, (off_t)z.disk) != 0) {
		fprintf(stderr, "mkdisk: cannot create the disk image: %s\n", strerror(errno));
		goto out;
	}
	{
		uint8_t disk_guid[16];
		struct lt_gpt_part gp;
		memset(&gp, 0, sizeof(gp));
		if (lt_guid_random(disk_guid) != 0 || lt_guid_random(gp.unique) != 0 ||
		    ld_guid_parse(LUKS_PART_TYPE, strlen(LUKS_PART_TYPE), gp.type) != LD_OK)
			goto out;
		gp.first_lba = PART_START / LT_GPT_LBA;
		gp.last_lba = (PART_START + z.part) / LT_GPT_LBA - 1;
		gp.name = "luks";
		if (lt_gpt_write(disk_fd, z.disk, disk_guid, &gp) != 0) {
			fprintf(stderr, "mkdisk: cannot write the partition table: %s\n", strerror(errno));
			goto out;
		}
	}
	if (copy_header(part_fd, disk_fd, buf) != 0) {
		fprintf(stderr, "mkdisk: cannot copy the LUKS2 header: %s\n", strerror(errno));
		goto out;
	}
	if (ld_cipher_new(&c, o.cipher, vk, vklen, &lt_hostdev_alloc, err, sizeof(err)) != LD_OK) {
		fprintf(stderr, "mkdisk: cipher %s: %s\n", o.cipher, err);
		rc = LT_UNSUPPORTED;
		goto out;
	}
	ld_wipe(vk, sizeof(vk));
	if (encrypt_fs(c, fs_fd, disk_fd, z.plain, o.sector, buf) != 0) {
		fprintf(stderr, "mkdisk: cannot write the encrypted file system: %s\n", strerror(errno));
		goto out;
	}
	if (fsync(disk_fd) != 0 || rename(s.disk, o.out) != 0) {
		fprintf(stderr, "mkdisk: cannot write %s: %s\n", o.out, strerror(errno));
		goto out;
	}

	printf("mkdisk: file system: %s, %llu MiB, %llu files and %llu directories from %s\n",
	       o.fs, (unsigned long long)(z.fs >> 20), (unsigned long long)g_files,
	       (unsigned long long)(g_dirs ? g_dirs - 1 : 0), o.from);
	printf("mkdisk: LUKS2: %s, %u-bit key, %u-byte sectors, data offset %llu MiB; %s\n",
	       o.cipher, o.key_bits, o.sector, (unsigned long long)(DATA_OFFSET >> 20), kdf_desc);
	printf("mkdisk: wrote %s: %llu MiB disk, GPT partition 1 \"luks\" at %llu MiB, %llu MiB\n",
	       o.out, (unsigned long long)(z.disk >> 20), (unsigned long long)(PART_START >> 20),
	       (unsigned long long)(z.part >> 20));
	printf("mkdisk: LUKS UUID %s\n", uuid);
	if (o.verity)
		print_verity(&o.vo.p, vuuid);
	rc = fflush(stdout) ? LT_IO : LT_OK;
out:
	ld_wipe(vk, sizeof(vk));
	if (c != NULL)
		ld_cipher_free(c);
	if (buf != NULL)
		lt_free_wipe(buf, CHUNK);
	lt_free_wipe(pass, passlen);
	if (fs_fd >= 0)
		close(fs_fd);
	if (part_fd >= 0)
		close(part_fd);
	if (disk_fd >= 0)
		close(disk_fd);
	scratch_remove(&s);
	return rc;
}
