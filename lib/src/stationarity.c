/* vtb/stationarity.h: Pettitt's change-point test. */
#include "vtb/stationarity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ranked { double v; size_t i; };

static int by_value(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return x->i < y->i ? -1 : (x->i > y->i);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Nearest-rank median of x[lo..hi), sorted into scratch. */
static double median_of(const double *x, size_t lo, size_t hi, double *scratch)
{
	size_t n = hi - lo;
	memcpy(scratch, x + lo, n * sizeof *scratch);
	qsort(scratch, n, sizeof *scratch, cmp_double);
	return scratch[(n + 1) / 2 - 1];
}

int vtb_pettitt(const double *x, size_t n, struct vtb_change_point *cp)
{
	struct ranked *r;
	double *rank;

	memset(cp, 0, sizeof *cp);
	if (n < 2)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return -1;
	r = malloc(n * sizeof *r);
	rank = malloc(n * sizeof *rank);
	if (!r || !rank) {
		free(r);
		free(rank);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		r[i] = (struct ranked){ x[i], i };
	qsort(r, n, sizeof *r, by_value);
	/* Mid-ranks for ties: a flat deterministic series must not look like a
	 * trend because equal values were ranked in time order. */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && r[j + 1].v == r[i].v)
			j++;
		double mid = (double)(i + j) / 2.0 + 1.0;
		for (size_t k = i; k <= j; k++)
			rank[r[k].i] = mid;
		i = j + 1;
	}
	/* U_t = 2 * sum_{i<=t} rank_i - t (n + 1): the Mann-Whitney statistic
	 * of the first t values against the rest, centred. */
	double sum = 0, best = -1;
	for (size_t t = 1; t < n; t++) {
		sum += rank[t - 1];
		double u = fabs(2.0 * sum - (double)t * ((double)n + 1.0));
		if (u > best) {
			best = u;
			cp->at = t;
		}
	}
	double nn = (double)n;
	cp->statistic = best;
	cp->p = fmin(1.0, 2.0 * exp(-6.0 * best * best / (nn * nn * nn + nn * nn)));
	double *scratch = rank; /* the ranks are no longer needed */
	cp->median_before = median_of(x, 0, cp->at, scratch);
	cp->median_after = median_of(x, cp->at, n, scratch);
	free(r);
	free(rank);
	return 0;
}
