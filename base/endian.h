/* Little- and big-endian field readers for the parsers of the portable core. */
#ifndef LD_ENDIAN_H
#define LD_ENDIAN_H

#include <stdint.h>

static inline uint16_t ld_le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t ld_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t ld_le64(const uint8_t *p) { return ld_le32(p) | ((uint64_t)ld_le32(p + 4) << 32); }
static inline uint16_t ld_be16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static inline uint32_t ld_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}
static inline uint64_t ld_be64(const uint8_t *p) { return ((uint64_t)ld_be32(p) << 32) | ld_be32(p + 4); }

#endif
