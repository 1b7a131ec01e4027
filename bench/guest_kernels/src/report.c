#include "report.h"
#include "crc32.h"
#include "hist.h"
#include "sbuf.h"

void report_init(struct report *r, report_sink sink, void *ctx)
{
	r->seq = 0;
	r->overflow = false;
	r->sink = sink;
	r->ctx = ctx;
}

void report_line(struct report *r, char type, const char *payload)
{
	char line[VTB_LINE_MAX + 1];
	struct sbuf sb;

	sb_init(&sb, line, sizeof(line));
	sb_puts(&sb, "@VTB ");
	sb_u64(&sb, VTB_PROTO_VERSION);
	sb_putc(&sb, ' ');
	sb_u64(&sb, r->seq);
	sb_putc(&sb, ' ');
	sb_putc(&sb, type);
	sb_putc(&sb, ' ');
	sb_puts(&sb, payload);
	sb_putc(&sb, ' ');
	uint32_t crc = vtb_crc32(0, line, sb.len);
	sb_putc(&sb, '*');
	sb_hex(&sb, crc, 8);
	/* The limit counts the line without its newline. */
	if (sb.overflow || sb.len > VTB_LINE_MAX) {
		r->overflow = true;
		return;
	}
	sb_putc(&sb, '\n');
	r->seq++;
	r->sink(line, sb.len, r->ctx);
}

/* Length of "@VTB 1 <seq> S " before the payload. */
static size_t prefix_len(unsigned seq)
{
	char tmp[40];
	struct sbuf sb;
	sb_init(&sb, tmp, sizeof(tmp));
	sb_puts(&sb, "@VTB ");
	sb_u64(&sb, VTB_PROTO_VERSION);
	sb_putc(&sb, ' ');
	sb_u64(&sb, seq);
	sb_puts(&sb, " S ");
	return sb.len;
}

void report_samples(struct report *r, const uint32_t *v, uint64_t n)
{
	char payload[VTB_LINE_MAX];
	/* " *xxxxxxxx\n" follows the payload. */
	const size_t tail = 11;
	uint64_t first = 0;
	while (first < n) {
		struct sbuf sb;
		size_t budget = VTB_SAMPLE_LINE_BUDGET - prefix_len(r->seq) - tail;
		sb_init(&sb, payload, sizeof(payload));
		sb_u64(&sb, first);
		sb_putc(&sb, ' ');
		uint64_t i = first;
		while (i < n && i - first < VTB_SAMPLES_PER_LINE) {
			size_t before = sb.len;
			if (i != first)
				sb_putc(&sb, ',');
			sb_u64(&sb, v[i]);
			if (sb.len > budget && i != first) {
				sb.len = before; /* does not fit: next line */
				payload[before] = '\0';
				break;
			}
			i++;
		}
		if (sb.overflow) {
			r->overflow = true;
			return;
		}
		report_line(r, 'S', payload);
		first = i;
	}
}

void report_hist(struct report *r, const uint64_t *counts, unsigned shift)
{
	char payload[64];
	unsigned n = hist_nbuckets(shift);
	for (unsigned i = 0; i < n; i++) {
		if (!counts[i])
			continue;
		struct sbuf sb;
		sb_init(&sb, payload, sizeof(payload));
		sb_u64(&sb, hist_lo(i, shift));
		sb_putc(&sb, ' ');
		sb_u64(&sb, counts[i]);
		report_line(r, 'B', payload);
	}
}

void report_end(struct report *r)
{
	char payload[32];
	struct sbuf sb;
	sb_init(&sb, payload, sizeof(payload));
	sb_puts(&sb, "lines=");
	sb_u64(&sb, r->seq);
	report_line(r, 'E', payload);
}
