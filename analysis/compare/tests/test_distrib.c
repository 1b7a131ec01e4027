/* Distribution functions against published constants and closed forms. */
#include "distrib.h"
#include "fixture.h"

void test_distrib(void)
{
	/* Standard normal quantiles, as printed in every z table. */
	CHECK_NEAR(cmp_normal_quantile(0.975), 1.959963984540054, 1e-12);
	CHECK_NEAR(cmp_normal_quantile(0.995), 2.5758293035489004, 1e-12);
	CHECK_NEAR(cmp_normal_quantile(0.025), -1.959963984540054, 1e-12);
	CHECK_NEAR(cmp_normal_quantile(0.5), 0.0, 1e-15);
	CHECK(isnan(cmp_normal_quantile(0.0)) && isnan(cmp_normal_quantile(1.0)));
	CHECK_NEAR(cmp_normal_sf(1.96), 0.024997895148220435, 1e-15);
	CHECK_NEAR(cmp_normal_sf(0.0), 0.5, 1e-16);

	/* Incomplete beta closed forms: I_x(1,b) = 1-(1-x)^b, I_x(a,1) = x^a,
	 * I_0.5(a,a) = 1/2 by symmetry. */
	CHECK_NEAR(cmp_beta_reg(0.3, 1.0, 4.0), 1.0 - pow(0.7, 4.0), 1e-14);
	CHECK_NEAR(cmp_beta_reg(0.3, 5.0, 1.0), pow(0.3, 5.0), 1e-14);
	CHECK_NEAR(cmp_beta_reg(0.5, 7.5, 7.5), 0.5, 1e-13);
	CHECK_NEAR(cmp_beta_reg(0.5, 250000.0, 250000.0), 0.5, 1e-9);

	/* F(1, d) is t^2 with d degrees of freedom; t has closed forms for
	 * d = 1 (Cauchy: P(|T|>t) = 1 - 2 atan(t)/pi) and d = 2
	 * (P(|T|>t) = 1 - t / sqrt(2 + t^2)). */
	CHECK_NEAR(cmp_f_sf(1.0, 1.0, 1.0), 0.5, 1e-13);
	CHECK_NEAR(cmp_f_sf(9.0, 1.0, 1.0), 1.0 - 2.0 * atan(3.0) / (4.0 * atan(1.0)), 1e-13);
	CHECK_NEAR(cmp_f_sf(4.0, 1.0, 2.0), 1.0 - 2.0 / sqrt(6.0), 1e-13);
	/* F-table critical values at the 5% level: F(1,10) = 4.9646,
	 * F(1,30) = 4.1709; and F(1, inf) = chi^2(1) = 3.8415 (z = 1.96). */
	CHECK_NEAR(cmp_f_sf(4.9646, 1.0, 10.0), 0.05, 2e-5);
	CHECK_NEAR(cmp_f_sf(4.1709, 1.0, 30.0), 0.05, 2e-5);
	CHECK_NEAR(cmp_f_sf(3.841458820694124, 1.0, 2e6), 0.05, 1e-5);
	CHECK(cmp_f_sf(0.0, 1.0, 5.0) == 1.0);
	CHECK(cmp_f_sf(INFINITY, 1.0, 5.0) == 0.0);
}
