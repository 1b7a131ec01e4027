/* vtb/stationarity.h: Pettitt's test finds a planted change point, stays
 * quiet on flat and iid series, and keeps its false-alarm rate. */
#include "vtb/stationarity.h"
#include "vtb/test.h"
#include "suites.h"

#include <math.h>
#include <stdint.h>

static double xs[2000];

/* A small deterministic PRNG (xorshift64*), so the test is repeatable. */
static uint64_t rng = 88172645463325252ull;
static double uniform(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (double)((rng * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

/* The shape of a default deterministic run while Xen scrubs free RAM: a
 * sawtooth 271..291 for 850 ticks, then a flat 266 with one outlier. */
static void test_pettitt_finds_scrub_warmup(void)
{
	struct vtb_change_point cp;
	for (int i = 0; i < 2000; i++)
		xs[i] = i < 850 ? 271 + (i % 21) : 266;
	xs[1500] = 400;
	CHECK(vtb_pettitt(xs, 2000, &cp) == 0);
	CHECK_MSG(cp.at == 850, "at %zu", cp.at);
	CHECK(cp.p < 1e-6);
	CHECK_NEAR(cp.median_before, 281, 0);
	CHECK_NEAR(cp.median_after, 266, 0);
}

static void test_pettitt_flat_series_is_stationary(void)
{
	struct vtb_change_point cp;
	for (int i = 0; i < 2000; i++)
		xs[i] = 266;
	CHECK(vtb_pettitt(xs, 2000, &cp) == 0);
	CHECK_NEAR(cp.statistic, 0, 0);
	CHECK_NEAR(cp.p, 1, 0);
	xs[700] = 300; /* one outlier is no change point */
	CHECK(vtb_pettitt(xs, 2000, &cp) == 0);
	CHECK_MSG(cp.p > VTB_PETTITT_ALPHA, "p %g", cp.p);
}

static void test_pettitt_finds_a_small_shift(void)
{
	struct vtb_change_point cp;
	for (int i = 0; i < 1000; i++)
		xs[i] = floor(uniform() * 100) + (i >= 600 ? 30 : 0);
	CHECK(vtb_pettitt(xs, 1000, &cp) == 0);
	CHECK(cp.p < VTB_PETTITT_ALPHA);
	CHECK_MSG(cp.at >= 580 && cp.at <= 620, "at %zu", cp.at);
	CHECK(cp.median_after > cp.median_before);
}

/* Under iid data the approximate p-value is conservative: at alpha 0.05,
 * at most about 5 % of 500 series raise an alarm. */
static void test_pettitt_false_alarm_rate(void)
{
	struct vtb_change_point cp;
	int alarms = 0;
	for (int r = 0; r < 500; r++) {
		for (int i = 0; i < 300; i++)
			xs[i] = floor(uniform() * 1000);
		CHECK(vtb_pettitt(xs, 300, &cp) == 0);
		alarms += cp.p < 0.05;
	}
	CHECK_MSG(alarms <= 35, "%d of 500 iid series flagged at alpha 0.05", alarms);
	CHECK_MSG(alarms >= 5, "%d of 500: the test never fires", alarms);
}

static void test_pettitt_bad_input(void)
{
	struct vtb_change_point cp = { .at = 7 };
	double one[1] = { 1 };
	CHECK(vtb_pettitt(one, 1, &cp) == -1);
	CHECK(cp.at == 0);
	double two[3] = { 1, NAN, 2 };
	CHECK(vtb_pettitt(two, 3, &cp) == -1);
	double ok[2] = { 1, 2 };
	CHECK(vtb_pettitt(ok, 2, &cp) == 0);
	CHECK(cp.at == 1);
}

void test_stationarity_suite(void)
{
	RUN(test_pettitt_finds_scrub_warmup);
	RUN(test_pettitt_flat_series_is_stationary);
	RUN(test_pettitt_finds_a_small_shift);
	RUN(test_pettitt_false_alarm_rate);
	RUN(test_pettitt_bad_input);
}
