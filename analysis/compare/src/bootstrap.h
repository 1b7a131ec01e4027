/* Percentile-bootstrap confidence intervals for the difference (B - A) of
 * medians and of 99th percentiles.
 *
 * BOOT_ORDER_STAT (default) draws each replicate's order statistics
 * directly instead of materialising the resample: if n indices are drawn
 * uniformly from the sorted sample, the k-th smallest index is
 * floor(n * U_(k)) with U_(k) ~ Beta(k, n - k + 1), and a later order
 * statistic r > k follows as U_(k) + (1 - U_(k)) * Beta(r - k, n - r + 1).
 * This is the same distribution as the textbook resample-and-sort bootstrap,
 * at O(1) per replicate instead of O(n).
 * BOOT_RESAMPLE is the textbook method (resample, then select: O(n) per
 * replicate); kept to cross-check the fast one and for the sceptical. */
#ifndef VTB_CMP_BOOTSTRAP_H
#define VTB_CMP_BOOTSTRAP_H
#include <stddef.h>
#include <stdint.h>

enum boot_method { BOOT_ORDER_STAT, BOOT_RESAMPLE };

struct boot_ci {
	double point; /* statistic on the observed samples, B - A */
	double lo, hi;
};

struct boot_result {
	size_t reps;
	uint64_t seed;
	enum boot_method method;
	struct boot_ci median_diff;
	struct boot_ci p99_diff;
};

/* a, b sorted ascending. Returns 0, or -1 on allocation failure. */
int cmp_bootstrap_diffs(const double *a, size_t na, const double *b, size_t nb,
		    size_t reps, uint64_t seed, double alpha,
		    enum boot_method method, struct boot_result *out);

const char *cmp_boot_method_name(enum boot_method m);

struct rng;
/* The core of BOOT_ORDER_STAT: for ascending 1-based ranks[0..nr), the
 * 0-based indices into the sorted sample of those order statistics of one
 * resample of size n. */
void cmp_boot_order_stat_indices(struct rng *g, size_t n, const size_t *ranks,
			     size_t nr, size_t *idx);

#endif
