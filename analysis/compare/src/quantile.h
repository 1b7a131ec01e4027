/* Sorting and order statistics on double samples.
 * Quantiles use libvtb's nearest-rank definition x_(ceil(p*n)) (vtb/quantile.h): the result is
 * always an observed value, so integer tick data give integer quantiles and
 * deterministic runs compare exactly. The median is the usual one (mean of
 * the two middle values when n is even). */
#ifndef VTB_CMP_QUANTILE_H
#define VTB_CMP_QUANTILE_H
#include <stddef.h>
#include <stdint.h>

void cmp_sort_doubles(double *v, size_t n);
double cmp_quantile_sorted(const double *v, size_t n, uint64_t num, uint64_t den);
double cmp_median_sorted(const double *v, size_t n);
/* k-th smallest (0-based) of v, reordering v; O(n) expected. */
double cmp_select_kth(double *v, size_t n, size_t k);

#endif
