/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The dm-verity tree of lukstool mkdisk --verity; see mk_verity.h. */
#include "tools/mk_verity.h"

#include <libcryptsetup.h>
#include <stdio.h>
#include <string.h>

#include "tools/hostdev.h"

#define MiB (1024u * 1024u)

int lt_mk_verity_layout(uint64_t fs_size, ld_verity_params *p, uint64_t *plain_size)
{
	ld_verity_geometry g;

	if (!p->data_block_size || fs_size % p->data_block_size)
		return LD_ERR_INVALID;
	p->data_blocks = fs_size / p->data_block_size;
	p->hash_offset = fs_size;
	p->no_superblock = 0;
	if (ld_verity_geometry_of(p, &g) || g.hash_end > UINT64_MAX - MiB)
		return LD_ERR_INVALID;
	*plain_size = (g.hash_end + MiB - 1) / MiB * MiB;
	return LD_OK;
}

int lt_mk_verity_fit(uint64_t room, ld_verity_params *p, uint64_t *fs_size,
		     uint64_t *plain_size)
{
	uint64_t fs = room / MiB * MiB;

	/* The tree is under 1% of the data: a few steps down from room. */
	for (; fs >= MiB; fs -= MiB) {
		if (lt_mk_verity_layout(fs, p, plain_size))
			return LD_ERR_INVALID;
		if (*plain_size <= room) {
			*fs_size = fs;
			return LD_OK;
		}
	}
	return LD_ERR_RANGE;
}

/* libcryptsetup writes the superblock and tree; p->root_hash and uuid from it. */
static int write_tree(const char *path, ld_verity_params *p, char uuid[40])
{
	struct crypt_device *cd = NULL;
	struct crypt_params_verity vp;
	char root[LD_HASH_MAX_SIZE];
	size_t rlen = sizeof(root);
	const char *u;
	int rc = -1;

	memset(&vp, 0, sizeof(vp));
	vp.hash_name = ld_hash_name(p->hash);
	vp.data_device = path;
	vp.salt = (const char *)p->salt;
	vp.salt_size = p->salt_size;
	vp.hash_type = p->hash_type;
	vp.data_block_size = p->data_block_size;
	vp.hash_block_size = p->hash_block_size;
	vp.data_size = p->data_blocks;
	vp.hash_area_offset = p->hash_offset;
	vp.flags = CRYPT_VERITY_CREATE_HASH;
	if (crypt_init(&cd, path) < 0) {
		fprintf(stderr, "mkdisk: libcryptsetup cannot open the scratch file %s\n", path);
		return -1;
	}
	if (crypt_format(cd, CRYPT_VERITY, NULL, NULL, NULL, NULL, 0, &vp) < 0) {
		fprintf(stderr, "mkdisk: libcryptsetup could not write the dm-verity tree\n");
		goto out;
	}
	if (crypt_volume_key_get(cd, CRYPT_ANY_SLOT, root, &rlen, NULL, 0) < 0 ||
	    rlen != ld_hash_size(p->hash)) {
		fprintf(stderr, "mkdisk: libcryptsetup gave no %s root hash\n", vp.hash_name);
		goto out;
	}
	u = crypt_get_uuid(cd);
	if (u == NULL || strlen(u) >= 40) {
		fprintf(stderr, "mkdisk: libcryptsetup gave no verity superblock UUID\n");
		goto out;
	}
	memcpy(p->root_hash, root, rlen);
	strcpy(uuid, u);
	rc = 0;
out:
	crypt_free(cd);
	return rc;
}

/* The project's reader: the superblock agrees with p, the top block with the root hash,
 * and every data block verifies. */
static int check_tree(const char *path, const ld_verity_params *p)
{
	ld_blockdev dev;
	ld_verity *v = NULL;
	char err[256] = "";
	int r;

	if (lt_hostdev_open(&dev, path)) {
		fprintf(stderr, "mkdisk: cannot open %s\n", path);
		return -1;
	}
	r = ld_verity_open(&v, &dev, &dev, p, &lt_hostdev_alloc, err, sizeof(err));
	if (r == LD_OK)
		r = ld_verity_verify_all(v, NULL, NULL, NULL, err, sizeof(err));
	ld_verity_close(v);
	lt_hostdev_close(&dev);
	if (r != LD_OK) {
		fprintf(stderr, "mkdisk: the dm-verity tree libcryptsetup wrote does not verify: %s\n",
			err[0] ? err : ld_strerror(r));
		return -1;
	}
	return 0;
}

int lt_mk_verity_format(const char *path, ld_verity_params *p, char uuid[40])
{
	if (write_tree(path, p, uuid))
		return -1;
	return check_tree(path, p);
}
