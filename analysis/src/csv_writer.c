#include "csv_writer.h"

#include <inttypes.h>

int vtb_write_samples_csv(FILE *f, const struct vtb_report *r)
{
	/* Whole nanoseconds per tick (62.5 MHz -> 16) keep the column exact integers. */
	uint64_t ns = 1000000000u % r->cntfrq == 0 ? 1000000000u / r->cntfrq : 0;
	double ns_per_tick = 1e9 / (double)r->cntfrq;

	if (fputs("tick,latency_ticks,latency_ns\n", f) < 0)
		return -1;
	for (size_t i = 0; i < r->n_samples; i++) {
		uint64_t v = r->samples[i];
		int rc;
		if (ns && v <= UINT64_MAX / ns)
			rc = fprintf(f, "%zu,%" PRIu64 ",%" PRIu64 "\n", i, v, v * ns);
		else
			rc = fprintf(f, "%zu,%" PRIu64 ",%.3f\n", i, v, (double)v * ns_per_tick);
		if (rc < 0)
			return -1;
	}
	return ferror(f) ? -1 : 0;
}

int vtb_write_hist_csv(FILE *f, const struct vtb_report *r)
{
	if (fputs("lo_ticks,count\n", f) < 0)
		return -1;
	for (size_t i = 0; i < r->n_buckets; i++)
		if (fprintf(f, "%" PRIu64 ",%" PRIu64 "\n", r->buckets[i].lo,
			    r->buckets[i].count) < 0)
			return -1;
	return ferror(f) ? -1 : 0;
}
