/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Forced into efi/libc/libc.c when the shim tests compile it for the host: every symbol
 * gets an ldl_ prefix, so the firmware runtime can be tested inside a process that has
 * the system libc (tests/unit/test_shim_libc.c). */
#define memcpy ldl_memcpy
#define memmove ldl_memmove
#define memset ldl_memset
#define memcmp ldl_memcmp
#define memchr ldl_memchr
#define strlen ldl_strlen
#define strnlen ldl_strnlen
#define strcmp ldl_strcmp
#define strncmp ldl_strncmp
#define strchr ldl_strchr
#define malloc ldl_malloc
#define calloc ldl_calloc
#define realloc ldl_realloc
#define free ldl_free
#define abort ldl_abort
#define luksdxe_libc_init ldl_libc_init
#define luksdxe_libc_exit_boot_services ldl_libc_exit_boot_services
