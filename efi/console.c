/* SPDX-License-Identifier: BSD-2-Clause-Patent */
/* See console.h.  Formats into a small CHAR16 buffer and flushes it to ConOut whenever it
 * fills, so that no allocation is needed (this also runs when memory is short). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "console.h"

static EFI_SYSTEM_TABLE *con_st;

void luksdxe_con_init(EFI_SYSTEM_TABLE *st) { con_st = st; }

typedef struct {
	CHAR16 buf[128];
	size_t n;
} con_buf;

static void con_flush(con_buf *b)
{
	b->buf[b->n] = 0;
#ifdef LUKSDXE_DEBUGCON
	/* Development builds only: QEMU's debug console (-debugcon, port 0x402) shows what
	 * the driver prints before the firmware has connected a console. */
	for (size_t i = 0; i < b->n; i++)
		__asm__ volatile("outb %b0, %w1" : : "a"((uint8_t)b->buf[i]), "Nd"((uint16_t)0x402));
#endif
	if (con_st && con_st->ConOut && b->n)
		con_st->ConOut->OutputString(con_st->ConOut, b->buf);
	b->n = 0;
}

static void con_putc(con_buf *b, char c)
{
	if (b->n + 2 >= sizeof(b->buf) / sizeof(b->buf[0]))
		con_flush(b);
	if (c == '\n')
		b->buf[b->n++] = u'\r';
	/* Only printable ASCII reaches the console: header strings are untrusted. */
	unsigned char u = (unsigned char)c;
	b->buf[b->n++] = (u == '\n' || (u >= 0x20 && u < 0x7f)) ? (CHAR16)u : u'?';
}

static void con_puts(con_buf *b, const char *s)
{
	if (!s)
		s = "(null)";
	while (*s)
		con_putc(b, *s++);
}

static void con_putu(con_buf *b, unsigned long long v, unsigned base)
{
	char tmp[24];
	size_t i = 0;
	do {
		unsigned d = (unsigned)(v % base);
		tmp[i++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v && i < sizeof(tmp));
	while (i)
		con_putc(b, tmp[--i]);
}

void luksdxe_con_printf(const char *fmt, ...)
{
	con_buf b;
	va_list ap;
	b.n = 0;
	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			con_putc(&b, *fmt);
			continue;
		}
		int longs = 0;
		fmt++;
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 's':
			con_puts(&b, va_arg(ap, const char *));
			break;
		case 'c':
			con_putc(&b, (char)va_arg(ap, int));
			break;
		case 'd': {
			long long v = longs ? (longs > 1 ? va_arg(ap, long long) : va_arg(ap, long))
					    : va_arg(ap, int);
			if (v < 0) {
				con_putc(&b, '-');
				con_putu(&b, 0ULL - (unsigned long long)v, 10);
			} else {
				con_putu(&b, (unsigned long long)v, 10);
			}
			break;
		}
		case 'u':
		case 'x': {
			unsigned long long v = longs ? (longs > 1 ? va_arg(ap, unsigned long long)
							   : va_arg(ap, unsigned long))
						     : va_arg(ap, unsigned);
			con_putu(&b, v, *fmt == 'x' ? 16 : 10);
			break;
		}
		case '%':
			con_putc(&b, '%');
			break;
		case 0:
			fmt--; /* trailing '%': stop at the terminator */
			break;
		default:
			con_putc(&b, '?');
			break;
		}
	}
	va_end(ap);
	con_flush(&b);
}
