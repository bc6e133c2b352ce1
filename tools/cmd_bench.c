/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* lukstool bench: what this machine does with LuksDxe's own crypto core (the code the
 * driver runs; no OpenSSL), in the spirit of `cryptsetup benchmark`:
 *   PBKDF2 iterations per second for each hash a LUKS keyslot may name;
 *   Argon2i / Argon2id seconds for one derivation at the given cost, with the lanes
 *   computed one after the other (as the firmware does today) and, when there are
 *   several, on one thread per lane;
 *   sector cipher MiB/s, encryption and decryption, for each supported mode and key size
 *   at 512- and 4096-byte sectors, in memory.
 * Each cipher row also checks that decryption undoes encryption, so a broken cipher
 * cannot report a rate.  `make bench` (tests/bench/) is the separate comparison against
 * OpenSSL and libargon2. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"
#include "tools/hostdev.h"
#include "tools/lt_kdf.h"
#include "tools/lukstool.h"

#define KDF_KEY_BYTES 32 /* what a LUKS2 keyslot derives for a 256-bit area key */

struct bench_opts {
	const char *cipher;  /* NULL: every spec below */
	const char *pbkdf;   /* NULL: every KDF; "pbkdf2", "argon2i", "argon2id" */
	const char *hash;    /* NULL: every PBKDF2 hash */
	uint32_t key_bits;   /* 0: every size the mode takes */
	uint32_t sector;     /* 0: 512 and 4096 */
	uint32_t memory_kib, parallel, time_cost;
	uint32_t buffer;     /* bytes per cipher pass */
	uint32_t millis;     /* minimum measuring time per figure */
	int do_kdf, do_cipher;
};

static const char usage_text[] =
	"Usage: lukstool bench [OPTIONS]\n"
	"Measures LuksDxe's crypto core on this machine (memory only, no storage I/O).\n"
	"  --cipher SPEC         only this dm-crypt cipher, e.g. aes-xts-plain64\n"
	"  --key-size BITS       only this key size (XTS: both halves, e.g. 512)\n"
	"  --sector-size N       only this sector size (512..4096, power of two)\n"
	"  --pbkdf NAME          only this KDF: pbkdf2, argon2i or argon2id\n"
	"  --hash NAME           only this PBKDF2 hash: sha1, sha256, sha512, ripemd160\n"
	"  --pbkdf-memory KIB    Argon2 memory cost in KiB (default 65536)\n"
	"  --pbkdf-parallel N    Argon2 lanes (default 1)\n"
	"  -t, --pbkdf-force-iterations N  Argon2 time cost (default 4)\n"
	"  --buffer-size BYTES   cipher buffer, a multiple of 4096 (default 4194304)\n"
	"  --time MS             minimum measuring time per figure (default 250)\n"
	"Environment: LUKSDXE_KDF_CPU=portable|sha|ssse3|avx2|avx512 forces one KDF code path.\n"
	"With --cipher/--key-size/--sector-size only ciphers are measured, with --pbkdf/--hash\n"
	"only key derivation; without either, everything.  Costs and sizes only adjust.\n";

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int parse(int argc, char **argv, struct bench_opts *o)
{
	enum { O_CIPHER = 256, O_KEYSIZE, O_SECTOR, O_PBKDF, O_HASH, O_MEM, O_PAR, O_BUF, O_TIME };
	static const struct option opts[] = {
		{ "cipher", required_argument, NULL, O_CIPHER },
		{ "key-size", required_argument, NULL, O_KEYSIZE },
		{ "sector-size", required_argument, NULL, O_SECTOR },
		{ "pbkdf", required_argument, NULL, O_PBKDF },
		{ "hash", required_argument, NULL, O_HASH },
		{ "pbkdf-memory", required_argument, NULL, O_MEM },
		{ "pbkdf-parallel", required_argument, NULL, O_PAR },
		{ "pbkdf-force-iterations", required_argument, NULL, 't' },
		{ "buffer-size", required_argument, NULL, O_BUF },
		{ "time", required_argument, NULL, O_TIME },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, kdf_opt = 0, cipher_opt = 0;
	ld_hash_alg h;

	memset(o, 0, sizeof(*o));
	o->memory_kib = 65536;
	o->parallel = 1;
	o->time_cost = 4;
	o->buffer = 4u << 20;
	o->millis = 250;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ht:", opts, NULL)) != -1) {
		int bad = 0;
		switch (c) {
		case O_CIPHER: o->cipher = optarg; cipher_opt = 1; break;
		case O_KEYSIZE:
			bad = lt_parse_u32(optarg, 4096, &o->key_bits) || !o->key_bits || o->key_bits % 8;
			cipher_opt = 1;
			break;
		case O_SECTOR:
			bad = lt_parse_u32(optarg, 4096, &o->sector) || o->sector < 512 ||
			      (o->sector & (o->sector - 1));
			cipher_opt = 1;
			break;
		case O_PBKDF:
			o->pbkdf = optarg;
			bad = strcmp(optarg, "pbkdf2") && strcmp(optarg, "argon2i") &&
			      strcmp(optarg, "argon2id");
			kdf_opt = 1;
			break;
		case O_HASH:
			o->hash = optarg;
			bad = ld_hash_from_name(optarg, strlen(optarg), &h) != LD_OK;
			kdf_opt = 1;
			break;
		/* Argon2's own limits: at least 8 KiB per lane, at most 2^24 - 1 lanes; 4 GiB is
		 * the largest memory cost a LUKS2 keyslot may ask for. */
		case O_MEM: bad = lt_parse_u32(optarg, 4194304, &o->memory_kib) || o->memory_kib < 8; break;
		case O_PAR: bad = lt_parse_u32(optarg, 0xffffff, &o->parallel) || !o->parallel; break;
		case 't': bad = lt_parse_u32(optarg, UINT32_MAX, &o->time_cost) || !o->time_cost; break;
		case O_BUF:
			bad = lt_parse_u32(optarg, 1u << 30, &o->buffer) || !o->buffer ||
			      o->buffer % 4096;
			break;
		case O_TIME: bad = lt_parse_u32(optarg, 600000, &o->millis); break;
		case 'h':
			printf("%s", usage_text);
			return -1;
		default:
			bad = 1;
		}
		if (bad) {
			const struct option *p;
			for (p = opts; p->name && p->val != c; p++)
				;
			if (p->name)
				fprintf(stderr, "lukstool bench: invalid value for --%s\n", p->name);
			fprintf(stderr, "%s", usage_text);
			return LT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s", usage_text);
		return LT_USAGE;
	}
	if (o->cipher) {
		/* Refused before anything is measured: an unknown or unsupported spec, or a key
		 * size it cannot take (256 bits fits every supported mode). */
		char cerr[160];
		int e = ld_cipher_check(o->cipher, (o->key_bits ? o->key_bits : 256) / 8, cerr,
					sizeof(cerr));
		if (e != LD_OK) {
			fprintf(stderr, "lukstool bench: %s\n", cerr);
			return e == LD_ERR_INVALID ? LT_USAGE : LT_UNSUPPORTED;
		}
	}
	if (o->memory_kib < 8 * o->parallel) {
		fprintf(stderr, "lukstool bench: --pbkdf-memory must be at least 8 KiB per lane\n");
		return LT_USAGE;
	}
	/* Like cryptsetup benchmark: naming a cipher measures ciphers only, naming a KDF
	 * measures key derivation only, naming neither measures everything. */
	o->do_cipher = cipher_opt || !kdf_opt;
	o->do_kdf = kdf_opt || !cipher_opt;
	return LT_OK;
}

/* ---- key derivation ---------------------------------------------------------------- */

static int bench_pbkdf2(const struct bench_opts *o, ld_hash_alg h)
{
	static const uint8_t salt[32] = "lukstool bench salt, 32 bytes..";
	uint8_t out[KDF_KEY_BYTES];
	uint32_t it = 1000;
	double t, dt;

	/* Double the count until one run lasts long enough to time. */
	for (;;) {
		t = now();
		if (ld_pbkdf2(h, (const uint8_t *)"passphrase", 10, salt, sizeof(salt), it, out,
			      sizeof(out), NULL, NULL) != LD_OK) {
			fprintf(stderr, "lukstool bench: PBKDF2-%s failed\n", ld_hash_name(h));
			return LT_IO;
		}
		dt = now() - t;
		if (dt * 1000.0 >= o->millis || it >= 0x40000000u)
			break;
		it *= 2;
	}
	if (dt <= 0)
		dt = 1e-9;
	printf("PBKDF2-%-10s %12.0f iterations per second for %d-bit key\n", ld_hash_name(h),
	       (double)it / dt, KDF_KEY_BYTES * 8);
	return LT_OK;
}

/* One derivation with the lanes run by par (NULL: one after the other); seconds or < 0. */
static double time_argon2(const struct bench_opts *o, ld_argon2_type type,
			  const ld_parallel *par, int *err)
{
	static const uint8_t salt[32] = "lukstool bench salt, 32 bytes..";
	uint8_t out[KDF_KEY_BYTES];
	double t = now();

	*err = ld_argon2_keyed_par(type, o->time_cost, o->memory_kib, o->parallel,
				   (const uint8_t *)"passphrase", 10, salt, sizeof(salt), NULL, 0,
				   NULL, 0, out, sizeof(out), &lt_hostdev_alloc, par, NULL, NULL);
	t = now() - t;
	ld_wipe(out, sizeof(out));
	return t;
}

static int bench_argon2(const struct bench_opts *o, ld_argon2_type type, const char *name)
{
	uint32_t threads = o->parallel;
	ld_parallel par = lt_parallel_threads(&threads);
	double t1, tp = 0;
	int r;

	t1 = time_argon2(o, type, NULL, &r);
	if (r == LD_OK && o->parallel > 1)
		tp = time_argon2(o, type, &par, &r);
	if (r != LD_OK) {
		fprintf(stderr, "lukstool bench: %s failed: %s\n", name, ld_strerror(r));
		return r == LD_ERR_NOMEM ? LT_IO : LT_USAGE;
	}
	printf("%-17s %12.4f s for t=%u, m=%u KiB, p=%u, %d-bit key, 1 thread\n", name, t1,
	       o->time_cost, o->memory_kib, o->parallel, KDF_KEY_BYTES * 8);
	if (o->parallel > 1)
		printf("%-17s %12.4f s for t=%u, m=%u KiB, p=%u, %d-bit key, %u threads (%.2fx)\n",
		       name, tp, o->time_cost, o->memory_kib, o->parallel, KDF_KEY_BYTES * 8,
		       o->parallel, tp > 0 ? t1 / tp : 0.0);
	return LT_OK;
}

static int bench_kdf(const struct bench_opts *o)
{
	static const ld_hash_alg hashes[] = { LD_HASH_SHA1, LD_HASH_SHA256, LD_HASH_SHA512,
					      LD_HASH_RIPEMD160 };
	size_t i;
	int r;

	if (!o->pbkdf || !strcmp(o->pbkdf, "pbkdf2")) {
		for (i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++) {
			if (o->hash && strcmp(o->hash, ld_hash_name(hashes[i])))
				continue;
			if ((r = bench_pbkdf2(o, hashes[i])))
				return r;
		}
	}
	if (!o->pbkdf || !strcmp(o->pbkdf, "argon2i"))
		if ((r = bench_argon2(o, LD_ARGON2I, "argon2i")))
			return r;
	if (!o->pbkdf || !strcmp(o->pbkdf, "argon2id"))
		if ((r = bench_argon2(o, LD_ARGON2ID, "argon2id")))
			return r;
	return LT_OK;
}

/* ---- sector ciphers ------------------------------------------------------------------ */

/* Times whole-buffer passes until o->millis have gone by (at least one pass); MiB/s. */
static double time_pass(const struct bench_opts *o, ld_cipher *c, uint8_t *buf, uint32_t ss,
			int encrypt, int *err)
{
	uint64_t bytes = 0, iv = 0;
	double t0 = now(), dt;

	do {
		int r = encrypt ? ld_cipher_encrypt(c, buf, o->buffer, ss, iv, ss / 512)
				: ld_cipher_decrypt(c, buf, o->buffer, ss, iv, ss / 512);
		if (r != LD_OK) {
			*err = r;
			return 0;
		}
		/* each pass continues the sector numbering, as a long read would */
		iv += (uint64_t)o->buffer / 512;
		bytes += o->buffer;
		dt = now() - t0;
	} while (dt * 1000.0 < o->millis);
	if (dt <= 0)
		dt = 1e-9;
	return (double)bytes / dt / (1024.0 * 1024.0);
}

/* One table row; *measured counts rows actually printed. */
static int bench_one(const struct bench_opts *o, const char *spec, uint32_t key_bits, uint32_t ss,
		     uint8_t *buf, uint8_t *ref, int *measured)
{
	uint8_t key[64];
	char err[160];
	ld_cipher *c = NULL;
	double enc, dec;
	size_t i;
	int r, e = LD_OK;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 29 + 7);
	r = ld_cipher_new(&c, spec, key, key_bits / 8, &lt_hostdev_alloc, err, sizeof(err));
	ld_wipe(key, sizeof(key));
	if (r != LD_OK) {
		fprintf(stderr, "lukstool bench: %s\n", err);
		return r == LD_ERR_NOMEM ? LT_IO : LT_UNSUPPORTED;
	}
	/* Timed passes work in place on whatever the buffer holds (the cost of AES does not
	 * depend on the data); correctness is checked separately below. */
	memcpy(buf, ref, o->buffer);
	enc = time_pass(o, c, buf, ss, 1, &e);
	dec = e ? 0 : time_pass(o, c, buf, ss, 0, &e);
	if (!e) {
		/* Round trip with the same IVs must give the plaintext back. */
		memcpy(buf, ref, o->buffer);
		e = ld_cipher_encrypt(c, buf, o->buffer, ss, 8, ss / 512);
		if (!e && !memcmp(buf, ref, o->buffer))
			e = LD_ERR_INVALID; /* encryption did nothing */
		if (!e)
			e = ld_cipher_decrypt(c, buf, o->buffer, ss, 8, ss / 512);
		if (!e && memcmp(buf, ref, o->buffer))
			e = LD_ERR_INVALID;
	}
	ld_cipher_free(c);
	if (e) {
		fprintf(stderr, "lukstool bench: %s with a %u-bit key failed: %s\n", spec, key_bits,
			ld_strerror(e));
		return LT_IO;
	}
	printf("%22s %6u %7u %10.1f MiB/s %10.1f MiB/s\n", spec, key_bits, ss, enc, dec);
	(*measured)++;
	return LT_OK;
}

static int bench_ciphers(const struct bench_opts *o)
{
	/* One spec per mode, with the IV generator LUKS uses for it by default; the other IV
	 * generators cost one AES block (ESSIV) or nothing per sector on top. */
	static const struct {
		const char *spec;
		uint32_t bits[3];
	} rows[] = {
		{ "aes-ecb-null", { 128, 192, 256 } },
		{ "aes-cbc-essiv:sha256", { 128, 192, 256 } },
		{ "aes-cbc-plain64", { 128, 192, 256 } },
		{ "aes-xts-plain64", { 256, 384, 512 } },
	};
	static const uint32_t sectors[] = { 512, 4096 };
	uint8_t *buf, *ref;
	size_t i, k, s;
	int r = LT_OK, measured = 0;

	buf = malloc(o->buffer);
	ref = malloc(o->buffer);
	if (!buf || !ref) {
		fprintf(stderr, "lukstool bench: out of memory for a %u-byte buffer\n", o->buffer);
		free(buf);
		free(ref);
		return LT_IO;
	}
	for (i = 0; i < o->buffer; i++)
		ref[i] = (uint8_t)(i * 131 + (i >> 9));

	printf("# Sector ciphers, %u-byte buffer (MiB/s)\n", o->buffer);
	printf("%22s %6s %7s %16s %16s\n", "# Algorithm", "Key", "Sector", "Encryption",
	       "Decryption");
	for (s = 0; s < sizeof(sectors) / sizeof(sectors[0]) && !r; s++) {
		uint32_t ss = o->sector ? o->sector : sectors[s];
		if (o->sector && s)
			break;
		if (o->cipher) {
			static const uint32_t all[] = { 128, 192, 256, 384, 512 };
			for (k = 0; k < 5 && !r; k++) {
				if (o->key_bits ? all[k] != o->key_bits
						: ld_cipher_check(o->cipher, all[k] / 8, NULL, 0))
					continue;
				r = bench_one(o, o->cipher, all[k], ss, buf, ref, &measured);
			}
			continue;
		}
		for (i = 0; i < sizeof(rows) / sizeof(rows[0]) && !r; i++)
			for (k = 0; k < 3 && !r; k++) {
				if (o->key_bits && rows[i].bits[k] != o->key_bits)
					continue;
				r = bench_one(o, rows[i].spec, rows[i].bits[k], ss, buf, ref, &measured);
			}
	}
	ld_wipe(buf, o->buffer);
	free(buf);
	free(ref);
	if (!r && !measured) {
		fprintf(stderr, "lukstool bench: no supported cipher has a %u-bit key\n", o->key_bits);
		r = LT_UNSUPPORTED;
	}
	return r;
}

int lt_cmd_bench(int argc, char **argv)
{
	struct bench_opts o;
	int r = parse(argc, argv, &o);

	if (r)
		return r < 0 ? LT_OK : r;
	if (lt_kdf_cpu_from_env("lukstool bench"))
		return LT_USAGE;
	printf("# lukstool bench: LuksDxe's crypto core on this machine, memory only (no storage I/O).\n");
	if (o.do_kdf) {
		char path[32];
		printf("# KDF code path: %s\n", lt_kdf_cpu_describe(path, sizeof(path)));
	}
	if (o.do_kdf && (r = bench_kdf(&o)))
		return r;
	if (o.do_cipher && (r = bench_ciphers(&o)))
		return r;
	return fflush(stdout) ? LT_IO : LT_OK;
}
