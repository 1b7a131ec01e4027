#include "distrib.h"
#include <math.h>

double cmp_normal_sf(double z)
{
	return 0.5 * erfc(z / sqrt(2.0));
}

double cmp_normal_quantile(double p)
{
	/* Bisection on erfc: slow by textbook standards, but it is called a
	 * handful of times per run and is accurate to a few ulps, so no table
	 * of rational-approximation coefficients has to be trusted. The lower
	 * tail is searched directly so that small p keeps its precision. */
	if (!(p > 0.0 && p < 1.0))
		return NAN;
	if (p > 0.5)
		return -cmp_normal_quantile(1.0 - p);
	double lo = -40.0, hi = 0.0;
	for (int i = 0; i < 200; i++) {
		double mid = 0.5 * (lo + hi);
		if (mid == lo || mid == hi)
			break;
		if (0.5 * erfc(-mid / sqrt(2.0)) < p)
			lo = mid;
		else
			hi = mid;
	}
	return 0.5 * (lo + hi);
}

/* Continued fraction for I_x(a,b) (modified Lentz), valid and fast when
 * x < (a+1)/(a+b+2); the caller uses the symmetry otherwise. The number of
 * terms grows like sqrt(max(a,b)), so half a million degrees of freedom
 * still converge in a few thousand steps. */
#define LENTZ_TINY 1e-300

/* One modified-Lentz step with partial numerator num: updates the running
 * c and d and returns the factor the convergent is multiplied by. */
static double lentz_step(double num, double *c, double *d)
{
	*d = 1.0 + num * *d;
	if (fabs(*d) < LENTZ_TINY)
		*d = LENTZ_TINY;
	*c = 1.0 + num / *c;
	if (fabs(*c) < LENTZ_TINY)
		*c = LENTZ_TINY;
	*d = 1.0 / *d;
	return *d * *c;
}

static double beta_cf(double x, double a, double b)
{
	const double eps = 1e-15;
	double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
	if (fabs(d) < LENTZ_TINY)
		d = LENTZ_TINY;
	d = 1.0 / d;
	double h = d;
	for (int m = 1; m <= 1000000; m++) {
		double m2 = 2.0 * m;
		/* even step, then odd step of the fraction's expansion */
		h *= lentz_step(m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)), &c, &d);
		double del = lentz_step(-(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0)), &c, &d);
		h *= del;
		if (fabs(del - 1.0) < eps)
			return h;
	}
	return NAN;
}

double cmp_beta_reg(double x, double a, double b)
{
	if (!(a > 0.0 && b > 0.0) || isnan(x))
		return NAN;
	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	double lnfront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
	double front = exp(lnfront);
	if (x < (a + 1.0) / (a + b + 2.0))
		return front * beta_cf(x, a, b) / a;
	return 1.0 - front * beta_cf(1.0 - x, b, a) / b;
}

double cmp_f_sf(double f, double d1, double d2)
{
	if (isnan(f))
		return NAN;
	if (f <= 0.0)
		return 1.0;
	if (isinf(f))
		return 0.0;
	return cmp_beta_reg(d2 / (d2 + d1 * f), d2 / 2.0, d1 / 2.0);
}
