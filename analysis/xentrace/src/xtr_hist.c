#include "xtr_hist.h"

#include <stdlib.h>

unsigned xtr_hist_index(uint64_t v)
{
	if (v < (1u << XTR_HIST_SUB_BITS))
		return (unsigned)v;
	unsigned k = 63u - (unsigned)__builtin_clzll(v); /* k >= SUB_BITS */
	unsigned shift = k - (XTR_HIST_SUB_BITS - 1);
	unsigned sub = (unsigned)(v >> shift) - XTR_HIST_HALF; /* 0 .. HALF-1 */
	return (1u << XTR_HIST_SUB_BITS) + (k - XTR_HIST_SUB_BITS) * XTR_HIST_HALF + sub;
}

uint64_t xtr_hist_bucket_lo(unsigned idx)
{
	if (idx < (1u << XTR_HIST_SUB_BITS))
		return idx;
	idx -= 1u << XTR_HIST_SUB_BITS;
	unsigned k = idx / XTR_HIST_HALF + XTR_HIST_SUB_BITS;
	unsigned sub = idx % XTR_HIST_HALF;
	return (uint64_t)(XTR_HIST_HALF + sub) << (k - (XTR_HIST_SUB_BITS - 1));
}

static uint64_t bucket_width(unsigned idx)
{
	if (idx < (1u << XTR_HIST_SUB_BITS))
		return 1;
	unsigned k = (idx - (1u << XTR_HIST_SUB_BITS)) / XTR_HIST_HALF + XTR_HIST_SUB_BITS;
	return 1ull << (k - (XTR_HIST_SUB_BITS - 1));
}

static inline void seg_of(unsigned idx, unsigned *seg, unsigned *off)
{
	if (idx < (1u << XTR_HIST_SUB_BITS)) {
		*seg = 0;
		*off = idx;
	} else {
		idx -= 1u << XTR_HIST_SUB_BITS;
		*seg = 1 + idx / XTR_HIST_HALF;
		*off = idx % XTR_HIST_HALF;
	}
}

void xtr_hist_add(struct xtr_hist *h, uint64_t v)
{
	unsigned idx = xtr_hist_index(v), s, o;
	seg_of(idx, &s, &o);
	if (!h->seg[s]) {
		h->seg[s] = calloc(s ? XTR_HIST_HALF : 1u << XTR_HIST_SUB_BITS, sizeof(uint32_t));
		if (!h->seg[s]) {
			h->oom = 1; /* reported as a smaller count, never a crash */
			return;
		}
	}
	if (h->count == 0 || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->count++;
	h->sum += (double)v;
	h->seg[s][o]++;
}

void xtr_hist_pcts(const struct xtr_hist *h, const double *ps, unsigned n, uint64_t *out)
{
	unsigned j = 0;
	uint64_t seen = 0;

	if (!h->count) {
		for (j = 0; j < n; j++)
			out[j] = 0;
		return;
	}
	for (unsigned i = 0; i < XTR_HIST_NB && j < n; i++) {
		unsigned s, o;
		seg_of(i, &s, &o);
		if (!h->seg[s]) { /* skip a whole empty octave */
			i += (s ? XTR_HIST_HALF : 1u << XTR_HIST_SUB_BITS) - 1;
			continue;
		}
		seen += h->seg[s][o];
		while (j < n) {
			/* nearest rank: ceil(p * count), at least 1 */
			uint64_t rank = (uint64_t)(ps[j] * (double)h->count + 0.999999999);
			if (rank < 1)
				rank = 1;
			if (rank > h->count)
				rank = h->count;
			if (seen < rank)
				break;
			uint64_t v = xtr_hist_bucket_lo(i) + (bucket_width(i) - 1) / 2;
			out[j++] = v < h->min ? h->min : v > h->max ? h->max : v;
		}
	}
	for (; j < n; j++)
		out[j] = h->max;
}

uint64_t xtr_hist_pct(const struct xtr_hist *h, double p)
{
	uint64_t v;
	xtr_hist_pcts(h, &p, 1, &v);
	return v;
}

void xtr_hist_free(struct xtr_hist *h)
{
	for (unsigned s = 0; s < XTR_HIST_NSEG; s++) {
		free(h->seg[s]);
		h->seg[s] = 0;
	}
}
