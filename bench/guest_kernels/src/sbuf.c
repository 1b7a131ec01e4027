#include "sbuf.h"

void sb_init(struct sbuf *sb, char *buf, size_t cap)
{
	sb->buf = buf;
	sb->cap = cap;
	sb->len = 0;
	sb->overflow = false;
	if (cap)
		buf[0] = '\0';
}

void sb_putc(struct sbuf *sb, char c)
{
	if (sb->len + 1 >= sb->cap) {
		sb->overflow = true;
		return;
	}
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void sb_putn(struct sbuf *sb, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_putc(sb, s[i]);
}

void sb_puts(struct sbuf *sb, const char *s)
{
	while (*s)
		sb_putc(sb, *s++);
}

void sb_u64(struct sbuf *sb, uint64_t v)
{
	char tmp[20];
	unsigned n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		sb_putc(sb, tmp[--n]);
}

void sb_i64(struct sbuf *sb, int64_t v)
{
	if (v < 0) {
		sb_putc(sb, '-');
		sb_u64(sb, (uint64_t)0 - (uint64_t)v);
	} else {
		sb_u64(sb, (uint64_t)v);
	}
}

void sb_hex(struct sbuf *sb, uint64_t v, unsigned digits)
{
	static const char hx[] = "0123456789abcdef";
	unsigned n = 16;
	if (digits == 0) {
		while (n > 1 && ((v >> (4 * (n - 1))) & 0xf) == 0)
			n--;
	} else {
		n = digits > 16 ? 16 : digits;
	}
	while (n--)
		sb_putc(sb, hx[(v >> (4 * n)) & 0xf]);
}

void sb_kv_u64(struct sbuf *sb, const char *key, uint64_t v)
{
	sb_putc(sb, ' ');
	sb_puts(sb, key);
	sb_putc(sb, '=');
	sb_u64(sb, v);
}

void sb_kv_str(struct sbuf *sb, const char *key, const char *v)
{
	sb_putc(sb, ' ');
	sb_puts(sb, key);
	sb_putc(sb, '=');
	sb_puts(sb, v);
}
