/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* LUKS volumes (LUKS2 and LUKS1): the API that efi/ and tools/ use.
 * Portable: storage is read only through ld_blockdev, memory only through ld_alloc.
 * Implemented by the sources in luks/; see cryptsetup's docs/on-disk-format-luks2.pdf. */
#ifndef LD_LUKS_H
#define LD_LUKS_H

#include "crypto/crypto.h"
#include "base/blockdev.h"

typedef struct ld_volume ld_volume; /* opaque */

typedef struct ld_volume_info {
	int version;           /* 1 or 2 */
	char uuid[40];         /* as stored in the header, NUL-terminated */
	uint8_t uuid_bin[16];  /* the UUID's 16 bytes in text order (RFC 4122) */
	char label[49];        /* LUKS2 label, "" if none */
	char subsystem[49];    /* LUKS2 subsystem, "" if none */
	char cipher[64];       /* data segment cipher spec, e.g. "aes-xts-plain64" */
	uint32_t key_bytes;    /* volume key size */
	uint32_t sector_size;  /* data segment sector size: 512..4096 */
	uint64_t data_offset;  /* bytes, on the data device */
	uint64_t data_size;    /* bytes of plaintext ("dynamic" resolved against the device) */
	uint64_t seqid;        /* LUKS2 sequence id of the header copy in use */
} ld_volume_info;

/* Cheap signature test for a driver's Supported(): reads only the first bytes.
 * LD_OK if dev starts with a LUKS1 or LUKS2 binary header magic and version. */
int ld_volume_probe(ld_blockdev *dev);

/* Reads and validates the header(s) from hdr (both LUKS2 copies and their checksums,
 * the JSON metadata) and binds the data segment to data (which may be hdr itself).
 * On failure returns LD_ERR_INVALID / LD_ERR_UNSUPPORTED / LD_ERR_IO and, if err is not
 * NULL, a NUL-terminated reason.  A volume that opens but cannot be unlocked by this code
 * (requirements, reencryption, integrity, unknown cipher) opens and fails in unlock with
 * LD_ERR_UNSUPPORTED, so that dump can still show it. */
int ld_volume_open(ld_volume **out, ld_blockdev *hdr, ld_blockdev *data, const ld_alloc *alloc,
		   char *err, size_t errlen);
const ld_volume_info *ld_volume_get_info(const ld_volume *v);

/* Tries the passphrase on keyslot (or on every usable keyslot in cryptsetup's priority
 * order when keyslot < 0).  On LD_OK the volume is unlocked and *opened_slot says which
 * slot opened.  LD_ERR_KEY when no slot accepts it.  Progress reports key derivation. */
int ld_volume_unlock(ld_volume *v, const uint8_t *pass, size_t passlen, int keyslot,
		     ld_progress_fn progress, void *progress_ctx, int *opened_slot,
		     char *err, size_t errlen);

/* Unlocks with the volume key itself (a volume-key secret): checked against the digest
 * of the data segment, no keyslot KDF.  LD_ERR_KEY if it does not match. */
int ld_volume_unlock_key(ld_volume *v, const uint8_t *key, size_t keylen, char *err,
			 size_t errlen);

/* The largest volume key ld_volume_key() copies out. */
#define LD_VOLUME_KEY_MAX 256

/* The limit on the cost of each key derivation (keyslot KDF, volume key digest), so that
 * a hostile keyslot with absurd cost parameters placed in front of the owner's cannot keep
 * the machine busy for hours.  The core has no clock: the caller lends one.  Before each
 * derivation the time is estimated from the parameters and a quick measured rate; one
 * estimated above max_seconds is not started: notice (may be NULL) gets a line saying so,
 * and unlock goes on to the next keyslot.  Without a limit set, every derivation runs, as
 * in cryptsetup. */
#ifndef LD_KDF_MAX_SECONDS
#define LD_KDF_MAX_SECONDS 120 /* see README: "Hostile cost parameters" */
#endif
typedef struct ld_kdf_limit {
	uint64_t (*now_us)(void *ctx);               /* monotonic microseconds */
	void (*notice)(void *ctx, const char *line); /* may be NULL */
	void *ctx;
	uint32_t max_seconds;                        /* 0: LD_KDF_MAX_SECONDS */
} ld_kdf_limit;
/* Sets (copies) the limit for the following ld_volume_unlock calls; NULL removes it. */
void ld_volume_set_kdf_limit(ld_volume *v, const ld_kdf_limit *limit);

/* Copies the volume key out (for lukstool --print-volume-key); LD_ERR_INVALID if locked. */
int ld_volume_key(const ld_volume *v, uint8_t *out, size_t outlen, size_t *keylen);

/* Reads count plaintext sectors (of info.sector_size) starting at data sector "sector"
 * into buf, decrypting in place.  LD_ERR_RANGE beyond the segment. */
int ld_volume_read_sectors(ld_volume *v, uint64_t sector, uint64_t count, void *buf);

/* Reads any byte range of the plaintext (bounces unaligned edges). */
int ld_volume_read(ld_volume *v, uint64_t offset, void *buf, size_t len);

/* The plaintext of an unlocked volume as a block device (dev->ctx = v), for what reads a
 * file system or a dm-verity tree inside the volume: reads go through ld_volume_read.
 * size = data_size, block_size = the sector size.  v must outlive dev. */
void ld_volume_blockdev(ld_volume *v, ld_blockdev *dev);

/* Wipes the volume key and every derived secret, then releases the volume. */
void ld_volume_close(ld_volume *v);

#endif
