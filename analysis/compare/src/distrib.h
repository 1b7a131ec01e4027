/* Distribution functions for p-values and critical values, built on the
 * C library's erfc() and lgamma(). */
#ifndef VTB_CMP_DISTRIB_H
#define VTB_CMP_DISTRIB_H

/* P(Z > z) for a standard normal Z. */
double cmp_normal_sf(double z);
/* z such that P(Z <= z) = p, 0 < p < 1. */
double cmp_normal_quantile(double p);
/* Regularized incomplete beta I_x(a, b); returns NaN if it fails to converge. */
double cmp_beta_reg(double x, double a, double b);
/* P(F > f) for F ~ F(d1, d2). */
double cmp_f_sf(double f, double d1, double d2);

#endif
