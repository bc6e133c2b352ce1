/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Host-only helpers shared by the volume-making sub-commands (mkdisk, mksecret):
 * randomness from the OS, random GUIDs, sizes, files.  (GPT CRC-32 is the core's
 * ld_crc32, GUID text <-> EFI byte order the core's ld_guid_parse / ld_guid_format.) */
#ifndef LT_MK_UTIL_H
#define LT_MK_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Fills buf with n bytes from the kernel's CSPRNG (getrandom).  0 on success, -1 on failure. */
int lt_random(void *buf, size_t n);

/* A random (version 4, RFC 4122 variant) GUID in EFI byte order. */
int lt_guid_random(uint8_t out[16]);

/* "123", "64K", "16M", "2G" (binary units; also KiB/MiB/GiB).  0 on success, -1 otherwise. */
int lt_parse_size(const char *s, uint64_t *out);

/* Reads a whole regular file (at most max bytes) into a fresh buffer.  The caller releases
 * it with lt_free_wipe(), which wipes it first (files read here may hold passphrases).
 * 0 on success; -1 with errno set (EFBIG when the file exceeds max). */
int lt_read_file(const char *path, size_t max, uint8_t **buf, size_t *len);
void lt_free_wipe(void *p, size_t len);

/* Writes all of len bytes at offset; 0 on success, -1 with errno set. */
int lt_pwrite_all(int fd, const void *buf, size_t len, uint64_t off);
/* Reads exactly len bytes at offset; 0 on success, -1 (errno set, EIO on a short file). */
int lt_pread_all(int fd, void *buf, size_t len, uint64_t off);

#endif
