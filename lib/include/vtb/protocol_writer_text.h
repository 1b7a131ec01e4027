/* Bounded text builder for the guest result protocol's writer
 * (vtb/protocol_writer.h) and for the bare-metal guest's other console
 * messages: the guest has no printf, and a protocol line must never overflow
 * its buffer (an overflow sets 'overflow' and keeps the text cut short, so the
 * caller can refuse the line instead of printing half of it).
 * Freestanding: <stddef.h>, <stdint.h>, <stdbool.h> only. */
#ifndef VTB_PROTOCOL_WRITER_TEXT_H
#define VTB_PROTOCOL_WRITER_TEXT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vtb_text {
	char *buf;
	size_t cap; /* including the terminating NUL */
	size_t len;
	bool overflow;
};

void vtb_text_init(struct vtb_text *t, char *buf, size_t cap);
void vtb_text_putc(struct vtb_text *t, char c);
void vtb_text_puts(struct vtb_text *t, const char *s);
void vtb_text_putn(struct vtb_text *t, const char *s, size_t n);
void vtb_text_u64(struct vtb_text *t, uint64_t v);
void vtb_text_i64(struct vtb_text *t, int64_t v);
/* Lower-case hex, zero-padded to digits (at most 16); digits 0: as few as needed. */
void vtb_text_hex(struct vtb_text *t, uint64_t v, unsigned digits);
/* " key=v" */
void vtb_text_kv_u64(struct vtb_text *t, const char *key, uint64_t v);
void vtb_text_kv_str(struct vtb_text *t, const char *key, const char *v);

#endif
