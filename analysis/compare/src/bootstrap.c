#include "bootstrap.h"
#include "quantile.h"
#include "rng.h"
#include "vtb/quantile.h"
#include <stdlib.h>
#include <string.h>

const char *cmp_boot_method_name(enum boot_method m)
{
	return m == BOOT_RESAMPLE ? "resample" : "order-statistic";
}

/* Ranks (1-based) whose values define one replicate's statistics. */
struct ranks {
	size_t med_lo, med_hi, p99;
};

static struct ranks ranks_for(size_t n)
{
	struct ranks r;
	r.med_lo = (n + 1) / 2;
	r.med_hi = n / 2 + 1;
	r.p99 = vtb_nearest_rank(n, 99, 100);
	return r;
}

void cmp_boot_order_stat_indices(struct rng *g, size_t n, const size_t *ranks,
			     size_t nr, size_t *idx)
{
	size_t prev_rank = 0;
	double prev_u = 0.0, u = 0.0;
	for (size_t i = 0; i < nr; i++) {
		if (ranks[i] != prev_rank) {
			double step = cmp_rng_beta(g, (double)(ranks[i] - prev_rank),
					       (double)(n - ranks[i] + 1));
			u = prev_u + (1.0 - prev_u) * step;
			prev_u = u;
			prev_rank = ranks[i];
		}
		size_t k = (size_t)((double)n * u);
		idx[i] = k < n ? k : n - 1;
	}
}

/* One replicate of (median, p99) for a sorted sample. The three ranks are
 * ascending (med_lo <= med_hi <= p99 for n >= 1). */
static void rep_order_stat(struct rng *g, const double *v, size_t n,
			   struct ranks rk, double *med, double *p99)
{
	size_t want[3] = { rk.med_lo, rk.med_hi, rk.p99 }, idx[3];
	cmp_boot_order_stat_indices(g, n, want, 3, idx);
	*med = 0.5 * (v[idx[0]] + v[idx[1]]);
	*p99 = v[idx[2]];
}

static void rep_resample(struct rng *g, const double *v, size_t n,
			 struct ranks rk, double *scratch, double *med,
			 double *p99)
{
	for (size_t i = 0; i < n; i++)
		scratch[i] = v[cmp_rng_below(g, n)];
	/* cmp_select_kth leaves smaller values left of k, so the later,
	 * larger ranks can be selected in the right-hand part. */
	double lo = cmp_select_kth(scratch, n, rk.med_lo - 1);
	double hi = rk.med_hi == rk.med_lo ? lo
		: cmp_select_kth(scratch + rk.med_hi - 1, n - rk.med_hi + 1, 0);
	double q = rk.p99 == rk.med_hi ? hi
		: cmp_select_kth(scratch + rk.med_hi, n - rk.med_hi, rk.p99 - rk.med_hi - 1);
	*med = 0.5 * (lo + hi);
	*p99 = q;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* Percentile interval from the sorted replicate values: the values at
 * ranks ceil(R*alpha/2) and ceil(R*(1-alpha/2)). */
static void percentile_ci(double *d, size_t reps, double alpha, struct boot_ci *ci)
{
	qsort(d, reps, sizeof *d, cmp_double);
	double rl = (double)reps * alpha / 2.0, rh = (double)reps * (1.0 - alpha / 2.0);
	size_t il = (size_t)rl, ih = (size_t)rh;
	if ((double)il < rl)
		il++;
	if ((double)ih < rh)
		ih++;
	if (il < 1)
		il = 1;
	if (ih > reps)
		ih = reps;
	ci->lo = d[il - 1];
	ci->hi = d[ih - 1];
}

int cmp_bootstrap_diffs(const double *a, size_t na, const double *b, size_t nb,
		    size_t reps, uint64_t seed, double alpha,
		    enum boot_method method, struct boot_result *out)
{
	memset(out, 0, sizeof *out);
	out->reps = reps;
	out->seed = seed;
	out->method = method;
	out->median_diff.point = cmp_median_sorted(b, nb) - cmp_median_sorted(a, na);
	out->p99_diff.point = cmp_quantile_sorted(b, nb, 99, 100) -
			      cmp_quantile_sorted(a, na, 99, 100);
	if (reps == 0)
		return 0;
	double *dm = malloc(reps * sizeof *dm), *dq = malloc(reps * sizeof *dq);
	double *scratch = NULL;
	if (method == BOOT_RESAMPLE)
		scratch = malloc((na > nb ? na : nb) * sizeof *scratch);
	if (!dm || !dq || (method == BOOT_RESAMPLE && !scratch)) {
		free(dm);
		free(dq);
		free(scratch);
		return -1;
	}
	struct rng g;
	cmp_rng_seed(&g, seed);
	struct ranks ra = ranks_for(na), rb = ranks_for(nb);
	for (size_t r = 0; r < reps; r++) {
		double ma, qa, mb, qb;
		if (method == BOOT_RESAMPLE) {
			rep_resample(&g, a, na, ra, scratch, &ma, &qa);
			rep_resample(&g, b, nb, rb, scratch, &mb, &qb);
		} else {
			rep_order_stat(&g, a, na, ra, &ma, &qa);
			rep_order_stat(&g, b, nb, rb, &mb, &qb);
		}
		dm[r] = mb - ma;
		dq[r] = qb - qa;
	}
	percentile_ci(dm, reps, alpha, &out->median_diff);
	percentile_ci(dq, reps, alpha, &out->p99_diff);
	free(dm);
	free(dq);
	free(scratch);
	return 0;
}
