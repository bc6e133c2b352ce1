/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* A per-volume entry's data in the confidential-computing secret table (secret_table.h).
 * Either a passphrase (the form Linux's efi_secret, GRUB and sevctl know: the bytes, an
 * optional NUL terminator) or a LuksDxe volume record, told apart by its first byte: a
 * passphrase never starts with NUL (an empty passphrase is refused), a record always does.
 *
 *   magic   8 bytes  00 'L' 'D' 'X' 'V' 'O' 'L' 01      (version 1)
 *   items   { UINT8 tag; UINT8 zero; UINT16 len (LE); UINT8 value[len] } to the entry's end
 *
 *   tag 0x01 passphrase   1..512 bytes, no NUL
 *   tag 0x02 volume key   16..64 bytes: unlock by the volume's digest, no keyslot KDF
 *   tag 0x03 pin          32 bytes: SHA-256("LuksDxe volume pin v1" NUL || volume key);
 *                         the volume stays locked unless its volume key matches
 *   tag 0x04 verity       the dm-verity tree that the volume's content must verify against
 *                         (verity/verity.h), all little-endian, exactly this long:
 *                           u8  format: 1 normal, 0 Chrome OS (veritysetup --format)
 *                           u8  hash: 1 sha1, 2 sha256, 3 sha512
 *                           u8  flags: bit 0 no superblock; other bits zero
 *                           u8  zero
 *                           u32 data block size, u32 hash block size (512..4096)
 *                           u64 data blocks, u64 hash offset (bytes)
 *                           u16 salt size (0..256), salt, root hash (the digest's size)
 * Exactly one of passphrase and volume key, except in a record for plaintext verified media:
 * a verity item and neither (nor a pin).  Each tag at most once.  Tags 0x80-0xff are
 * optional (ignored when unknown); an unknown tag below 0x80 makes the entry invalid, so
 * that a newer guest owner's constraint is never silently dropped (a driver that predates
 * the verity item refuses such a record rather than serve unverified data).
 *
 * Where the verified data lies: for a LUKS volume, in its plaintext (data from byte 0, the
 * tree at the hash offset, after it); for plaintext media, on the disk or partition itself.
 * An entry for plaintext media has no LUKS UUID to be found by: the driver walks the table
 * for such records (lukstool mksecret names the entry by the first 16 bytes of the root
 * hash, so that two media never share a GUID). */
#ifndef LD_VOLUME_SECRET_H
#define LD_VOLUME_SECRET_H

#include "base/common.h"
#include "verity/verity.h"

#define LD_VOLREC_MAGIC_SIZE 8u
#define LD_VOLREC_TAG_PASSPHRASE 0x01
#define LD_VOLREC_TAG_VOLUME_KEY 0x02
#define LD_VOLREC_TAG_PIN 0x03
#define LD_VOLREC_TAG_VERITY 0x04
#define LD_VOLREC_VERITY_FIXED 30u /* the verity item before salt and root hash */
#define LD_VOLREC_PASSPHRASE_MAX 512u
#define LD_VOLREC_KEY_MIN 16u
#define LD_VOLREC_KEY_MAX 64u
#define LD_PIN_SIZE 32u
extern const uint8_t ld_volrec_magic[LD_VOLREC_MAGIC_SIZE];

typedef struct ld_volume_secret {
	const uint8_t *passphrase; /* points into the parsed data, or NULL */
	size_t passphrase_len;
	const uint8_t *volume_key; /* points into the parsed data, or NULL */
	size_t volume_key_len;
	const uint8_t *pin;        /* LD_PIN_SIZE bytes into the parsed data, or NULL */
	int has_verity;            /* verity holds the owner's parameters, checked */
	ld_verity_params verity;
} ld_volume_secret;

/* 1 if data starts like a volume record (a NUL byte). */
int ld_volrec_is_record(const uint8_t *data, size_t len);

/* Parses an entry's data: a record, or else a passphrase (a trailing NUL dropped).
 * Caution: untrusted input.  LD_OK or LD_ERR_INVALID with a reason. */
int ld_volume_secret_parse(const uint8_t *data, size_t len, ld_volume_secret *out, char *err,
			   size_t errlen);

/* Whether a parsed entry may unlock a LUKS volume, by the driver's rules: a record for
 * plaintext media holds no key; the shared disk-passphrase entry (generic) holds nothing but
 * a passphrase (a pin, volume key or verity item there would bind every volume to one).
 * LD_OK, or LD_ERR_INVALID with a reason. */
int ld_volume_secret_for_luks(const ld_volume_secret *vs, int generic, char *err, size_t errlen);

/* Writes a record for in (exactly one of passphrase and volume key, or neither and a
 * verity item).  LD_ERR_RANGE if cap is too small, LD_ERR_INVALID for bad sizes. */
int ld_volume_secret_build(uint8_t *out, size_t cap, size_t *outlen, const ld_volume_secret *in);

/* pin = SHA-256("LuksDxe volume pin v1" NUL || volume key). */
int ld_volume_pin(const uint8_t *vk, size_t vklen, uint8_t pin[LD_PIN_SIZE]);

#endif
