/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The freestanding C runtime of the firmware build: the memory and string primitives that
 * the portable core, mbedTLS and the Argon2 reference need, plus malloc/free over the UEFI
 * pool.  Only the firmware build links this file; host builds use the system libc. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include "luksdxe_libc.h"

/* x86 string instructions: fast on every CPU OVMF runs on, and - unlike plain C loops -
 * immune to the compiler turning them back into calls to memcpy/memset themselves. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	void *d = dst;
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

/* The backward loop is kept a loop: without this attribute gcc may recognise it and
 * emit a call to memmove, i.e. to this very function. */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
void *memmove(void *dst, const void *src, size_t n)
{
	if ((uintptr_t)dst - (uintptr_t)src >= n) {
		/* dst before src, or no overlap: a forward copy is safe. */
		return memcpy(dst, src, n);
	}
	/* dst inside (src, src+n): copy backwards. */
	uint8_t *d = dst;
	const uint8_t *s = src;
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *p = a, *q = b;
	for (size_t i = 0; i < n; i++)
		if (p[i] != q[i])
			return p[i] < q[i] ? -1 : 1;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const uint8_t *p = s;
	for (size_t i = 0; i < n; i++)
		if (p[i] == (uint8_t)c)
			return (void *)(p + i);
	return NULL;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

/* ---- allocation over the UEFI pool ------------------------------------------------- */
/* Each block carries a 16-byte header holding the requested size, so that free() can
 * wipe the whole block (library contexts may hold key schedules) and realloc() can copy. */
#define HDR 16

static EFI_BOOT_SERVICES *libc_bs;

void luksdxe_libc_init(EFI_BOOT_SERVICES *bs) { libc_bs = bs; }
void luksdxe_libc_exit_boot_services(void) { libc_bs = NULL; }

void *malloc(size_t size)
{
	void *p = NULL;
	if (!libc_bs || size > SIZE_MAX - HDR)
		return NULL;
	if (libc_bs->AllocatePool(EfiBootServicesData, size + HDR, &p) != EFI_SUCCESS || !p)
		return NULL;
	*(size_t *)p = size;
	return (uint8_t *)p + HDR;
}

void *calloc(size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size)
		return NULL;
	void *p = malloc(nmemb * size);
	if (p)
		memset(p, 0, nmemb * size);
	return p;
}

void free(void *ptr)
{
	if (!ptr)
		return;
	uint8_t *base = (uint8_t *)ptr - HDR;
	size_t size = *(size_t *)base;
	/* volatile stores: the wipe must survive even if the compiler sees the free. */
	volatile uint8_t *v = base;
	for (size_t i = 0; i < size + HDR; i++)
		v[i] = 0;
	if (libc_bs)
		libc_bs->FreePool(base);
}

void *realloc(void *ptr, size_t size)
{
	if (!ptr)
		return malloc(size);
	if (!size) {
		free(ptr);
		return NULL;
	}
	size_t old = *(size_t *)((uint8_t *)ptr - HDR);
	void *n = malloc(size);
	if (!n)
		return NULL;
	memcpy(n, ptr, old < size ? old : size);
	free(ptr);
	return n;
}

void abort(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
