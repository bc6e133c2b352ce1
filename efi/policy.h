/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The load policy: which images the firmware may load once LuksDxe runs.
 *
 * An image may be loaded only if its device path names
 *   (a) a file in a firmware volume that the platform itself published (the volumes that
 *       existed when the policy was installed), or
 *   (b) a file on a volume that LuksDxe unlocked: the child's full device path (the
 *       parent's, then LuksDxe's vendor node), then only partition/CD-ROM nodes and file
 *       path nodes; when the secret pins any volume, only on pinned ones; when any
 *       volume of the secret carries dm-verity parameters, only on volumes served through
 *       the owner's tree (verified).
 *   (c) an image that an image from an unlocked volume, while it runs, hands over from
 *       its own memory (no device answers for its path) under exactly one of the paths
 *       below: the hand-overs known to need it.  Each is matched byte for byte, end node
 *       excluded; any other image from memory is refused (LUKSDXE_DENY_MEMORY).
 *       The policy cannot see where those bytes came from: it trusts the running owner
 *       image to hand over only what it carries (see docs/load-policy.md).
 * Everything else - plaintext disks, partitions, CD-ROMs, USB sticks, network (LoadFile)
 * paths, PCI option ROMs, images from memory without a device path - is refused.
 *
 * luksdxe_policy_decide() is a pure function over device-path bytes (no boot services),
 * so that it is unit-tested and fuzzed on the host.  Caution: the path it judges comes
 * from whoever calls LoadImage and is untrusted: every node length is checked. */
#ifndef LUKSDXE_POLICY_H
#define LUKSDXE_POLICY_H

#include <stddef.h>
#include <stdint.h>

/* Rule (c)'s cases, one per hand-over from memory that the policy admits.
 *
 * 1. systemd-stub's kernel (systemd 252 as in Debian 12, src/boot/efi/linux.c, load_image():
 *    a unified kernel image starts the kernel it carries with LoadImage from its .linux
 *    section under one vendor media node with no data, then the end node):
 *    VenMedia(55C5D1F8-04CD-46B5-8A20-E56CBB3052D0), 20 bytes.  The firmware image's console
 *    shows this path when a UKI boots (tests/e2e/test_firmware_image.sh, case 1). */
#define LUKSDXE_MEMORY_SYSTEMD_STUB_PATH                                                   \
	{ 0x04, 0x03, 0x14, 0x00, 0xf8, 0xd1, 0xc5, 0x55, 0xcd, 0x04, 0xb5, 0x46, 0x8a, 0x20, \
	  0xe5, 0x6c, 0xbb, 0x30, 0x52, 0xd0 }

/* A device path without its end node. */
typedef struct {
	const uint8_t *bytes;
	size_t len;
} luksdxe_dp;

typedef struct {
	const luksdxe_dp *fvs;     /* the platform's firmware volumes */
	size_t n_fvs;
	const luksdxe_dp *volumes; /* every unlocked LuksDxe child */
	const uint8_t *pinned;     /* per volume: 1 if its key matched a pin in the secret */
	size_t n_volumes;
	int pins_present;          /* the secret pins at least one volume */
	int owner_running;         /* an image from an unlocked volume is running (rule c) */
	int from_memory;           /* the image comes from a caller's buffer: no device
				    * answers for its path */
	const uint8_t *verified;   /* per volume: 1 if served through the owner's verity tree
				    * (may be NULL: none is) */
	int verity_present;        /* the secret protects at least one volume with verity */
} luksdxe_policy_ctx;

typedef enum {
	LUKSDXE_ALLOW_FV = 1,       /* rule (a) */
	LUKSDXE_ALLOW_VOLUME,       /* rule (b) */
	LUKSDXE_ALLOW_OWNER_MEMORY, /* rule (c) */
	LUKSDXE_DENY_NO_PATH,       /* no device path (an image from memory) */
	LUKSDXE_DENY_MALFORMED,     /* node lengths do not add up, or more than one instance */
	LUKSDXE_DENY_FOREIGN_FV,    /* a firmware volume that the platform did not publish */
	LUKSDXE_DENY_NOT_PINNED,    /* on an unlocked volume that no pin names */
	LUKSDXE_DENY_BAD_VOLUME_PATH, /* on an unlocked volume, but not a plain file path */
	LUKSDXE_DENY_UNENCRYPTED,   /* anywhere else */
	LUKSDXE_DENY_NOT_VERIFIED,  /* on an unlocked volume that no verity tree vouches for */
	LUKSDXE_DENY_MEMORY,        /* from memory, and not one of rule (c)'s cases */
} luksdxe_verdict;
#define LUKSDXE_VERDICT_LAST LUKSDXE_DENY_MEMORY

#define LUKSDXE_VERDICT_ALLOWED(v) \
	((v) == LUKSDXE_ALLOW_FV || (v) == LUKSDXE_ALLOW_VOLUME || (v) == LUKSDXE_ALLOW_OWNER_MEMORY)

/* Judges the device path at path (at most maxlen bytes are read; NULL for none).
 * *volume receives the index of the matching volume for LUKSDXE_ALLOW_VOLUME,
 * LUKSDXE_DENY_NOT_PINNED and LUKSDXE_DENY_NOT_VERIFIED (may be NULL). */
luksdxe_verdict luksdxe_policy_decide(const luksdxe_policy_ctx *ctx, const uint8_t *path,
				      size_t maxlen, size_t *volume);

/* One short English phrase per verdict, for the console line. */
const char *luksdxe_verdict_text(luksdxe_verdict v);

/* Length of a well-formed single-instance device path up to its end node (excluded);
 * -1 if malformed or longer than maxlen.  At most LUKSDXE_DP_MAX_NODES nodes. */
#define LUKSDXE_DP_MAX_NODES 256
long luksdxe_dp_length(const uint8_t *path, size_t maxlen);

#endif
