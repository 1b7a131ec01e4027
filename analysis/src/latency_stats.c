#include "latency_stats.h"
#include "vtb/quantile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The four reported quantiles as exact fractions, so p99.9 is not 0.99899999... */
static const struct { uint64_t num, den; } quantiles[4] = {
	{ 50, 100 }, { 90, 100 }, { 99, 100 }, { 999, 1000 }
};

static double *quantile_slot(struct vtb_stats *s, int i)
{
	double *slots[4] = { &s->p50, &s->p90, &s->p99, &s->p99_9 };
	return slots[i];
}

/* LSD radix sort, one byte per pass, skipping bytes that are equal in every
 * value: latencies rarely exceed 16 bits, so 10^6 samples take two linear
 * passes instead of qsort's ~20 comparisons each. Returns whichever of the
 * two n-value buffers ends up holding the sorted values. */
static uint64_t *radix_sort(uint64_t *v, uint64_t *tmp, size_t n)
{
	uint64_t or_all = 0, and_all = UINT64_MAX;

	for (size_t i = 0; i < n; i++) {
		or_all |= v[i];
		and_all &= v[i];
	}
	for (unsigned shift = 0; shift < 64; shift += 8) {
		size_t count[256] = { 0 }, pos = 0;
		uint64_t *t;

		if ((((or_all ^ and_all) >> shift) & 0xff) == 0)
			continue;       /* this byte is the same everywhere */
		for (size_t i = 0; i < n; i++)
			count[(v[i] >> shift) & 0xff]++;
		for (int d = 0; d < 256; d++) {
			size_t c = count[d];
			count[d] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[(v[i] >> shift) & 0xff]++] = v[i];
		t = v;
		v = tmp;
		tmp = t;
	}
	return v;
}

int vtb_stats_from_samples(const uint64_t *v, size_t n, struct vtb_stats *out)
{
	long double sum = 0, sq = 0, mean;
	uint64_t *buf, *s;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return 0;
	buf = malloc(2 * n * sizeof(*buf));
	if (!buf)
		return -1;
	memcpy(buf, v, n * sizeof(*buf));
	s = radix_sort(buf, buf + n, n);
	for (size_t i = 0; i < n; i++)
		sum += s[i];
	mean = sum / n;
	/* Two passes: subtracting the mean first keeps the variance from cancelling. */
	for (size_t i = 0; i < n; i++)
		sq += (s[i] - mean) * (s[i] - mean);
	out->n = n;
	out->min = (double)s[0];
	out->max = (double)s[n - 1];
	out->mean = (double)mean;
	out->stddev = (double)sqrtl(sq / n);
	for (int q = 0; q < 4; q++)
		*quantile_slot(out, q) =
			(double)s[vtb_nearest_rank(n, quantiles[q].num, quantiles[q].den) - 1];
	free(buf);
	return 0;
}

double vtb_hist_midpoint(uint64_t lo, unsigned shift)
{
	uint64_t w = vtb_hist_bucket_width(lo, shift);

	return (double)lo + (w ? (double)(w - 1) / 2.0 : 0.0);
}

int vtb_stats_from_hist(const struct vtb_bucket *b, size_t nb, unsigned shift,
			struct vtb_stats *out)
{
	long double sum = 0, sq = 0, mean;
	uint64_t n = 0, rank[4], cum = 0;
	int q = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < nb; i++) {
		if (vtb_hist_bucket_width(b[i].lo, shift) == 0)
			return -1;
		n += b[i].count;
		sum += (long double)b[i].count * vtb_hist_midpoint(b[i].lo, shift);
	}
	if (n == 0)
		return 0;
	mean = sum / n;
	for (size_t i = 0; i < nb; i++) {
		long double d = vtb_hist_midpoint(b[i].lo, shift) - mean;
		sq += (long double)b[i].count * d * d;
	}
	for (int k = 0; k < 4; k++)
		rank[k] = vtb_nearest_rank(n, quantiles[k].num, quantiles[k].den);
	for (size_t i = 0; i < nb && q < 4; i++) {
		cum += b[i].count;
		while (q < 4 && rank[q] <= cum)
			*quantile_slot(out, q++) = vtb_hist_midpoint(b[i].lo, shift);
	}
	out->n = n;
	for (size_t i = 0; i < nb; i++)
		if (b[i].count) {
			out->min = vtb_hist_midpoint(b[i].lo, shift);
			break;
		}
	for (size_t i = nb; i-- > 0;)
		if (b[i].count) {
			out->max = vtb_hist_midpoint(b[i].lo, shift);
			break;
		}
	out->mean = (double)mean;
	out->stddev = (double)sqrtl(sq / n);
	return 0;
}
