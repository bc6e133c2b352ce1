/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* ld_parallel on POSIX threads: run() starts up to (threads - 1) threads, works on its
 * own share on the calling thread, and joins them all before returning, which is the
 * barrier Argon2 needs at the end of each slice.  Index i goes to worker i % threads.
 * Threads are created per call: Argon2 calls run() four times per pass, so creation
 * costs microseconds against seconds of work, and no thread outlives a derivation. */
#include "tools/lt_kdf.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/kdf_cpu.h"

#define LT_MAX_THREADS 64

struct worker {
	void (*fn)(void *arg, uint32_t i);
	void *arg;
	uint32_t first, step, n;
};

static void run_share(const struct worker *w)
{
	for (uint32_t i = w->first; i < w->n; i += w->step)
		w->fn(w->arg, i);
}

static void *thread_main(void *p)
{
	run_share(p);
	return NULL;
}

static int run_threads(void *ctx, uint32_t n, void (*fn)(void *arg, uint32_t i), void *arg)
{
	uint32_t max = *(const uint32_t *)ctx, k, started = 0;
	pthread_t tid[LT_MAX_THREADS];
	struct worker w[LT_MAX_THREADS];

	if (max > LT_MAX_THREADS)
		max = LT_MAX_THREADS;
	if (max > n)
		max = n;
	if (max == 0)
		max = 1;
	for (k = 0; k < max; k++)
		w[k] = (struct worker){ fn, arg, k, max, n };
	/* Workers 1.. on new threads; a worker that cannot start runs here afterwards. */
	for (k = 1; k < max; k++) {
		if (pthread_create(&tid[k], NULL, thread_main, &w[k]) != 0)
			break;
		started = k;
	}
	run_share(&w[0]);
	for (k = 1; k <= started; k++)
		pthread_join(tid[k], NULL);
	for (k = started + 1; k < max; k++)
		run_share(&w[k]);
	return LD_OK;
}

ld_parallel lt_parallel_threads(const uint32_t *threads)
{
	ld_parallel p = { run_threads, (void *)(uintptr_t)threads };

	return p;
}

void lt_kdf_use_threads(void)
{
	static uint32_t cpus;
	static ld_parallel par;
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	cpus = n < 1 ? 1 : n > LT_MAX_THREADS ? LT_MAX_THREADS : (uint32_t)n;
	par = lt_parallel_threads(&cpus);
	ld_argon2_set_parallel(&par);
}

int lt_kdf_cpu_from_env(const char *prog)
{
	const char *v = getenv("LUKSDXE_KDF_CPU");
	uint32_t mask;

	if (v == NULL || *v == 0)
		return 0;
	if (ld_kdf_cpu_parse(v, &mask) != LD_OK) {
		fprintf(stderr, "%s: LUKSDXE_KDF_CPU=%s: expected portable, sha, ssse3, avx2, avx512 or all\n",
			prog, v);
		return -1;
	}
	if (ld_kdf_cpu_allow(mask) != LD_OK) {
		fprintf(stderr, "%s: LUKSDXE_KDF_CPU=%s: this CPU (or its OS) does not offer it\n",
			prog, v);
		return -1;
	}
	return 0;
}

const char *lt_kdf_cpu_describe(char *buf, size_t len)
{
	static const uint32_t bits[] = { LD_KDF_CPU_SHA, LD_KDF_CPU_SSSE3, LD_KDF_CPU_AVX2,
					 LD_KDF_CPU_AVX512 };
	uint32_t f = ld_kdf_cpu_features();
	size_t used = 0;

	if (len == 0)
		return buf;
	buf[0] = 0;
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]) && used < len; i++)
		if (f & bits[i])
			used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
						 used ? "+" : "", ld_kdf_cpu_name(bits[i]));
	if (f == 0)
		snprintf(buf, len, "portable");
	return buf;
}
