/* The project's one definition of a quantile: nearest rank. The q-th
 * quantile of n sorted values is the value of 1-based rank ceil(q * n),
 * at least 1: always an observed value, never interpolated. Every tool that
 * reports a percentile (vtb-analyze, vtb-compare, vtb-xentrace-analyze, the
 * Linux storm) takes its rank from here, with q as an exact fraction num/den
 * so that p99.9 is not 0.99899999... */
#ifndef VTB_QUANTILE_H
#define VTB_QUANTILE_H
#include <stdint.h>

/* 1-based nearest rank of the num/den quantile among n values (n > 0,
 * 0 < num <= den). */
uint64_t vtb_nearest_rank(uint64_t n, uint64_t num, uint64_t den);

#endif
