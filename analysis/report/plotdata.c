/* vtb-plotdata: turns one variant's latencies into the data files the gnuplot
 * scripts in analysis/plots/ draw: a CDF with its tail, a histogram and a
 * time series.  Figures are converted to ns with the run's own ns_per_tick. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vtb/atomic_file.h"
#include "latency_series.h"

#define MAX_HIST_BINS 100
#define MAX_TS_POINTS 4000

static const char *prog = "vtb-plotdata";

static void usage(FILE *to)
{
	fprintf(to,
		"usage: %s --out PREFIX VARIANT_DIR\n"
		"Reads VARIANT_DIR/summary.json and samples.csv (or hist.csv) and writes\n"
		"  PREFIX.cdf   latency_ns  P(X<=v)  P(X>=v)   (one row per distinct value)\n"
		"  PREFIX.hist  bin_center_ns  count  bin_width_ns  (at most %d bins)\n"
		"  PREFIX.ts    tick  latency_ns  (max of each stride, at most %d rows;\n"
		"               only when per-tick samples exist)\n",
		prog, MAX_HIST_BINS, MAX_TS_POINTS);
}

static int cmp_pair(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return (x[0] > y[0]) - (x[0] < y[0]);
}

static double read_ns_per_tick(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	if (!root) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, jerr.text);
		return -1;
	}
	json_t *v = json_object_get(json_object_get(root, "clock"), "ns_per_tick");
	double ns = json_is_number(v) ? json_number_value(v) : -1;
	json_decref(root);
	if (ns <= 0)
		fprintf(stderr, "%s: %s: no clock.ns_per_tick\n", prog, path);
	return ns;
}

static int write_cdf(FILE *f, uint64_t (*pairs)[2], size_t n, uint64_t total, double ns)
{
	uint64_t before = 0;
	fprintf(f, "# latency_ns cdf tail\n");
	for (size_t i = 0; i < n;) {
		uint64_t v = pairs[i][0], c = 0;
		for (; i < n && pairs[i][0] == v; i++)
			c += pairs[i][1];
		fprintf(f, "%.1f %.9f %.9f\n", v * ns, (double)(before + c) / total,
			(double)(total - before) / total);
		before += c;
	}
	return 0;
}

static void write_hist(FILE *f, uint64_t (*pairs)[2], size_t n, double ns)
{
	uint64_t lo = pairs[0][0], hi = pairs[n - 1][0];
	uint64_t width = (hi - lo) / MAX_HIST_BINS + 1;
	fprintf(f, "# bin_center_ns count bin_width_ns\n");
	for (size_t i = 0; i < n;) {
		uint64_t bin = (pairs[i][0] - lo) / width, c = 0;
		for (; i < n && (pairs[i][0] - lo) / width == bin; i++)
			c += pairs[i][1];
		fprintf(f, "%.1f %" PRIu64 " %.1f\n", (lo + bin * width + (width - 1) / 2.0) * ns, c,
			width * ns);
	}
}

static void write_ts(FILE *f, const struct rep_latency_series *s, double ns)
{
	size_t stride = (s->len + MAX_TS_POINTS - 1) / MAX_TS_POINTS;
	fprintf(f, "# tick latency_ns (max over %zu ticks)\n", stride);
	for (size_t i = 0; i < s->len; i += stride) {
		size_t at = i;
		for (size_t j = i; j < i + stride && j < s->len; j++)
			if (s->value[j] > s->value[at])
				at = j;
		fprintf(f, "%zu %.1f\n", at, s->value[at] * ns);
	}
}

static int emit(const char *prefix, const char *ext, int (*fn)(FILE *, void *), void *arg)
{
	char path[4096];
	struct vtb_atomic af;
	snprintf(path, sizeof(path), "%s.%s", prefix, ext);
	if (vtb_atomic_open_path(&af, path) || fn(af.f, arg) || vtb_atomic_commit(&af)) {
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, path, strerror(errno));
		vtb_atomic_abort(&af);
		return -1;
	}
	return 0;
}

struct job {
	const struct rep_latency_series *s;
	uint64_t (*pairs)[2];
	double ns;
};

static int do_cdf(FILE *f, void *a)
{
	struct job *j = a;
	return write_cdf(f, j->pairs, j->s->len, j->s->total, j->ns);
}
static int do_hist(FILE *f, void *a)
{
	struct job *j = a;
	write_hist(f, j->pairs, j->s->len, j->ns);
	return 0;
}
static int do_ts(FILE *f, void *a)
{
	struct job *j = a;
	write_ts(f, j->s, j->ns);
	return 0;
}

int main(int argc, char **argv)
{
	const char *prefix = NULL;
	static const struct option opts[] = {{"out", required_argument, 0, 'o'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		if (c == 'o')
			prefix = optarg;
		else if (c == 'h') {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!prefix || optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	const char *dir = argv[optind];
	double ns = read_ns_per_tick(dir);
	if (ns <= 0)
		return 1;
	struct rep_latency_series s;
	char err[512];
	if (rep_latency_series_load(dir, &s, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 1;
	}
	uint64_t(*pairs)[2] = malloc(s.len * sizeof(*pairs));
	if (!pairs) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	for (size_t i = 0; i < s.len; i++) {
		pairs[i][0] = s.value[i];
		pairs[i][1] = s.count[i];
	}
	qsort(pairs, s.len, sizeof(*pairs), cmp_pair);
	struct job j = {&s, pairs, ns};
	int rc = emit(prefix, "cdf", do_cdf, &j) || emit(prefix, "hist", do_hist, &j) ||
		 (s.in_tick_order && emit(prefix, "ts", do_ts, &j));
	free(pairs);
	rep_latency_series_free(&s);
	return rc ? 1 : 0;
}
