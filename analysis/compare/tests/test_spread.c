/* Brown-Forsythe by hand, and a spread-only change that the location test
 * cannot see. */
#include "fixture.h"
#include "rank.h"
#include "spread.h"

void test_spread(void)
{
	/* By hand. A = {1,2,3,4,5}: median 3, |dev| = 2,1,0,1,2, mean 1.2.
	 * B = {-2,1,3,5,8}: median 3, |dev| = 5,2,0,2,5, mean 2.8.
	 * Grand mean 2.0; SSB = 5*0.8^2 + 5*0.8^2 = 6.4;
	 * SSW = (0.64*2 + 0.04*2 + 1.44) + (4.84*2 + 0.64*2 + 7.84) = 2.8 + 18.8
	 * = 21.6; F = 6.4 / (21.6/8) = 2.370370...; df = (1, 8). */
	double a[] = { 1, 2, 3, 4, 5 }, b[] = { -2, 1, 3, 5, 8 };
	struct bf_result r;
	cmp_brown_forsythe(a, 5, b, 5, &r);
	CHECK(r.valid);
	CHECK_NEAR(r.f, 6.4 / 2.7, 1e-12);
	CHECK(r.df1 == 1 && r.df2 == 8);
	CHECK_NEAR(r.mad_a, 1.2, 1e-12);
	CHECK_NEAR(r.mad_b, 2.8, 1e-12);
	CHECK(r.p > 0.1 && r.p < 0.2); /* t(8) = 1.54: p = 0.16 */

	/* A shifted copy has the same deviations: F = 0, p = 1. */
	double s[] = { 11, 12, 13, 14, 15 };
	cmp_brown_forsythe(a, 5, s, 5, &r);
	CHECK(r.f == 0 && r.p == 1.0);

	/* Spread-only change: A = -100..100, B = -300..300 step 3, both
	 * symmetric about 0, so P(B > A) = 1/2 exactly and Mann-Whitney sees
	 * nothing (U_B = nm/2, p = 1), while the spread test must fire. */
	double x[201], y[201];
	for (int i = 0; i < 201; i++) {
		x[i] = i - 100;
		y[i] = 3 * (i - 100);
	}
	struct mwu_result m;
	cmp_mwu_test(x, 201, y, 201, &m);
	CHECK(m.u_b == 201.0 * 201.0 / 2.0);
	CHECK(m.p > 0.9);
	cmp_brown_forsythe(x, 201, y, 201, &r);
	CHECK(r.p < 1e-6);
	CHECK_NEAR(r.ratio, 3.0, 1e-12);

	/* Fewer than 3 samples in all: not testable. */
	cmp_brown_forsythe(a, 1, b, 1, &r);
	CHECK(!r.valid);
}
