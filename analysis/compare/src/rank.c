#include "rank.h"
#include "distrib.h"
#include "vtb/sortkey.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

int cmp_mwu_test(const double *a, size_t na, const double *b, size_t nb,
	     struct mwu_result *r)
{
	memset(r, 0, sizeof *r);
	if (na == 0 || nb == 0)
		return -1;
	/* Merge the two sorted samples; each run of equal values gets the
	 * mean of the ranks it spans. Only B's rank sum is needed. */
	size_t i = 0, j = 0, rank = 0;
	double rb = 0.0, tie_sum = 0.0;
	while (i < na || j < nb) {
		double v = (j >= nb || (i < na && a[i] <= b[j])) ? a[i] : b[j];
		size_t ca = 0, cb = 0;
		while (i < na && a[i] == v) {
			i++;
			ca++;
		}
		while (j < nb && b[j] == v) {
			j++;
			cb++;
		}
		double t = (double)(ca + cb);
		double avg = (double)rank + (t + 1.0) / 2.0;
		rb += (double)cb * avg;
		if (t > 1.0) {
			tie_sum += t * t * t - t;
			r->ties = 1;
		}
		rank += ca + cb;
	}
	double m = (double)na, n = (double)nb, N = m + n;
	r->u_b = rb - n * (n + 1.0) / 2.0;
	r->u_a = m * n - r->u_b;
	r->mean = m * n / 2.0;
	r->tie_sum = tie_sum;
	r->prob_sup = r->u_b / (m * n);
	double var = m * n / 12.0 * ((N + 1.0) - tie_sum / (N * (N - 1.0)));
	r->sigma = var > 0.0 ? sqrt(var) : 0.0;
	r->z = NAN;

	if (!r->ties && na < MWU_EXACT_MAX && nb < MWU_EXACT_MAX) {
		double *cdf = cmp_mwu_exact_cdf(na, nb);
		if (!cdf)
			return -1;
		size_t u = (size_t)r->u_b; /* integral without ties */
		double p;
		/* Use the tail the statistic lies in; the distribution is
		 * symmetric, so doubling gives the two-sided value. */
		if (r->u_b > r->mean)
			p = 1.0 - cdf[u - 1];
		else
			p = cdf[u];
		free(cdf);
		r->p = fmin(1.0, 2.0 * p);
		r->exact = 1;
		return 0;
	}
	if (r->sigma == 0.0) {
		r->p = 1.0; /* every value equal: no evidence of anything */
		return 0;
	}
	r->p = cmp_mwu_normal_p(r->u_b, r->mean, r->sigma, &r->z);
	return 0;
}

double cmp_mwu_normal_p(double u, double mean, double sigma, double *z)
{
	double d = u - mean;
	double corr = d > 0 ? 0.5 : (d < 0 ? -0.5 : 0.0);
	double zz = (d - corr) / sigma;
	if (z)
		*z = zz;
	return fmin(1.0, 2.0 * cmp_normal_sf(fabs(zz)));
}

double *cmp_mwu_exact_cdf(size_t m, size_t n)
{
	/* Counts c(u; i, j) of arrangements with statistic u obey
	 * c(u; i, j) = c(u - j; i - 1, j) + c(u; i, j - 1) (is the largest value
	 * from the first sample or not). Layered over j with one row per i;
	 * doubles because the counts reach C(98, 49) ~ 2.5e28, and only sums of
	 * non-negative terms occur, so rounding stays relative. */
	size_t width = m * n + 1;
	double *c = calloc((m + 1) * width, sizeof *c);
	double *cdf = malloc(width * sizeof *cdf);
	if (!c || !cdf) {
		free(c);
		free(cdf);
		return NULL;
	}
	/* j = 0: only u = 0 possible, once, for every i. */
	for (size_t i = 0; i <= m; i++)
		c[i * width] = 1.0;
	for (size_t j = 1; j <= n; j++) {
		/* Row i at layer j uses row i-1 at layer j (already updated,
		 * as i increases) and row i at layer j-1 (not yet overwritten).
		 * Walk u downwards so the in-place update reads old values. */
		for (size_t i = 1; i <= m; i++) {
			double *row = c + i * width, *prev = c + (i - 1) * width;
			for (size_t u = i * j + 1; u-- > 0;) {
				double v = row[u];
				if (u >= j)
					v += prev[u - j];
				row[u] = v;
			}
		}
	}
	double *row = c + m * width, total = 0.0;
	for (size_t u = 0; u < width; u++)
		total += row[u];
	double acc = 0.0;
	for (size_t u = 0; u < width; u++) {
		acc += row[u];
		cdf[u] = acc / total;
	}
	free(c);
	return cdf;
}

uint64_t cmp_diff_count_le(const double *a, size_t na, const double *b, size_t nb,
		       double d)
{
	/* For each b_j (ascending) the a_i with b_j - a_i <= d form a suffix
	 * of a, and the suffix start only moves right as b_j grows. The rounded
	 * difference is monotone in both arguments, so the two-pointer walk
	 * counts exactly what a brute-force loop would. */
	uint64_t count = 0;
	size_t p = 0;
	for (size_t j = 0; j < nb; j++) {
		while (p < na && b[j] - a[p] > d)
			p++;
		count += na - p;
	}
	return count;
}

double cmp_diff_kth(const double *a, size_t na, const double *b, size_t nb,
		uint64_t k)
{
	/* Binary search over the ordered bit patterns of doubles for the
	 * smallest d with count_le(d) >= k. That d is always one of the
	 * differences, found exactly in at most 64 counting passes. */
	uint64_t lo = vtb_sortkey_of_double(b[0] - a[na - 1]);
	uint64_t hi = vtb_sortkey_of_double(b[nb - 1] - a[0]);
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (cmp_diff_count_le(a, na, b, nb, vtb_double_of_sortkey(mid)) >= k)
			hi = mid;
		else
			lo = mid + 1;
	}
	return vtb_double_of_sortkey(lo);
}

int cmp_hl_estimate(const double *a, size_t na, const double *b, size_t nb,
		double alpha, const struct mwu_result *mw, struct hl_result *r)
{
	memset(r, 0, sizeof *r);
	if (na == 0 || nb == 0 || !(alpha > 0.0 && alpha < 1.0))
		return -1;
	uint64_t N = (uint64_t)na * nb;
	if (N % 2)
		r->shift = cmp_diff_kth(a, na, b, nb, N / 2 + 1);
	else
		r->shift = 0.5 * (cmp_diff_kth(a, na, b, nb, N / 2) +
				  cmp_diff_kth(a, na, b, nb, N / 2 + 1));

	/* Interval ends are the k-th smallest and k-th largest differences,
	 * k = the largest rank with P(U <= k - 1) <= alpha/2 under the null
	 * (Hollander & Wolfe, ch. 4; R's wilcox.test uses the same ranks). */
	uint64_t k;
	if (mw->exact) {
		double *cdf = cmp_mwu_exact_cdf(na, nb);
		if (!cdf)
			return -1;
		k = 0;
		while (k < N && cdf[k] < alpha / 2.0)
			k++;
		/* cdf[k] >= alpha/2 first at u = k, so rank k is the
		 * qwilcox(alpha/2) of R; rank 0 would be an empty tail. */
		free(cdf);
		r->exact = 1;
	} else {
		double z = cmp_normal_quantile(1.0 - alpha / 2.0);
		double kk = floor((double)N / 2.0 + 0.5 - z * mw->sigma);
		k = kk < 0.0 ? 0 : (uint64_t)kk;
	}
	if (k < 1)
		k = 1;
	if (k > (N + 1) / 2)
		k = (N + 1) / 2;
	r->k_lo = k;
	r->k_hi = N - k + 1;
	r->lo = cmp_diff_kth(a, na, b, nb, r->k_lo);
	r->hi = cmp_diff_kth(a, na, b, nb, r->k_hi);
	r->conf = 1.0 - alpha;
	return 0;
}
