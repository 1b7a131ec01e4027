/* Mann-Whitney and Hodges-Lehmann against published examples, table
 * critical values, hand computation and brute force. */
#include "fixture.h"
#include "rank.h"
#include "rng.h"
#include "quantile.h"
#include <stdint.h>
#include <stdlib.h>

/* Brute force: the null distribution by enumerating every placement of the
 * m first-sample ranks among m+n (bit masks), counting U directly. */
static void brute_cdf(unsigned m, unsigned n, double *cdf)
{
	unsigned N = m + n, width = m * n + 1;
	double *cnt = calloc(width, sizeof *cnt), total = 0;
	for (uint32_t mask = 0; mask < (1u << N); mask++) {
		if ((unsigned)__builtin_popcount(mask) != m)
			continue;
		/* U = #(second-sample value below a first-sample value). */
		unsigned u = 0, below = 0;
		for (unsigned bit = 0; bit < N; bit++) {
			if (mask & (1u << bit))
				u += below;
			else
				below++;
		}
		cnt[u]++;
		total++;
	}
	double acc = 0;
	for (unsigned u = 0; u < width; u++) {
		acc += cnt[u];
		cdf[u] = acc / total;
	}
	free(cnt);
}

/* Largest u with two-sided exact p = 2 P(U <= u) <= 0.05: the value
 * printed in Mann-Whitney critical-value tables. */
static long critical_05(size_t m, size_t n)
{
	double *cdf = cmp_mwu_exact_cdf(m, n);
	long c = -1;
	for (size_t u = 0; u <= m * n; u++)
		if (2.0 * cdf[u] <= 0.05)
			c = (long)u;
	free(cdf);
	return c;
}

static void sorted_copy(const double *src, size_t n, double *dst)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
	cmp_sort_doubles(dst, n);
}

void test_rank(void)
{
	/* Exact null distribution, small cases by hand: m = n = 2 has
	 * counts 1,1,2,1,1 over the 6 arrangements; m = n = 3 has P(U=0) = 1/20. */
	double *cdf = cmp_mwu_exact_cdf(2, 2);
	CHECK_NEAR(cdf[0], 1.0 / 6, 1e-15);
	CHECK_NEAR(cdf[1], 2.0 / 6, 1e-15);
	CHECK_NEAR(cdf[2], 4.0 / 6, 1e-15);
	CHECK_NEAR(cdf[4], 1.0, 1e-15);
	free(cdf);
	cdf = cmp_mwu_exact_cdf(3, 3);
	CHECK_NEAR(cdf[0], 1.0 / 20, 1e-15);
	free(cdf);
	/* ... and against brute-force enumeration for all m, n <= 7. */
	int all_match = 1;
	for (unsigned m = 1; m <= 7; m++)
		for (unsigned n = 1; n <= 7; n++) {
			double ref[50];
			brute_cdf(m, n, ref);
			double *c = cmp_mwu_exact_cdf(m, n);
			for (unsigned u = 0; u <= m * n; u++)
				if (fabs(c[u] - ref[u]) > 1e-14)
					all_match = 0;
			free(c);
		}
	CHECK(all_match);
	/* Published two-sided 5% critical values of U (Mann-Whitney tables). */
	CHECK(critical_05(5, 5) == 2);
	CHECK(critical_05(6, 6) == 5);
	CHECK(critical_05(8, 8) == 13);
	CHECK(critical_05(10, 10) == 23);
	CHECK(critical_05(20, 20) == 127);

	/* Wikipedia's tortoise-and-hare example: finishing order
	 * T H H H H H T T T T T H; U_T = 25, U_H = 11. Times = positions. */
	{
		double t[] = { 1, 7, 8, 9, 10, 11 }, h[] = { 2, 3, 4, 5, 6, 12 };
		struct mwu_result r;
		CHECK(cmp_mwu_test(h, 6, t, 6, &r) == 0); /* A = hares, B = tortoises */
		CHECK(r.u_b == 25 && r.u_a == 11);
		CHECK(r.exact && !r.ties);
	}

	/* Hollander & Wolfe (1999) Table 4.1, permeability of the human
	 * chorioamnion: at term x (A) vs 12-26 weeks y (B). Published: W = 35
	 * (= U_A), exact two-sided p = 0.2544, Hodges-Lehmann estimate of
	 * y - x = -0.305 with exact 95% interval [-0.76, 0.15]. */
	{
		double x0[] = { 0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46 };
		double y0[] = { 1.15, 0.88, 0.90, 0.74, 1.21 };
		double x[10], y[5];
		sorted_copy(x0, 10, x);
		sorted_copy(y0, 5, y);
		struct mwu_result r;
		struct hl_result hl;
		CHECK(cmp_mwu_test(x, 10, y, 5, &r) == 0);
		CHECK(r.u_a == 35 && r.u_b == 15);
		CHECK(r.exact);
		CHECK_NEAR(r.p, 0.2544, 5e-5);
		CHECK(cmp_hl_estimate(x, 10, y, 5, 0.05, &r, &hl) == 0);
		CHECK_NEAR(hl.shift, -0.305, 1e-12);
		CHECK_NEAR(hl.lo, -0.76, 1e-12);
		CHECK_NEAR(hl.hi, 0.15, 1e-12);
		CHECK(hl.exact);
	}

	/* Ties, by hand: A = {1,2,2,3}, B = {2,3,3,4}. Mid-ranks: 1 -> 1,
	 * the three 2s -> 3, the three 3s -> 6, 4 -> 8; R_B = 3+6+6+8 = 23,
	 * U_B = 23 - 4*5/2 = 13. Tie term 2*(3^3-3) = 48;
	 * var = 16/12 * (9 - 48/56) = 76/7; z = (13 - 8 - 0.5)/sqrt(76/7). */
	{
		double a[] = { 1, 2, 2, 3 }, b[] = { 2, 3, 3, 4 };
		struct mwu_result r;
		CHECK(cmp_mwu_test(a, 4, b, 4, &r) == 0);
		CHECK(r.u_b == 13);
		CHECK(r.tie_sum == 48);
		CHECK(r.ties && !r.exact);
		CHECK_NEAR(r.sigma * r.sigma, 76.0 / 7.0, 1e-12);
		CHECK_NEAR(r.z, 4.5 / sqrt(76.0 / 7.0), 1e-12);
		CHECK_NEAR(r.p, erfc(4.5 / sqrt(76.0 / 7.0) / sqrt(2.0)), 1e-15);
	}
	/* All values equal: no spread under the null, p = 1. */
	{
		double a[] = { 5, 5, 5 }, b[] = { 5, 5 };
		struct mwu_result r;
		CHECK(cmp_mwu_test(a, 3, b, 2, &r) == 0);
		CHECK(r.sigma == 0 && r.p == 1.0 && r.u_b == 3);
	}
	/* Normal approximation against the same table: at m = n = 20 the
	 * continuity-corrected z puts U = 127 inside the 5% region and 128
	 * outside, as the exact table does (sd = sqrt(400*41/12)). */
	{
		double sd = sqrt(400.0 * 41.0 / 12.0);
		CHECK(cmp_mwu_normal_p(127, 200, sd, NULL) < 0.05);
		CHECK(cmp_mwu_normal_p(128, 200, sd, NULL) > 0.05);
		CHECK(cmp_mwu_normal_p(273, 200, sd, NULL) < 0.05);
		CHECK(cmp_mwu_normal_p(272, 200, sd, NULL) > 0.05);
		CHECK(cmp_mwu_normal_p(200, 200, sd, NULL) == 1.0);
	}

	/* Hodges-Lehmann by hand: A = {1,2,3}, B = {2,4,7}: differences
	 * 1,3,6, 0,2,5, -1,1,4 -> median 2. A = {1,2}, B = {3,5}:
	 * 2,4,1,3 -> median 2.5. */
	{
		double a[] = { 1, 2, 3 }, b[] = { 2, 4, 7 };
		struct mwu_result r;
		struct hl_result hl;
		cmp_mwu_test(a, 3, b, 3, &r);
		CHECK(cmp_hl_estimate(a, 3, b, 3, 0.05, &r, &hl) == 0 && hl.shift == 2);
		CHECK(cmp_diff_kth(a, 3, b, 3, 1) == -1 && cmp_diff_kth(a, 3, b, 3, 9) == 6);
		double c[] = { 1, 2 }, d[] = { 3, 5 };
		cmp_mwu_test(c, 2, d, 2, &r);
		CHECK(cmp_hl_estimate(c, 2, d, 2, 0.05, &r, &hl) == 0 && hl.shift == 2.5);
	}

	/* cmp_diff_kth against sorting all differences, on fractional values
	 * with repeats, for every k. */
	{
		struct rng g;
		cmp_rng_seed(&g, 7);
		double a[23], b[31], all[23 * 31];
		for (int i = 0; i < 23; i++)
			a[i] = (double)cmp_rng_below(&g, 40) / 8.0 - 1.3;
		for (int j = 0; j < 31; j++)
			b[j] = (double)cmp_rng_below(&g, 40) / 8.0 + 0.1;
		cmp_sort_doubles(a, 23);
		cmp_sort_doubles(b, 31);
		for (int i = 0; i < 23; i++)
			for (int j = 0; j < 31; j++)
				all[i * 31 + j] = b[j] - a[i];
		cmp_sort_doubles(all, 23 * 31);
		int ok = 1;
		for (uint64_t k = 1; k <= 23 * 31; k++)
			if (cmp_diff_kth(a, 23, b, 31, k) != all[k - 1])
				ok = 0;
		CHECK(ok);
	}

	/* The same at a size where the normal path is used: 1500 x 1700
	 * differences (2.55 million) sorted outright, checked at the HL
	 * median and the interval ranks. */
	{
		enum { M = 1500, K = 1700 };
		struct rng g;
		cmp_rng_seed(&g, 11);
		double *a = malloc(M * sizeof *a), *b = malloc(K * sizeof *b);
		double *all = malloc((size_t)M * K * sizeof *all);
		for (int i = 0; i < M; i++)
			a[i] = 170 + (double)cmp_rng_below(&g, 60) + (i % 100 == 0 ? 3000 : 0);
		for (int j = 0; j < K; j++)
			b[j] = 171.5 + (double)cmp_rng_below(&g, 70) * 0.5;
		cmp_sort_doubles(a, M);
		cmp_sort_doubles(b, K);
		for (size_t i = 0; i < M; i++)
			for (size_t j = 0; j < K; j++)
				all[i * K + j] = b[j] - a[i];
		cmp_sort_doubles(all, (size_t)M * K);
		struct mwu_result r;
		struct hl_result hl;
		cmp_mwu_test(a, M, b, K, &r);
		CHECK(!r.exact && r.ties);
		CHECK(cmp_hl_estimate(a, M, b, K, 0.05, &r, &hl) == 0);
		uint64_t N = (uint64_t)M * K;
		CHECK(hl.shift == 0.5 * (all[N / 2 - 1] + all[N / 2]));
		CHECK(hl.lo == all[hl.k_lo - 1] && hl.hi == all[hl.k_hi - 1]);
		CHECK(hl.k_hi == N - hl.k_lo + 1 && hl.k_lo > 1 && hl.k_lo < N / 2);
		free(a);
		free(b);
		free(all);
	}

	/* Interval ranks: the normal approximation picks the same rank as
	 * the exact distribution at n = m = 6 (rank 6 = table value 5 + 1)
	 * and at 10,10 (24); checked by forcing each path. */
	{
		double a[6] = { 1, 2, 3, 4, 5, 6 }, b[6] = { 1.5, 2.5, 3.5, 4.5, 5.5, 6.5 };
		struct mwu_result r;
		struct hl_result hl;
		cmp_mwu_test(a, 6, b, 6, &r);
		CHECK(r.exact);
		cmp_hl_estimate(a, 6, b, 6, 0.05, &r, &hl);
		CHECK(hl.k_lo == 6 && hl.k_hi == 31);
		r.exact = 0;
		cmp_hl_estimate(a, 6, b, 6, 0.05, &r, &hl);
		CHECK(hl.k_lo == 6 && hl.k_hi == 31);
		double c[10], d[10];
		for (int i = 0; i < 10; i++) {
			c[i] = i;
			d[i] = i + 0.5;
		}
		cmp_mwu_test(c, 10, d, 10, &r);
		cmp_hl_estimate(c, 10, d, 10, 0.05, &r, &hl);
		CHECK(hl.exact && hl.k_lo == 24);
		r.exact = 0;
		cmp_hl_estimate(c, 10, d, 10, 0.05, &r, &hl);
		CHECK(hl.k_lo == 24);
	}
}
