/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* lukstool: one host program, one file per sub-command.  main() in lukstool.c dispatches
 * argv[1] to these; each returns the process exit status:
 *   0 success, 1 usage, 2 I/O error, 3 not a valid LUKS volume, 4 no keyslot accepts the
 *   key (or a verity root hash does not match), 5 valid but unsupported, 6 data does not
 *   verify (a dm-verity data or hash block). */
#ifndef LUKSTOOL_H
#define LUKSTOOL_H

enum {
	LT_OK = 0, LT_USAGE = 1, LT_IO = 2, LT_INVALID = 3, LT_BADKEY = 4, LT_UNSUPPORTED = 5,
	LT_CORRUPT = 6
};

int lt_cmd_dump(int argc, char **argv);
int lt_cmd_unlock(int argc, char **argv);
int lt_cmd_decrypt(int argc, char **argv);
int lt_cmd_mkdisk(int argc, char **argv);
int lt_cmd_mksecret(int argc, char **argv);
int lt_cmd_bench(int argc, char **argv);
int lt_cmd_ls(int argc, char **argv);
int lt_cmd_cat(int argc, char **argv);
int lt_cmd_cp(int argc, char **argv);
int lt_cmd_fsbench(int argc, char **argv);
int lt_cmd_verify(int argc, char **argv);
int lt_cmd_measure(int argc, char **argv);
int lt_cmd_sevsecret(int argc, char **argv);
int lt_cmd_tpm2_unlock(int argc, char **argv);

#endif
