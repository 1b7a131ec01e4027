#include "spread.h"
#include "distrib.h"
#include "quantile.h"
#include <math.h>
#include <string.h>

static double mean_absdev(const double *v, size_t n, double med)
{
	long double s = 0.0L;
	for (size_t i = 0; i < n; i++)
		s += fabsl((long double)v[i] - med);
	return (double)(s / n);
}

/* Sum of squares of |v - med| around their mean, two-pass so that large
 * sample sizes do not lose the small within-group variation. */
static long double ss_within(const double *v, size_t n, double med, double zbar)
{
	long double s = 0.0L;
	for (size_t i = 0; i < n; i++) {
		long double d = fabsl((long double)v[i] - med) - zbar;
		s += d * d;
	}
	return s;
}

void cmp_brown_forsythe(const double *a, size_t na, const double *b, size_t nb,
		    struct bf_result *r)
{
	memset(r, 0, sizeof *r);
	r->f = r->p = r->ratio = NAN;
	if (na == 0 || nb == 0)
		return;
	double meda = cmp_median_sorted(a, na), medb = cmp_median_sorted(b, nb);
	r->mad_a = mean_absdev(a, na, meda);
	r->mad_b = mean_absdev(b, nb, medb);
	r->ratio = r->mad_a > 0.0 ? r->mad_b / r->mad_a : NAN;
	if (na + nb < 3)
		return;
	r->valid = 1;
	double N = (double)(na + nb);
	double zbar = ((double)na * r->mad_a + (double)nb * r->mad_b) / N;
	long double ssb = (long double)na * (r->mad_a - zbar) * (r->mad_a - zbar) +
			  (long double)nb * (r->mad_b - zbar) * (r->mad_b - zbar);
	long double ssw = ss_within(a, na, meda, r->mad_a) +
			  ss_within(b, nb, medb, r->mad_b);
	r->df1 = 1.0;
	r->df2 = N - 2.0;
	if (ssw == 0.0L) {
		/* No spread inside either group: any difference between the
		 * groups is certain, none means nothing to detect. */
		r->f = ssb > 0.0L ? INFINITY : 0.0;
	} else {
		r->f = (double)(ssb / (ssw / r->df2));
	}
	r->p = cmp_f_sf(r->f, r->df1, r->df2);
}
