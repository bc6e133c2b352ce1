/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* make bench: the crypto layer against its references, measured in the same run.
 *   AES-128/256-XTS, 512- and 4096-byte sectors, on every AES path this CPU runs:
 *       ld_cipher ("aes-xts-plain64") vs OpenSSL EVP re-keyed with each sector's IV
 *       (what a sector reader does);
 *   PBKDF2-HMAC-SHA1/SHA256/SHA512 iterations/s, 32- and 64-byte keys: ld_pbkdf2 vs
 *       OpenSSL PKCS5_PBKDF2_HMAC (an iteration computes every output block once);
 *   Argon2id t=4, m=1 GiB, p=4: ld_argon2 vs libargon2 on one thread, then with the lanes
 *       on 2 and on 4 threads (ours through tools/lt_kdf.c, libargon2's own threads);
 *       best of two runs each, alternating.
 * The one-thread Argon2 rows also give the ratio of process CPU times, which a busy
 * machine distorts less than wall time.  LUKSDXE_KDF_CPU (portable, sha, ssse3, avx2, avx512)
 * forces one of our code paths; the path used is printed first.  BENCH_ONLY_KDF=1 skips
 * the cipher rows.
 * Ratios are ours / reference for rates (above 1 = we are faster) and reference / ours
 * for Argon2 seconds (same meaning).  Each pair's outputs are compared, so the ruler
 * cannot time work that gives a wrong answer.  Built from build/host (-O2). */
#include <argon2.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/aes_impl.h"
#include "crypto/crypto.h"
#include "tools/lt_kdf.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* CPU time of the whole process: for one-thread runs on a shared machine, the time the
 * work itself took, whatever else was scheduled meanwhile. */
static double cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench: %s\n", what);
	exit(1);
}

static void *b_alloc(void *ctx, size_t n)
{
	(void)ctx;
	return calloc(1, n);
}

static void b_free(void *ctx, void *p, size_t n)
{
	(void)ctx;
	(void)n;
	free(p);
}

static const ld_alloc heap = { b_alloc, b_free, NULL };

/* Trials alternate between the two implementations; each reports its best. */
#define TRIALS 3
#define TRIAL_SECONDS 0.4

/* ---- AES-XTS --------------------------------------------------------------------- */
/* Each row: one path of crypto/aes_impl.h forced (every path this CPU can run), one key
 * size, one sector size, "aes-xts-plain64" over a 1 MiB buffer of sectors, against
 * OpenSSL EVP re-keyed with each sector's IV (what a sector reader does), measured in
 * the same row.  Decryption on every path; encryption (lukstool mkdisk) on the path
 * ld_cipher_new picks by itself. */

#define XTS_BUF (1u << 20)
#define XTS_TRIAL_SECONDS 0.2

/* The XTS rows time this thread's CPU time, not the wall clock: on a shared machine the
 * other jobs then shift both sides of a row less (caches are still shared). */
static double thread_cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void ossl_xts_run(EVP_CIPHER_CTX *x, int enc, uint8_t *buf, size_t len, size_t ss,
			 uint64_t s0)
{
	uint8_t iv[16] = { 0 };
	int n;

	for (size_t off = 0; off < len; off += ss) {
		uint64_t s = s0 + off / ss;
		for (int i = 0; i < 8; i++)
			iv[i] = (uint8_t)(s >> (8 * i));
		if (EVP_CipherInit_ex(x, NULL, NULL, NULL, iv, enc) != 1 ||
		    EVP_CipherUpdate(x, buf + off, &n, buf + off, (int)ss) != 1 || (size_t)n != ss)
			die("OpenSSL XTS failed");
	}
}

static int ours_xts_run(ld_cipher *c, int enc, uint8_t *buf, size_t len, size_t ss, uint64_t s0)
{
	return enc ? ld_cipher_encrypt(c, buf, len, ss, s0, 1) : ld_cipher_decrypt(c, buf, len, ss, s0, 1);
}

static void bench_xts(ld_aes_impl path, size_t keylen, size_t ss, int enc)
{
	static uint8_t key[64], a[XTS_BUF], b[XTS_BUF];
	double best_ours = 0, best_ref = 0;
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	ld_cipher *c;
	char err[128];

	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < XTS_BUF; i++)
		a[i] = b[i] = (uint8_t)(i * 13);
	if (ld_aes_impl_force(path) != LD_OK)
		die("cannot force the AES path");
	if (ld_cipher_new(&c, "aes-xts-plain64", key, keylen, &heap, err, sizeof(err)) != LD_OK)
		die(err);
	ld_aes_impl_auto();
	if (x == NULL ||
	    EVP_CipherInit_ex(x, keylen == 32 ? EVP_aes_128_xts() : EVP_aes_256_xts(), NULL, key,
			      NULL, enc) != 1)
		die("OpenSSL XTS init failed");
	EVP_CIPHER_CTX_set_padding(x, 0);

	/* Same input, same IVs: the results must agree. */
	if (ours_xts_run(c, enc, a, XTS_BUF, ss, 0) != LD_OK)
		die("ld_cipher failed");
	ossl_xts_run(x, enc, b, XTS_BUF, ss, 0);
	if (memcmp(a, b, XTS_BUF) != 0)
		die("AES-XTS: ld_cipher and OpenSSL disagree");

	for (int t = 0; t < TRIALS; t++) {
		double t0 = thread_cpu_now(), bytes = 0;
		uint64_t s = 0;
		while (thread_cpu_now() - t0 < XTS_TRIAL_SECONDS) {
			ours_xts_run(c, enc, a, XTS_BUF, ss, s);
			s += XTS_BUF / ss;
			bytes += XTS_BUF;
		}
		double r = bytes / (thread_cpu_now() - t0) / 1e6;
		if (r > best_ours)
			best_ours = r;

		t0 = thread_cpu_now();
		bytes = 0;
		s = 0;
		while (thread_cpu_now() - t0 < XTS_TRIAL_SECONDS) {
			ossl_xts_run(x, enc, b, XTS_BUF, ss, s);
			s += XTS_BUF / ss;
			bytes += XTS_BUF;
		}
		r = bytes / (thread_cpu_now() - t0) / 1e6;
		if (r > best_ref)
			best_ref = r;
	}
	char label[64];
	snprintf(label, sizeof(label), "AES-%zu-XTS %s %-8s %4zu B", keylen * 4,
		 enc ? "enc" : "dec", ld_aes_impl_name(path), ss);
	printf("%-40s ours %10.1f MB/s  OpenSSL   %10.1f MB/s  ratio %.2f\n", label, best_ours,
	       best_ref, best_ours / best_ref);
	ld_cipher_free(c);
	EVP_CIPHER_CTX_free(x);
}

static void bench_xts_all(void)
{
	static const size_t keylens[] = { 32, 64 }, sectors[] = { 512, 4096 };
	ld_aes_impl best = ld_aes_impl_current();

	for (int p = 0; p < LD_AES_IMPL_COUNT; p++) {
		if (!ld_aes_impl_usable((ld_aes_impl)p)) {
			printf("AES-XTS path %-8s                 not run (this CPU or OS lacks it)\n",
			       ld_aes_impl_name((ld_aes_impl)p));
			continue;
		}
		for (size_t k = 0; k < 2; k++)
			for (size_t s = 0; s < 2; s++)
				bench_xts((ld_aes_impl)p, keylens[k], sectors[s], 0);
	}
	for (size_t k = 0; k < 2; k++)
		for (size_t s = 0; s < 2; s++)
			bench_xts(best, keylens[k], sectors[s], 1);
}

/* ---- PBKDF2 ----------------------------------------------------------------------- */

static const EVP_MD *ossl_md(ld_hash_alg a)
{
	return a == LD_HASH_SHA1 ? EVP_sha1() : a == LD_HASH_SHA256 ? EVP_sha256() : EVP_sha512();
}

static void bench_pbkdf2(ld_hash_alg alg, size_t keylen)
{
	static const uint8_t pw[] = "correct horse battery staple", salt[32] = { 1, 2, 3 };
	uint8_t a[64], b[64];
	double best_ours = 0, best_ref = 0;
	uint32_t iters = 20000;
	const EVP_MD *md = ossl_md(alg);

	/* Agreement first, then size the run to about TRIAL_SECONDS. */
	if (ld_pbkdf2(alg, pw, sizeof(pw) - 1, salt, sizeof(salt), iters, a, keylen, NULL,
		      NULL) != LD_OK ||
	    PKCS5_PBKDF2_HMAC((const char *)pw, sizeof(pw) - 1, salt, sizeof(salt), (int)iters,
			      md, (int)keylen, b) != 1 ||
	    memcmp(a, b, keylen) != 0)
		die("PBKDF2: ld_pbkdf2 and OpenSSL disagree");
	{
		double t0 = now();
		ld_pbkdf2(alg, pw, sizeof(pw) - 1, salt, sizeof(salt), iters, a, keylen, NULL, NULL);
		double dt = now() - t0;
		if (dt > 0)
			iters = (uint32_t)(iters * (TRIAL_SECONDS / dt));
		if (iters < 1000)
			iters = 1000;
	}
	for (int t = 0; t < TRIALS; t++) {
		double t0 = now();
		ld_pbkdf2(alg, pw, sizeof(pw) - 1, salt, sizeof(salt), iters, a, keylen, NULL, NULL);
		double r = iters / (now() - t0);
		if (r > best_ours)
			best_ours = r;
		t0 = now();
		PKCS5_PBKDF2_HMAC((const char *)pw, sizeof(pw) - 1, salt, sizeof(salt), (int)iters,
				  md, (int)keylen, b);
		r = iters / (now() - t0);
		if (r > best_ref)
			best_ref = r;
	}
	char label[64];
	snprintf(label, sizeof(label), "PBKDF2-HMAC-%s, %zu-byte key",
		 alg == LD_HASH_SHA1 ? "SHA1" : alg == LD_HASH_SHA256 ? "SHA256" : "SHA512", keylen);
	printf("%-40s ours %10.0f it/s  OpenSSL   %10.0f it/s  ratio %.2f\n", label, best_ours,
	       best_ref, best_ours / best_ref);
}

/* ---- Argon2id -------------------------------------------------------------------- */

/* Argon2id, ours and libargon2's with the lanes on `threads` threads: ARGON2_TRIALS runs
 * each, alternating, best wall time and best process CPU time of each side. */
#define ARGON2_TRIALS 2

static double min_d(double a, double b)
{
	return a < b ? a : b;
}

static void bench_argon2(uint32_t t_cost, uint32_t m_kib, uint32_t lanes, uint32_t threads)
{
	static uint8_t pw[] = "correct horse battery staple", salt[32] = { 9, 8, 7 };
	uint8_t a[32], b[32];
	argon2_context c;
	ld_parallel par = lt_parallel_threads(&threads);
	double t0, c0, ours = 1e9, ref = 1e9, ours_cpu = 1e9, ref_cpu = 1e9;

	for (int trial = 0; trial < ARGON2_TRIALS; trial++) {
		t0 = now();
		c0 = cpu_now();
		if (ld_argon2_keyed_par(LD_ARGON2ID, t_cost, m_kib, lanes, pw, sizeof(pw) - 1,
					salt, sizeof(salt), NULL, 0, NULL, 0, a, 32, &heap,
					threads > 1 ? &par : NULL, NULL, NULL) != LD_OK)
			die("ld_argon2 failed");
		ours = min_d(ours, now() - t0);
		ours_cpu = min_d(ours_cpu, cpu_now() - c0);

		memset(&c, 0, sizeof(c));
		c.out = b;
		c.outlen = 32;
		c.pwd = pw;
		c.pwdlen = sizeof(pw) - 1;
		c.salt = salt;
		c.saltlen = sizeof(salt);
		c.t_cost = t_cost;
		c.m_cost = m_kib;
		c.lanes = lanes;
		c.threads = threads;
		c.version = ARGON2_VERSION_13;
		t0 = now();
		c0 = cpu_now();
		if (argon2_ctx(&c, Argon2_id) != ARGON2_OK)
			die("libargon2 failed");
		ref = min_d(ref, now() - t0);
		ref_cpu = min_d(ref_cpu, cpu_now() - c0);
		if (memcmp(a, b, 32) != 0)
			die("Argon2id: ld_argon2 and libargon2 disagree");
	}
	char label[64];
	snprintf(label, sizeof(label), "Argon2id t=%u m=%u MiB p=%u, %u thread%s", t_cost,
		 m_kib / 1024, lanes, threads, threads > 1 ? "s" : "");
	printf("%-40s ours %10.2f s     libargon2 %10.2f s     ratio %.2f", label, ours, ref,
	       ref / ours);
	if (threads == 1)
		printf("  (CPU time %.2f s / %.2f s: %.2f)", ours_cpu, ref_cpu, ref_cpu / ours_cpu);
	printf("\n");
}

int main(int argc, char **argv)
{
	/* BENCH_ARGON2_MIB lets a quick run use less memory; the figure is 1024. */
	uint32_t mib = 1024;

	if (argc > 1)
		mib = (uint32_t)strtoul(argv[1], NULL, 10);
	if (mib == 0 || mib > 4096)
		die("usage: bench_crypto [argon2-MiB]");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (lt_kdf_cpu_from_env("bench"))
		return 1;
	char path[32];
	printf("KDF code path: %s\n", lt_kdf_cpu_describe(path, sizeof(path)));
	if (getenv("BENCH_ONLY_KDF") == NULL)
		bench_xts_all();
	bench_pbkdf2(LD_HASH_SHA1, 32);
	bench_pbkdf2(LD_HASH_SHA1, 64);
	bench_pbkdf2(LD_HASH_SHA256, 32);
	bench_pbkdf2(LD_HASH_SHA256, 64);
	bench_pbkdf2(LD_HASH_SHA512, 64);
	bench_argon2(4, mib * 1024, 4, 1);
	bench_argon2(4, mib * 1024, 4, 2);
	bench_argon2(4, mib * 1024, 4, 4);
	return 0;
}
