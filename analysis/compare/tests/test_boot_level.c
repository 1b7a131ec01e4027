/* The boot-level comparison on generated two-level data: each boot draws
 * its own multiplicative effect (between-boot SD sb on the log scale), each
 * sample its own noise (within-boot SD sw), so the truth is known. */
#include "boot_level.h"
#include "fixture.h"
#include "rng.h"
#include <math.h>
#include <stdlib.h>

#define N_PER_BOOT 101
#define REPS 1000

static int dcmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* One boot's median latency of N_PER_BOOT samples around exp(mu). */
static double boot_median(struct rng *g, double mu, double sb, double sw)
{
	double buf[N_PER_BOOT];
	double b = sb * cmp_rng_normal(g);
	for (size_t i = 0; i < N_PER_BOOT; i++)
		buf[i] = exp(mu + b + sw * cmp_rng_normal(g));
	qsort(buf, N_PER_BOOT, sizeof buf[0], dcmp);
	return buf[N_PER_BOOT / 2];
}

/* REPS comparisons of K vs K boots, B shifted by `shift` on the log scale.
 * Returns the rejection rate; *mde_median gets the median printed MDE (%). */
static double rejection_rate(struct rng *g, size_t k, double shift, double alpha, double power,
			     const struct cmp_boot_noise *hist, double *mde_median)
{
	static double mdes[REPS];
	double a[16], b[16];
	int rejected = 0;
	char err[256];
	for (size_t r = 0; r < REPS; r++) {
		for (size_t j = 0; j < k; j++) {
			a[j] = boot_median(g, 7.0, 0.3, 0.5);
			b[j] = boot_median(g, 7.0 + shift, 0.3, 0.5);
		}
		struct cmp_boot_result res;
		if (cmp_boot_compare(a, k, b, k, alpha, power, hist, &res, err, sizeof err)) {
			CHECK_MSG(0, "%s", err);
			return NAN;
		}
		rejected += res.p < alpha;
		mdes[r] = res.mde_pct;
	}
	if (mde_median) {
		qsort(mdes, REPS, sizeof mdes[0], dcmp);
		*mde_median = mdes[REPS / 2];
	}
	return rejected / (double)REPS;
}

void test_boot_level_calibration(void)
{
	/* alpha 5 %, power 80 %: over 1000 A/A comparisons at most 7 % false
	 * alarms; with B shifted by the MDE the test printed, power within 10
	 * points of 80 %. */
	const double alpha = 0.05, power = 0.8;
	static const size_t ks[] = { 2, 3, 5, 10 };
	struct rng g;
	cmp_rng_seed(&g, 42);
	for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
		double mde;
		double fa = rejection_rate(&g, ks[i], 0.0, alpha, power, NULL, &mde);
		CHECK_MSG(fa <= alpha + 0.02, "K=%zu: false-alarm rate %.3f", ks[i], fa);
		double pw = rejection_rate(&g, ks[i], log1p(mde / 100.0), alpha, power, NULL, NULL);
		CHECK_MSG(fabs(pw - power) <= 0.10, "K=%zu: power %.3f at the printed MDE %.1f %%", ks[i], pw, mde);
		printf("# K=%zu: false alarms %.3f, median printed MDE %.1f %%, power there %.3f\n", ks[i], fa,
		       mde, pw);
	}
	/* With noise calibrated from history (true variance of the boot median,
	 * 40 df), K=1 can be judged, and the rates still hold. */
	double v = 0.3 * 0.3 + 1.2533 * 1.2533 * 0.25 / N_PER_BOOT;
	struct cmp_boot_noise hist = { .var = v, .df = 40 };
	double mde;
	double fa = rejection_rate(&g, 1, 0.0, alpha, power, &hist, &mde);
	CHECK_MSG(fa <= alpha + 0.02, "K=1 + history: false-alarm rate %.3f", fa);
	double pw = rejection_rate(&g, 1, log1p(mde / 100.0), alpha, power, &hist, NULL);
	CHECK_MSG(fabs(pw - power) <= 0.10, "K=1 + history: power %.3f at MDE %.1f %%", pw, mde);
	printf("# K=1 + history (40 df): false alarms %.3f, MDE %.1f %%, power there %.3f\n", fa, mde, pw);
}

void test_boot_level_basics(void)
{
	char err[256];
	struct cmp_boot_result r;
	double a[] = { 100, 110, 90 }, b[] = { 200, 220, 180 };
	CHECK(cmp_boot_compare(a, 3, b, 3, 0.05, 0.8, NULL, &r, err, sizeof err) == 0);
	CHECK_NEAR(r.ratio, 2.0, 1e-12);
	CHECK(r.p < 0.01 && r.ratio_lo < 2.0 && r.ratio_hi > 2.0);
	CHECK_NEAR(r.df, 4.0, 0);
	/* t quantiles from the table: t(0.975, 4) = 2.776445, t(0.975, 30) = 2.042272. */
	CHECK_NEAR(cmp_t_quantile(0.975, 4), 2.7764451051977987, 1e-9);
	CHECK_NEAR(cmp_t_quantile(0.975, 30), 2.0422724563012373, 1e-9);
	CHECK_NEAR(cmp_t_sf(0, 7), 0.5, 1e-15);
	/* One boot a side, no history: the noise is unknown, refused. */
	CHECK(cmp_boot_compare(a, 1, b, 1, 0.05, 0.8, NULL, &r, err, sizeof err) == -1);
	CHECK(strstr(err, "calibrate") != NULL);
	double z[] = { 0.0 };
	CHECK(cmp_boot_compare(z, 1, b, 3, 0.05, 0.8, NULL, &r, err, sizeof err) == -1);
	/* Identical boots, no spread: p = 1, MDE 0. */
	double c[] = { 5, 5 };
	CHECK(cmp_boot_compare(c, 2, c, 2, 0.05, 0.8, NULL, &r, err, sizeof err) == 0);
	CHECK(r.p == 1.0 && r.mde_pct == 0.0);
}

void test_variance_components(void)
{
	/* 300 boots of 40 samples, between SD 2, within SD 5: the ANOVA
	 * estimates recover 4 and 25 within a few percent; unbalanced groups
	 * too. */
	enum { K = 300, N = 40 };
	static double data[K][N];
	const double *groups[K];
	size_t n[K];
	struct rng g;
	cmp_rng_seed(&g, 7);
	for (size_t j = 0; j < K; j++) {
		double b = 2.0 * cmp_rng_normal(&g);
		n[j] = j % 2 ? N : N / 2;
		for (size_t i = 0; i < n[j]; i++)
			data[j][i] = 100 + b + 5.0 * cmp_rng_normal(&g);
		groups[j] = data[j];
	}
	double between, within;
	CHECK(cmp_variance_components(groups, n, K, &between, &within) == 0);
	CHECK_MSG(fabs(between - 4.0) < 0.8, "between %.3f", between);
	CHECK_MSG(fabs(within - 25.0) < 1.0, "within %.3f", within);
	CHECK(cmp_variance_components(groups, n, 1, &between, &within) == -1);
}
