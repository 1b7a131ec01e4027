/* Spread (scale) comparison: the Brown-Forsythe test, i.e. Levene's test on
 * absolute deviations from each group's median, with two groups.
 * Why this one: latency distributions are skewed and heavy-tailed, which
 * breaks the F test of variances and Levene's mean-centred version; centring
 * on the median keeps the size near nominal for skewed data (Brown &
 * Forsythe 1974). Ansari-Bradley assumes equal medians, which a comparison
 * of two Xen paths cannot promise. */
#ifndef VTB_CMP_SPREAD_H
#define VTB_CMP_SPREAD_H
#include <stddef.h>

struct bf_result {
	int valid;       /* 0 when na + nb < 3 (no residual degrees of freedom) */
	double f;        /* ANOVA F on |x - median| */
	double df1, df2; /* 1 and na + nb - 2 */
	double p;
	double mad_a, mad_b; /* mean absolute deviation from the median */
	double ratio;        /* mad_b / mad_a; NaN if mad_a == 0 */
};

/* a, b sorted ascending. */
void cmp_brown_forsythe(const double *a, size_t na, const double *b, size_t nb,
		    struct bf_result *r);

#endif
