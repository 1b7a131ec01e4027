/* Bounded string builder: the guest has no printf, and report lines must never
 * overflow their buffer (an overflow sets 'overflow' instead). */
#ifndef VTB_SBUF_H
#define VTB_SBUF_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct sbuf {
	char *buf;
	size_t cap; /* including the terminating NUL */
	size_t len;
	bool overflow;
};

void sb_init(struct sbuf *sb, char *buf, size_t cap);
void sb_putc(struct sbuf *sb, char c);
void sb_puts(struct sbuf *sb, const char *s);
void sb_putn(struct sbuf *sb, const char *s, size_t n);
void sb_u64(struct sbuf *sb, uint64_t v);
void sb_i64(struct sbuf *sb, int64_t v);
void sb_hex(struct sbuf *sb, uint64_t v, unsigned digits); /* digits=0: minimal */
void sb_kv_u64(struct sbuf *sb, const char *key, uint64_t v); /* " key=v" */
void sb_kv_str(struct sbuf *sb, const char *key, const char *v);
#endif
