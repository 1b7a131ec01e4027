#include "vtb/protocol_writer.h"

#include "vtb/crc32.h"

/* " *xxxxxxxx\n" after the payload. */
#define TAIL_LEN 11u

void vtb_pw_init(struct vtb_pw *w, vtb_pw_sink sink, void *ctx)
{
	w->seq = 0;
	w->overflow = false;
	w->sink = sink;
	w->ctx = ctx;
	w->s_count = 0;
	w->s_budget = 0;
	w->s_next = 0;
}

static void put_prefix(struct vtb_text *t, unsigned seq, char type)
{
	vtb_text_puts(t, "@VTB ");
	vtb_text_u64(t, VTB_PROTO_VERSION);
	vtb_text_putc(t, ' ');
	vtb_text_u64(t, seq);
	vtb_text_putc(t, ' ');
	vtb_text_putc(t, type);
	vtb_text_putc(t, ' ');
}

static void samples_flush(struct vtb_pw *w);

void vtb_pw_line(struct vtb_pw *w, char type, const char *payload)
{
	char line[VTB_PROTO_LINE_MAX + 1];
	struct vtb_text t;

	/* Samples come before whatever follows them. */
	if (type != 'S')
		samples_flush(w);
	vtb_text_init(&t, line, sizeof(line));
	put_prefix(&t, w->seq, type);
	vtb_text_puts(&t, payload);
	vtb_text_putc(&t, ' ');
	uint32_t crc = vtb_crc32(0, line, t.len);
	vtb_text_putc(&t, '*');
	vtb_text_hex(&t, crc, 8);
	if (t.overflow || t.len > VTB_PROTO_LINE_MAX) {
		w->overflow = true;
		return;
	}
	/* The newline always fits: line[] has room for LINE_MAX + NUL, and
	 * putc needs one byte for the NUL behind it. */
	line[t.len++] = '\n';
	w->seq++;
	w->sink(line, t.len, w->ctx);
}

/* Starts an S line at sample index w->s_next; its payload budget depends on
 * the length of its own "@VTB 1 <seq> S " prefix. */
static void samples_start(struct vtb_pw *w)
{
	char tmp[40];
	struct vtb_text prefix;

	vtb_text_init(&prefix, tmp, sizeof(tmp));
	put_prefix(&prefix, w->seq, 'S');
	w->s_budget = VTB_PROTO_SAMPLE_LINE_BUDGET - prefix.len - TAIL_LEN;
	vtb_text_init(&w->s, w->spayload, sizeof(w->spayload));
	vtb_text_u64(&w->s, w->s_next);
	vtb_text_putc(&w->s, ' ');
}

static void samples_flush(struct vtb_pw *w)
{
	if (!w->s_count)
		return;
	w->s_count = 0;
	if (w->s.overflow) {
		w->overflow = true;
		return;
	}
	vtb_pw_line(w, 'S', w->spayload);
}

void vtb_pw_sample(struct vtb_pw *w, uint64_t v)
{
	if (!w->s_count)
		samples_start(w);
	size_t before = w->s.len;
	if (w->s_count)
		vtb_text_putc(&w->s, ',');
	vtb_text_u64(&w->s, v);
	if (w->s.len > w->s_budget && w->s_count) {
		/* Does not fit: this line ends before v, v opens the next. */
		w->s.len = before;
		w->spayload[before] = '\0';
		samples_flush(w);
		vtb_pw_sample(w, v);
		return;
	}
	w->s_count++;
	w->s_next++;
	if (w->s_count == VTB_PROTO_SAMPLES_PER_LINE)
		samples_flush(w);
}

void vtb_pw_bucket(struct vtb_pw *w, uint64_t lo, uint64_t count)
{
	char payload[48];
	struct vtb_text t;

	vtb_text_init(&t, payload, sizeof(payload));
	vtb_text_u64(&t, lo);
	vtb_text_putc(&t, ' ');
	vtb_text_u64(&t, count);
	vtb_pw_line(w, 'B', payload);
}

void vtb_pw_end(struct vtb_pw *w)
{
	char payload[32];
	struct vtb_text t;

	/* lines= counts a pending S line too. */
	samples_flush(w);
	vtb_text_init(&t, payload, sizeof(payload));
	vtb_text_puts(&t, "lines=");
	vtb_text_u64(&t, w->seq);
	vtb_pw_line(w, 'E', payload);
}
