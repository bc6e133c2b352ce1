/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* ext4 reader: directories - entries, lookup and path resolution.
 *
 * Directory blocks are read linearly.  Hashed (htree) directories need no special code:
 * their index blocks look like blocks without live entries (the root block holds only
 * "." and a ".." spanning the index), so a linear scan sees exactly the names; the
 * index is not used for lookups, but with metadata_csum its blocks are verified too.  Inline directories have no "." or ".." on disk; both are
 * made up (the parent is the first 4 bytes of the inline area).
 *
 * Caution: this file parses untrusted input.  Every entry is checked (rec_len at least
 * the header plus the name, a multiple of 4, inside its block or inline region; names
 * without '/' or NUL); with metadata_csum leaf blocks are checksummed.  A directory's
 * size was bounded by the file system size when it was opened, and each step advances
 * the position by at least 12 bytes (or to the next block), so a scan always ends. */
#include "fs/ext4_internal.h"

#define DIRENT_HDR 8u
#define DX_ROOT_INFO 24u /* after "." (12 bytes) and ".." (12 bytes) */
#define PATH_BUF (2u * LD_EXT4_SYMLINK_MAX + 2u)

static uint32_t rec_len_from_disk(const ld_ext4 *fs, uint32_t v)
{
	if (fs->bs >= 65536u && (v == 65535u || v == 0))
		return fs->bs;
	return (v & 65532u) | ((v & 3u) << 16);
}

/* Entry at o in region [0, limit): *rec its length, *ent filled when it is live
 * (inode != 0, then *live = 1). */
static int parse_entry(ld_ext4_file *d, const uint8_t *r, uint32_t o, uint32_t limit,
		       uint32_t *rec, ld_ext4_dirent *ent, int *live)
{
	ld_ext4 *fs = d->fs;
	uint32_t rl, nl, ino, ft = 0;

	*live = 0;
	if (o > limit || limit - o < DIRENT_HDR)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "directory inode ", d->ino, ": entry runs off its block");
	ino = ld_le32(r + o + DE_INODE);
	rl = rec_len_from_disk(fs, ld_le16(r + o + DE_REC_LEN));
	if (fs->incompat & EXT4_INCOMPAT_FILETYPE) {
		nl = r[o + DE_NAME_LEN];
		ft = r[o + DE_FILE_TYPE];
	} else {
		nl = ld_le16(r + o + DE_NAME_LEN);
	}
	if (rl < DIRENT_HDR + nl || (rl & 3) || rl > limit - o || rl < 12)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "directory inode ", d->ino, ": bad entry length");
	*rec = rl;
	if (ino == 0)
		return LD_OK;
	if (nl == 0 || nl > LD_EXT4_NAME_MAX || memchr(r + o + DE_NAME, '/', nl) ||
	    memchr(r + o + DE_NAME, 0, nl))
		return ld_ext4_fail(fs, LD_ERR_INVALID, "directory inode ", d->ino, ": bad entry name");
	if (ino > fs->info.inodes_count)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "directory inode ", d->ino,
				 ": entry points to an inode out of range");
	ent->ino = ino;
	ent->type = ft <= EXT4_FT_SYMLINK ? (ld_ext4_type)ft : LD_EXT4_T_UNKNOWN;
	ent->name_len = (uint16_t)nl;
	memcpy(ent->name, r + o + DE_NAME, nl);
	ent->name[nl] = 0;
	*live = 1;
	return LD_OK;
}

/* Checksum of a leaf block: the 12-byte tail entry at the end of the block. */
static int check_leaf_csum(ld_ext4_file *d, ld_ext4_cache_slot *s)
{
	ld_ext4 *fs = d->fs;
	const uint8_t *t = s->data + fs->bs - EXT4_DIRENT_TAIL_SIZE;
	uint64_t tag = ((uint64_t)LD_EXT4_V_DIR << 32) | d->ino;

	if (s->verified == tag)
		return LD_OK;
	if (ld_le32(t) != 0 || ld_le16(t + 4) != EXT4_DIRENT_TAIL_SIZE || t[6] != 0 ||
	    t[7] != EXT4_DIRENT_TAIL_FT)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "directory block ", s->blk, ": no checksum tail");
	if (ld_ext4_crc32c(d->csum_seed, s->data, fs->bs - EXT4_DIRENT_TAIL_SIZE) != ld_le32(t + 8))
		return ld_ext4_fail(fs, LD_ERR_INVALID, "directory block ", s->blk, ": checksum mismatch");
	s->verified = tag;
	return LD_OK;
}

/* metadata_csum of an htree index block (root or interior node): the dx_tail after the
 * last possible index entry covers the block up to the used entries.  count_offset is
 * where the {limit, count} pair sits (after "." and ".." plus the root info, or after the
 * fake entry of an interior node). */
static int check_dx_csum(ld_ext4_file *d, ld_ext4_cache_slot *s, uint32_t count_offset)
{
	ld_ext4 *fs = d->fs;
	uint64_t tag = ((uint64_t)LD_EXT4_V_DX << 32) | d->ino;
	uint32_t limit, count, tail, crc;
	static const uint8_t zero[4];

	if (s->verified == tag)
		return LD_OK;
	if (count_offset + 8u > fs->bs)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "htree block ", s->blk, ": bad index header");
	limit = ld_le16(s->data + count_offset);
	count = ld_le16(s->data + count_offset + 2);
	tail = count_offset + limit * 8u;
	if (count > limit || tail > fs->bs || fs->bs - tail < 8)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "htree block ", s->blk, ": bad index count or limit");
	crc = ld_ext4_crc32c(d->csum_seed, s->data, count_offset + count * 8u);
	crc = ld_ext4_crc32c(crc, s->data + tail, 4);
	crc = ld_ext4_crc32c(crc, zero, 4);
	if (crc != ld_le32(s->data + tail + 4))
		return ld_ext4_fail(fs, LD_ERR_INVALID, "htree block ", s->blk, ": checksum mismatch");
	s->verified = tag;
	return LD_OK;
}

/* Block lblk of directory d: *data and the end of its entries (*limit, 0 if it holds
 * none: an htree index node). */
static int dir_block(ld_ext4_file *d, uint32_t lblk, const uint8_t **data, uint32_t *limit)
{
	ld_ext4 *fs = d->fs;
	ld_ext4_cache_slot *s;
	ld_ext4_run run;
	int r;

	r = ld_ext4_map(d, lblk, &run);
	if (r)
		return r;
	if (run.zero)
		return ld_ext4_fail(fs, LD_ERR_INVALID, "directory inode ", d->ino, ": hole in the directory");
	r = ld_ext4_bget(fs, run.pblk, "directory block ", &s);
	if (r)
		return r;
	*data = s->data;
	*limit = fs->bs;
	if (d->iflags & EXT4_INDEX_FL) {
		if (lblk == 0) {
			/* htree root: "." and "..", whose rec_len spans the index; the index
			 * header follows the 24 bytes of those two entries */
			if (fs->csum)
				return check_dx_csum(d, s, DX_ROOT_INFO + s->data[DX_ROOT_INFO + 5]);
			return LD_OK;
		}
		if (ld_le32(s->data) == 0 && rec_len_from_disk(fs, ld_le16(s->data + 4)) == fs->bs) {
			*limit = 0; /* interior index node: no names */
			return fs->csum ? check_dx_csum(d, s, DIRENT_HDR) : LD_OK;
		}
	}
	if (fs->csum) {
		r = check_leaf_csum(d, s);
		if (r)
			return r;
		*limit = fs->bs - EXT4_DIRENT_TAIL_SIZE;
	}
	return LD_OK;
}

static int readdir_blocks(ld_ext4_file *d, uint64_t *pos, ld_ext4_dirent *ent)
{
	ld_ext4 *fs = d->fs;
	uint64_t p = *pos;
	const uint8_t *data = NULL;
	uint32_t limit = 0, o, rec;
	int r, live;

	while (p < d->size) {
		o = (uint32_t)(p & (fs->bs - 1));
		r = dir_block(d, (uint32_t)(p >> fs->log_bs), &data, &limit);
		if (r)
			return r;
		if (o >= limit) {
			p = (p | (fs->bs - 1)) + 1;
			continue;
		}
		r = parse_entry(d, data, o, limit, &rec, ent, &live);
		if (r)
			return r;
		p += rec;
		if (live) {
			*pos = p;
			return LD_OK;
		}
	}
	return LD_ERR_NOTFOUND;
}

/* Inline directory positions: 0 ".", 1 "..", then 2 + v where v indexes the entries of
 * i_block[4..60) (v < 56) followed by those of the system.data value. */
static int readdir_inline(ld_ext4_file *d, uint64_t *pos, ld_ext4_dirent *ent)
{
	const uint32_t a_len = I_BLOCK_LEN - EXT4_INLINE_DOTDOT_SIZE;
	uint64_t p = *pos;
	const uint8_t *region;
	uint32_t v, base, limit, rec;
	int r, live;

	if (p < 2) {
		ent->ino = p == 0 ? d->ino : ld_le32(d->inl);
		ent->type = LD_EXT4_T_DIR;
		ent->name_len = (uint16_t)(p + 1);
		memcpy(ent->name, "..", p + 1);
		ent->name[p + 1] = 0;
		if (ent->ino == 0 || ent->ino > d->fs->info.inodes_count)
			return ld_ext4_fail(d->fs, LD_ERR_INVALID, "inline directory inode ", d->ino,
					 ": bad parent");
		*pos = p + 1;
		return LD_OK;
	}
	while (p - 2 < (uint64_t)a_len + d->inl_ea) {
		v = (uint32_t)(p - 2);
		if (v < a_len) {
			region = d->inl + EXT4_INLINE_DOTDOT_SIZE;
			base = 0;
			limit = a_len;
		} else {
			region = d->inl + I_BLOCK_LEN;
			base = a_len;
			limit = (uint32_t)d->inl_ea;
		}
		r = parse_entry(d, region, v - base, limit, &rec, ent, &live);
		if (r)
			return r;
		p += rec;
		if (live) {
			*pos = p;
			return LD_OK;
		}
	}
	return LD_ERR_NOTFOUND;
}

int ld_ext4_readdir(ld_ext4_file *d, uint64_t *pos, ld_ext4_dirent *ent)
{
	if (d->st.type != LD_EXT4_T_DIR)
		return ld_ext4_fail(d->fs, LD_ERR_INVALID, "inode ", d->ino, " is not a directory");
	if (d->inl)
		return readdir_inline(d, pos, ent);
	return readdir_blocks(d, pos, ent);
}

int ld_ext4_lookup(ld_ext4_file *d, const char *name, size_t name_len, uint32_t *ino)
{
	ld_ext4_dirent ent;
	uint64_t pos = 0;
	int r;

	*ino = 0;
	if (name_len == 0 || name_len > LD_EXT4_NAME_MAX)
		return ld_ext4_fail(d->fs, LD_ERR_NOTFOUND, "no such file (bad name length ", name_len, ")");
	for (;;) {
		r = ld_ext4_readdir(d, &pos, &ent);
		if (r == LD_ERR_NOTFOUND)
			return ld_ext4_fail(d->fs, LD_ERR_NOTFOUND, "no such file or directory", LD_EXT4_NONUM, "");
		if (r)
			return r;
		if (ent.name_len == name_len && !memcmp(ent.name, name, name_len)) {
			*ino = ent.ino;
			return LD_OK;
		}
	}
}

/* ---- path resolution ----------------------------------------------------------------- */

typedef struct walk {
	ld_ext4 *fs;
	char *buf;          /* the path still to resolve, NUL-terminated, PATH_BUF bytes */
	char *target;       /* a symlink target, LD_EXT4_SYMLINK_MAX + 1 bytes */
	ld_ext4_file *cur;  /* directory the next component is looked up in */
	unsigned links;
} walk;

/* Replaces buf[0..q) by the target of symlink link (cur stays the link's directory, or
 * becomes the root for an absolute target).  buf[q] is '/' or the end, so the rest of
 * the path keeps its separator (and a trailing slash still demands a directory). */
static int splice_link(walk *w, ld_ext4_file *link, size_t q)
{
	size_t tlen, rest = strlen(w->buf + q);
	ld_ext4_file *root;
	int r;

	if (++w->links > LD_EXT4_MAX_SYMLINKS)
		return ld_ext4_fail(w->fs, LD_ERR_INVALID, "too many levels of symbolic links", LD_EXT4_NONUM, "");
	r = ld_ext4_readlink(link, w->target, LD_EXT4_SYMLINK_MAX + 1, &tlen);
	if (r)
		return r;
	if (tlen + rest >= PATH_BUF)
		return ld_ext4_fail(w->fs, LD_ERR_INVALID, "path too long after following a symlink", LD_EXT4_NONUM, "");
	memmove(w->buf + tlen, w->buf + q, rest + 1);
	memcpy(w->buf, w->target, tlen);
	if (w->target[0] == '/') {
		r = ld_ext4_inode_open(w->fs, LD_EXT4_ROOT_INO, &root);
		if (r)
			return r;
		ld_ext4_close(w->cur);
		w->cur = root;
	}
	return LD_OK;
}

/* One component buf[p..q): steps w->cur into it (or splices a symlink). */
static int step(walk *w, size_t p, size_t q, unsigned flags, size_t *next)
{
	ld_ext4_file *child;
	uint32_t ino;
	size_t e = q;
	int r, last, slash = w->buf[q] == '/';

	*next = q;
	if (w->cur->st.type != LD_EXT4_T_DIR)
		return ld_ext4_fail(w->fs, LD_ERR_NOTFOUND, "not a directory (inode ", w->cur->ino, ")");
	r = ld_ext4_lookup(w->cur, w->buf + p, q - p, &ino);
	if (r)
		return r;
	r = ld_ext4_inode_open(w->fs, ino, &child);
	if (r)
		return r;
	while (w->buf[e] == '/')
		e++;
	last = w->buf[e] == 0;
	if (child->st.type == LD_EXT4_T_LNK && (!last || slash || !(flags & LD_EXT4_NOFOLLOW))) {
		r = splice_link(w, child, q);
		ld_ext4_close(child);
		*next = 0;
		return r;
	}
	if (slash && child->st.type != LD_EXT4_T_DIR) {
		ld_ext4_close(child);
		return ld_ext4_fail(w->fs, LD_ERR_NOTFOUND, "not a directory (inode ", ino, ")");
	}
	ld_ext4_close(w->cur);
	w->cur = child;
	return LD_OK;
}

static int resolve(walk *w, unsigned flags)
{
	size_t p = 0, q;
	int r;

	for (;;) {
		while (w->buf[p] == '/')
			p++;
		if (!w->buf[p])
			return LD_OK;
		for (q = p; w->buf[q] && w->buf[q] != '/'; q++)
			;
		if (q - p == 1 && w->buf[p] == '.') {
			p = q;
			continue;
		}
		r = step(w, p, q, flags, &p);
		if (r)
			return r;
	}
}

int ld_ext4_open(ld_ext4 *fs, ld_ext4_file *dir, const char *path, unsigned flags,
		 ld_ext4_file **out)
{
	size_t len = strlen(path);
	walk w;
	int r;

	*out = NULL;
	if (len >= PATH_BUF)
		return ld_ext4_fail(fs, LD_ERR_NOTFOUND, "path too long", LD_EXT4_NONUM, "");
	memset(&w, 0, sizeof(w));
	w.fs = fs;
	w.buf = fs->alloc.alloc(fs->alloc.ctx, PATH_BUF + LD_EXT4_SYMLINK_MAX + 1);
	if (!w.buf)
		return ld_ext4_fail(fs, LD_ERR_NOMEM, "out of memory", LD_EXT4_NONUM, "");
	w.target = w.buf + PATH_BUF;
	memcpy(w.buf, path, len + 1);
	r = ld_ext4_inode_open(fs, (dir && path[0] != '/') ? dir->ino : LD_EXT4_ROOT_INO, &w.cur);
	if (!r)
		r = resolve(&w, flags);
	if (r)
		ld_ext4_close(w.cur);
	else
		*out = w.cur;
	fs->alloc.free(fs->alloc.ctx, w.buf, PATH_BUF + LD_EXT4_SYMLINK_MAX + 1);
	return r;
}
