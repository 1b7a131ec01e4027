#include "samples.h"
#include "vtb/parse.h"
#include "vtb/read_file.h"
#include "vtb/schema.h"
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *cmp_metric_name(enum metric m)
{
	return m == METRIC_NS ? "latency_ns" : "latency_ticks";
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

void cmp_sample_set_free(struct sample_set *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* Line cursor over a buffer; tolerates CRLF and a missing final newline. */
struct lines {
	const char *p, *end;
	size_t lineno;
};

static int next_line(struct lines *l, const char **s, size_t *len)
{
	if (l->p >= l->end)
		return 0;
	const char *nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	const char *e = nl ? nl : l->end;
	*s = l->p;
	*len = (size_t)(e - l->p);
	if (*len && (*s)[*len - 1] == '\r')
		(*len)--;
	l->p = nl ? nl + 1 : l->end;
	l->lineno++;
	return 1;
}

/* Field parsers: the whole field must be consumed (libvtb's strict parsers). */
static int field_int(const char *s, size_t len, long long *out)
{
	int64_t v;
	if (vtb_parse_i64_n(s, len, &v))
		return -1;
	*out = (long long)v;
	return 0;
}

static int field_num(const char *s, size_t len, double *out)
{
	return vtb_parse_double_n(s, len, out);
}

/* Split a line at commas into exactly `want` fields. */
static int split(const char *s, size_t len, const char **f, size_t *fl, int want)
{
	int n = 0;
	const char *start = s, *end = s + len;
	for (const char *p = s;; p++) {
		if (p == end || *p == ',') {
			if (n == want)
				return -1;
			f[n] = start;
			fl[n] = (size_t)(p - start);
			n++;
			if (p == end)
				break;
			start = p + 1;
		}
	}
	return n == want ? 0 : -1;
}

static int push(struct sample_set *out, size_t *cap, double v)
{
	if (out->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 4096;
		double *nv = realloc(out->v, nc * sizeof *nv);
		if (!nv)
			return -1;
		out->v = nv;
		*cap = nc;
	}
	out->v[out->n++] = v;
	return 0;
}

/* Starts reading a CSV whose first line must be header; out starts empty. */
static int open_csv(struct lines *l, const char *buf, size_t len, const char *header,
		    const char *name, struct sample_set *out, char *err, size_t errlen)
{
	const char *s;
	size_t sl;
	*l = (struct lines){ buf, buf + len, 0 };
	out->v = NULL;
	out->n = 0;
	if (!next_line(l, &s, &sl) || sl != strlen(header) || memcmp(s, header, sl))
		return fail(err, errlen, "%s: line 1: expected header '%s'", name, header);
	return 0;
}

int cmp_parse_samples_csv(const char *buf, size_t len, const char *name,
		      enum metric m, struct sample_set *out, char *err, size_t errlen)
{
	struct lines l;
	const char *s;
	size_t sl, cap = 0;
	if (open_csv(&l, buf, len, "tick,latency_ticks,latency_ns", name, out, err, errlen))
		return -1;
	while (next_line(&l, &s, &sl)) {
		if (sl == 0 && l.p >= l.end)
			break; /* the final newline */
		const char *f[3];
		size_t fl[3];
		long long tick, lt;
		double ns;
		if (split(s, sl, f, fl, 3) || field_int(f[0], fl[0], &tick) ||
		    field_int(f[1], fl[1], &lt) || field_num(f[2], fl[2], &ns)) {
			cmp_sample_set_free(out);
			return fail(err, errlen, "%s: line %zu: malformed row (want 'tick,latency_ticks,latency_ns')",
				    name, l.lineno);
		}
		if (tick < 0 || lt < 0 || ns < 0.0) {
			cmp_sample_set_free(out);
			return fail(err, errlen, "%s: line %zu: negative value", name, l.lineno);
		}
		if (out->n >= SAMPLES_MAX || push(out, &cap, m == METRIC_NS ? ns : (double)lt)) {
			cmp_sample_set_free(out);
			return fail(err, errlen, "%s: line %zu: too many samples or out of memory", name, l.lineno);
		}
	}
	if (out->n == 0)
		return fail(err, errlen, "%s: no samples", name);
	return 0;
}

unsigned long long cmp_hist_bucket_width(unsigned long long lo, int hist_shift)
{
	if (hist_shift < 0 || hist_shift > 62)
		return 0;
	if (lo < (1ULL << hist_shift))
		return 1;
	int k = 63 - __builtin_clzll(lo); /* lo in [2^k, 2^(k+1)) */
	unsigned long long w = 1ULL << (k - hist_shift);
	return (lo - (1ULL << k)) % w == 0 ? w : 0;
}

int cmp_parse_hist_csv(const char *buf, size_t len, const char *name,
		   enum metric m, double ns_per_tick, int hist_shift,
		   struct sample_set *out, char *err, size_t errlen)
{
	struct lines l;
	const char *s;
	size_t sl, cap = 0;
	out->v = NULL;
	out->n = 0;
	if (hist_shift < 0)
		return fail(err, errlen, "%s: a histogram needs guest.hist_shift in summary.json", name);
	if (m == METRIC_NS && !(ns_per_tick > 0.0))
		return fail(err, errlen, "%s: latency_ns from a histogram needs clock.ns_per_tick in summary.json", name);
	if (open_csv(&l, buf, len, "lo_ticks,count", name, out, err, errlen))
		return -1;
	long long prev = -1;
	while (next_line(&l, &s, &sl)) {
		if (sl == 0 && l.p >= l.end)
			break;
		const char *f[2];
		size_t fl[2];
		long long lo, count;
		if (split(s, sl, f, fl, 2) || field_int(f[0], fl[0], &lo) ||
		    field_int(f[1], fl[1], &count) || lo < 0 || count < 0) {
			cmp_sample_set_free(out);
			return fail(err, errlen, "%s: line %zu: malformed row (want 'lo_ticks,count', both >= 0)",
				    name, l.lineno);
		}
		/* Bins must ascend: a repeated or out-of-order bin means the
		 * file was concatenated or corrupted. */
		if (lo <= prev) {
			cmp_sample_set_free(out);
			return fail(err, errlen, "%s: line %zu: bins not strictly ascending", name, l.lineno);
		}
		prev = lo;
		if ((unsigned long long)count > SAMPLES_MAX - out->n) {
			cmp_sample_set_free(out);
			return fail(err, errlen, "%s: line %zu: more than %zu samples", name, l.lineno, SAMPLES_MAX);
		}
		unsigned long long w = cmp_hist_bucket_width((unsigned long long)lo, hist_shift);
		if (w == 0) {
			cmp_sample_set_free(out);
			return fail(err, errlen, "%s: line %zu: %lld is not a bucket boundary for hist_shift %d",
				    name, l.lineno, lo, hist_shift);
		}
		double mid = (double)lo + (double)(w - 1) / 2.0;
		double v = m == METRIC_NS ? mid * ns_per_tick : mid;
		for (long long i = 0; i < count; i++)
			if (push(out, &cap, v)) {
				cmp_sample_set_free(out);
				return fail(err, errlen, "%s: out of memory", name);
			}
	}
	if (out->n == 0)
		return fail(err, errlen, "%s: no samples", name);
	return 0;
}

static double opt_number(json_t *obj, const char *key)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;
	return json_is_number(v) ? json_number_value(v) : NAN;
}

int cmp_parse_summary_json(const char *buf, size_t len, const char *name,
		       struct run_info *info, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(buf, len, 0, &je);
	if (!root)
		return fail(err, errlen, "%s: line %d: %s", name, je.line, je.text);
	int rc = -1;
	const char *schema = json_string_value(json_object_get(root, "schema"));
	const char *mode = json_string_value(json_object_get(root, "platform_mode"));
	if (!json_is_object(root)) {
		fail(err, errlen, "%s: not a JSON object", name);
	} else if (!schema || strcmp(schema, VTB_SCHEMA_SUMMARY)) {
		fail(err, errlen, "%s: schema is not \"" VTB_SCHEMA_SUMMARY "\"", name);
	} else if (!mode || (strcmp(mode, "deterministic") && strcmp(mode, "realtime"))) {
		fail(err, errlen, "%s: platform_mode must be \"deterministic\" or \"realtime\"", name);
	} else {
		snprintf(info->mode, sizeof info->mode, "%s", mode);
		json_t *clock = json_object_get(root, "clock");
		info->cntfrq_hz = opt_number(clock, "cntfrq_hz");
		info->ns_per_tick = opt_number(clock, "ns_per_tick");
		json_t *n = json_object_get(json_object_get(root, "latency_ticks"), "n");
		info->summary_n = json_is_integer(n) ? (long long)json_integer_value(n) : -1;
		json_t *hs = json_object_get(json_object_get(root, "guest"), "hist_shift");
		info->hist_shift = json_is_integer(hs) && json_integer_value(hs) >= 0 &&
					   json_integer_value(hs) <= 62
				   ? (int)json_integer_value(hs) : -1;
		rc = 0;
	}
	json_decref(root);
	return rc;
}

/* Read a whole file. Returns 1 on success, 0 if it does not exist,
 * -1 on any other failure (message in err). */
static int slurp(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
	if (vtb_read_file(path, buf, len) == 0)
		return 1;
	if (errno == ENOENT)
		return 0;
	if (errno == EISDIR)
		return fail(err, errlen, "%s: not a regular file", path);
	if (errno == EIO)
		return fail(err, errlen, "%s: read failed", path);
	return fail(err, errlen, "%s: %s", path, strerror(errno));
}

int cmp_load_run(const char *dir, enum metric m, struct sample_set *out,
	     struct run_info *info, char *err, size_t errlen)
{
	char path[1200];
	char *buf = NULL;
	size_t len = 0;
	int r;
	memset(info, 0, sizeof *info);
	snprintf(info->dir, sizeof info->dir, "%s", dir);
	out->v = NULL;
	out->n = 0;

	struct stat st;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return fail(err, errlen, "%s: not a run directory", dir);

	snprintf(path, sizeof path, "%s/summary.json", dir);
	r = slurp(path, &buf, &len, err, errlen);
	if (r == 0)
		return fail(err, errlen, "%s: missing", path);
	if (r < 0)
		return -1;
	r = cmp_parse_summary_json(buf, len, path, info, err, errlen);
	free(buf);
	if (r)
		return -1;

	snprintf(path, sizeof path, "%s/samples.csv", dir);
	r = slurp(path, &buf, &len, err, errlen);
	if (r < 0)
		return -1;
	if (r > 0) {
		snprintf(info->source, sizeof info->source, "samples.csv");
		r = cmp_parse_samples_csv(buf, len, path, m, out, err, errlen);
	} else {
		snprintf(path, sizeof path, "%s/hist.csv", dir);
		r = slurp(path, &buf, &len, err, errlen);
		if (r == 0)
			return fail(err, errlen, "%s: neither samples.csv nor hist.csv", dir);
		if (r < 0)
			return -1;
		snprintf(info->source, sizeof info->source, "hist.csv");
		r = cmp_parse_hist_csv(buf, len, path, m, info->ns_per_tick, info->hist_shift, out,
				   err, errlen);
	}
	free(buf);
	if (r)
		return -1;
	/* The summary and the samples come from the same analysis pass; a
	 * disagreement means a truncated or mixed-up run directory. */
	if (info->summary_n >= 0 && (size_t)info->summary_n != out->n) {
		size_t n = out->n;
		cmp_sample_set_free(out);
		return fail(err, errlen, "%s: %s has %zu samples but summary.json latency_ticks.n = %lld",
			    dir, info->source, n, info->summary_n);
	}
	return 0;
}
