/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* A secret table in a file (lukstool mksecret's output), for the commands that inspect or
 * use one before launch: lukstool dump shows it, lukstool unlock --secret opens a volume
 * with it the way the driver does. */
#ifndef LT_SECRET_FILE_H
#define LT_SECRET_FILE_H

#include <stddef.h>
#include <stdint.h>

#define LT_SECRET_FILE_MAX (1024u * 1024) /* far above any secret area */
/* The size of OVMF AmdSev's secret area (PcdSevLaunchSecretSize, REFERENCES.md): the limit
 * lukstool assumes when no firmware image is given to read it from (secret/ovmf_image.h). */
#define LT_AMDSEV_SECRET_AREA 3072u

/* 1 if the file at path starts with the secret table GUID, 0 otherwise (or unreadable). */
int lt_secret_file_is_table(const char *path);

/* Reads and checks the table (ld_secret_table_check); *buf is released with
 * lt_free_wipe(*buf, *len).  LT_* status, message on stderr. */
int lt_secret_file_read(const char *path, uint8_t **buf, size_t *len);

/* Prints the table: size, entries with what each holds (lengths only, unless show_secret:
 * then passphrases and volume keys too), pins, verity parameters, and what the table asks
 * of every volume.  LT_* status. */
int lt_secret_file_dump(const char *path, int show_secret);

#endif
