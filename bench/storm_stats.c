#include "storm_stats.h"

#include "vtb/quantile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t storm_hist_nbuckets(unsigned shift)
{
	/* 2^shift exact buckets, then 2^shift per power of two from 2^shift to 2^63. */
	return ((size_t)1 << shift) + (size_t)(64 - shift) * ((size_t)1 << shift);
}

static unsigned log2_u64(uint64_t v)
{
	return 63u - (unsigned)__builtin_clzll(v);
}

size_t storm_hist_index(unsigned shift, uint64_t v)
{
	uint64_t base = (uint64_t)1 << shift;
	if (v < base)
		return (size_t)v;
	unsigned k = log2_u64(v);
	uint64_t sub = (v - ((uint64_t)1 << k)) >> (k - shift);
	return (size_t)(base + (uint64_t)(k - shift) * base + sub);
}

uint64_t storm_hist_lo(unsigned shift, size_t idx)
{
	uint64_t base = (uint64_t)1 << shift;
	if (idx < base)
		return idx;
	uint64_t r = idx - base;
	unsigned k = (unsigned)(r >> shift) + shift;
	uint64_t sub = r & (base - 1);
	return ((uint64_t)1 << k) + (sub << (k - shift));
}

uint64_t storm_hist_width(unsigned shift, size_t idx)
{
	uint64_t base = (uint64_t)1 << shift;
	if (idx < base)
		return 1;
	unsigned k = (unsigned)((idx - base) >> shift) + shift;
	return (uint64_t)1 << (k - shift);
}

int storm_stats_init(struct storm_stats *s, unsigned shift)
{
	memset(s, 0, sizeof(*s));
	s->min = UINT64_MAX;
	s->hist.shift = shift;
	s->hist.nbuckets = storm_hist_nbuckets(shift);
	s->hist.count = calloc(s->hist.nbuckets, sizeof(uint64_t));
	return s->hist.count ? 0 : -1;
}

void storm_stats_free(struct storm_stats *s)
{
	free(s->hist.count);
	s->hist.count = NULL;
}

void storm_stats_add(struct storm_stats *s, uint64_t v)
{
	s->n++;
	if (v < s->min)
		s->min = v;
	if (v > s->max)
		s->max = v;
	s->sum += v;
	s->sumsq += (unsigned __int128)v * v;
	s->hist.count[storm_hist_index(s->hist.shift, v)]++;
}

int storm_stats_merge(struct storm_stats *dst, const struct storm_stats *src)
{
	if (dst->hist.shift != src->hist.shift)
		return -1;
	if (!src->n)
		return 0;
	dst->n += src->n;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->sum += src->sum;
	dst->sumsq += src->sumsq;
	for (size_t i = 0; i < dst->hist.nbuckets; i++)
		dst->hist.count[i] += src->hist.count[i];
	return 0;
}

/* The project's one nearest rank (vtb/quantile.h); q is in parts per 100000. */
static uint64_t rank_of(uint64_t n, uint32_t q)
{
	return n ? vtb_nearest_rank(n, q, 100000) : 1;
}

size_t storm_rank_bucket(const uint64_t *count, size_t nb, uint64_t n, uint32_t q)
{
	uint64_t rank = rank_of(n, q);
	uint64_t cum = 0;
	for (size_t i = 0; i < nb; i++) {
		cum += count[i];
		if (cum >= rank)
			return i;
	}
	return nb ? nb - 1 : 0;
}

double storm_hist_quantile(const struct storm_hist *h, uint64_t n, uint32_t q,
			   uint64_t min, uint64_t max)
{
	if (!n)
		return 0;
	size_t i = storm_rank_bucket(h->count, h->nbuckets, n, q);
	/* Width is a power of two: lo + (w-1)/2 is exact in a double. */
	double v = (double)storm_hist_lo(h->shift, i) + (double)(storm_hist_width(h->shift, i) - 1) / 2.0;
	if (v < (double)min)
		v = (double)min;
	if (v > (double)max)
		v = (double)max;
	return v;
}

const char *storm_fmt_q(double v, char *buf, size_t len)
{
	if (v == floor(v))
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.1f", v);
	return buf;
}

void storm_stats_summary(const struct storm_stats *s, struct storm_summary *o)
{
	memset(o, 0, sizeof(*o));
	o->n = s->n;
	if (!s->n)
		return;
	o->min = s->min;
	o->max = s->max;
	o->p50 = storm_hist_quantile(&s->hist, s->n, STORM_Q_P50, s->min, s->max);
	o->p90 = storm_hist_quantile(&s->hist, s->n, STORM_Q_P90, s->min, s->max);
	o->p99 = storm_hist_quantile(&s->hist, s->n, STORM_Q_P99, s->min, s->max);
	o->p99_9 = storm_hist_quantile(&s->hist, s->n, STORM_Q_P99_9, s->min, s->max);
	o->mean = (double)s->sum / (double)s->n;
	if (s->n > 1) {
		/* n*sumsq - sum^2 >= 0 exactly in integers; only the final division is floating. */
		unsigned __int128 num = (unsigned __int128)s->n * s->sumsq -
					(unsigned __int128)s->sum * s->sum;
		double var = (double)num / ((double)s->n * (double)s->n);
		o->stddev = sqrt(var);
	}
}

int storm_lhist_init(struct storm_lhist *h, unsigned max_us)
{
	h->max_us = max_us;
	h->overflow = 0;
	h->count = NULL;
	if (!max_us)
		return 0;
	h->count = calloc(max_us, sizeof(uint64_t));
	return h->count ? 0 : -1;
}

void storm_lhist_free(struct storm_lhist *h)
{
	free(h->count);
	h->count = NULL;
}

void storm_lhist_add(struct storm_lhist *h, uint64_t ns)
{
	if (!h->max_us)
		return;
	uint64_t us = ns / 1000;
	if (us >= h->max_us)
		h->overflow++;
	else
		h->count[us]++;
}

void storm_lhist_merge(struct storm_lhist *dst, const struct storm_lhist *src)
{
	if (!dst->max_us || dst->max_us != src->max_us)
		return;
	for (unsigned i = 0; i < dst->max_us; i++)
		dst->count[i] += src->count[i];
	dst->overflow += src->overflow;
}

void storm_summary_line(const struct storm_summary *s, char *buf, size_t len)
{
	char a[32], b[32], c[32], d[32];
	snprintf(buf, len, "n=%llu min=%llu p50=%s p90=%s p99=%s p99_9=%s max=%llu mean=%.3f stddev=%.3f",
		 (unsigned long long)s->n, (unsigned long long)s->min, storm_fmt_q(s->p50, a, sizeof(a)),
		 storm_fmt_q(s->p90, b, sizeof(b)), storm_fmt_q(s->p99, c, sizeof(c)),
		 storm_fmt_q(s->p99_9, d, sizeof(d)), (unsigned long long)s->max, s->mean, s->stddev);
}

void storm_summary_json_members(const struct storm_summary *s, const char *ind, char *buf, size_t len)
{
	char a[32], b[32], c[32], d[32];
	snprintf(buf, len,
		 "%s\"n\": %llu,\n%s\"min\": %llu,\n%s\"p50\": %s,\n%s\"p90\": %s,\n%s\"p99\": %s,\n"
		 "%s\"p99_9\": %s,\n%s\"max\": %llu,\n%s\"mean\": %.3f,\n%s\"stddev\": %.3f\n",
		 ind, (unsigned long long)s->n, ind, (unsigned long long)s->min, ind,
		 storm_fmt_q(s->p50, a, sizeof(a)), ind, storm_fmt_q(s->p90, b, sizeof(b)), ind,
		 storm_fmt_q(s->p99, c, sizeof(c)), ind, storm_fmt_q(s->p99_9, d, sizeof(d)), ind,
		 (unsigned long long)s->max, ind, s->mean, ind, s->stddev);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint64_t exact_rank_value(const uint64_t *v, uint64_t n, uint32_t q)
{
	return v[rank_of(n, q) - 1];
}

void storm_summary_exact(uint64_t *v, uint64_t n, struct storm_summary *s)
{
	if (!n)
		return;
	qsort(v, n, sizeof(*v), cmp_u64);
	s->p50 = (double)exact_rank_value(v, n, STORM_Q_P50);
	s->p90 = (double)exact_rank_value(v, n, STORM_Q_P90);
	s->p99 = (double)exact_rank_value(v, n, STORM_Q_P99);
	s->p99_9 = (double)exact_rank_value(v, n, STORM_Q_P99_9);
}
