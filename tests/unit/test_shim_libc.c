/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The firmware's C runtime (efi/libc/libc.c, compiled freestanding with its symbols
 * renamed ldl_*) against the system libc as the oracle, and its allocator over the shim's
 * boot services: blocks come from the UEFI pool and free() wipes them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "shim.h"
#include "common/testutil.h"

void *ldl_memcpy(void *restrict d, const void *restrict s, size_t n);
void *ldl_memmove(void *d, const void *s, size_t n);
void *ldl_memset(void *d, int c, size_t n);
int ldl_memcmp(const void *a, const void *b, size_t n);
void *ldl_memchr(const void *s, int c, size_t n);
size_t ldl_strlen(const char *s);
size_t ldl_strnlen(const char *s, size_t max);
int ldl_strcmp(const char *a, const char *b);
int ldl_strncmp(const char *a, const char *b, size_t n);
char *ldl_strchr(const char *s, int c);
void *ldl_malloc(size_t n);
void *ldl_calloc(size_t a, size_t b);
void *ldl_realloc(void *p, size_t n);
void ldl_free(void *p);
void ldl_libc_init(EFI_BOOT_SERVICES *bs);
void ldl_libc_exit_boot_services(void);

static int sign(int x) { return (x > 0) - (x < 0); }

static void test_memory_functions(void **state)
{
	(void)state;
	enum { N = 300 };
	uint8_t a[N], b[N], ref[N];
	tu_rand_seed();
	for (int iter = 0; iter < 20000; iter++) {
		tu_rand_bytes(a, N);
		size_t n = tu_rand_below(N / 2 + 1);
		size_t src = tu_rand_below(N - n + 1), dst = tu_rand_below(N - n + 1);
		/* memmove in both directions and overlapping by any amount */
		memcpy(b, a, N);
		memcpy(ref, a, N);
		assert_ptr_equal(ldl_memmove(b + dst, b + src, n), b + dst);
		memmove(ref + dst, ref + src, n);
		assert_memory_equal(b, ref, N);
		/* memcpy and memset, with the bytes around left alone */
		if (src + n <= dst || dst + n <= src) {
			memcpy(b, a, N);
			memcpy(ref, a, N);
			assert_ptr_equal(ldl_memcpy(b + dst, b + src, n), b + dst);
			memcpy(ref + dst, ref + src, n);
			assert_memory_equal(b, ref, N);
		}
		int c = (int)tu_rand_below(512) - 128; /* converted to unsigned char */
		assert_ptr_equal(ldl_memset(b + dst, c, n), b + dst);
		memset(ref + dst, c, n);
		assert_memory_equal(b, ref, N);
		/* memcmp: sign of the first difference, compared as unsigned bytes */
		memcpy(b, a, N);
		if (n && tu_rand_below(2))
			b[src + tu_rand_below((uint32_t)n)] ^= (uint8_t)(1 + tu_rand_below(255));
		assert_int_equal(sign(ldl_memcmp(a + src, b + src, n)), sign(memcmp(a + src, b + src, n)));
		assert_ptr_equal(ldl_memchr(a + src, c, n), memchr(a + src, c, n));
	}
}

static void test_string_functions(void **state)
{
	(void)state;
	static const char *s[] = { "", "a", "abc", "abd", "ab", "\x80x", "\x7fx", "luks2", "LUKS2" };
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		assert_int_equal(ldl_strlen(s[i]), strlen(s[i]));
		for (size_t m = 0; m < 7; m++)
			assert_int_equal(ldl_strnlen(s[i], m), strnlen(s[i], m));
		for (int c = 0; c < 256; c += 17)
			assert_ptr_equal(ldl_strchr(s[i], c), strchr(s[i], c));
		assert_ptr_equal(ldl_strchr(s[i], 0), s[i] + strlen(s[i]));
		for (size_t j = 0; j < sizeof(s) / sizeof(s[0]); j++) {
			assert_int_equal(sign(ldl_strcmp(s[i], s[j])), sign(strcmp(s[i], s[j])));
			for (size_t m = 0; m < 5; m++)
				assert_int_equal(sign(ldl_strncmp(s[i], s[j], m)), sign(strncmp(s[i], s[j], m)));
		}
	}
}

static void test_allocation(void **state)
{
	(void)state;
	shim_reset();
	/* Before the driver binds the runtime to boot services there is no memory. */
	ldl_libc_exit_boot_services();
	assert_null(ldl_malloc(16));
	ldl_libc_init(&shim_bs);

	static const char secret[] = "key schedule 0123456789";
	shim_add_needle(secret, sizeof(secret) - 1);
	char *p = ldl_malloc(100);
	assert_non_null(p);
	assert_int_equal(shim_live_allocs(), 1);
	memcpy(p + 10, secret, sizeof(secret));
	/* realloc keeps the contents and wipes the old block */
	p = ldl_realloc(p, 5000);
	assert_non_null(p);
	assert_memory_equal(p + 10, secret, sizeof(secret));
	assert_int_equal(shim_live_allocs(), 1);
	assert_int_equal(shim_freed_with_needle(), 0);
	ldl_free(p);
	assert_int_equal(shim_live_allocs(), 0);
	assert_int_equal(shim_freed_with_needle(), 0);

	uint8_t *z = ldl_calloc(50, 20);
	assert_non_null(z);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(z[i], 0); /* pool memory is not zeroed: calloc must */
	ldl_free(z);
	assert_null(ldl_calloc(SIZE_MAX / 2, 3));
	assert_null(ldl_malloc(SIZE_MAX - 4));
	assert_null(ldl_realloc(NULL, SIZE_MAX - 4));
	ldl_free(NULL);
	shim_fail_allocs_after(0);
	assert_null(ldl_malloc(8));
	shim_fail_allocs_after(-1);

	/* After ExitBootServices: no allocation, and free() wipes without calling FreePool. */
	p = ldl_malloc(64);
	memcpy(p, secret, sizeof(secret));
	ldl_libc_exit_boot_services();
	assert_null(ldl_malloc(8));
	ldl_free(p);
	assert_int_equal(shim_live_allocs(), 1);
	assert_int_equal(shim_live_with_needle(), 0);
	shim_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_functions),
		cmocka_unit_test(test_string_functions),
		cmocka_unit_test(test_allocation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
