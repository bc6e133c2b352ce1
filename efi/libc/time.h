/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* Freestanding <time.h>: types only (the firmware build enables no time-based features). */
#ifndef LD_LIBC_TIME_H
#define LD_LIBC_TIME_H

#include <stddef.h>

typedef long long time_t;
struct tm {
	int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
};

#endif
