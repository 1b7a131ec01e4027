#include "vtb/protocol_writer_text.h"

void vtb_text_init(struct vtb_text *t, char *buf, size_t cap)
{
	t->buf = buf;
	t->cap = cap;
	t->len = 0;
	t->overflow = false;
	if (cap)
		buf[0] = '\0';
}

void vtb_text_putc(struct vtb_text *t, char c)
{
	if (t->len + 1 >= t->cap) {
		t->overflow = true;
		return;
	}
	t->buf[t->len++] = c;
	t->buf[t->len] = '\0';
}

void vtb_text_putn(struct vtb_text *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		vtb_text_putc(t, s[i]);
}

void vtb_text_puts(struct vtb_text *t, const char *s)
{
	while (*s)
		vtb_text_putc(t, *s++);
}

void vtb_text_u64(struct vtb_text *t, uint64_t v)
{
	char tmp[20];
	unsigned n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		vtb_text_putc(t, tmp[--n]);
}

void vtb_text_i64(struct vtb_text *t, int64_t v)
{
	if (v < 0) {
		vtb_text_putc(t, '-');
		vtb_text_u64(t, (uint64_t)0 - (uint64_t)v);
	} else {
		vtb_text_u64(t, (uint64_t)v);
	}
}

void vtb_text_hex(struct vtb_text *t, uint64_t v, unsigned digits)
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
		vtb_text_putc(t, hx[(v >> (4 * n)) & 0xf]);
}

void vtb_text_kv_u64(struct vtb_text *t, const char *key, uint64_t v)
{
	vtb_text_putc(t, ' ');
	vtb_text_puts(t, key);
	vtb_text_putc(t, '=');
	vtb_text_u64(t, v);
}

void vtb_text_kv_str(struct vtb_text *t, const char *key, const char *v)
{
	vtb_text_putc(t, ' ');
	vtb_text_puts(t, key);
	vtb_text_putc(t, '=');
	vtb_text_puts(t, v);
}
