/* Latency statistics: from raw samples, or from a log-linear histogram.
 *
 * Percentiles use the nearest-rank method on the sorted values: the p-th
 * percentile of n values is the value of rank ceil(p/100 * n) (1-based,
 * at least 1). It is always one of the observed values, never interpolated.
 * stddev is the population standard deviation (divide by n): it describes
 * the measured distribution, not an estimate of a wider one.
 *
 * From a histogram each value is taken as its bucket's midpoint: for a bucket
 * holding the integers lo .. lo+w-1 that is lo + (w-1)/2, so buckets of
 * width 1 are exact.
 */
#ifndef VTB_LATENCY_STATS_H
#define VTB_LATENCY_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "guest_protocol.h"
#include "vtb/quantile.h"

struct vtb_stats {
	uint64_t n;
	double min, max, mean, stddev;
	double p50, p90, p99, p99_9;
};

/* Sorts a copy; the input is left alone. n == 0 gives all-zero stats. 0 or -1 (no memory). */
int vtb_stats_from_samples(const uint64_t *v, size_t n, struct vtb_stats *out);

/* Buckets in increasing lo, as the protocol's B lines. 0, or -1 if a bucket is
 * not a boundary for this shift. */
int vtb_stats_from_hist(const struct vtb_bucket *b, size_t nb, unsigned shift,
			struct vtb_stats *out);

double vtb_hist_midpoint(uint64_t lo, unsigned shift);

#endif
