/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The dm-verity options of lukstool verify, mksecret and mkdisk; see lt_verity_opts.h. */
#include "tools/lt_verity_opts.h"

#include <stddef.h>
#include <string.h>

#include "base/str.h"
#include "tools/hostdev.h"
#include "tools/lukstool.h"

/* Every option, in LT_VO_* order: option i has bit 1 << i. */
static const struct option options[] = { LT_VERITY_OPTIONS };
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))
_Static_assert(N_OPTIONS == 9 && LT_VO_NOSB == 1u << 8, "LT_VO_* follow LT_VERITY_OPTIONS");

/* The fields a superblock holds besides the salt: the option that gives each, its name in
 * the superblock (as the reader names it), where it lies in the parameters. */
#define FIELD(f) offsetof(ld_verity_params, f), sizeof(((ld_verity_params *)0)->f)
static const struct {
	unsigned bit;
	const char *field;
	size_t off, size;
} sb_fields[] = {
	{ LT_VO_FORMAT, "hash_type", FIELD(hash_type) },
	{ LT_VO_HASH, "algorithm", FIELD(hash) },
	{ LT_VO_DBS, "data_block_size", FIELD(data_block_size) },
	{ LT_VO_HBS, "hash_block_size", FIELD(hash_block_size) },
	{ LT_VO_BLOCKS, "data_blocks", FIELD(data_blocks) },
};
#define N_SB_FIELDS (sizeof(sb_fields) / sizeof(sb_fields[0]))

void lt_verity_opts_init(lt_verity_opts *v)
{
	memset(v, 0, sizeof(*v));
	v->p.hash_type = 1;
	v->p.hash = LD_HASH_SHA256;
	v->p.data_block_size = 4096;
	v->p.hash_block_size = 4096;
}

static size_t find(const char *name)
{
	size_t i;

	for (i = 0; i < N_OPTIONS && strcmp(options[i].name, name); i++)
		;
	return i;
}

int lt_verity_is_option(const char *name, int *has_arg)
{
	size_t i = find(name);

	if (i == N_OPTIONS)
		return 0;
	*has_arg = options[i].has_arg == required_argument;
	return 1;
}

const char *lt_verity_option_name(unsigned bit)
{
	size_t i;

	for (i = 0; i < N_OPTIONS && !(bit & 1u << i); i++)
		;
	return i < N_OPTIONS ? options[i].name : "verity-?";
}

/* Hex (either case, an even number of digits) into out[max]; -1 if malformed or longer. */
static int parse_hex(const char *s, uint8_t *out, size_t max, size_t *n)
{
	size_t len = strlen(s), i;

	if (len % 2 || len / 2 > max)
		return -1;
	for (i = 0; i < len / 2; i++) {
		int hi = ld_hexval((unsigned char)s[2 * i]), lo = ld_hexval((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*n = len / 2;
	return 0;
}

/* One value into v->p; 0, or -1 when it is malformed. */
static int store(lt_verity_opts *v, unsigned bit, const char *arg)
{
	ld_verity_params *p = &v->p;
	size_t n;

	switch (bit) {
	case LT_VO_ROOT:
		v->root_hex = arg;
		return 0;
	case LT_VO_OFFSET:
		return lt_parse_u64(arg, &p->hash_offset);
	case LT_VO_BLOCKS:
		return lt_parse_u64(arg, &p->data_blocks);
	case LT_VO_SALT:
		if (!strcmp(arg, "-")) {
			p->salt_size = 0;
			return 0;
		}
		if (parse_hex(arg, p->salt, sizeof(p->salt), &n))
			return -1;
		p->salt_size = (uint16_t)n;
		return 0;
	case LT_VO_HASH:
		return ld_hash_from_name(arg, strlen(arg), &p->hash) ? -1 : 0;
	case LT_VO_DBS:
		return lt_parse_u32(arg, 1u << 30, &p->data_block_size);
	case LT_VO_HBS:
		return lt_parse_u32(arg, 1u << 30, &p->hash_block_size);
	case LT_VO_FORMAT:
		return lt_parse_u32(arg, 1, &p->hash_type);
	case LT_VO_NOSB:
		p->no_superblock = 1;
		return 0;
	default:
		return -1;
	}
}

int lt_verity_option(lt_verity_opts *v, const char *name, const char *arg, const char *who)
{
	size_t i = find(name);

	if (i == N_OPTIONS || (options[i].has_arg == required_argument && !arg)) {
		fprintf(stderr, "%s: --%s: %s\n", who, name,
			i == N_OPTIONS ? "not a verity option" : "needs a value");
		return LT_USAGE;
	}
	if (v->given & 1u << i) {
		fprintf(stderr, "%s: --%s given twice\n", who, name);
		return LT_USAGE;
	}
	if (store(v, 1u << i, arg)) {
		fprintf(stderr, "%s: bad value for --%s: \"%s\"\n", who, name, arg);
		return LT_USAGE;
	}
	v->given |= 1u << i;
	return LT_OK;
}

int lt_verity_opts_need(const lt_verity_opts *v, unsigned need, const char *why,
			const char *who)
{
	unsigned missing;

	need |= LT_VO_ROOT;
	if (v->p.no_superblock && (~v->given & (LT_VO_BLOCKS | LT_VO_SALT))) {
		fprintf(stderr, "%s: --verity-no-superblock needs --verity-data-blocks and "
			"--verity-salt\n", who);
		return LT_USAGE;
	}
	missing = need & ~v->given;
	if (!missing)
		return LT_OK;
	fprintf(stderr, "%s: --%s is needed%s%s%s\n", who, lt_verity_option_name(missing),
		why ? " (" : "", why ? why : "", why ? ")" : "");
	return LT_USAGE;
}

int lt_verity_read_sb(ld_blockdev *dev, const char *name, uint64_t off, ld_verity_params *s,
		      uint8_t uuid[16], const char *who)
{
	uint8_t sb[LD_VERITY_SB_SIZE];
	char err[160];
	int r = ld_dev_read(dev, off, sb, sizeof(sb));

	if (r) {
		fprintf(stderr, "%s: %s: no verity superblock at offset %llu (%s)\n", who, name,
			(unsigned long long)off, ld_strerror(r));
		return r == LD_ERR_IO ? LT_IO : LT_INVALID;
	}
	r = ld_verity_sb_parse(sb, s, uuid, err, sizeof(err));
	if (r) {
		fprintf(stderr, "%s: %s: verity superblock at offset %llu: %s\n", who, name,
			(unsigned long long)off, err);
		return lt_exit_status(r);
	}
	return LT_OK;
}

/* The superblock's values into p where no option gave them; LT_INVALID (message) for a
 * given one that the superblock contradicts. */
static int merge_sb(const lt_verity_opts *v, const ld_verity_params *s, ld_verity_params *p,
		    const char *hname, const char *who)
{
	const char *field = NULL;
	unsigned bit = 0;
	size_t i;

	for (i = 0; i < N_SB_FIELDS && !field; i++) {
		uint8_t *dst = (uint8_t *)p + sb_fields[i].off;
		const uint8_t *src = (const uint8_t *)s + sb_fields[i].off;

		if (!(v->given & sb_fields[i].bit))
			memcpy(dst, src, sb_fields[i].size);
		else if (memcmp(dst, src, sb_fields[i].size))
			field = sb_fields[i].field, bit = sb_fields[i].bit;
	}
	if (!field && !(v->given & LT_VO_SALT)) {
		p->salt_size = s->salt_size;
		memcpy(p->salt, s->salt, sizeof(p->salt));
	} else if (!field && (p->salt_size != s->salt_size ||
			      memcmp(p->salt, s->salt, p->salt_size))) {
		field = "salt", bit = LT_VO_SALT;
	}
	if (!field)
		return LT_OK;
	fprintf(stderr, "%s: %s: superblock: %s disagrees with --%s (superblock at offset "
		"%llu)\n", who, hname, field, lt_verity_option_name(bit),
		(unsigned long long)p->hash_offset);
	return LT_INVALID;
}

int lt_verity_resolve(const lt_verity_opts *v, ld_blockdev *hash, const char *hname,
		      const char *who, ld_verity_params *p)
{
	ld_verity_params s;
	uint8_t uuid[16];
	char err[160];
	size_t n = 0;
	int r;

	*p = v->p;
	if (!p->no_superblock && hash) {
		r = lt_verity_read_sb(hash, hname, p->hash_offset, &s, uuid, who);
		if (!r)
			r = merge_sb(v, &s, p, hname, who);
		if (r)
			goto fail;
	}
	if (!v->root_hex || parse_hex(v->root_hex, p->root_hash, sizeof(p->root_hash), &n) ||
	    n != ld_hash_size(p->hash)) {
		fprintf(stderr, "%s: --verity-root-hash must be %zu hex digits for %s\n", who,
			2 * ld_hash_size(p->hash), ld_hash_name(p->hash) ? ld_hash_name(p->hash) : "?");
		r = LT_USAGE;
		goto fail;
	}
	r = ld_verity_params_check(p, err, sizeof(err));
	if (r) {
		fprintf(stderr, "%s: verity parameters: %s\n", who, err);
		r = lt_exit_status(r);
		goto fail;
	}
	return LT_OK;
fail:
	ld_wipe(p, sizeof(*p));
	return r;
}

static void print_hex(FILE *f, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%02x", b[i]);
}

void lt_verity_print_options(FILE *f, const ld_verity_params *p)
{
	fprintf(f, "--verity-root-hash ");
	print_hex(f, p->root_hash, ld_hash_size(p->hash));
	fprintf(f, " --verity-hash-offset %llu --verity-data-blocks %llu --verity-salt ",
		(unsigned long long)p->hash_offset, (unsigned long long)p->data_blocks);
	if (p->salt_size)
		print_hex(f, p->salt, p->salt_size);
	else
		fprintf(f, "-");
	fprintf(f, " --verity-hash %s --verity-data-block-size %u --verity-hash-block-size %u "
		"--verity-format %u%s\n", ld_hash_name(p->hash), p->data_block_size,
		p->hash_block_size, p->hash_type, p->no_superblock ? " --verity-no-superblock" : "");
}
