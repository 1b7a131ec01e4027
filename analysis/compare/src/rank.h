/* Rank-based location comparison: Mann-Whitney U and the Hodges-Lehmann
 * shift with its distribution-free confidence interval.
 * All inputs are sorted ascending. Orientation: statistics count B over A,
 * so a positive shift means B's values are larger (B slower). */
#ifndef VTB_CMP_RANK_H
#define VTB_CMP_RANK_H
#include <stddef.h>
#include <stdint.h>

/* R's convention: exact null distribution when both samples are smaller
 * than this and there are no ties. */
#define MWU_EXACT_MAX 50

struct mwu_result {
	double u_b;       /* #{b > a} + 0.5 #{b == a} */
	double u_a;       /* na*nb - u_b */
	double mean;      /* na*nb/2 */
	double sigma;     /* null s.d., tie-corrected; 0 when all values equal */
	double z;         /* continuity-corrected, NaN when exact or sigma == 0 */
	double p;         /* two-sided */
	double tie_sum;   /* sum over tie groups of t^3 - t */
	double prob_sup;  /* u_b / (na*nb): P(B > A) + P(B == A)/2 */
	int ties;
	int exact;
};

int cmp_mwu_test(const double *a, size_t na, const double *b, size_t nb,
	     struct mwu_result *r);

/* Two-sided p from the normal approximation with continuity correction;
 * z (if not NULL) receives the corrected statistic. */
double cmp_mwu_normal_p(double u, double mean, double sigma, double *z);

/* Null distribution of U for sample sizes m, n without ties:
 * returns P(U <= u) for u = 0..m*n (malloc'd, m*n+1 entries), or NULL. */
double *cmp_mwu_exact_cdf(size_t m, size_t n);

/* k-th smallest (1-based) of the na*nb differences b_j - a_i, in
 * O((na+nb) * 64) time and O(1) space, without forming the differences. */
double cmp_diff_kth(const double *a, size_t na, const double *b, size_t nb,
		uint64_t k);
/* Number of differences b_j - a_i <= d. */
uint64_t cmp_diff_count_le(const double *a, size_t na, const double *b, size_t nb,
		       double d);

struct hl_result {
	double shift;      /* median of the differences b_j - a_i */
	double lo, hi;     /* confidence interval */
	uint64_t k_lo, k_hi; /* 1-based ranks of the interval ends */
	double conf;       /* nominal level, 1 - alpha */
	int exact;         /* interval ranks from the exact null distribution */
};

int cmp_hl_estimate(const double *a, size_t na, const double *b, size_t nb,
		double alpha, const struct mwu_result *mw, struct hl_result *r);

#endif
