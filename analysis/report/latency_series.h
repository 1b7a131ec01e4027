/* Loading one variant's per-tick latencies (samples.csv or hist.csv) for plots. */
#ifndef VTB_LATENCY_SERIES_H
#define VTB_LATENCY_SERIES_H
#include <stddef.h>
#include <stdint.h>

/* A run's latencies as (value, count) pairs: samples give count 1 each in tick
 * order; a histogram gives one pair per bucket.  Values are counter ticks. */
struct rep_latency_series {
	uint64_t *value;
	uint64_t *count;
	size_t len;
	uint64_t total;       /* sum of counts */
	int in_tick_order;    /* 1 for samples.csv, 0 for hist.csv */
};

/* Reads DIR/samples.csv, or DIR/hist.csv when there are no samples.
 * Returns 0, or -1 with a one-line reason in err. */
int rep_latency_series_load(const char *dir, struct rep_latency_series *s, char *err, size_t errlen);
void rep_latency_series_free(struct rep_latency_series *s);

#endif
