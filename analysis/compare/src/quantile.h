/* Sorting and order statistics on double samples.
 * Quantiles use the nearest-rank definition x_(ceil(p*n)): the result is
 * always an observed value, so integer tick data give integer quantiles and
 * deterministic runs compare exactly. The median is the usual one (mean of
 * the two middle values when n is even). */
#ifndef VTB_CMP_QUANTILE_H
#define VTB_CMP_QUANTILE_H
#include <stddef.h>
#include <stdint.h>

void sort_doubles(double *v, size_t n);
/* 1-based nearest rank of the quantile num/den (0 < num/den <= 1) among n. */
size_t nearest_rank(uint64_t num, uint64_t den, size_t n);
double quantile_sorted(const double *v, size_t n, uint64_t num, uint64_t den);
double median_sorted(const double *v, size_t n);
/* k-th smallest (0-based) of v, reordering v; O(n) expected. */
double select_kth(double *v, size_t n, size_t k);

#endif
