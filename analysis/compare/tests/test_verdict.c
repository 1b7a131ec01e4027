/* The verdict rule, case by case. */
#include "fixture.h"
#include "verdict.h"

void test_verdict(void)
{
	double a[] = { 1, 2, 2, 3 }, b[] = { 1, 2, 2, 3 }, c[] = { 1, 2, 3, 3 };
	CHECK(cmp_multisets_equal(a, 4, b, 4));
	CHECK(!cmp_multisets_equal(a, 4, c, 4));
	CHECK(!cmp_multisets_equal(a, 4, b, 3));

	/* median A = 1000, threshold 1% = 10. */
	CHECK(cmp_verdict_decide(1, 0.0, 0.05, 500, 1000, 1) == V_IDENTICAL);
	CHECK(cmp_verdict_decide(0, 0.01, 0.05, 11, 1000, 1) == V_SLOWER);
	CHECK(cmp_verdict_decide(0, 0.01, 0.05, -11, 1000, 1) == V_FASTER);
	/* Significant but below the practical threshold. */
	CHECK(cmp_verdict_decide(0, 1e-9, 0.05, 10, 1000, 1) == V_NO_CHANGE);
	CHECK(cmp_verdict_decide(0, 1e-9, 0.05, -9.5, 1000, 1) == V_NO_CHANGE);
	/* Large but not significant. */
	CHECK(cmp_verdict_decide(0, 0.05, 0.05, 300, 1000, 1) == V_NO_CHANGE);
	CHECK(cmp_verdict_decide(0, 0.2, 0.05, -300, 1000, 1) == V_NO_CHANGE);
	/* Threshold 0: significance alone decides the direction. */
	CHECK(cmp_verdict_decide(0, 0.01, 0.05, 0.5, 1000, 0) == V_SLOWER);

	CHECK(cmp_spread_decide(1, 1, 0.0, 0.05, 1, 2) == S_IDENTICAL);
	CHECK(cmp_spread_decide(0, 1, 0.01, 0.05, 1, 2) == S_WIDER);
	CHECK(cmp_spread_decide(0, 1, 0.01, 0.05, 2, 1) == S_NARROWER);
	CHECK(cmp_spread_decide(0, 1, 0.5, 0.05, 2, 1) == S_NO_CHANGE);
	CHECK(cmp_spread_decide(0, 0, NAN, 0.05, 2, 1) == S_UNKNOWN);
}
