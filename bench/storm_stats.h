/* Latency statistics shared by vtimer_storm and the CTF reader
 * (analysis/ctf): both must turn the same latencies into the same figures,
 * so both use this code.
 *
 * Exact: n, min, max, sum, sum of squares (integer, so the result does not
 * depend on the order samples arrive in).  Percentiles come from a
 * log-linear histogram (the bucket scheme of docs/guest-protocol.md,
 * record=hist): values below 2^shift have one bucket each, above that every
 * power-of-two range is cut into 2^shift buckets.  A percentile is the
 * nearest-rank bucket's midpoint lo + (w-1)/2 (w = bucket width, so a
 * percentile is an integer or ends in .5), clamped to [min, max]: the same
 * rule as the project's analysis of record=hist reports
 * (docs/summary-format.md), so both give the same figures. */
#ifndef STORM_STATS_H
#define STORM_STATS_H

#include <stddef.h>
#include <stdint.h>

struct storm_hist {
	unsigned shift;
	size_t nbuckets;
	uint64_t *count;
};

struct storm_stats {
	uint64_t n, min, max, sum;
	unsigned __int128 sumsq;
	struct storm_hist hist;
};

struct storm_summary {
	uint64_t n, min, max;
	double p50, p90, p99, p99_9;
	double mean, stddev; /* stddev: population (divide by n), from exact sums */
};

/* Percentiles in parts per 100000, so p99.9 stays an integer. */
#define STORM_Q_P50 50000u
#define STORM_Q_P90 90000u
#define STORM_Q_P99 99000u
#define STORM_Q_P99_9 99900u

size_t storm_hist_nbuckets(unsigned shift);
size_t storm_hist_index(unsigned shift, uint64_t v);
uint64_t storm_hist_lo(unsigned shift, size_t idx);
uint64_t storm_hist_width(unsigned shift, size_t idx);

int storm_stats_init(struct storm_stats *s, unsigned shift); /* -1: out of memory */
void storm_stats_free(struct storm_stats *s);
void storm_stats_add(struct storm_stats *s, uint64_t v);
/* dst += src; both must have the same shift (-1 otherwise). */
int storm_stats_merge(struct storm_stats *dst, const struct storm_stats *src);
void storm_stats_summary(const struct storm_stats *s, struct storm_summary *out);

/* cyclictest-style histogram: 1 us bins [0, max_us) plus overflow, bin =
 * floor(ns / 1000).  Kept only for side-by-side comparison with cyclictest. */
struct storm_lhist {
	unsigned max_us;
	uint64_t overflow;
	uint64_t *count;
};
int storm_lhist_init(struct storm_lhist *h, unsigned max_us); /* max_us 0: disabled */
void storm_lhist_free(struct storm_lhist *h);
void storm_lhist_add(struct storm_lhist *h, uint64_t ns);
void storm_lhist_merge(struct storm_lhist *dst, const struct storm_lhist *src);

/* Nearest rank: index of the first bucket whose cumulative count reaches
 * the rank vtb_nearest_rank(n, q, 100000) (lib/include/vtb/quantile.h:
 * ceil(n * q / 100000), at least 1).  n must equal the sum of count[]. */
size_t storm_rank_bucket(const uint64_t *count, size_t nb, uint64_t n, uint32_t q);

/* Value of a quantile from a log-linear histogram, as described above. */
double storm_hist_quantile(const struct storm_hist *h, uint64_t n, uint32_t q,
			   uint64_t min, uint64_t max);

/* Replaces the summary's percentiles by exact nearest-rank values of all n
 * samples (sorted in place): used when every sample was kept, as the
 * project's analysis does for record=samples. */
void storm_summary_exact(uint64_t *v, uint64_t n, struct storm_summary *s);

/* Prints a percentile: "123" or "123.5". */
const char *storm_fmt_q(double v, char *buf, size_t len);
/* "n=.. min=.. p50=.. p90=.. p99=.. p99_9=.. max=.. mean=%.3f stddev=%.3f" */
void storm_summary_line(const struct storm_summary *s, char *buf, size_t len);
/* The same as JSON members, each on its own line after ind. */
void storm_summary_json_members(const struct storm_summary *s, const char *ind, char *buf, size_t len);

#endif
