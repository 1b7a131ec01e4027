/* Is a per-tick latency series stationary? Pettitt's rank test for one
 * change point (Pettitt 1979, Applied Statistics 28:126): the split of the
 * series into a before and an after whose ranks differ most. It finds a
 * warm-up (Xen scrubbing free RAM in the background after boot), a
 * platform that changes speed half-way, or a drift, without assuming a
 * distribution; a run's statistics are only about delivery if it finds
 * nothing. Ranks (mid-ranks for ties) make it O(n log n), and a flat
 * series (all values equal) has statistic 0 and p = 1. */
#ifndef VTB_STATIONARITY_H
#define VTB_STATIONARITY_H
#include <stddef.h>

/* The significance level below which vtb-analyze reports a change point. */
#define VTB_PETTITT_ALPHA 0.01

struct vtb_change_point {
	size_t at;            /* first index of the "after" segment (1..n-1) */
	double statistic;     /* Pettitt's K = max_t |U_t| */
	double p;             /* approximate two-sided p-value, in [0, 1] */
	double median_before; /* nearest-rank medians of x[0..at) and x[at..n) */
	double median_after;
};

/* x[n] in time order, n >= 2, every value finite. 0, or -1 (n < 2, a
 * non-finite value, or out of memory; *cp is then zeroed). */
int vtb_pettitt(const double *x, size_t n, struct vtb_change_point *cp);

#endif
