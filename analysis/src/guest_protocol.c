#define _POSIX_C_SOURCE 200809L
#include "guest_protocol.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "vtb/crc32.h"
#include "vtb/parse.h"

static const char marker[] = "@VTB";
#define MARKER_LEN (sizeof(marker) - 1)
#define CRC_TAIL 10             /* " *" + 8 hex digits */

void vtb_report_init(struct vtb_report *r)
{
	memset(r, 0, sizeof(*r));
}

static void free_kvs(struct vtb_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].val);
	}
	free(kv);
}

void vtb_report_free(struct vtb_report *r)
{
	free_kvs(r->header, r->n_header);
	free_kvs(r->trailer, r->n_trailer);
	free(r->samples);
	free(r->buckets);
	vtb_report_init(r);
}

const char *vtb_report_header(const struct vtb_report *r, const char *key)
{
	for (size_t i = 0; i < r->n_header; i++)
		if (strcmp(r->header[i].key, key) == 0)
			return r->header[i].val;
	return NULL;
}

void vtb_parser_init(struct vtb_parser *p, struct vtb_report *r)
{
	memset(p, 0, sizeof(*p));
	p->rep = r;
	p->state = VTB_WANT_H;
	p->check_crc = 1;
}

const char *vtb_parser_error(const struct vtb_parser *p)
{
	return p->err;
}

unsigned long vtb_parser_error_line(const struct vtb_parser *p)
{
	return p->err_line;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int fail(struct vtb_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	p->err_line = p->lineno;
	p->state = VTB_FAILED;
	return -1;
}

uint64_t vtb_hist_bucket_width(uint64_t lo, unsigned shift)
{
	unsigned k = 0;
	uint64_t width;

	if (shift >= 64 || lo < ((uint64_t)1 << shift))
		return 1;
	for (uint64_t v = lo; v > 1; v >>= 1)
		k++;            /* k = floor(log2(lo)) >= shift */
	width = (uint64_t)1 << (k - shift);
	return (lo & (width - 1)) ? 0 : width;
}

/* Quotes at most 40 bytes of a field for an error message, printable only. */
static const char *quote(const char *s, size_t len, char buf[48])
{
	size_t n = len > 40 ? 40 : len, o = 0;

	for (size_t i = 0; i < n; i++)
		buf[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (len > n) {
		buf[o++] = '.';
		buf[o++] = '.';
		buf[o++] = '.';
	}
	buf[o] = '\0';
	return buf;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Splits "k=v k=v ..." into a fresh kv array; single spaces only, keys unique. */
static int parse_kvs(struct vtb_parser *p, char type, const char *s, size_t len,
		     struct vtb_kv **out, size_t *n_out)
{
	struct vtb_kv *kv = NULL;
	size_t n = 0, cap = 0, i = 0;
	char q[48];

	while (i < len) {
		size_t start = i, eq = 0, end;
		while (i < len && s[i] != ' ')
			i++;
		end = i;
		for (size_t j = start; j < end; j++)
			if (s[j] == '=') {
				eq = j;
				break;
			}
		if (end == start || eq == 0 || eq == start || eq + 1 == end) {
			free_kvs(kv, n);
			return fail(p, "malformed %c field '%s' (want key=value)", type,
				    quote(s + start, end - start, q));
		}
		for (size_t j = 0; j < n; j++)
			if (strlen(kv[j].key) == eq - start &&
			    memcmp(kv[j].key, s + start, eq - start) == 0) {
				free_kvs(kv, n);
				return fail(p, "duplicate %c key '%s'", type,
					    quote(s + start, eq - start, q));
			}
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct vtb_kv *nk = realloc(kv, nc * sizeof(*kv));
			if (!nk) {
				free_kvs(kv, n);
				return fail(p, "out of memory");
			}
			kv = nk;
			cap = nc;
		}
		kv[n].key = dup_n(s + start, eq - start);
		kv[n].val = dup_n(s + eq + 1, end - eq - 1);
		if (!kv[n].key || !kv[n].val) {
			free(kv[n].key);
			free(kv[n].val);
			free_kvs(kv, n);
			return fail(p, "out of memory");
		}
		n++;
		if (i < len) {
			i++;    /* the space */
			if (i == len || s[i] == ' ') {
				free_kvs(kv, n);
				return fail(p, "malformed %c payload (stray space)", type);
			}
		}
	}
	*out = kv;
	*n_out = n;
	return 0;
}

static const char *kv_find(const struct vtb_kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].val;
	return NULL;
}

static int kv_u64(struct vtb_parser *p, char type, const struct vtb_kv *kv, size_t n,
		  const char *key, uint64_t *out)
{
	const char *v = kv_find(kv, n, key);
	char q[48];

	if (!v)
		return fail(p, "%c line lacks required key '%s'", type, key);
	if (vtb_parse_u64_n(v, strlen(v), out) < 0)
		return fail(p, "malformed number in %c field %s=%s", type, key,
			    quote(v, strlen(v), q));
	return 0;
}

static int parse_header(struct vtb_parser *p, const char *s, size_t len)
{
	struct vtb_report *r = p->rep;
	static const char *const nums[] = { "ticks", "cntfrq", "intid", "period",
					    "rmin", "rmax", "seed", "hist_shift" };
	uint64_t *dst[] = { &r->ticks, &r->cntfrq, &r->intid, &r->period,
			    &r->rmin, &r->rmax, &r->seed, NULL };
	uint64_t shift = 0;
	const char *rec;
	char q[48];

	if (parse_kvs(p, 'H', s, len, &r->header, &r->n_header) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		if (kv_u64(p, 'H', r->header, r->n_header, nums[i],
			   dst[i] ? dst[i] : &shift) < 0)
			return -1;
	r->guest = kv_find(r->header, r->n_header, "guest");
	if (!r->guest)
		return fail(p, "H line lacks required key 'guest'");
	r->mode = kv_find(r->header, r->n_header, "mode");
	if (!r->mode)
		return fail(p, "H line lacks required key 'mode'");
	if (strcmp(r->mode, "periodic") && strcmp(r->mode, "back-to-back") &&
	    strcmp(r->mode, "random"))
		return fail(p, "unknown H mode '%s' (want periodic, back-to-back or random)",
			    quote(r->mode, strlen(r->mode), q));
	rec = kv_find(r->header, r->n_header, "record");
	if (!rec)
		return fail(p, "H line lacks required key 'record'");
	if (strcmp(rec, "samples") == 0)
		r->record = VTB_RECORD_SAMPLES;
	else if (strcmp(rec, "hist") == 0)
		r->record = VTB_RECORD_HIST;
	else
		return fail(p, "unknown H record '%s' (want samples or hist)",
			    quote(rec, strlen(rec), q));
	if (r->cntfrq == 0)
		return fail(p, "H cntfrq=0 (the counter frequency must be non-zero)");
	if (shift > VTB_HIST_SHIFT_MAX)
		return fail(p, "H hist_shift=%llu out of range (maximum %d)",
			    (unsigned long long)shift, VTB_HIST_SHIFT_MAX);
	r->hist_shift = (unsigned)shift;
	return 0;
}

static int parse_samples(struct vtb_parser *p, const char *s, size_t len)
{
	struct vtb_report *r = p->rep;
	size_t i = 0, k = 0;
	uint64_t first;
	char q[48];

	if (r->record != VTB_RECORD_SAMPLES)
		return fail(p, "S line in a record=hist report");
	while (i < len && s[i] != ' ')
		i++;
	if (vtb_parse_u64_n(s, i, &first) < 0)
		return fail(p, "malformed S first-index '%s'", quote(s, i, q));
	if (first != r->n_samples)
		return fail(p, "S first-index %llu, expected %llu (samples lost)",
			    (unsigned long long)first, (unsigned long long)r->n_samples);
	if (i + 1 >= len)
		return fail(p, "S line has no samples");
	i++;
	while (i <= len) {
		size_t start = i;
		uint64_t v;
		while (i < len && s[i] != ',')
			i++;
		if (vtb_parse_u64_n(s + start, i - start, &v) < 0)
			return fail(p, "malformed S sample '%s'", quote(s + start, i - start, q));
		if (++k > VTB_SAMPLES_PER_LINE)
			return fail(p, "more than %d samples on one S line", VTB_SAMPLES_PER_LINE);
		/* Bounding by ticks keeps a hostile log from growing the array without end. */
		if (r->n_samples >= r->ticks)
			return fail(p, "more samples than ticks=%llu", (unsigned long long)r->ticks);
		if (r->n_samples == r->cap_samples) {
			size_t nc = r->cap_samples ? r->cap_samples * 2 : 1024;
			uint64_t *ns = realloc(r->samples, nc * sizeof(*ns));
			if (!ns)
				return fail(p, "out of memory");
			r->samples = ns;
			r->cap_samples = nc;
		}
		r->samples[r->n_samples++] = v;
		i++;    /* the comma, or one past the end */
	}
	return 0;
}

static int parse_bucket(struct vtb_parser *p, const char *s, size_t len)
{
	struct vtb_report *r = p->rep;
	uint64_t lo, count;
	size_t i = 0;
	char q[48];

	if (r->record != VTB_RECORD_HIST)
		return fail(p, "B line in a record=samples report");
	while (i < len && s[i] != ' ')
		i++;
	if (vtb_parse_u64_n(s, i, &lo) < 0)
		return fail(p, "malformed B lo '%s'", quote(s, i, q));
	if (i >= len || vtb_parse_u64_n(s + i + 1, len - i - 1, &count) < 0)
		return fail(p, "malformed B count '%s'",
			    i >= len ? "" : quote(s + i + 1, len - i - 1, q));
	if (count == 0)
		return fail(p, "B %llu has count 0 (empty buckets are omitted)",
			    (unsigned long long)lo);
	if (vtb_hist_bucket_width(lo, r->hist_shift) == 0)
		return fail(p, "B lo=%llu is not a bucket boundary for hist_shift=%u",
			    (unsigned long long)lo, r->hist_shift);
	if (r->n_buckets && lo <= r->buckets[r->n_buckets - 1].lo)
		return fail(p, "B lo=%llu not above the previous bucket's lo=%llu",
			    (unsigned long long)lo,
			    (unsigned long long)r->buckets[r->n_buckets - 1].lo);
	if (r->n_buckets == r->cap_buckets) {
		size_t nc = r->cap_buckets ? r->cap_buckets * 2 : 64;
		struct vtb_bucket *nb = realloc(r->buckets, nc * sizeof(*nb));
		if (!nb)
			return fail(p, "out of memory");
		r->buckets = nb;
		r->cap_buckets = nc;
	}
	r->buckets[r->n_buckets].lo = lo;
	r->buckets[r->n_buckets].count = count;
	r->n_buckets++;
	return 0;
}

/* A multi-vCPU report (H cpus=n): every vCPU's counts are in the trailer and
 * add up to the totals, so a report that lost one vCPU's share is rejected. */
static int check_per_vcpu(struct vtb_parser *p)
{
	static const char *const what[] = { "taken", "lost", "spurious" };
	struct vtb_report *r = p->rep;
	const char *cpus_s = kv_find(r->header, r->n_header, "cpus");
	uint64_t cpus, total[] = { r->taken, r->lost, r->spurious }, sum[3] = { 0 };
	char key[48], q[48];

	if (!cpus_s)
		return 0;
	if (vtb_parse_u64_n(cpus_s, strlen(cpus_s), &cpus) < 0 || cpus == 0 || cpus > 65536)
		return fail(p, "malformed number in H field cpus=%s", quote(cpus_s, strlen(cpus_s), q));
	for (uint64_t k = 0; k < cpus; k++) {
		for (int i = 0; i < 3; i++) {
			uint64_t v;
			snprintf(key, sizeof(key), "cpu%llu_%s", (unsigned long long)k, what[i]);
			if (kv_u64(p, 'T', r->trailer, r->n_trailer, key, &v) < 0)
				return -1;
			sum[i] += v;
		}
	}
	for (int i = 0; i < 3; i++)
		if (sum[i] != total[i])
			return fail(p, "counts do not add up: cpu<k>_%s of %llu vCPUs sum to %llu but "
				    "%s=%llu", what[i], (unsigned long long)cpus,
				    (unsigned long long)sum[i], what[i], (unsigned long long)total[i]);
	return 0;
}

/* The trailer must agree with the header and with the body already read. */
static int check_trailer(struct vtb_parser *p)
{
	struct vtb_report *r = p->rep;

	if (r->taken > r->ticks || r->lost != r->ticks - r->taken)
		return fail(p, "counts do not add up: taken=%llu + lost=%llu != ticks=%llu",
			    (unsigned long long)r->taken, (unsigned long long)r->lost,
			    (unsigned long long)r->ticks);
	if (check_per_vcpu(p) < 0)
		return -1;
	if (r->record == VTB_RECORD_SAMPLES) {
		uint64_t mn = UINT64_MAX, mx = 0, sum = 0;
		if (r->n_samples != r->taken)
			return fail(p, "counts do not add up: %llu samples but taken=%llu",
				    (unsigned long long)r->n_samples,
				    (unsigned long long)r->taken);
		if (r->n_samples == 0)
			return 0;
		for (size_t i = 0; i < r->n_samples; i++) {
			uint64_t v = r->samples[i];
			mn = v < mn ? v : mn;
			mx = v > mx ? v : mx;
			sum += v;       /* wraps like the guest's 64-bit sum */
		}
		if (mn != r->min || mx != r->max || sum != r->sum)
			return fail(p, "T min/max/sum (%llu/%llu/%llu) disagree with the samples "
				    "(%llu/%llu/%llu)",
				    (unsigned long long)r->min, (unsigned long long)r->max,
				    (unsigned long long)r->sum, (unsigned long long)mn,
				    (unsigned long long)mx, (unsigned long long)sum);
	} else {
		uint64_t total = 0;
		for (size_t i = 0; i < r->n_buckets; i++) {
			if (total + r->buckets[i].count < total)
				return fail(p, "histogram counts overflow");
			total += r->buckets[i].count;
		}
		if (total != r->taken)
			return fail(p, "counts do not add up: histogram counts sum to %llu but "
				    "taken=%llu", (unsigned long long)total,
				    (unsigned long long)r->taken);
		if (total == 0)
			return 0;
		const struct vtb_bucket *b0 = &r->buckets[0], *bn = &r->buckets[r->n_buckets - 1];
		uint64_t w0 = vtb_hist_bucket_width(b0->lo, r->hist_shift);
		uint64_t wn = vtb_hist_bucket_width(bn->lo, r->hist_shift);
		if (r->min < b0->lo || r->min - b0->lo >= w0 ||
		    r->max < bn->lo || r->max - bn->lo >= wn)
			return fail(p, "T min=%llu/max=%llu outside the first/last histogram bucket",
				    (unsigned long long)r->min, (unsigned long long)r->max);
		/* sum lies between every value at its bucket's bottom and at its top. */
		long double lo_sum = 0, hi_sum = 0;
		for (size_t i = 0; i < r->n_buckets; i++) {
			uint64_t w = vtb_hist_bucket_width(r->buckets[i].lo, r->hist_shift);
			lo_sum += (long double)r->buckets[i].count * r->buckets[i].lo;
			hi_sum += (long double)r->buckets[i].count * (r->buckets[i].lo + (w - 1));
		}
		if (hi_sum < 18446744073709551616.0L &&
		    ((long double)r->sum < lo_sum || (long double)r->sum > hi_sum))
			return fail(p, "T sum=%llu impossible for the histogram (between %.0Lf and "
				    "%.0Lf)", (unsigned long long)r->sum, lo_sum, hi_sum);
	}
	return 0;
}

static int parse_trailer(struct vtb_parser *p, const char *s, size_t len)
{
	struct vtb_report *r = p->rep;
	static const char *const keys[] = { "taken", "lost", "spurious", "other",
					    "min", "max", "sum", "elapsed" };
	uint64_t *dst[] = { &r->taken, &r->lost, &r->spurious, &r->other,
			    &r->min, &r->max, &r->sum, &r->elapsed };

	if (parse_kvs(p, 'T', s, len, &r->trailer, &r->n_trailer) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (kv_u64(p, 'T', r->trailer, r->n_trailer, keys[i], dst[i]) < 0)
			return -1;
	return check_trailer(p);
}

static int parse_end(struct vtb_parser *p, uint64_t seq, const char *s, size_t len)
{
	struct vtb_report *r = p->rep;
	char q[48];

	if (len < 6 || memcmp(s, "lines=", 6) != 0 ||
	    vtb_parse_u64_n(s + 6, len - 6, &r->lines) < 0)
		return fail(p, "malformed E payload '%s' (want lines=<n>)", quote(s, len, q));
	if (r->lines != seq)
		return fail(p, "E says lines=%llu but %llu lines came before it",
			    (unsigned long long)r->lines, (unsigned long long)seq);
	r->last_input_line = p->lineno;
	return 0;
}

/* Framing: "@VTB <ver> <seq> <type> <payload> *<crc>", s starts at the marker. */
static int parse_line(struct vtb_parser *p, const char *s, size_t len)
{
	size_t i = MARKER_LEN, vstart, sstart;
	uint64_t ver, seq, want_crc, got_crc;
	const char *payload;
	size_t plen;
	char type, q[48];

	if (len > VTB_LINE_MAX)
		return fail(p, "line too long (%zu bytes, maximum %d)", len, VTB_LINE_MAX);
	if (i >= len || s[i] != ' ')
		return fail(p, "malformed line: no space after the @VTB marker");
	vstart = ++i;
	while (i < len && s[i] != ' ')
		i++;
	/* The version decides how the rest is framed, so it is checked first. */
	if (vtb_parse_u64_n(s + vstart, i - vstart, &ver) < 0)
		return fail(p, "malformed protocol version '%s'", quote(s + vstart, i - vstart, q));
	if (ver != VTB_PROTO_VERSION)
		return fail(p, "unsupported protocol version %llu (this reader knows version %d)",
			    (unsigned long long)ver, VTB_PROTO_VERSION);
	if (len < i + CRC_TAIL || s[len - 10] != ' ' || s[len - 9] != '*')
		return fail(p, "malformed line: no ' *<crc>' at the end (truncated?)");
	for (size_t j = len - 8; j < len; j++)
		if (!((s[j] >= '0' && s[j] <= '9') || (s[j] >= 'a' && s[j] <= 'f')))
			return fail(p, "malformed CRC '%s' (want 8 lower-case hex digits)",
				    quote(s + len - 8, 8, q));
	got_crc = strtoull(s + len - 8, NULL, 16);
	want_crc = vtb_crc32(0, s, (size_t)(len - 9));
	if (p->check_crc && got_crc != want_crc)
		return fail(p, "bad CRC (expected %08llx, got %08llx)",
			    (unsigned long long)want_crc, (unsigned long long)got_crc);

	len -= CRC_TAIL;        /* now s[0..len) is "@VTB <ver> <seq> <type> <payload>" */
	if (i >= len || s[i] != ' ')
		return fail(p, "malformed line: nothing after the version");
	sstart = ++i;
	while (i < len && s[i] != ' ')
		i++;
	if (vtb_parse_u64_n(s + sstart, i - sstart, &seq) < 0)
		return fail(p, "malformed sequence number '%s'", quote(s + sstart, i - sstart, q));
	if (i + 2 >= len || s[i + 2] != ' ' || s[i + 1] < 'A' || s[i + 1] > 'Z')
		return fail(p, "malformed line: want '<type> <payload>' after the sequence number");
	type = s[i + 1];
	payload = s + i + 3;
	plen = len - (i + 3);
	if (plen == 0 || payload[0] == ' ' || payload[plen - 1] == ' ')
		return fail(p, "malformed %c payload (empty or stray space)", type);

	if (p->state == VTB_DONE)
		return fail(p, "@VTB line after the report's E line (one report per log)");
	if (seq != p->next_seq)
		return fail(p, "sequence gap (expected seq %llu, got %llu)",
			    (unsigned long long)p->next_seq, (unsigned long long)seq);
	p->next_seq++;

	switch (type) {
	case 'H':
		if (p->state != VTB_WANT_H)
			return fail(p, "H line not first in the report");
		p->rep->first_input_line = p->lineno;
		p->state = VTB_IN_BODY;
		return parse_header(p, payload, plen);
	case 'S':
	case 'B':
	case 'T':
	case 'E':
		if (p->state == VTB_WANT_H)
			return fail(p, "%c line before the H line", type);
		break;
	default:
		return fail(p, "unknown line type '%c'", type);
	}
	switch (type) {
	case 'S':
	case 'B':
		if (p->state != VTB_IN_BODY)
			return fail(p, "%c line after the T line", type);
		return type == 'S' ? parse_samples(p, payload, plen) : parse_bucket(p, payload, plen);
	case 'T':
		if (p->state != VTB_IN_BODY)
			return fail(p, "second T line");
		p->state = VTB_WANT_E;
		return parse_trailer(p, payload, plen);
	default: /* 'E' */
		if (p->state != VTB_WANT_E)
			return fail(p, "E line before the T line");
		p->state = VTB_DONE;
		return parse_end(p, seq, payload, plen);
	}
}

static const char *find_marker(const char *s, size_t len)
{
	for (size_t i = 0; i + MARKER_LEN <= len; i++)
		if (s[i] == '@' && memcmp(s + i, marker, MARKER_LEN) == 0)
			return s + i;
	return NULL;
}

int vtb_parser_feed(struct vtb_parser *p, const char *line, size_t len)
{
	const char *m;

	if (p->state == VTB_FAILED)
		return -1;
	p->lineno++;
	while (len && line[len - 1] == '\r')
		len--;
	m = find_marker(line, len);
	if (!m) {
		/* Xen's bootscrub messages (xen/common/page_alloc.c) */
		static const char bg[] = "(XEN) Scrubbing Free RAM in background",
				  on[] = "(XEN) Scrubbing Free RAM on ";
		if (len >= sizeof(bg) - 1 && memcmp(line, bg, sizeof(bg) - 1) == 0)
			p->rep->xen_scrub = VTB_SCRUB_BACKGROUND;
		else if (len >= sizeof(on) - 1 && memcmp(line, on, sizeof(on) - 1) == 0)
			p->rep->xen_scrub = VTB_SCRUB_AT_BOOT;
		return 0;
	}
	return parse_line(p, m, len - (size_t)(m - line));
}

int vtb_parser_finish(struct vtb_parser *p)
{
	switch (p->state) {
	case VTB_FAILED:
		return -1;
	case VTB_DONE:
		return 0;
	case VTB_WANT_H:
		return fail(p, "no @VTB report found");
	default:
		return fail(p, "truncated report: end of input without the E line "
			    "(report began on line %lu, last seq %llu)",
			    p->rep->first_input_line, (unsigned long long)(p->next_seq - 1));
	}
}

static int finish_result(struct vtb_parser *p, int rc, char *err, size_t errlen,
			 unsigned long *errline)
{
	if (rc < 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s", p->err);
		if (errline)
			*errline = p->err_line;
	}
	return rc;
}

int vtb_parse_buffer(const char *buf, size_t len, struct vtb_report *r,
		     char *err, size_t errlen, unsigned long *errline)
{
	struct vtb_parser p;
	size_t i = 0;
	int rc = 0;

	vtb_parser_init(&p, r);
	while (i < len && rc == 0) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (buf + i)) : len - i;
		rc = vtb_parser_feed(&p, buf + i, n);
		i += n + 1;
	}
	if (rc == 0)
		rc = vtb_parser_finish(&p);
	return finish_result(&p, rc, err, errlen, errline);
}

int vtb_parse_file(FILE *f, struct vtb_report *r,
		   char *err, size_t errlen, unsigned long *errline)
{
	struct vtb_parser p;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	vtb_parser_init(&p, r);
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			n--;
		rc = vtb_parser_feed(&p, line, (size_t)n);
	}
	free(line);
	if (rc == 0 && ferror(f)) {
		p.lineno++;
		rc = fail(&p, "read error");
	}
	if (rc == 0)
		rc = vtb_parser_finish(&p);
	return finish_result(&p, rc, err, errlen, errline);
}
