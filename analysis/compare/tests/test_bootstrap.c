/* Bootstrap: reproducibility, agreement of the order-statistic shortcut
 * with the textbook resampling bootstrap, and asymptotic theory. */
#include "bootstrap.h"
#include "fixture.h"
#include "quantile.h"
#include "rng.h"
#include <stdlib.h>
#include <string.h>

void test_bootstrap(void)
{
	enum { N = 1000 };
	double a[N], b[N];
	struct rng g;
	cmp_rng_seed(&g, 2024);
	/* A: uniform integers 0..999; B: another draw shifted by +10. */
	for (int i = 0; i < N; i++) {
		a[i] = (double)cmp_rng_below(&g, 1000);
		b[i] = (double)cmp_rng_below(&g, 1000) + 10.0;
	}
	cmp_sort_doubles(a, N);
	cmp_sort_doubles(b, N);

	struct boot_result r1, r2, r3, rs;
	CHECK(cmp_bootstrap_diffs(a, N, b, N, 2000, 5, 0.05, BOOT_ORDER_STAT, &r1) == 0);
	CHECK(cmp_bootstrap_diffs(a, N, b, N, 2000, 5, 0.05, BOOT_ORDER_STAT, &r2) == 0);
	CHECK(cmp_bootstrap_diffs(a, N, b, N, 2000, 6, 0.05, BOOT_ORDER_STAT, &r3) == 0);
	/* Same seed, same figures, bit for bit; another seed moves them. */
	CHECK(memcmp(&r1, &r2, sizeof r1) == 0);
	CHECK(r1.median_diff.lo != r3.median_diff.lo || r1.median_diff.hi != r3.median_diff.hi ||
	      r1.p99_diff.lo != r3.p99_diff.lo || r1.p99_diff.hi != r3.p99_diff.hi);
	CHECK(r1.median_diff.point == cmp_median_sorted(b, N) - cmp_median_sorted(a, N));
	CHECK(r1.median_diff.lo < r1.median_diff.point && r1.median_diff.point < r1.median_diff.hi);

	/* Theory: the median of n uniforms on a range of width W has standard
	 * error W / (2 sqrt(n)); for the difference of two, times sqrt(2):
	 * 1000 / (2 sqrt(1000)) * sqrt(2) = 22.36, so the 95% interval is
	 * about +-43.8 wide on each side. */
	double half = 0.5 * (r1.median_diff.hi - r1.median_diff.lo);
	CHECK(half > 0.85 * 43.8 && half < 1.15 * 43.8);

	/* The shortcut draws from the same distribution as resampling:
	 * intervals agree to within Monte Carlo error (about 0.1 sd). */
	CHECK(cmp_bootstrap_diffs(a, N, b, N, 2000, 9, 0.05, BOOT_RESAMPLE, &rs) == 0);
	CHECK_NEAR(rs.median_diff.lo, r1.median_diff.lo, 8.0);
	CHECK_NEAR(rs.median_diff.hi, r1.median_diff.hi, 8.0);
	CHECK_NEAR(rs.p99_diff.lo, r1.p99_diff.lo, 8.0);
	CHECK_NEAR(rs.p99_diff.hi, r1.p99_diff.hi, 8.0);

	/* Constant samples: every replicate equals the point estimate. */
	double c[50], d[51];
	for (int i = 0; i < 50; i++)
		c[i] = 7;
	for (int i = 0; i < 51; i++)
		d[i] = 9;
	for (int m = 0; m < 2; m++) {
		CHECK(cmp_bootstrap_diffs(c, 50, d, 51, 300, 1, 0.05, m ? BOOT_RESAMPLE : BOOT_ORDER_STAT, &r1) == 0);
		CHECK(r1.median_diff.lo == 2 && r1.median_diff.hi == 2 && r1.p99_diff.lo == 2 &&
		      r1.p99_diff.hi == 2);
	}
	/* One sample per side still works (all ranks coincide). */
	CHECK(cmp_bootstrap_diffs(c, 1, d, 1, 10, 1, 0.05, BOOT_ORDER_STAT, &r1) == 0);
	CHECK(r1.median_diff.lo == 2 && r1.p99_diff.hi == 2);
	/* No replicates: point estimates only. */
	CHECK(cmp_bootstrap_diffs(a, N, b, N, 0, 1, 0.05, BOOT_ORDER_STAT, &r1) == 0);
	CHECK(r1.reps == 0 && r1.p99_diff.point == cmp_quantile_sorted(b, N, 99, 100) -
						     cmp_quantile_sorted(a, N, 99, 100));
}

/* Exact joint law of resample order statistics, by enumerating all n^n
 * index tuples (n = 5: 3125), against 200000 shortcut draws. Ranks 2, 3
 * and 5 of 5 (a low order statistic, the median, the maximum). */
void test_bootstrap_exact_law(void)
{
	enum { n = 5, R = 3, DRAWS = 200000 };
	static const size_t ranks[R] = { 2, 3, 5 };
	static double exact[n][n][n], seen[n][n][n];
	size_t tuple[n];
	for (size_t code = 0; code < 3125; code++) {
		size_t c = code;
		for (int i = 0; i < n; i++) {
			tuple[i] = c % n;
			c /= n;
		}
		/* sort the 5 indices (insertion sort) */
		for (int i = 1; i < n; i++)
			for (int j = i; j > 0 && tuple[j - 1] > tuple[j]; j--) {
				size_t t = tuple[j];
				tuple[j] = tuple[j - 1];
				tuple[j - 1] = t;
			}
		exact[tuple[ranks[0] - 1]][tuple[ranks[1] - 1]][tuple[ranks[2] - 1]] += 1.0 / 3125;
	}
	struct rng g;
	cmp_rng_seed(&g, 99);
	for (int d = 0; d < DRAWS; d++) {
		size_t idx[R];
		cmp_boot_order_stat_indices(&g, n, ranks, R, idx);
		seen[idx[0]][idx[1]][idx[2]] += 1.0 / DRAWS;
	}
	/* Largest cell probability here is about 0.06: its binomial s.d. over
	 * 200000 draws is 5e-4, so 3e-3 is a six-sigma bound. */
	double worst = 0;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			for (int k = 0; k < n; k++)
				worst = fmax(worst, fabs(exact[i][j][k] - seen[i][j][k]));
	CHECK(worst < 3e-3);
}
