/* Fixed-size log-linear histogram for percentiles whose memory does not grow
 * with the sample count. Values below 2^XTR_HIST_SUB_BITS are exact; above,
 * each power of two is split into 2^(XTR_HIST_SUB_BITS-1) buckets, so a
 * reported percentile is within 1/2^(XTR_HIST_SUB_BITS-1) (relative) of the
 * true order statistic. Buckets are allocated on first use. */
#ifndef XTR_HIST_H
#define XTR_HIST_H

#include <stdint.h>

#define XTR_HIST_SUB_BITS 8u
#define XTR_HIST_HALF (1u << (XTR_HIST_SUB_BITS - 1))
#define XTR_HIST_NB ((1u << XTR_HIST_SUB_BITS) + (64u - XTR_HIST_SUB_BITS) * XTR_HIST_HALF)
#define XTR_HIST_NSEG (1u + 64u - XTR_HIST_SUB_BITS)

struct xtr_hist {
	uint64_t count, min, max;
	double sum;
	/* Buckets, allocated one octave at a time on first use (values cluster,
	 * so a histogram usually touches a few KiB): seg[0] holds the exact
	 * values below 2^SUB_BITS, seg[1+k] the k-th octave above. u32 counts:
	 * a trace would need > 2^32 records in one bucket to overflow. */
	uint32_t *seg[XTR_HIST_NSEG];
	int oom;
};

void xtr_hist_add(struct xtr_hist *h, uint64_t v);
/* p in [0,1]; nearest-rank percentile, reported as the bucket midpoint
 * clamped to [min,max]. 0 if empty. */
uint64_t xtr_hist_pct(const struct xtr_hist *h, double p);
/* Several percentiles in one pass over the buckets; ps ascending. */
void xtr_hist_pcts(const struct xtr_hist *h, const double *ps, unsigned n, uint64_t *out);
void xtr_hist_free(struct xtr_hist *h);
uint64_t xtr_hist_bucket_lo(unsigned idx);
unsigned xtr_hist_index(uint64_t v);

#endif
