/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* The list of published volumes (volumes.h). */
#include "volumes.h"

static luksdxe_dev *devices;

void luksdxe_volumes_reset(void)
{
	devices = NULL;
}

void luksdxe_volumes_add(luksdxe_dev *d)
{
	d->next = devices;
	devices = d;
}

void luksdxe_volumes_remove(luksdxe_dev *d)
{
	for (luksdxe_dev **pp = &devices; *pp; pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			d->next = NULL;
			return;
		}
}

luksdxe_dev *luksdxe_volumes_first(void)
{
	return devices;
}

luksdxe_dev *luksdxe_volumes_find_child(EFI_HANDLE h)
{
	for (luksdxe_dev *d = devices; d; d = d->next)
		if (d->child == h)
			return d;
	return NULL;
}

luksdxe_dev *luksdxe_volumes_find(EFI_HANDLE ctrl, EFI_HANDLE child)
{
	for (luksdxe_dev *d = devices; d; d = d->next)
		if (d->controller == ctrl && (!child || child == d->child))
			return d;
	return NULL;
}

size_t luksdxe_volumes(luksdxe_dp *paths, uint8_t *pinned, uint8_t *verified,
		       const char **uuids, size_t max)
{
	size_t n = 0;
	for (luksdxe_dev *d = devices; d && n < max; d = d->next) {
		if (!d->path || d->path_size < sizeof(EFI_DEVICE_PATH_PROTOCOL))
			continue;
		paths[n].bytes = (const uint8_t *)d->path;
		paths[n].len = d->path_size - sizeof(EFI_DEVICE_PATH_PROTOCOL); /* no end node */
		pinned[n] = (uint8_t)d->pinned;
		if (verified)
			verified[n] = (uint8_t)d->verified;
		uuids[n] = d->info.uuid;
		n++;
	}
	return n;
}
