/* storm_cyclictest_cmp: side-by-side percentiles of cyclictest and
 * vtimer_storm runs made with the same settings.
 *
 * Both tools print a cyclictest-style 1 us histogram ("# Histogram", then
 * "NNNNNN count [count..]" rows, one column per thread), so both are reduced
 * with the same nearest-rank code (storm_rank_bucket).  vtimer_storm's
 * ns-resolution "latency_ns" line is shown as a third row.
 *
 * usage: storm_cyclictest_cmp --cyclictest CT.txt --storm STORM.txt [--label TEXT]
 * Exit 2 on unreadable input (one line on stderr). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storm_stats.h"

struct us_hist {
	uint64_t *count; /* [0, nbins) and count[nbins] = overflow */
	size_t nbins;
	uint64_t n;
	double min_us, avg_us, max_us; /* the tool's own summary lines */
	int have_summary;
	/* vtimer_storm only */
	int have_ns;
	unsigned long long ns_n, ns_min, ns_max;
	double ns_p50, ns_p90, ns_p99, ns_p999, ns_mean;
};

static void die(const char *path, const char *msg)
{
	fprintf(stderr, "storm_cyclictest_cmp: %s: %s\n", path, msg);
	exit(2);
}

/* The numeric columns of a line (one per thread), after an optional first
 * (the bin number). */
struct cols {
	uint64_t sum;
	double min, max;
	int n;
};

static struct cols parse_cols(const char *p, int skip_first)
{
	struct cols c = { 0, 0, 0, 0 };
	char *end;
	int first = 1;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			break;
		unsigned long long v = strtoull(p, &end, 10);
		p = end;
		if (first && skip_first) {
			first = 0;
			continue;
		}
		first = 0;
		c.sum += v;
		if (!c.n || (double)v < c.min)
			c.min = (double)v;
		if (!c.n || (double)v > c.max)
			c.max = (double)v;
		c.n++;
	}
	return c;
}

static void read_hist(const char *path, struct us_hist *h)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die(path, "cannot open");
	memset(h, 0, sizeof(*h));
	char *line = NULL;
	size_t cap = 0;
	int in_hist = 0;
	size_t alloc = 0;
	uint64_t overflow = 0;
	while (getline(&line, &cap, f) > 0) {
		if (!strncmp(line, "# Histogram\n", 12) || !strcmp(line, "# Histogram")) {
			in_hist = 1;
			continue;
		}
		if (in_hist && line[0] >= '0' && line[0] <= '9') {
			unsigned long bin = strtoul(line, NULL, 10);
			if (bin != h->nbins)
				die(path, "histogram rows are not consecutive from 0");
			if (h->nbins + 2 > alloc) {
				alloc = alloc ? alloc * 2 : 1024;
				h->count = realloc(h->count, alloc * sizeof(uint64_t));
				if (!h->count)
					die(path, "out of memory");
			}
			h->count[h->nbins++] = parse_cols(line, 1).sum;
			continue;
		}
		if (line[0] == '#')
			in_hist = 0;
		if (!strncmp(line, "# Histogram Overflows:", 22)) {
			overflow = parse_cols(line + 22, 0).sum;
		} else if (!strncmp(line, "# Min Latencies:", 16)) {
			h->min_us = parse_cols(line + 16, 0).min;
		} else if (!strncmp(line, "# Avg Latencies:", 16)) {
			struct cols c = parse_cols(line + 16, 0);
			h->avg_us = c.n ? (double)c.sum / c.n : 0; /* mean of per-thread means */
		} else if (!strncmp(line, "# Max Latencies:", 16)) {
			h->max_us = parse_cols(line + 16, 0).max;
			h->have_summary = 1;
		} else if (!strncmp(line, "latency_ns ", 11)) {
			h->have_ns = sscanf(line, "latency_ns n=%llu min=%llu p50=%lf p90=%lf p99=%lf p99_9=%lf max=%llu mean=%lf",
					    &h->ns_n, &h->ns_min, &h->ns_p50, &h->ns_p90, &h->ns_p99, &h->ns_p999,
					    &h->ns_max, &h->ns_mean) == 8;
		}
	}
	free(line);
	fclose(f);
	if (!h->nbins)
		die(path, "no '# Histogram' block (run with -h MAX_US; cyclictest also with -q)");
	h->count[h->nbins] = overflow;
	h->n = overflow;
	for (size_t i = 0; i < h->nbins; i++)
		h->n += h->count[i];
	if (!h->n)
		die(path, "histogram is empty");
}

/* Percentile in ns from 1 us bins: the bin's lower edge, like the integer
 * us the tools print; -1 when it falls into the overflow bin. */
static long long pct_ns(const struct us_hist *h, uint32_t q)
{
	size_t b = storm_rank_bucket(h->count, h->nbins + 1, h->n, q);
	return b >= h->nbins ? -1 : (long long)b * 1000;
}

static void cell(long long v)
{
	if (v < 0)
		printf(" %9s", "overflow");
	else
		printf(" %9lld", v);
}

static void row_hist(const char *name, const struct us_hist *h)
{
	printf("%-34s %8llu", name, (unsigned long long)h->n);
	cell((long long)(h->min_us * 1000));
	cell(pct_ns(h, STORM_Q_P50));
	cell(pct_ns(h, STORM_Q_P90));
	cell(pct_ns(h, STORM_Q_P99));
	cell(pct_ns(h, STORM_Q_P99_9));
	cell((long long)(h->max_us * 1000));
	printf(" %9.0f\n", h->avg_us * 1000);
}

int main(int argc, char **argv)
{
	const char *ct = NULL, *st = NULL, *label = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--cyclictest"))
			ct = argv[i + 1];
		else if (!strcmp(argv[i], "--storm"))
			st = argv[i + 1];
		else if (!strcmp(argv[i], "--label"))
			label = argv[i + 1];
		else
			die(argv[i], "unknown option");
	}
	if (!ct || !st || argc % 2 == 0) {
		fprintf(stderr, "usage: storm_cyclictest_cmp --cyclictest CT.txt --storm STORM.txt [--label TEXT]\n");
		return 2;
	}
	struct us_hist c, s;
	read_hist(ct, &c);
	read_hist(st, &s);
	if (!s.have_ns)
		die(st, "no 'latency_ns' line (not a vtimer_storm report?)");
	if (label)
		printf("# %s\n", label);
	printf("%-34s %8s %9s %9s %9s %9s %9s %9s %9s\n", "latency, wall-clock ns", "n", "min", "p50", "p90", "p99",
	       "p99.9", "max", "mean");
	row_hist("cyclictest (1us bins, floor)", &c);
	row_hist("vtimer_storm (1us bins, floor)", &s);
	printf("%-34s %8llu %9llu %9.0f %9.0f %9.0f %9.0f %9llu %9.0f\n", "vtimer_storm (ns, log-linear hist)",
	       s.ns_n, s.ns_min, s.ns_p50, s.ns_p90, s.ns_p99, s.ns_p999, s.ns_max, s.ns_mean);
	if (c.count[c.nbins] || s.count[s.nbins])
		printf("note: overflow bins hold %llu (cyclictest) and %llu (storm) samples; raise -h\n",
		       (unsigned long long)c.count[c.nbins], (unsigned long long)s.count[s.nbins]);
	free(c.count);
	free(s.count);
	return 0;
}
