/* The verdict rule, case by case. */
#include "harness.h"
#include "verdict.h"

void test_verdict(void)
{
	double a[] = { 1, 2, 2, 3 }, b[] = { 1, 2, 2, 3 }, c[] = { 1, 2, 3, 3 };
	CHECK(multisets_equal(a, 4, b, 4));
	CHECK(!multisets_equal(a, 4, c, 4));
	CHECK(!multisets_equal(a, 4, b, 3));

	/* median A = 1000, threshold 1% = 10. */
	CHECK(verdict_decide(1, 0.0, 0.05, 500, 1000, 1) == V_IDENTICAL);
	CHECK(verdict_decide(0, 0.01, 0.05, 11, 1000, 1) == V_SLOWER);
	CHECK(verdict_decide(0, 0.01, 0.05, -11, 1000, 1) == V_FASTER);
	/* Significant but below the practical threshold. */
	CHECK(verdict_decide(0, 1e-9, 0.05, 10, 1000, 1) == V_NO_CHANGE);
	CHECK(verdict_decide(0, 1e-9, 0.05, -9.5, 1000, 1) == V_NO_CHANGE);
	/* Large but not significant. */
	CHECK(verdict_decide(0, 0.05, 0.05, 300, 1000, 1) == V_NO_CHANGE);
	CHECK(verdict_decide(0, 0.2, 0.05, -300, 1000, 1) == V_NO_CHANGE);
	/* Threshold 0: significance alone decides the direction. */
	CHECK(verdict_decide(0, 0.01, 0.05, 0.5, 1000, 0) == V_SLOWER);

	CHECK(spread_decide(1, 1, 0.0, 0.05, 1, 2) == S_IDENTICAL);
	CHECK(spread_decide(0, 1, 0.01, 0.05, 1, 2) == S_WIDER);
	CHECK(spread_decide(0, 1, 0.01, 0.05, 2, 1) == S_NARROWER);
	CHECK(spread_decide(0, 1, 0.5, 0.05, 2, 1) == S_NO_CHANGE);
	CHECK(spread_decide(0, 0, NAN, 0.05, 2, 1) == S_UNKNOWN);
}
