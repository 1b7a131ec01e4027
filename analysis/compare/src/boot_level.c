#include "boot_level.h"
#include "distrib.h"

#include <math.h>
#include <stdio.h>

double cmp_t_sf(double t, double df)
{
	if (isnan(t) || !(df > 0))
		return NAN;
	if (isinf(t))
		return t > 0 ? 0.0 : 1.0;
	double tail = 0.5 * cmp_beta_reg(df / (df + t * t), df / 2.0, 0.5);
	return t >= 0 ? tail : 1.0 - tail;
}

double cmp_t_quantile(double p, double df)
{
	/* Bisection, as normal_quantile: called a few times per comparison. */
	if (!(p > 0.0 && p < 1.0) || !(df > 0))
		return NAN;
	if (p < 0.5)
		return -cmp_t_quantile(1.0 - p, df);
	double lo = 0.0, hi = 1.0;
	while (cmp_t_sf(hi, df) > 1.0 - p && hi < 1e300)
		hi *= 2.0;
	for (int i = 0; i < 300; i++) {
		double mid = 0.5 * (lo + hi);
		if (mid == lo || mid == hi)
			break;
		if (cmp_t_sf(mid, df) > 1.0 - p)
			lo = mid;
		else
			hi = mid;
	}
	return 0.5 * (lo + hi);
}

double cmp_mde_t_units(double t_crit, double power, double df)
{
	/* The noncentrality at which a t test with critical value t_crit has
	 * the given power, from the normal approximation of the noncentral t
	 * (Abramowitz & Stegun 26.7.10). The textbook t_crit + t_power is
	 * optimistic for the few degrees of freedom of 3 to 5 boots. */
	return t_crit * (1.0 - 1.0 / (4.0 * df)) +
	       cmp_normal_quantile(1.0 - power) * -1.0 * sqrt(1.0 + t_crit * t_crit / (2.0 * df));
}

static void mean_sd(const double *x, size_t k, double *mean, double *sd)
{
	double m = 0, ss = 0;
	for (size_t i = 0; i < k; i++)
		m += log(x[i]);
	m /= (double)k;
	for (size_t i = 0; i < k; i++) {
		double d = log(x[i]) - m;
		ss += d * d;
	}
	*mean = m;
	*sd = k > 1 ? sqrt(ss / (double)(k - 1)) : NAN;
}

static int all_positive(const double *x, size_t k)
{
	for (size_t i = 0; i < k; i++)
		if (!(x[i] > 0) || isinf(x[i]))
			return 0;
	return 1;
}

int cmp_boot_compare(const double *a, size_t ka, const double *b, size_t kb,
		     double alpha, double power, const struct cmp_boot_noise *hist,
		     struct cmp_boot_result *r, char *err, size_t errlen)
{
	*r = (struct cmp_boot_result){ .ka = ka, .kb = kb };
	if (ka < 1 || kb < 1) {
		snprintf(err, errlen, "no boots on one side (%zu vs %zu)", ka, kb);
		return -1;
	}
	if (!all_positive(a, ka) || !all_positive(b, kb)) {
		snprintf(err, errlen, "a per-boot statistic is not a positive number");
		return -1;
	}
	mean_sd(a, ka, &r->mean_a, &r->sd_a);
	mean_sd(b, kb, &r->mean_b, &r->sd_b);

	/* One between-boot spread for both variants: on the log scale the
	 * noise is a property of the platform, not of the delivery path, which
	 * is also what lets earlier runs (history) sharpen the estimate. */
	double df = (double)(ka - 1) + (double)(kb - 1), ss = 0;
	if (ka > 1)
		ss += r->sd_a * r->sd_a * (double)(ka - 1);
	if (kb > 1)
		ss += r->sd_b * r->sd_b * (double)(kb - 1);
	if (hist && hist->df > 0 && hist->var >= 0) {
		ss += hist->var * hist->df;
		df += hist->df;
		r->noise_from_history = 1;
	}
	if (!(df > 0)) {
		snprintf(err, errlen,
			 "%zu vs %zu boots: the between-boot noise is unknown (run more boots, "
			 "or calibrate this configuration's noise first)", ka, kb);
		return -1;
	}
	r->df = df;
	r->se = sqrt(ss / df * (1.0 / (double)ka + 1.0 / (double)kb));

	double diff = r->mean_b - r->mean_a;
	double tq = cmp_t_quantile(1.0 - alpha / 2.0, r->df);
	r->ratio = exp(diff);
	if (r->se > 0) {
		r->t = diff / r->se;
		r->p = 2.0 * cmp_t_sf(fabs(r->t), r->df);
	} else {
		/* No noise at all: any difference is exact, none is no change. */
		r->t = diff == 0 ? 0 : (diff > 0 ? INFINITY : -INFINITY);
		r->p = diff == 0 ? 1.0 : 0.0;
	}
	r->ratio_lo = exp(diff - tq * r->se);
	r->ratio_hi = exp(diff + tq * r->se);
	r->mde_pct = 100.0 * (exp(cmp_mde_t_units(tq, power, r->df) * r->se) - 1.0);
	return 0;
}

int cmp_variance_components(const double *const *groups, const size_t *n, size_t k,
			    double *between, double *within)
{
	size_t total = 0;
	double grand = 0, ssw = 0, ssb = 0, sum_n2 = 0;

	if (k < 2)
		return -1;
	for (size_t j = 0; j < k; j++) {
		total += n[j];
		sum_n2 += (double)n[j] * (double)n[j];
		for (size_t i = 0; i < n[j]; i++)
			grand += groups[j][i];
	}
	if (total <= k)
		return -1;
	grand /= (double)total;
	for (size_t j = 0; j < k; j++) {
		double m = 0;
		if (n[j] == 0)
			continue;
		for (size_t i = 0; i < n[j]; i++)
			m += groups[j][i];
		m /= (double)n[j];
		for (size_t i = 0; i < n[j]; i++)
			ssw += (groups[j][i] - m) * (groups[j][i] - m);
		ssb += (double)n[j] * (m - grand) * (m - grand);
	}
	double msw = ssw / (double)(total - k);
	double msb = ssb / (double)(k - 1);
	/* Unbalanced groups: the effective group size of the ANOVA estimator. */
	double n0 = ((double)total - sum_n2 / (double)total) / (double)(k - 1);
	*within = msw;
	*between = msb > msw ? (msb - msw) / n0 : 0.0;
	return 0;
}
