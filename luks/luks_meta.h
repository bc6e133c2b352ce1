/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Parsed LUKS metadata, as lukstool dump shows it and as the unlock path uses it.
 * LUKS1 headers are mapped onto the same structures (8 keyslots, one pbkdf2 digest,
 * one dynamic crypt segment), so that one unlock and read path serves both versions.
 * Everything here is validated: offsets and sizes are checked against each other and
 * against the devices before a volume is handed out. */
#ifndef LD_LUKS_META_H
#define LD_LUKS_META_H

#include "luks/luks.h"

#define LD_MAX_KEYSLOTS 32 /* cryptsetup's LUKS2_KEYSLOTS_MAX */
#define LD_MAX_TOKENS 32
#define LD_MAX_SEGMENTS 32
#define LD_MAX_DIGESTS 32
#define LD_NAME_LEN 32   /* type and hash names (longer ones are rejected) */
#define LD_CIPHER_LEN 64 /* dm-crypt cipher specifications */
#define LD_LIST_LEN 256  /* config flags / requirements, space separated */
#define LD_SALT_MAX 128  /* salt bytes kept; a longer salt is shown by length, not used */
#define LD_DIGEST_MAX 64 /* the largest hash output (sha512) */

enum { LD_KDF_NONE = 0, LD_KDF_PBKDF2, LD_KDF_ARGON2I, LD_KDF_ARGON2ID, LD_KDF_OTHER };
enum { LD_PRIO_IGNORE = 0, LD_PRIO_NORMAL = 1, LD_PRIO_PREFER = 2 };

typedef struct ld_keyslot {
	uint8_t present;
	uint8_t is_luks2;        /* type "luks2" (or an active LUKS1 slot): unlockable kind */
	char type[LD_NAME_LEN];
	uint32_t key_size;       /* volume key bytes this slot stores */
	int priority;            /* LD_PRIO_* (other values are kept and never tried) */
	int kdf;                 /* LD_KDF_* */
	char kdf_type[LD_NAME_LEN];
	char kdf_hash[LD_NAME_LEN]; /* pbkdf2 only */
	uint32_t iterations;     /* pbkdf2 iterations, or argon2 time cost */
	uint32_t memory_kib;     /* argon2 */
	uint32_t cpus;           /* argon2 lanes */
	uint8_t salt[LD_SALT_MAX];
	uint32_t salt_len;       /* the decoded length, which may exceed LD_SALT_MAX */
	const char *bad;         /* why this slot cannot be opened although the header is
				  * valid (a parameter out of range), NULL if it can */
	char af_type[LD_NAME_LEN];
	char af_hash[LD_NAME_LEN];
	uint32_t stripes;
	char area_type[LD_NAME_LEN];
	char area_cipher[LD_CIPHER_LEN];
	uint32_t area_key_size;
	uint64_t area_offset;    /* bytes on the header device */
	uint64_t area_size;
	int digest;              /* digest id that lists this slot, -1 if none */
} ld_keyslot;

typedef struct ld_segment {
	uint8_t present;
	uint8_t dynamic;         /* size "dynamic": to the end of the data device */
	uint8_t integrity;       /* has an integrity object (unsupported for unlock) */
	uint8_t backup;          /* flags contain a "backup-*" entry (reencryption) */
	char type[LD_NAME_LEN];
	uint64_t offset;         /* bytes on the data device */
	uint64_t size;           /* bytes; 0 when dynamic */
	uint64_t iv_tweak;       /* in 512-byte units, added to the IV sector */
	char cipher[LD_CIPHER_LEN];
	uint32_t sector_size;
	char flags[LD_LIST_LEN];
	char integrity_type[LD_NAME_LEN];
} ld_segment;

typedef struct ld_digest {
	uint8_t present;
	char type[LD_NAME_LEN];
	uint32_t keyslots;       /* bit i: keyslot i */
	uint32_t segments;       /* bit i: segment i */
	char hash[LD_NAME_LEN];
	uint32_t iterations;
	uint8_t salt[LD_SALT_MAX];
	uint32_t salt_len;       /* the decoded length, which may exceed LD_SALT_MAX */
	uint8_t digest[LD_DIGEST_MAX];
	uint32_t digest_len;     /* the decoded length, which may exceed LD_DIGEST_MAX */
	const char *bad;         /* why no key can ever match (a field missing, of the wrong
				  * type or length), NULL if keys can be checked */
} ld_digest;

typedef struct ld_token {
	uint8_t present;
	char type[LD_NAME_LEN + 32]; /* cryptsetup allows names up to 64 */
	uint32_t keyslots;
} ld_token;

typedef struct ld_luks_meta {
	int version;                 /* 1 or 2 */
	/* binary header */
	char uuid[40];
	char label[48];
	char subsystem[48];
	char csum_alg[32];           /* LUKS2 checksum, LUKS1 hash spec */
	uint64_t seqid;
	uint64_t hdr_size;           /* LUKS2: binary header + JSON area */
	int copy_used;               /* 0 primary, 1 secondary */
	int copy_ok[2];              /* LUKS2: which copies passed every check */
	uint64_t copy_offset[2];
	/* config */
	uint64_t json_size;
	uint64_t keyslots_size;
	char config_flags[LD_LIST_LEN];
	char requirements[LD_LIST_LEN]; /* mandatory requirements, space separated */
	/* LUKS1 only */
	char l1_cipher_name[32];
	char l1_cipher_mode[32];
	uint32_t l1_payload_offset;  /* 512-byte sectors */
	/* sections; keyslot_order lists keyslot ids in the order the JSON names them */
	ld_keyslot keyslots[LD_MAX_KEYSLOTS];
	uint8_t keyslot_order[LD_MAX_KEYSLOTS];
	int nkeyslots;
	ld_segment segments[LD_MAX_SEGMENTS];
	ld_digest digests[LD_MAX_DIGESTS];
	ld_token tokens[LD_MAX_TOKENS];
} ld_luks_meta;

/* The metadata of an opened volume (valid until ld_volume_close). */
const ld_luks_meta *ld_volume_meta(const ld_volume *v);

/* Why the volume cannot be unlocked by this code ("" if it can). */
const char *ld_volume_unsupported(const ld_volume *v);

#endif
