/* Streaming xentrace decoder: see xtr_decode.h for the file layout. */
#include "xtr_decode.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_BUF (4u << 20)

struct xtr_reader {
	xtr_read_fn rd;
	void *rd_ctx;
	xtr_issue_fn on_issue;
	void *issue_ctx;

	uint8_t *buf;
	size_t cap;
	size_t pos, end;     /* valid bytes are buf[pos..end) */
	uint64_t base;       /* file offset of buf[0] */
	int eof;

	uint32_t win_left;   /* bytes of the current window not yet consumed */
	uint32_t win_cpu;
	uint32_t win_declared;
	uint64_t win_hdr_off;
	int win_first;       /* next record is the first of the window */
	int win_tsc_unchecked; /* first tsc of the window not yet compared */

	int resyncing;
	uint64_t resync_from;
	uint64_t resync_skipped;

	uint64_t last_tsc[XTR_MAX_CPUS];
	uint8_t have_tsc[XTR_MAX_CPUS];
	uint8_t gap[XTR_MAX_CPUS];

	struct xtr_stats st;
};

static const char *const issue_names[XTR_ISSUE__N] = {
	[XTR_ISSUE_TRUNCATED_RECORD] = "truncated_record",
	[XTR_ISSUE_WINDOW_PAST_EOF] = "window_past_eof",
	[XTR_ISSUE_RECORD_PAST_WINDOW] = "record_past_window",
	[XTR_ISSUE_CORRUPT_HEADER] = "corrupt_header",
	[XTR_ISSUE_BAD_CPU_CHANGE] = "bad_cpu_change",
	[XTR_ISSUE_SKIPPED_BYTES] = "skipped_bytes",
	[XTR_ISSUE_TSC_BACKWARD] = "tsc_backward",
	[XTR_ISSUE_WINDOW_OUT_OF_ORDER] = "window_out_of_order",
	[XTR_ISSUE_READ_ERROR] = "read_error",
};

const char *xtr_issue_name(enum xtr_issue i)
{
	return (unsigned)i < XTR_ISSUE__N ? issue_names[i] : "?";
}

uint64_t xtr_issue_total(const struct xtr_stats *s)
{
	uint64_t t = 0;
	for (int i = 0; i < XTR_ISSUE__N; i++)
		if (i != XTR_ISSUE_SKIPPED_BYTES) /* always paired with another issue */
			t += s->issues[i];
	return t;
}

__attribute__((format(printf, 4, 5)))
static void issue(struct xtr_reader *r, enum xtr_issue what, uint64_t off,
		  const char *fmt, ...)
{
	char detail[200];
	va_list ap;

	r->st.issues[what]++;
	if (!r->on_issue)
		return;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	r->on_issue(r->issue_ctx, what, off, detail);
}

struct xtr_reader *xtr_reader_new(xtr_read_fn rd, void *rd_ctx, size_t bufsize)
{
	struct xtr_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	if (bufsize < 4096)
		bufsize = bufsize ? 4096 : DEFAULT_BUF;
	r->buf = malloc(bufsize);
	if (!r->buf) {
		free(r);
		return NULL;
	}
	r->cap = bufsize;
	r->rd = rd;
	r->rd_ctx = rd_ctx;
	return r;
}

void xtr_reader_free(struct xtr_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r);
}

void xtr_reader_on_issue(struct xtr_reader *r, xtr_issue_fn fn, void *ctx)
{
	r->on_issue = fn;
	r->issue_ctx = ctx;
}

const struct xtr_stats *xtr_reader_stats(const struct xtr_reader *r)
{
	return &r->st;
}

static inline uint64_t cur_off(const struct xtr_reader *r)
{
	return r->base + r->pos;
}

/* Make at least `need` bytes available if the input has them; refills in
 * big blocks so the per-record path is a pointer bump. Returns bytes available. */
static size_t refill(struct xtr_reader *r, size_t need)
{
	size_t avail = r->end - r->pos;

	if (avail >= need || r->eof)
		return avail;
	if (r->pos) {
		memmove(r->buf, r->buf + r->pos, avail);
		r->base += r->pos;
		r->pos = 0;
		r->end = avail;
	}
	while (r->end < r->cap && r->end - r->pos < need) {
		long n = r->rd(r->rd_ctx, r->buf + r->end, r->cap - r->end);
		if (n < 0) {
			issue(r, XTR_ISSUE_READ_ERROR, cur_off(r) + (r->end - r->pos),
			      "read failed: %s", strerror(errno));
			r->eof = 1;
			break;
		}
		if (n == 0) {
			r->eof = 1;
			break;
		}
		r->end += (size_t)n;
	}
	return r->end - r->pos;
}

static inline size_t ensure(struct xtr_reader *r, size_t need)
{
	size_t avail = r->end - r->pos;
	return avail >= need ? avail : refill(r, need);
}

static inline void consume(struct xtr_reader *r, size_t n)
{
	r->pos += n;
	r->st.bytes += n;
}

static inline uint32_t ld32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4); /* the file is written little-endian by xentrace; hosts are too */
	return v;
}

/* Drop the rest of the current window after damage. */
static void skip_window(struct xtr_reader *r)
{
	uint64_t skipped = 0;

	while (r->win_left) {
		size_t avail = ensure(r, 1);
		if (!avail) {
			issue(r, XTR_ISSUE_WINDOW_PAST_EOF, r->win_hdr_off,
			      "window of cpu %u declares %u bytes, file ends %u bytes short",
			      r->win_cpu, r->win_declared, r->win_left);
			r->win_left = 0;
			break;
		}
		size_t take = avail < r->win_left ? avail : r->win_left;
		consume(r, take);
		r->win_left -= (uint32_t)take;
		skipped += take;
	}
	r->st.skipped_bytes += skipped;
	r->gap[r->win_cpu] = 1;
}

static int top_level(struct xtr_reader *r, struct xtr_rec *out)
{
	for (;;) {
		size_t avail = ensure(r, 12);
		const uint8_t *p = r->buf + r->pos;

		if (avail == 0) {
			if (r->resyncing) {
				issue(r, XTR_ISSUE_SKIPPED_BYTES, r->resync_from,
				      "%" PRIu64 " bytes skipped to end of file without finding a cpu_change record",
				      r->resync_skipped);
				r->resyncing = 0;
			}
			return 0;
		}
		if (avail < 12) {
			if (r->resyncing) {
				r->resync_skipped += avail;
				r->st.skipped_bytes += avail;
				issue(r, XTR_ISSUE_SKIPPED_BYTES, r->resync_from,
				      "%" PRIu64 " bytes skipped to end of file without finding a cpu_change record",
				      r->resync_skipped);
				r->resyncing = 0;
			} else {
				issue(r, XTR_ISSUE_TRUNCATED_RECORD, cur_off(r),
				      "%zu trailing bytes: %s", avail,
				      avail >= 4 && ld32(p) == XTR_CPU_CHANGE_HEADER ?
				      "cpu_change record cut by end of file" : "not a whole cpu_change record");
				r->st.skipped_bytes += avail;
			}
			consume(r, avail);
			return 0;
		}
		uint32_t h = ld32(p), cpu = ld32(p + 4), size = ld32(p + 8);
		if (h == XTR_CPU_CHANGE_HEADER && cpu < XTR_MAX_CPUS &&
		    size % 4 == 0 && size <= XTR_MAX_WINDOW) {
			if (r->resyncing) {
				issue(r, XTR_ISSUE_SKIPPED_BYTES, r->resync_from,
				      "%" PRIu64 " bytes skipped before the next cpu_change record",
				      r->resync_skipped);
				r->resyncing = 0;
				/* We cannot tell whose records were lost. */
				memset(r->gap, 1, sizeof(r->gap));
			}
			memset(out, 0, sizeof(*out));
			out->event = XTR_EVT_CPU_CHANGE;
			out->n_extra = 2;
			out->cpu = cpu;
			out->offset = cur_off(r);
			out->extra[0] = cpu;
			out->extra[1] = size;
			r->win_hdr_off = out->offset;
			consume(r, 12);
			r->win_left = size;
			r->win_declared = size;
			r->win_cpu = cpu;
			r->win_first = 1;
			r->win_tsc_unchecked = 1;
			r->st.windows++;
			r->st.records++;
			return 1;
		}
		if (!r->resyncing) {
			if (h == XTR_CPU_CHANGE_HEADER)
				issue(r, XTR_ISSUE_BAD_CPU_CHANGE, cur_off(r),
				      "cpu_change with impossible cpu %u or window size %u", cpu, size);
			else
				issue(r, XTR_ISSUE_BAD_CPU_CHANGE, cur_off(r),
				      "expected a cpu_change record, found header 0x%08x", h);
			r->resyncing = 1;
			r->resync_from = cur_off(r);
			r->resync_skipped = 0;
		}
		consume(r, 4);
		r->resync_skipped += 4;
		r->st.skipped_bytes += 4;
	}
}

int xtr_next(struct xtr_reader *r, struct xtr_rec *out)
{
	for (;;) {
		if (r->win_left == 0)
			return top_level(r, out);

		size_t want = r->win_left < XTR_MAX_REC_BYTES ? r->win_left : XTR_MAX_REC_BYTES;
		size_t avail = ensure(r, want);
		const uint8_t *p = r->buf + r->pos;

		if (avail < 4) {
			if (avail)
				issue(r, XTR_ISSUE_TRUNCATED_RECORD, cur_off(r),
				      "%zu trailing bytes inside the window of cpu %u", avail, r->win_cpu);
			issue(r, XTR_ISSUE_WINDOW_PAST_EOF, r->win_hdr_off,
			      "window of cpu %u declares %u bytes, file ends %zu bytes short",
			      r->win_cpu, r->win_declared, (size_t)r->win_left - avail);
			consume(r, avail);
			r->win_left = 0;
			return 0;
		}
		uint32_t h = ld32(p);
		uint32_t ev = h & 0x0fffffffu, n = (h >> 28) & 7u, cyc = h >> 31;
		uint32_t sz = 4 + (cyc ? 8 : 0) + 4 * n;

		if ((ev >> 16) == 0 || ev == XTR_EVT_CPU_CHANGE) {
			/* No Xen event has class 0, and cpu_change is only written
			 * by xentrace between windows. */
			issue(r, XTR_ISSUE_CORRUPT_HEADER, cur_off(r),
			      "impossible header 0x%08x in the window of cpu %u; rest of window (%u bytes) dropped",
			      h, r->win_cpu, r->win_left);
			skip_window(r);
			continue;
		}
		if (sz > r->win_left) {
			issue(r, XTR_ISSUE_RECORD_PAST_WINDOW, cur_off(r),
			      "header 0x%08x claims %u bytes but the window of cpu %u has %u left; rest dropped",
			      h, sz, r->win_cpu, r->win_left);
			skip_window(r);
			continue;
		}
		if (avail < sz) {
			issue(r, XTR_ISSUE_TRUNCATED_RECORD, cur_off(r),
			      "record 0x%08x needs %u bytes, file has %zu", h, sz, avail);
			issue(r, XTR_ISSUE_WINDOW_PAST_EOF, r->win_hdr_off,
			      "window of cpu %u declares %u bytes, file ends %zu bytes short",
			      r->win_cpu, r->win_declared, (size_t)r->win_left - avail);
			r->st.skipped_bytes += avail;
			consume(r, avail);
			r->win_left = 0;
			return 0;
		}

		uint32_t cpu = r->win_cpu;
		out->event = ev;
		out->n_extra = n;
		out->has_tsc = cyc;
		out->cpu = cpu;
		out->offset = cur_off(r);
		out->flags = 0;
		p += 4;
		if (cyc) {
			out->tsc = (uint64_t)ld32(p) | ((uint64_t)ld32(p + 4) << 32);
			p += 8;
		} else {
			out->tsc = 0;
		}
		memcpy(out->extra, p, 4 * n);
		if (n < 7)
			memset(out->extra + n, 0, 4 * (7 - n));
		consume(r, sz);
		r->win_left -= sz;
		r->st.records++;

		if (r->win_first) {
			out->flags |= XTR_F_WINDOW_START;
			r->win_first = 0;
		}
		if (r->gap[cpu]) {
			out->flags |= XTR_F_AFTER_GAP;
			r->gap[cpu] = 0;
		}
		if (cyc) {
			/* Modular difference: a 64-bit counter wrapping past zero
			 * still reads as a small forward step. */
			if (r->have_tsc[cpu] && (int64_t)(out->tsc - r->last_tsc[cpu]) < 0) {
				out->flags |= XTR_F_BACKWARD;
				if (r->win_tsc_unchecked)
					issue(r, XTR_ISSUE_WINDOW_OUT_OF_ORDER, r->win_hdr_off,
					      "window of cpu %u starts at tsc %" PRIu64 ", before the previous window's %" PRIu64,
					      cpu, out->tsc, r->last_tsc[cpu]);
				else
					issue(r, XTR_ISSUE_TSC_BACKWARD, out->offset,
					      "tsc on cpu %u stepped back from %" PRIu64 " to %" PRIu64,
					      cpu, r->last_tsc[cpu], out->tsc);
			}
			r->win_tsc_unchecked = 0;
			r->last_tsc[cpu] = out->tsc;
			r->have_tsc[cpu] = 1;
		}
		return 1;
	}
}

long xtr_read_fd(void *ctx, void *buf, size_t len)
{
	int fd = *(int *)ctx;
	for (;;) {
		ssize_t n = read(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		return (long)n;
	}
}

long xtr_read_mem(void *ctx, void *buf, size_t len)
{
	struct xtr_mem_src *m = ctx;
	size_t n = m->len - m->pos;
	if (n > len)
		n = len;
	memcpy(buf, m->p + m->pos, n);
	m->pos += n;
	return (long)n;
}
